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
struct RowCounts: Sendable {
    /// The tables whose rows the node trusts for answers.
    static let tables = ["election_roll", "election_counted", "election_seen", "ledger_contributions", "ledger_reversals"]

    let tags: RowTags

    init(key: [UInt8]) { tags = RowTags(module: "node", key: key) }

    static func createTable(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS node_row_counts(name TEXT PRIMARY KEY, count INTEGER NOT NULL, tag BLOB NOT NULL)")
    }

    /// Sets every count to zero (when the tables are emptied to be rebuilt from the log).
    func reset(_ db: Database) throws {
        for table in Self.tables { try set(table, 0, db) }
    }

    /// Records `n` rows just inserted into `table`, in the inserting transaction.
    func added(_ n: Int, to table: String, _ db: Database) throws {
        try set(table, try stored(table, db) + n, db)
    }

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
