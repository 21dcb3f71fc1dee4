import BallotCore
import CivicLog
import Foundation
@testable import Perennial
import Testing

/// `KioskRefusal` and `KioskDesk.Refused` folded into ``NodeError`` (#11): a kiosk refusal is a
/// `NodeError` of reason `.kiosk` that carries what the voter reads, and never internals.
@Suite struct NodeErrorTests {
    static let every: [KioskRefusal] = [
        .notOnRoll, .outsideWindow(next: nil),
        .outsideWindow(next: DaySpan(first: try! LocalDate(iso: "2027-03-14"), last: try! LocalDate(iso: "2027-03-20"))),
        .replaced, .closed, .notOpenYet(start: nil), .notOpenYet(start: try! LocalDate(iso: "2027-01-01")),
        .noContests, .contestsChanged, .windowJustClosed, .technical,
    ]

    @Test(arguments: every)
    func aKioskRefusalIsANodeErrorWithItsOwnSentence(refusal: KioskRefusal) {
        let error = NodeError.kiosk(refusal, reason: "some-reason", detail: "SQLite error 11 at /var/lib/node")
        #expect(error.reason == .kiosk)
        #expect(error.refusal == refusal)
        #expect(error.kioskReason == "some-reason")
        #expect(error.detail == "SQLite error 11 at /var/lib/node")
        // The message is the refusal's sentence: the detail (internals) stays out of it.
        #expect(error.message == refusal.summary)
        #expect(!error.message.contains("SQLite"))
        #expect(error.message.hasSuffix("."))
    }

    @Test func summariesNameTheNextWindowAndTheStart() {
        let next = DaySpan(first: try! LocalDate(iso: "2027-03-14"), last: try! LocalDate(iso: "2027-03-20"))
        #expect(KioskRefusal.outsideWindow(next: next).summary.contains("from 2027-03-14 to 2027-03-20"))
        #expect(KioskRefusal.notOpenYet(start: try! LocalDate(iso: "2027-01-01")).summary.contains("2027-01-01"))
        #expect(Set(Self.every.map(\.summary)).count == Self.every.count)
    }

    @Test func aPlainNodeErrorIsNotAKioskRefusal() {
        let error = NodeError("The key file is missing.")
        #expect(error.reason == .failed)
        #expect(error.refusal == nil && error.kioskReason == nil && error.detail == nil)
        #expect(error.description == "The key file is missing.")
    }

    /// How the desk maps what the engine throws to what the kiosk shows.
    @Test func theDeskMapsEngineErrorsToKioskRefusals() {
        let plain = KioskDesk.refused(NodeError("The node's data directory is damaged."))
        #expect(plain.refusal == .technical && plain.kioskReason == "node")
        #expect(plain.detail == "The node's data directory is damaged.")
        let election = KioskDesk.refused(ElectionError(.unknownCredential, "not on the roll"))
        #expect(election.refusal == .notOnRoll && election.kioskReason == "unknownCredential" && election.detail == nil)
        let kiosk = NodeError.kiosk(.closed)
        #expect(KioskDesk.refused(kiosk).refusal == .closed)
        let log = KioskDesk.refused(LogError.damagedSnapshot)
        #expect(log.refusal == .technical && log.kioskReason == "log-damagedSnapshot")
        struct Other: Error {}
        #expect(KioskDesk.refused(Other()).kioskReason == "internal")
    }
}
