import Testing
@testable import BallotCore

@Test func BallotCoreBuilds() {
    #expect(Bool(true))
}
