import Foundation
import GRDB

extension LogStore {
    /// Signs and stores a checkpoint for the whole log as it is now (SPEC §2.4).
    ///
    /// The checkpoint's time is the clock's reading, but never earlier than the last entry's time
    /// or the previous checkpoint's. If the latest checkpoint already covers the whole log, it is
    /// returned unchanged (checkpoint sizes strictly increase). An empty log gets a checkpoint of
    /// size 0 with the empty root.
    /// - Returns: the checkpoint covering every entry committed before the call.
    /// - Throws: ``LogError/Code-swift.struct/storage`` if the database fails.
    @discardableResult
    public func signCheckpoint() throws -> SignedCheckpoint {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: SignedCheckpoint?
                try db.inTransaction(.immediate) {
                    let writer = try TreeWriter(db: db)
                    let latest = try Self.latestCheckpoint(db)
                    if let latest, latest.size == writer.size {
                        result = latest
                        return .commit
                    }
                    let time = max(Self.now(clock), writer.lastTime, latest?.timeMs ?? 0)
                    let checkpoint = SignedCheckpoint.sign(
                        origin: origin, size: writer.size, rootHash: writer.root, timeMs: time, key: signingKey)
                    try Self.insert(checkpoint, db)
                    result = checkpoint
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.storageError(error, "sign a checkpoint")
        }
    }

    /// The most recent signed checkpoint, or nil if none was signed yet.
    public func latestCheckpoint() throws -> SignedCheckpoint? {
        try read { db in try Self.latestCheckpoint(db) }
    }

    /// Every stored checkpoint, in increasing size.
    public func checkpoints() throws -> [SignedCheckpoint] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT note FROM checkpoints ORDER BY size").map { try SignedCheckpoint.parse(note: $0) }
        }
    }

    /// The stored checkpoint of exactly `size` entries, if one was signed.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT note FROM checkpoints WHERE size = ?", arguments: [Int64(clamping: size)])
                .map { try SignedCheckpoint.parse(note: $0) }
        }
    }

    /// The consistency proof from checkpoint `older` to checkpoint `newer` (both of this log), to
    /// be checked with ``MerkleVerifier/verifyConsistency(size1:size2:root1:root2:proof:)``.
    /// - Throws: ``LogError`` if `older` is larger than `newer` or beyond the log.
    public func consistencyProof(from older: SignedCheckpoint, to newer: SignedCheckpoint) throws -> [MerkleHash] {
        try consistencyProof(size1: older.size, size2: newer.size)
    }

    static func latestCheckpoint(_ db: Database) throws -> SignedCheckpoint? {
        try String.fetchOne(db, sql: "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1")
            .map { try SignedCheckpoint.parse(note: $0) }
    }

    static func insert(_ checkpoint: SignedCheckpoint, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO checkpoints (size, time_ms, note) VALUES (?, ?, ?)",
            arguments: [Int64(checkpoint.size), Int64(checkpoint.timeMs), checkpoint.note])
    }
}
