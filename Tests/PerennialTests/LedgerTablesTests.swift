import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import GRDB
import Testing
@testable import Perennial

/// The ledger's contributions and reversals live in tagged SQLite rows: the snapshot stays small,
/// statements read the account's rows, and an altered row is reported as damage.
@Suite("Ledger rows")
struct LedgerTablesTests {
    typealias Fixture = LedgerEngineTests.Fixture

    static func statement(_ node: Node, account: Int = 1) throws -> String {
        try node.ledgerState().statement(account: .numbered(account), year: 2026).json()
    }

    @Test func contributionsAreRowsNotInTheSnapshot() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let first = try f.node.submitLedger(f.contribution("S-0"), signer: f.org)
        let contributions = (1...30).map { f.contribution("S-\($0)", account: $0 % 3 + 1, date: "2026-04-\($0 < 10 ? "0" : "")\($0)") }
        try f.node.submitContributions(contributions, signer: f.org)
        try f.node.submitLedger(Reversal(entry: Int(first.index), reason: "duplicate"), signer: f.officer)
        let before = try (1...3).map { try Self.statement(f.node, account: $0) }
        try f.node.saveSnapshot()
        let length = try ElectionTablesTests.database(f.directory).read { db in
            try Int.fetchOne(db, sql: "SELECT length(state) FROM node_snapshot WHERE module = 'ledger'") ?? -1
        }
        // Settings and accreditation indices only, not 31 contributions and a reversal.
        #expect(length >= 0 && length < 40, "ledger snapshot of \(length) bytes")
        let reopened = try Node(directory: f.directory, clock: f.clock)
        #expect(try (1...3).map { try Self.statement(reopened, account: $0) } == before)
        #expect(try reopened.ledgerState().counts().contributions == 31)
        #expect(try reopened.ledgerState().counts().reversals == 1)
        #expect(try reopened.ledgerState().contribution(at: Int(first.index))?.reversedBy != nil)
    }

    @Test func aNodeReplayingFromAnOlderSnapshotReadsTheRowsAsOfEachEntry() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        try f.node.saveSnapshot()
        // Rows written after the snapshot: a node opened now replays these entries over rows that
        // already hold them (the same attestation, the same hours, the reversal).
        let a = try f.node.submitLedger(f.contribution("L-1"), signer: f.org)
        try f.node.submitLedger(Reversal(entry: Int(a.index), reason: "wrong day"), signer: f.org)
        try f.node.submitLedger(f.contribution("L-2"), signer: f.org)  // the same hours, now free again
        let before = try Self.statement(f.node)
        let reopened = try Node(directory: f.directory, clock: f.clock)
        #expect(reopened.snapshotSize < Int(try f.node.store.size()))
        #expect(try Self.statement(reopened) == before)
        #expect(try reopened.ledgerState().statement(account: .numbered(1), year: 2026).totalMinutes == 120)
    }

    @Test func anAlteredContributionRowIsReportedAsDamageAndRefusesTheEntry() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let a = try f.node.submitLedger(f.contribution("D-1"), signer: f.org)
        try f.node.saveSnapshot()
        // The record's first bytes are its index: another index, the tag no longer matches.
        try ElectionTablesTests.database(f.directory).write { db in
            try db.execute(sql: "UPDATE ledger_contributions SET record = x'02' || substr(record, 2) WHERE idx = ?", arguments: [Int(a.index)])
        }
        let reopened = try Node(directory: f.directory, clock: f.clock)
        let size = try reopened.store.size()
        let message = NodeIntegrityTests.damagedMessage { _ = try Self.statement(reopened) }
        #expect(message?.contains("damaged") == true, "\(message ?? "read")")
        let refusal = NodeIntegrityTests.damagedMessage { try reopened.submitLedger(f.contribution("D-2", start: "14:00", end: "15:00"), signer: f.org) }
        #expect(refusal?.contains("damaged") == true, "\(refusal ?? "accepted")")
        #expect(try reopened.store.size() == size)
    }

    @Test func aContributionMovedToAnotherAccountIsReportedAsDamage() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        try f.node.submitLedger(f.contribution("M-1"), signer: f.org)
        // The lookup column says account 2; the tagged record still says account 1.
        try ElectionTablesTests.database(f.directory).write { db in
            try db.execute(sql: "UPDATE ledger_contributions SET account = ?", arguments: [AccountID.numbered(2).text])
        }
        let reopened = try Node(directory: f.directory, clock: f.clock)
        let message = NodeIntegrityTests.damagedMessage { _ = try Self.statement(reopened, account: 2) }
        #expect(message?.contains("damaged") == true, "\(message ?? "read")")
    }

    @Test func anAlteredReversalRowIsReportedAsDamage() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let a = try f.node.submitLedger(f.contribution("V-1"), signer: f.org)
        try f.node.submitLedger(Reversal(entry: Int(a.index), reason: "wrong"), signer: f.org)
        #expect(try f.node.ledgerState().statement(account: .numbered(1), year: 2026).totalMinutes == 0)
        try ElectionTablesTests.database(f.directory).write { db in
            try db.execute(sql: "UPDATE ledger_reversals SET record = substr(record, 1, length(record) - 1) || x'41'")
        }
        let reopened = try Node(directory: f.directory, clock: f.clock)
        let message = NodeIntegrityTests.damagedMessage { _ = try Self.statement(reopened) }
        #expect(message?.contains("damaged") == true, "\(message ?? "read")")
    }
}
