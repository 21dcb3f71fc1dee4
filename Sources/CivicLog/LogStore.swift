// LogStore — the civic log on SQLite (through GRDB).
//
// Storage schema (one file, `<directory>/log.sqlite`, WAL journal, `PRAGMA synchronous=FULL`):
//
//   log_meta(key TEXT PRIMARY KEY, value TEXT)
//       'schema' = '1', 'origin' = the log origin, 'log_key' = hex of the log's Ed25519 public key.
//       A store refuses to open with another origin or key.
//   entries(idx INTEGER PRIMARY KEY, time_ms, author BLOB(32), signature BLOB(64), payload BLOB,
//           leaf_hash BLOB(32))
//       One row per entry, idx = 0, 1, 2, … . Triggers refuse an insert at any index other than
//       MAX(idx)+1 (no gaps, no reordering), a time earlier than the previous entry's, and every
//       UPDATE or DELETE: the log is append-only at the database level too.
//   merkle_nodes(level INTEGER, idx INTEGER, hash BLOB(32), PRIMARY KEY(level, idx)) WITHOUT ROWID
//       Every complete (perfect) subtree of height ≥ 1: node (level, idx) covers leaves
//       idx·2^level ..< (idx+1)·2^level. Level 0 is entries.leaf_hash. An append writes at most
//       log2(n) nodes, and roots and proofs for any size read O(log² n) of them.
//   checkpoints(size INTEGER PRIMARY KEY, time_ms INTEGER, note TEXT)
//       Signed notes (SPEC §2.4), sizes strictly increasing (trigger), never updated or deleted.
//
// Projection tables of the domain modules live in the same file and are written inside the
// append transaction (see `append(_:project:)`), so the log and every projection always agree.

import CivicCrypto
import Foundation
import GRDB
import GRDBSQLite

/// The civic log: an append-only, signed RFC 6962 Merkle log of author-signed entries, stored in
/// SQLite with full durability.
///
/// One ``LogStore`` per directory per process is usual, but several (even in several processes)
/// are safe: every write runs in an `IMMEDIATE` SQLite transaction that re-reads the tree state,
/// so two writers can never assign the same index.
///
/// Every method is synchronous and blocks the calling thread (an append waits for its fsync,
/// typically a millisecond or a few); from Swift concurrency, call it from a task that may block.
///
/// - Important: an append returns only after its transaction has committed with
///   `synchronous=FULL`, so an acknowledged entry survives a crash of the process or the machine.
public final class LogStore: Sendable {
    /// The largest payload ``append(_:project:)`` accepts (1 MiB). Imports accept any size.
    public static let maximumPayloadBytes = 1 << 20

    /// The log origin (SPEC §2.4), also the record name every payload must carry.
    public let origin: String
    /// The log's Ed25519 public key (the record's `log_key`).
    public let logKey: [UInt8]
    /// The SQLite file holding the log and its projections.
    public let databaseURL: URL

    let signingKey: LogSigningKey
    let clock: any LogClock
    let pool: DatabasePool

    /// How hard an append waits for the disk.
    public enum Durability: Sendable {
        /// `synchronous=FULL`: an acknowledged entry survives a crash of the process or the machine.
        case full
        /// `synchronous=OFF`: for simulations only (the demo, benchmarks of everything but the disk).
        /// The database stays consistent after a process crash, but a machine crash may lose the
        /// latest acknowledged entries. Never use it for a real term.
        case simulation
    }

    /// Opens (creating if needed) the log stored in `directory`.
    ///
    /// - Parameters:
    ///   - directory: the store's directory; created if missing. The database is `log.sqlite` inside it.
    ///   - origin: the log origin, e.g. `perennial.example/nancy-2026` (see ``LogOrigin``).
    ///   - signingKey: the log's checkpoint key.
    ///   - clock: where log time comes from.
    ///   - durability: `.full` (the default) for every real log; `.simulation` skips fsync.
    /// - Throws: ``LogError`` if the origin is invalid, the store was created with another origin or
    ///   key (`storeMismatch`), or the database cannot be opened (`storage`).
    public init(directory: URL, origin: String, signingKey: LogSigningKey, clock: any LogClock = SystemClock(),
                durability: Durability = .full) throws {
        try LogOrigin.validate(origin)
        self.origin = origin
        self.signingKey = signingKey
        self.logKey = signingKey.publicKey
        self.clock = clock
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LogError(.io, "The log directory \(directory.path) cannot be created. Check the path and permissions.")
        }
        let databaseURL = directory.appendingPathComponent("log.sqlite")
        self.databaseURL = databaseURL
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        // Persistent WAL: the `-wal` file outlives each process, so opening the log to read never
        // writes (GRDB otherwise creates and drops a table to make the WAL file exist): a refused
        // command leaves `log.sqlite` byte for byte as it was.
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            var flag: CInt = 1
            let code = withUnsafeMutablePointer(to: &flag) { sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, $0) }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
        }
        let pool = try Self.storage("open the log database") {
            try DatabasePool(path: databaseURL.path, configuration: configuration)
        }
        self.pool = pool
        let logKey = self.logKey
        try Self.storage("set up the log database") {
            try pool.writeWithoutTransaction { db in
                // GRDB sets `synchronous = NORMAL` on the pool's writer when it enables WAL, after
                // any `prepareDatabase` hook, and NORMAL may lose the last commits on power loss. So
                // the setting is made here, outside any transaction, on the one writer connection
                // the pool keeps for its whole life.
                try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
                try db.inTransaction(.immediate) {
                    try LogSchema.create(db)
                    try LogSchema.checkMeta(db, origin: origin, logKey: logKey)
                    return .commit
                }
            }
        }
    }

    /// The database writer, for domain modules to create their projection tables (typically with
    /// a `DatabaseMigrator`) and to read them.
    ///
    /// - Important: write projections only inside ``append(_:project:)``'s closure, and never write
    ///   the log's own tables (`log_meta`, `entries`, `merkle_nodes`, `checkpoints`); triggers
    ///   refuse updates and deletes of log rows.
    public var database: any DatabaseWriter { pool }

    // MARK: - Appending

    /// Validates, appends and durably commits one entry, running `project` in the same transaction.
    ///
    /// Checks, before touching the database: the payload size, the author's signature over the
    /// payload, then the payload header (`"kind"`, then `"record"` equal to ``origin``). Then, in one
    /// `IMMEDIATE` transaction: assigns the next index and the log time (the clock's reading, or the
    /// previous entry's or latest checkpoint's time if the clock reads earlier), stores the entry and its Merkle nodes,
    /// calls `project`, and commits.
    ///
    /// - Parameters:
    ///   - envelope: the author-signed entry.
    ///   - project: validates the entry against the projection tables and updates them, with the
    ///     assigned index and time. If it throws, nothing at all is written and its error is rethrown.
    ///     It runs inside the store's write transaction, so it must use only the `Database` it is
    ///     given and must not call back into this store (GRDB forbids re-entrant writes).
    /// - Returns: the entry with its index, log time and leaf hash, once committed durably.
    /// - Throws: ``LogError`` (`badSignature`, `malformedPayload`, `wrongRecord`, `payloadTooLarge`,
    ///   `storage`) or whatever `project` throws; in every case the log is unchanged.
    @discardableResult
    public func append(
        _ envelope: EntryEnvelope, project: (Database, AppendedEntry) throws -> Void = { _, _ in }
    ) throws -> AppendedEntry {
        try append(contentsOf: [envelope], project: project)[0]
    }

    /// Appends several entries in one transaction: all are written, or none.
    ///
    /// Every envelope is validated first as in ``append(_:project:)`` (signatures are checked on all
    /// cores for large batches); `project` runs once per entry, in order. All entries of a batch get
    /// the same log time.
    /// - Returns: the appended entries, once committed durably.
    /// - Throws: as ``append(_:project:)``; the log is unchanged on any error.
    @discardableResult
    public func append(
        contentsOf envelopes: [EntryEnvelope], project: (Database, AppendedEntry) throws -> Void = { _, _ in }
    ) throws -> [AppendedEntry] {
        let origin = self.origin
        let maximum = Self.maximumPayloadBytes
        // A large batch has its signatures checked as Ed25519 batches on every core WHILE its entries
        // are written and projected in the (serial) transaction, which commits only once they have all
        // passed. On any failure, if a signature is bad, every envelope is checked again one by one in
        // order, so the error is the one of the lowest position, as if nothing had run ahead.
        let signatures = envelopes.count >= Ed25519.batchThreshold && envelopes.allSatisfy({ $0.payload.count <= maximum })
            ? SignatureBatch(envelopes) : nil
        defer { _ = signatures?.allValid }   // the background check never outlives this call
        func checkEach(signatures checked: Bool) throws {
            try ParallelVerification.verifyAll(count: envelopes.count) { i in
                let envelope = envelopes[i]
                guard envelope.payload.count <= maximum else {
                    throw LogError(.payloadTooLarge, "An entry's payload is \(envelope.payload.count) bytes; the log accepts at most \(maximum). Split the content or store it elsewhere and log its hash.")
                }
                if checked { try envelope.verifyHeader(origin: origin) } else { try envelope.verify(origin: origin) }
            }
        }
        /// Throws the first refusal of the one-by-one check when a signature of the batch is bad.
        func refuseBadSignature() throws {
            if let signatures, !signatures.allValid { try checkEach(signatures: false) }
        }
        do {
            try checkEach(signatures: signatures != nil)
        } catch {
            try refuseBadSignature()
            throw error
        }
        guard !envelopes.isEmpty else { return [] }
        var projectionError: (any Error)?
        do {
            return try pool.writeWithoutTransaction { db in
                var appended: [AppendedEntry] = []
                appended.reserveCapacity(envelopes.count)
                try db.inTransaction(.immediate) {
                    appended.removeAll(keepingCapacity: true)
                    var writer = try TreeWriter(db: db)
                    // Never before the last entry nor the last signed checkpoint: an entry dated
                    // before a checkpoint the log already signed would read as backdated (SPEC §2.2).
                    let time = max(Self.now(clock), writer.lastTime, try TreeWriter.latestCheckpointTime(db))
                    for envelope in envelopes {
                        let entry = try writer.append(envelope, timeMs: time)
                        do {
                            try project(db, entry)
                        } catch {
                            projectionError = error
                            throw error
                        }
                        appended.append(entry)
                    }
                    // Check-then-commit: nothing commits before every signature has passed.
                    if let signatures, !signatures.allValid {
                        throw LogError(.badSignature, "An entry's signature does not match its payload and author key.")
                    }
                    return .commit
                }
                return appended
            }
        } catch {
            try refuseBadSignature()
            if let projectionError { throw projectionError }
            throw Self.storageError(error, "append to the log")
        }
    }

    // MARK: - Reading

    /// The number of entries in the log.
    public func size() throws -> UInt64 {
        try read { db in try TreeWriter.size(db) }
    }

    /// The entry at `index`.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` if there is no such entry.
    public func entry(at index: UInt64) throws -> LogEntry {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: LogSchema.selectEntries + " WHERE idx = ?", arguments: [Int64(clamping: index)]) else {
                throw LogError(.notFound, "The log has no entry \(index). Ask for an index below the log size.")
            }
            return try LogSchema.entry(from: row)
        }
    }

    /// The entry at `index`, read with `db` (for a reader already inside one of this store's transactions).
    public static func entry(at index: UInt64, db: Database) throws -> LogEntry {
        guard let row = try Row.fetchOne(db, sql: LogSchema.selectEntries + " WHERE idx = ?", arguments: [Int64(clamping: index)]) else {
            throw LogError(.notFound, "The log has no entry \(index). Ask for an index below the log size.")
        }
        return try LogSchema.entry(from: row)
    }

    /// Calls `body` with each entry in `range`, in order, streaming from one consistent snapshot.
    /// - Throws: ``LogError`` if the range goes beyond the log, or whatever `body` throws.
    public func forEachEntry(in range: Range<UInt64>, _ body: (LogEntry) throws -> Void) throws {
        try read { db in
            let size = try TreeWriter.size(db)
            guard range.upperBound <= size else {
                throw LogError(.notFound, "The log has \(size) entries, so entries up to \(range.upperBound) cannot be read.")
            }
            let cursor = try Row.fetchCursor(
                db, sql: LogSchema.selectEntries + " WHERE idx >= ? AND idx < ? ORDER BY idx",
                arguments: [Int64(range.lowerBound), Int64(range.upperBound)])
            while let row = try cursor.next() { try body(try LogSchema.entry(from: row)) }
        }
    }

    /// The root hash of the first `size` entries.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` if the log is smaller than `size`.
    public func root(atSize size: UInt64) throws -> MerkleHash {
        try read { db in
            try Self.requireSize(size, db)
            return try MerkleTree.root(size: size, source: DatabaseHashSource(db: db))
        }
    }

    /// The inclusion proof of entry `index` in the tree of the first `treeSize` entries.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` unless `index < treeSize <= size()`.
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> [MerkleHash] {
        try read { db in
            try Self.requireSize(treeSize, db)
            return try MerkleTree.inclusionProof(index: index, size: treeSize, source: DatabaseHashSource(db: db))
        }
    }

    /// The consistency proof from the tree of `size1` entries to the tree of `size2` entries.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` unless `size1 <= size2 <= size()`.
    public func consistencyProof(size1: UInt64, size2: UInt64) throws -> [MerkleHash] {
        try read { db in
            try Self.requireSize(size2, db)
            return try MerkleTree.consistencyProof(size1: size1, size2: size2, source: DatabaseHashSource(db: db))
        }
    }

    // MARK: - Internals

    /// The clock's reading, capped at Int64.max (SQLite's integer range).
    static func now(_ clock: any LogClock) -> UInt64 {
        min(clock.nowMilliseconds(), UInt64(Int64.max))
    }

    static func requireSize(_ size: UInt64, _ db: Database) throws {
        let current = try TreeWriter.size(db)
        guard size <= current else {
            throw LogError(.notFound, "The log has \(current) entries, fewer than the \(size) asked for. Ask for a size the log has reached.")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storageError(error, "read the log")
        }
    }

    static func storage<T>(_ action: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw storageError(error, action)
        }
    }

    static func storageError(_ error: any Error, _ action: String) -> any Error {
        if error is LogError { return error }
        if let dbError = error as? DatabaseError,
           [ResultCode.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(dbError.resultCode.primaryResultCode) {
            return LogError(.damaged, "Could not \(action): the log database is damaged (SQLite error \(dbError.resultCode.rawValue)). Stop using this node and restore its data directory from a backup.")
        }
        if let dbError = error as? DatabaseError {
            // The message names the SQLite problem (e.g. a trigger's refusal); GRDB keeps bound
            // arguments (payloads) out of it.
            return LogError(.storage, "Could not \(action): SQLite error \(dbError.resultCode.rawValue) (\(dbError.message ?? "no message")). Nothing was written by this call. Check disk space and permissions, then retry.")
        }
        return LogError(.storage, "Could not \(action): \(type(of: error)). Nothing was written by this call.")
    }
}

/// The Ed25519 batch check of a batch's signatures (``ParallelVerification/firstBadSignature(_:)``),
/// started on a background thread so that it runs while the entries are written. `@unchecked
/// Sendable` is safe: `result` is written once, before `done` is signalled, and read only after
/// waiting on it, under `lock`.
final class SignatureBatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result = false
    private var waited = false

    init(_ envelopes: [EntryEnvelope]) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = ParallelVerification.firstBadSignature(envelopes) == nil
            done.signal()
        }
    }

    /// Whether every signature is valid (libsodium's verdict); waits for the check to finish.
    var allValid: Bool {
        lock.withLock {
            if !waited {
                done.wait()
                waited = true
            }
            return result
        }
    }
}
