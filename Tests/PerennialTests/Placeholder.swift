import Testing
@testable import Perennial

@Test func PerennialBuilds() {
    #expect(Bool(true))
}
