import Foundation
import GRDB

/// How many rows each table of trusted projection rows holds, so that a deleted row is noticed:
/// a tag catches an edited row, but a deleted one simply stops answering (a roll record falls back
/// to its previous version, a counted ballot or a contribution vanishes).
///
/// Table `node_row_counts(name TEXT PRIMARY KEY, count INTEGER, tag BLOB)`: one row per counted
/// table, tagged like the rows themselves (see ``RowTags``), updated in the transaction that
/// inserts rows (rows are never deleted but when the node migrates its tables, which resets the
/// counts). A count cannot be lowered to hide a deletion without the log key (its tag), and it only
/// ever grows by rows actually inserted.
///
/// **Every b-tree a lookup finds rows through is counted** (``btrees``): the table itself
/// (`NOT INDEXED`) and each of its indexes. An attacker holding the SQLite file can make an index
/// disagree with its table (edit the pages, hide the index from SQLite while deleting, or redefine
/// it as a partial index), so counting only the smallest b-tree — what a bare `count(*)` does, and
/// `count(*)` ignores `INDEXED BY` — would miss a row deleted from the others. An index is counted
/// by scanning it (`INDEXED BY` with a `WHERE` that disables the `count(*)` shortcut; only rowid
/// tables have indexes here); a partial index cannot answer that scan and refuses. A row missing
/// from the table but not from an index is also caught when read through the index (SQLite reports
/// the file as malformed). A dropped index is rebuilt from the table at open (`CREATE INDEX IF NOT
/// EXISTS`), so it agrees with the table.
///
/// **Checked lazily, once per process** (``requireChecked(_:)``): counting is linear in the rows
/// (it visits every page of each b-tree), so it is not done at open — opening a node is flat in the
/// log's size — but before the first row is read or written, by the node's row readers and writers
/// (``ElectionTables``, ``LedgerTables``), in the same database access. Nothing is answered from, or
/// decided on, a row before the check has passed; a command that reads no row (term status) does
/// not pay it. A check that fails is not remembered as passed: every later read refuses too.
///
/// Rows inserted are counted in memory and the counts written once, at the end of the inserting
/// transaction (``flush(_:)``), rather than read, checked and rewritten for every row: a batch of
/// thousands of enrolments updates each count once. The lazy check always runs before the first
/// insert of a process, so it never sees rows whose count is still pending.
final class RowCounts: @unchecked Sendable {
    /// The tables whose rows the node trusts for answers.
    static let tables = ["election_roll", "election_counted", "election_seen", "ledger_contributions", "ledger_reversals"]

    /// The b-trees of `table` that lookups find rows through: the table and each of its indexes
    /// (kept in step with ``ElectionTables/createTables(_:)`` and ``LedgerTables/createTables(_:)``;
    /// a test compares it with the schema).
    static func btrees(_ table: String) -> [String] {
        switch table {
        case "ledger_contributions": ["ledger_contributions_account", "ledger_contributions_attestation"]
        case "ledger_reversals": ["ledger_reversals_entry"]
        default: []
        }
    }

    let tags: RowTags
    private let state = NSLock()
    private var checked = false
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

    /// ``check(_:)`` once per process: called before the first row read or write, in its database access.
    /// - Throws: ``NodeError/damaged(_:)``.
    func requireChecked(_ db: Database) throws {
        state.lock()
        defer { state.unlock() }
        guard !checked else { return }
        try check(db)
        checked = true
    }

    /// Refuses a node whose tables (or indexes) do not hold the number of rows recorded.
    /// - Throws: ``NodeError/damaged(_:)``.
    func check(_ db: Database) throws {
        for table in Self.tables {
            let expected = try stored(table, db)
            let counts = [("table \(table)", "SELECT count(*) FROM \(table) NOT INDEXED")]
                + Self.btrees(table).map { ("index \($0) of \(table)", "SELECT count(*) FROM \(table) INDEXED BY \($0) WHERE +rowid IS NOT NULL") }
            for (name, sql) in counts {
                let actual: Int
                do {
                    actual = try Int.fetchOne(db, sql: sql) ?? 0
                } catch let error as DatabaseError {
                    // An index redefined as partial ("no query solution"), or a malformed b-tree.
                    throw NodeError.damaged("the \(name) cannot be counted (SQLite: \(error.message ?? "\(error.resultCode)"))")
                }
                guard actual == expected else {
                    throw NodeError.damaged("the \(name) holds \(actual) rows where \(expected) were written (rows \(actual < expected ? "deleted" : "added") outside the node)")
                }
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
