import Foundation
import GRDB

/// How many rows each table of trusted projection rows holds, so that a deleted row is noticed:
/// a tag catches an edited row, but a deleted one simply stops answering (a roll record falls back
/// to its previous version, a counted ballot or a contribution vanishes).
///
/// Table `node_row_counts(name TEXT PRIMARY KEY, count INTEGER, tag BLOB)`: one row per counted
/// table, tagged like the rows themselves (see ``RowTags``), updated in the transaction that
/// inserts rows (rows are never deleted but when the node migrates its tables, which resets the
/// counts). Opening a node compares every stored count with the table's `count(*)`: a missing,
/// altered or different count refuses to open with ``NodeError/damaged(_:)``.
///
/// Rows inserted are counted in memory and the counts written once, at the end of the inserting
/// transaction (``flush(_:)``), rather than read, checked and rewritten for every row: a batch of
/// thousands of enrolments updates each count once.
struct RowCounts: Sendable {
    /// The tables whose rows the node trusts for answers.
    static let tables = ["election_roll", "election_counted", "election_seen", "ledger_contributions", "ledger_reversals"]

    let tags: RowTags
    /// Rows inserted by the transaction in progress, by table, not yet written.
    private let pending = Pending()

    init(key: [UInt8]) { tags = RowTags(module: "node", key: key) }

    /// The counts of the transaction in progress (used under the node's lock; locked anyway).
    private final class Pending: @unchecked Sendable {
        private var added: [String: Int] = [:]
        private let lock = NSLock()
        func add(_ n: Int, _ table: String) { lock.withLock { added[table, default: 0] += n } }
        func take() -> [String: Int] { lock.withLock { defer { added = [:] }; return added } }
    }

    static func createTable(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS node_row_counts(name TEXT PRIMARY KEY, count INTEGER NOT NULL, tag BLOB NOT NULL)")
    }

    /// Sets every count to zero (when the tables are emptied to be rebuilt from the log).
    func reset(_ db: Database) throws {
        for table in Self.tables { try set(table, 0, db) }
    }

    /// Records `n` rows just inserted into `table` by the transaction in progress; written by
    /// ``flush(_:)`` before that transaction commits.
    func added(_ n: Int, to table: String) {
        pending.add(n, table)
    }

    /// Writes the counts of the rows the transaction in progress inserted: the last step of every
    /// transaction that projects entries (their rows and their counts commit together).
    func flush(_ db: Database) throws {
        for (table, n) in pending.take().sorted(by: { $0.key < $1.key }) where n != 0 {
            try set(table, try stored(table, db) + n, db)
        }
    }

    /// Forgets counts of rows whose transaction was rolled back (or is about to start).
    func discardPending() { _ = pending.take() }

    /// Refuses a node whose tables do not hold the number of rows recorded.
    /// - Throws: ``NodeError/damaged(_:)``.
    func check(_ db: Database) throws {
        for table in Self.tables {
            let expected = try stored(table, db)
            let actual = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            guard actual == expected else {
                throw NodeError.damaged("the table \(table) holds \(actual) rows where \(expected) were written (rows \(actual < expected ? "deleted" : "added") outside the node)")
            }
        }
    }

    private func stored(_ table: String, _ db: Database) throws -> Int {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT count, tag FROM node_row_counts WHERE name = ?"), arguments: [table]) else {
            throw NodeError.damaged("the row count of \(table) is missing")
        }
        let count: Int = row["count"]
        try tags.check([UInt8](row["tag"] as Data), "row count", Array(table.utf8), count, [])
        return count
    }

    private func set(_ table: String, _ count: Int, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO node_row_counts(name, count, tag) VALUES (?, ?, ?)")
            .execute(arguments: [table, count, Data(tags.tag("row count", Array(table.utf8), count, []))])
    }
}
