import Testing
@testable import CivicLog

@Test func CivicLogBuilds() {
    #expect(Bool(true))
}
