import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import GRDB

/// The election's growing state as rows of the node's SQLite file (see ``BallotCore/ElectionRows``),
/// written in the transaction of the entry that changes them, so that opening a node reads none of
/// them and a lookup reads one:
///
/// - `election_roll(credential, entry, record, tag)`: every version of each credential's roll record;
/// - `election_counted(slot, entry, tag)`: every ballot that became the counted one of its slot
///   (lineage `#` window);
/// - `election_seen(hash, entry, tag)`: the SHA-256 of every ballot payload seen, and of every
///   ballot ciphertext's `a` in its own domain (BAL-5's fresh randomness), with the entry that first
///   recorded it.
///
/// Each row is versioned by the index of the entry that wrote it, and read as of ``asOf``. Each row
/// carries a keyed BLAKE2b tag (the key is derived from the log key): a row edited on disk is
/// never used; reading it reports the node as damaged.
final class ElectionTables: ElectionRows, @unchecked Sendable {
    var asOf = -1
    var writable = true
    var failure: (any Error)?

    private let slot: TransactionSlot
    private let store: LogStore
    private let tags: RowTags
    private let counts: RowCounts
    /// The node's lock: rows are read and written under it, so that a reader on another task
    /// (a kiosk asking for a roll record) never uses the transaction of an append in progress.
    private let lock: NSRecursiveLock

    init(slot: TransactionSlot, store: LogStore, key: [UInt8], counts: RowCounts, lock: NSRecursiveLock) {
        self.slot = slot
        self.store = store
        self.tags = RowTags(module: "election", key: key)
        self.counts = counts
        self.lock = lock
    }

    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS election_roll(credential TEXT NOT NULL, entry INTEGER NOT NULL, record BLOB NOT NULL,
                tag BLOB NOT NULL, PRIMARY KEY (credential, entry)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS election_counted(slot TEXT NOT NULL, entry INTEGER NOT NULL, tag BLOB NOT NULL,
                PRIMARY KEY (slot, entry)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS election_seen(hash BLOB NOT NULL PRIMARY KEY, entry INTEGER NOT NULL,
                tag BLOB NOT NULL) WITHOUT ROWID;
            """)
    }

    static func deleteAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM election_roll; DELETE FROM election_counted; DELETE FROM election_seen;")
    }

    // MARK: ElectionRows

    func rollRecord(_ credential: String) -> Roll.Record? {
        read("roll") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT entry, record, tag FROM election_roll WHERE credential = ? AND entry <= ? ORDER BY entry DESC LIMIT 1
                """), arguments: [credential, asOf]) else { return nil }
            let record = [UInt8](row["record"] as Data)
            try check(row, table: "roll", key: Array(credential.utf8), value: record)
            return try Roll.Record(encoded: record)
        }
    }

    func putRollRecord(_ record: Roll.Record, credential: String, entry: Int) {
        let value = record.encoded
        write("roll") { db in
            let arguments: StatementArguments = [credential, entry, Data(value), Data(tag("roll", Array(credential.utf8), entry, value))]
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO election_roll(credential, entry, record, tag) VALUES (?, ?, ?, ?)")
                .execute(arguments: arguments)
            if db.changesCount > 0 { return counts.added(1, to: "election_roll") }
            // The same entry rewrote the record (the row count does not change).
            try db.cachedStatement(sql: "REPLACE INTO election_roll(credential, entry, record, tag) VALUES (?, ?, ?, ?)")
                .execute(arguments: arguments)
        }
    }

    func countedBallot(slot name: String) -> Int? {
        read("counted") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT entry, tag FROM election_counted WHERE slot = ? AND entry <= ? ORDER BY entry DESC LIMIT 1
                """), arguments: [name, asOf]) else { return nil }
            try check(row, table: "counted", key: Array(name.utf8), value: [])
            return row["entry"] as Int
        }
    }

    func putCountedBallot(slot name: String, entry: Int) {
        write("counted") { db in
            // The row is a function of its key: one already there is the same row.
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO election_counted(slot, entry, tag) VALUES (?, ?, ?)")
                .execute(arguments: [name, entry, Data(tag("counted", Array(name.utf8), entry, []))])
            if db.changesCount > 0 { counts.added(1, to: "election_counted") }
        }
    }

    func hasSeen(_ payloadHash: [UInt8]) -> Bool {
        read("seen") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT entry, tag FROM election_seen WHERE hash = ?"),
                                             arguments: [Data(payloadHash)]) else { return false }
            try check(row, table: "seen", key: payloadHash, value: [])
            return (row["entry"] as Int) <= asOf
        } ?? false
    }

    /// The entry that first recorded this payload hash (a `ballot.cast`, or the `ballot.spoil` that
    /// carried it), as of ``asOf``: how the server answers a resubmitted ballot without reading the log.
    func seenEntry(_ payloadHash: [UInt8]) -> Int? {
        read("seen") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT entry, tag FROM election_seen WHERE hash = ?"),
                                             arguments: [Data(payloadHash)]) else { return nil }
            try check(row, table: "seen", key: payloadHash, value: [])
            let entry = row["entry"] as Int
            return entry <= asOf ? entry : nil
        }
    }

    func putSeen(_ payloadHash: [UInt8], entry: Int) {
        // The first entry that saw a payload keeps it (a challenged ballot may repeat one).
        write("seen") { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO election_seen(hash, entry, tag) VALUES (?, ?, ?)")
                .execute(arguments: [Data(payloadHash), entry, Data(tag("seen", payloadHash, entry, []))])
            if db.changesCount > 0 { counts.added(1, to: "election_seen") }
        }
    }

    // MARK: Reading, writing, tags

    private func read<T>(_ table: String, _ body: (Database) throws -> T?) -> T? {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try slot.read(store: store) { db in
                try counts.requireChecked(db)
                return try body(db)
            }
        } catch {
            if failure == nil { failure = Self.damage(table, error) }
            return nil
        }
    }

    private func write(_ table: String, _ body: (Database) throws -> Void) {
        guard writable else { return }
        lock.lock()
        defer { lock.unlock() }
        do {
            guard let db = slot.database else { throw NodeError("the election's rows are written outside an append") }
            try counts.requireChecked(db)
            try body(db)
        } catch {
            if failure == nil { failure = Self.damage(table, error) }
        }
    }

    private static func damage(_ table: String, _ error: any Error) -> any Error {
        if error is NodeError || error is LogError { return error }
        if let error = error as? DatabaseError {
            return NodeError.damaged("the election's \(table) rows cannot be read (SQLite: \(error.message ?? "\(error.resultCode)"))")
        }
        return NodeError.damaged("a stored \(table) row of the election is malformed")
    }

    private func tag(_ table: String, _ key: [UInt8], _ entry: Int, _ value: [UInt8]) -> [UInt8] {
        tags.tag(table, key, entry, value)
    }

    private func check(_ row: Row, table: String, key: [UInt8], value: [UInt8]) throws {
        try tags.check(row, table: table, key: key, value: value)
    }
}
