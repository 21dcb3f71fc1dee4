import Testing
@testable import Deliberation

@Test func DeliberationBuilds() {
    #expect(Bool(true))
}
