import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import GRDB
@testable import PerennialBench
import Testing
@testable import Perennial

/// A deleted row of a trusted table (roll, counted ballots, seen ballots, contributions, reversals)
/// makes the node refuse before it reads or writes any row (once per process, not at open: opening
/// stays flat in the log's size): the node keeps a tagged count of every such table, compared with
/// every b-tree of the table (the table and each index).
@Suite("Row counts")
struct RowCountTests {
    /// A benchmark node (roll, ballots, contributions, comments) with one reversal, and its directory.
    static func node() throws -> (URL, ManualClock) {
        let base = NodeTests.directory()
        let clock = ManualClock(milliseconds: 1_790_000_000_000)
        var builder = try NodeBench.Builder(dir: base.appendingPathComponent("node"), side: base.appendingPathComponent("keys"), clock: clock)
        _ = try builder.fill(to: 200, maxBallots: 4)
        let contribution = try builder.node.store.database.read { db in try Int.fetchOne(db, sql: "SELECT min(idx) FROM ledger_contributions")! }
        try builder.node.submitLedger(Reversal(entry: contribution, reason: "test"), signer: builder.organisation)
        return (base, clock)
    }

    /// Opens the node and reads a row (the first row read of the process checks the counts of every
    /// table), twice: a failed check is not remembered as passed. The refusal, or nil.
    static func firstRowReadRefusal(_ dir: URL, _ clock: ManualClock) -> String? {
        NodeIntegrityTests.damagedMessage {
            let node = try Node(directory: dir, clock: clock)
            let first = NodeIntegrityTests.damagedMessage { _ = try node.rollRecord(String(repeating: "0", count: 64)) }
            let second = NodeIntegrityTests.damagedMessage { _ = try node.ledgerState().allContributions() }
            if let first, second == nil { throw NodeError("but the second read passed, after: \(first)") }
            if let refusal = first ?? second { throw NodeError(refusal) }
        }
    }

    static func count(_ table: String, _ dir: URL) throws -> Int {
        try ElectionTablesTests.database(dir).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    @Test(arguments: [
        ("election_roll", "DELETE FROM election_roll WHERE (credential, entry) IN (SELECT credential, entry FROM election_roll LIMIT 1 OFFSET 3)"),
        ("election_counted", "DELETE FROM election_counted WHERE (slot, entry) IN (SELECT slot, entry FROM election_counted LIMIT 1)"),
        ("election_seen", "DELETE FROM election_seen WHERE hash IN (SELECT hash FROM election_seen LIMIT 1)"),
        ("ledger_contributions", "DELETE FROM ledger_contributions WHERE idx IN (SELECT idx FROM ledger_contributions LIMIT 1 OFFSET 5)"),
        ("ledger_reversals", "DELETE FROM ledger_reversals"),
    ])
    func aDeletedRowMakesTheFirstRowReadRefuse(table: String, delete: String) throws {
        let (base, clock) = try Self.node()
        defer { try? FileManager.default.removeItem(at: base) }
        let dir = base.appendingPathComponent("node")
        let before = try Self.count(table, dir)
        #expect(before > 0)
        _ = try Node(directory: dir, clock: clock)  // intact: opens
        try ElectionTablesTests.database(dir).write { db in try db.execute(sql: delete) }
        #expect(try Self.count(table, dir) == before - 1)
        let message = Self.firstRowReadRefusal(dir, clock)
        #expect(message?.contains("damaged") == true && message?.contains(table) == true, "\(message ?? "read")")
        #expect(message?.contains("restore the data directory from a backup") == true)
        #expect(message?.contains("but the second read passed") == false, "\(message ?? "read")")
    }

    /// An index that lacks rows its table holds (here redefined as a partial index, which SQLite
    /// keeps in step with the table only for the rows it covers) would make a lookup through it miss
    /// a row: every index is counted on its own.
    @Test func anIndexLackingRowsOfItsTableRefuses() throws {
        let (base, clock) = try Self.node()
        defer { try? FileManager.default.removeItem(at: base) }
        let dir = base.appendingPathComponent("node")
        #expect(Self.firstRowReadRefusal(dir, clock) == nil)
        try ElectionTablesTests.database(dir).write { db in
            let second = try Int.fetchOne(db, sql: "SELECT idx FROM ledger_contributions ORDER BY idx LIMIT 1 OFFSET 1")!
            try db.execute(sql: """
                DROP INDEX ledger_contributions_attestation;
                CREATE INDEX ledger_contributions_attestation ON ledger_contributions(org, attestation) WHERE idx >= \(second);
                """)
        }
        let message = Self.firstRowReadRefusal(dir, clock)
        #expect(message?.contains("damaged") == true && message?.contains("ledger_contributions_attestation") == true, "\(message ?? "read")")
    }

    @Test func everyIndexOfACountedTableIsCounted() throws {
        let (base, _) = try Self.node()
        defer { try? FileManager.default.removeItem(at: base) }
        let db = try ElectionTablesTests.database(base.appendingPathComponent("node"))
        for table in RowCounts.tables {
            let indexes = try db.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name", arguments: [table])
            }
            #expect(indexes == RowCounts.btrees(table).sorted(), "\(table)")
        }
    }

    @Test func anAlteredOrMissingCountRefuses() throws {
        let (base, clock) = try Self.node()
        defer { try? FileManager.default.removeItem(at: base) }
        let dir = base.appendingPathComponent("node")
        // A row deleted and its count lowered to match: the count's tag no longer matches.
        try ElectionTablesTests.database(dir).write { db in
            try db.execute(sql: "DELETE FROM ledger_reversals")
            try db.execute(sql: "UPDATE node_row_counts SET count = count - 1 WHERE name = 'ledger_reversals'")
        }
        let altered = Self.firstRowReadRefusal(dir, clock)
        #expect(altered?.contains("damaged") == true, "\(altered ?? "read")")
        try ElectionTablesTests.database(dir).write { db in try db.execute(sql: "DELETE FROM node_row_counts WHERE name = 'election_roll'") }
        let missing = Self.firstRowReadRefusal(dir, clock)
        #expect(missing?.contains("damaged") == true, "\(missing ?? "read")")
    }

    @Test func countsFollowEveryInsertAndAReloadKeepsThem() throws {
        let (base, clock) = try Self.node()
        defer { try? FileManager.default.removeItem(at: base) }
        let dir = base.appendingPathComponent("node")
        let node = try Node(directory: dir, clock: clock)
        try node.reload()
        let stored = try node.store.database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, count FROM node_row_counts").map { ($0["name"] as String, $0["count"] as Int) })
        }
        for table in RowCounts.tables { #expect(stored[table] == (try Self.count(table, dir)), "\(table)") }
        _ = try Node(directory: dir, clock: clock)
    }
}
