import Testing
@testable import CivicLedger

@Test func CivicLedgerBuilds() {
    #expect(Bool(true))
}
