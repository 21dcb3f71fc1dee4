import CivicLedger
import CivicLog
import Foundation
import GRDB

/// The ledger's growing state as rows of the node's SQLite file (see ``CivicLedger/LedgerRows``),
/// written by ``LedgerModule`` in the transaction of the entry that records them, so that neither
/// opening the node nor the ledger's snapshot holds every contribution, and a statement reads only
/// the account's rows:
///
/// - `ledger_contributions(idx, org, attestation, account, category, date, start_utc, end_utc,
///   minutes, record, tag)`: every contribution; `record` is the whole contribution in binary
///   (``CivicLedger/RecordedContribution/encoded``), the other columns are there to look it up;
/// - `ledger_reversals(idx, entry, record, tag)`: every reversal, with the contribution it reverses.
///
/// Rows are never updated (a reversal is a row of its own), so each keeps its tag: a keyed BLAKE2b
/// of its `idx` and `record` (see ``RowTags``). A read checks the tag, and that the lookup columns
/// say what the record says; an altered row reports the node as damaged. Reads are as of ``asOf``.
final class LedgerTables: LedgerRows, @unchecked Sendable {
    var asOf = -1

    private let slot: TransactionSlot
    private let store: LogStore
    private let tags: RowTags
    private let rowCounts: RowCounts
    /// The node's lock (see ``ElectionTables``).
    private let lock: NSRecursiveLock

    init(slot: TransactionSlot, store: LogStore, key: [UInt8], counts: RowCounts, lock: NSRecursiveLock) {
        self.slot = slot
        self.store = store
        self.tags = RowTags(module: "ledger", key: key)
        self.rowCounts = counts
        self.lock = lock
    }

    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS ledger_organisations(org TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, accredited_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS ledger_contributions(idx INTEGER PRIMARY KEY, org TEXT NOT NULL, attestation TEXT NOT NULL,
                account TEXT NOT NULL, category TEXT NOT NULL, date TEXT NOT NULL, start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,
                minutes INTEGER NOT NULL, record BLOB NOT NULL, tag BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_contributions_account ON ledger_contributions(account, date);
            CREATE INDEX IF NOT EXISTS ledger_contributions_attestation ON ledger_contributions(org, attestation);
            CREATE TABLE IF NOT EXISTS ledger_reversals(idx INTEGER PRIMARY KEY, entry INTEGER NOT NULL, record BLOB NOT NULL,
                tag BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_reversals_entry ON ledger_reversals(entry);
            """)
    }

    static func deleteAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM ledger_organisations; DELETE FROM ledger_contributions; DELETE FROM ledger_reversals;")
    }

    // MARK: Writing (in the entry's transaction)

    func put(_ c: RecordedContribution, db: Database) throws {
        let record = c.encoded
        try rowCounts.requireChecked(db)
        try db.cachedStatement(sql: """
            INSERT INTO ledger_contributions(idx, org, attestation, account, category, date, start_utc, end_utc, minutes, record, tag)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [c.index, c.payload.org, c.payload.attestation, c.account.text, c.payload.category, c.payload.date,
                                     c.startUTC, c.endUTC, c.minutes, Data(record), Data(tags.tag("contribution", [], c.index, record))])
        rowCounts.added(1, to: "ledger_contributions")
    }

    func put(_ r: RecordedReversal, db: Database) throws {
        let record = r.encoded
        try rowCounts.requireChecked(db)
        try db.cachedStatement(sql: "INSERT INTO ledger_reversals(idx, entry, record, tag) VALUES (?, ?, ?, ?)")
            .execute(arguments: [r.index, r.entry, Data(record), Data(tags.tag("reversal", [], r.index, record))])
        rowCounts.added(1, to: "ledger_reversals")
    }

    // MARK: LedgerRows

    /// A contribution joined with its reversal (as of ``asOf``).
    private static let selectContributions = """
        SELECT c.idx, c.org, c.attestation, c.account, c.date, c.record, c.tag,
               r.idx AS r_idx, r.entry AS r_entry, r.record AS r_record, r.tag AS r_tag
        FROM ledger_contributions c LEFT JOIN ledger_reversals r ON r.entry = c.idx AND r.idx <= :asOf
        """

    func contribution(at index: Int) throws -> RecordedContribution? {
        try contributions(where: "c.idx = :index AND c.idx <= :asOf", ["index": index]).first
    }

    func contributions(of account: AccountID) throws -> [RecordedContribution] {
        let found = try contributions(where: "c.account = :account AND c.idx <= :asOf", ["account": account.text])
        guard found.allSatisfy({ $0.account == account }) else { throw altered("contribution") }
        return found
    }

    func allContributions() throws -> [RecordedContribution] {
        try contributions(where: "c.idx <= :asOf", [:])
    }

    func hasAttestation(org: String, attestation: String) throws -> Bool {
        let found = try contributions(where: "c.org = :org AND c.attestation = :attestation AND c.idx <= :asOf",
                                      ["org": org, "attestation": attestation])
        guard found.allSatisfy({ $0.payload.org == org && $0.payload.attestation == attestation }) else { throw altered("contribution") }
        return !found.isEmpty
    }

    func reversal(at index: Int) throws -> RecordedReversal? {
        try read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT idx, entry, record, tag FROM ledger_reversals WHERE idx = ? AND idx <= ?
                """), arguments: [index, asOf]) else { return nil }
            return try reversal(row, prefix: "")
        }
    }

    func counts() throws -> (contributions: Int, reversals: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_contributions WHERE idx <= ?", arguments: [asOf]) ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_reversals WHERE idx <= ?", arguments: [asOf]) ?? 0)
        }
    }

    // MARK: Reading and checking

    /// The contributions matching `condition`, in log order, each checked with its reversal.
    private func contributions(where condition: String, _ arguments: [String: (any DatabaseValueConvertible)?]) throws -> [RecordedContribution] {
        var named = arguments
        named["asOf"] = asOf
        return try read { db in
            var found: [RecordedContribution] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.selectContributions + " WHERE \(condition) ORDER BY c.idx"),
                                           arguments: StatementArguments(named))
            while let row = try rows.next() {
                let index: Int = row["idx"]
                let record = [UInt8](row["record"] as Data)
                try tags.check([UInt8](row["tag"] as Data), "contribution", [], index, record)
                let reversal = try (row["r_idx"] as Int?).map { _ in try self.reversal(row, prefix: "r_") }
                let c = try RecordedContribution(encoded: record, reversedBy: reversal?.index)
                guard c.index == index, c.payload.org == row["org"], c.payload.attestation == row["attestation"],
                      c.account.text == row["account"], c.payload.date == row["date"], reversal.map({ $0.entry == index }) ?? true,
                      found.last.map({ $0.index < index }) ?? true
                else { throw altered("contribution") }
                found.append(c)
            }
            return found
        }
    }

    private func reversal(_ row: Row, prefix: String) throws -> RecordedReversal {
        let index: Int = row[prefix + "idx"]
        let record = [UInt8](row[prefix + "record"] as Data)
        try tags.check([UInt8](row[prefix + "tag"] as Data), "reversal", [], index, record)
        let reversal = try RecordedReversal(encoded: record)
        guard reversal.index == index, reversal.entry == row[prefix + "entry"] else { throw altered("reversal") }
        return reversal
    }

    private func altered(_ table: String) -> NodeError {
        NodeError.damaged("a stored \(table) row of the ledger was altered")
    }

    /// Runs `body` under the node's lock, in the transaction in progress or a fresh read; a row that
    /// cannot be read or decoded reports the node as damaged.
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try slot.read(store: store) { db in
                try rowCounts.requireChecked(db)
                return try body(db)
            }
        } catch let error as NodeError {
            throw error
        } catch let error as LogError {
            throw error
        } catch let error as DatabaseError {
            throw NodeError.damaged("the ledger's rows cannot be read (SQLite: \(error.message ?? "\(error.resultCode)"))")
        } catch {
            throw NodeError.damaged("a stored row of the ledger is malformed")
        }
    }
}
