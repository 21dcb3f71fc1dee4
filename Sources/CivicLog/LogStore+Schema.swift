import CivicCrypto
import Foundation
import GRDB

/// The log's tables (described at the top of LogStore.swift) and row decoding.
enum LogSchema {
    static let version = "1"

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS log_meta (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS entries (
                idx INTEGER PRIMARY KEY CHECK (idx >= 0),
                time_ms INTEGER NOT NULL CHECK (time_ms >= 0),
                author BLOB NOT NULL CHECK (length(author) = 32),
                signature BLOB NOT NULL CHECK (length(signature) = 64),
                payload BLOB NOT NULL,
                leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)
            );
            CREATE TRIGGER IF NOT EXISTS entries_next_index BEFORE INSERT ON entries
            WHEN NEW.idx IS NOT (SELECT COALESCE(MAX(idx), -1) + 1 FROM entries)
            BEGIN SELECT RAISE(ABORT, 'log entries must be appended at the next index'); END;
            CREATE TRIGGER IF NOT EXISTS entries_time_order BEFORE INSERT ON entries
            WHEN NEW.time_ms < (SELECT time_ms FROM entries ORDER BY idx DESC LIMIT 1)
            BEGIN SELECT RAISE(ABORT, 'log time must not decrease'); END;
            CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
            BEGIN SELECT RAISE(ABORT, 'log entries are immutable'); END;
            CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
            BEGIN SELECT RAISE(ABORT, 'log entries are immutable'); END;
            CREATE TABLE IF NOT EXISTS merkle_nodes (
                level INTEGER NOT NULL CHECK (level >= 1),
                idx INTEGER NOT NULL CHECK (idx >= 0),
                hash BLOB NOT NULL CHECK (length(hash) = 32),
                PRIMARY KEY (level, idx)
            ) WITHOUT ROWID;
            CREATE TRIGGER IF NOT EXISTS merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
            BEGIN SELECT RAISE(ABORT, 'Merkle nodes are immutable'); END;
            CREATE TRIGGER IF NOT EXISTS merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
            BEGIN SELECT RAISE(ABORT, 'Merkle nodes are immutable'); END;
            CREATE TABLE IF NOT EXISTS checkpoints (
                size INTEGER PRIMARY KEY CHECK (size >= 0),
                time_ms INTEGER NOT NULL CHECK (time_ms >= 0),
                note TEXT NOT NULL
            );
            CREATE TRIGGER IF NOT EXISTS checkpoints_increasing BEFORE INSERT ON checkpoints
            WHEN NEW.size <= (SELECT MAX(size) FROM checkpoints)
            BEGIN SELECT RAISE(ABORT, 'checkpoint sizes must strictly increase'); END;
            CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
            CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
            """)
    }

    /// Records origin and key on first open; refuses a store made for another log.
    static func checkMeta(_ db: Database, origin: String, logKey: [UInt8]) throws {
        let keyHex = Hex.encode(logKey)
        let meta = Dictionary(
            uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM log_meta").map {
                ($0["key"] as String, $0["value"] as String)
            })
        if meta.isEmpty {
            for (key, value) in [("schema", version), ("origin", origin), ("log_key", keyHex)] {
                try db.execute(sql: "INSERT INTO log_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            return
        }
        guard meta["schema"] == version else {
            throw LogError(.storeMismatch, "The log database has schema version \(meta["schema"] ?? "none"), but this program reads version \(version). Use a matching program version.")
        }
        guard meta["origin"] == origin else {
            throw LogError(.storeMismatch, "This log directory belongs to the record \"\(meta["origin"] ?? "")\", not \"\(origin)\". Open it with its own origin, or use another directory.")
        }
        guard meta["log_key"] == keyHex else {
            throw LogError(.storeMismatch, "This log directory was created with another log signing key. Open it with its own key file.")
        }
    }

    static let selectEntries = "SELECT idx, time_ms, author, signature, payload, leaf_hash FROM entries"

    static func entry(from row: Row) throws -> LogEntry {
        let index: Int64 = row[0]
        let time: Int64 = row[1]
        let author: [UInt8] = [UInt8](row[2] as Data)
        let signature: [UInt8] = [UInt8](row[3] as Data)
        let payload: [UInt8] = [UInt8](row[4] as Data)
        let leaf: [UInt8] = [UInt8](row[5] as Data)
        return LogEntry(
            index: UInt64(index), timeMs: UInt64(time),
            envelope: try EntryEnvelope(payload: payload, author: author, signature: signature),
            leafHash: try MerkleHash(leaf))
    }
}

/// Reads perfect-subtree hashes from the database: level 0 from `entries.leaf_hash`, higher levels
/// from `merkle_nodes`.
struct DatabaseHashSource: MerkleHashSource {
    let db: Database

    func perfectSubtreeHash(level: Int, index: UInt64) throws -> MerkleHash {
        let data: Data?
        if level == 0 {
            data = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT leaf_hash FROM entries WHERE idx = ?"), arguments: [Int64(index)])
        } else {
            data = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?"),
                arguments: [level, Int64(index)])
        }
        guard let data else {
            throw LogError(.storage, "The log database lacks the Merkle node at level \(level), index \(index). The database was damaged; restore it from a backup or re-import the record.")
        }
        return try MerkleHash(data)
    }
}

/// The writer's view of the tree inside one write transaction: size, last time and the
/// frontier (the perfect subtrees that make up the current tree, largest first).
struct TreeWriter {
    let db: Database
    private(set) var size: UInt64
    private(set) var lastTime: UInt64
    private var frontier: [(level: Int, hash: MerkleHash)] = []

    static func size(_ db: Database) throws -> UInt64 {
        let max = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(idx) FROM entries"))
        return max.map { UInt64($0) + 1 } ?? 0
    }

    /// The time of the latest signed checkpoint (0 if none): no entry appended after it may be dated earlier.
    static func latestCheckpointTime(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT time_ms FROM checkpoints ORDER BY size DESC LIMIT 1")) ?? 0)
    }

    init(db: Database) throws {
        self.db = db
        size = try Self.size(db)
        lastTime = 0
        if size > 0 {
            let time = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT time_ms FROM entries WHERE idx = ?"), arguments: [Int64(size - 1)])
            lastTime = UInt64(time ?? 0)
        }
        let source = DatabaseHashSource(db: db)
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            frontier.append((level, try source.perfectSubtreeHash(level: level, index: start >> UInt64(level))))
            start += 1 << UInt64(level)
        }
    }

    /// Inserts `envelope` as the next entry at `timeMs` with every Merkle node it completes.
    mutating func append(_ envelope: EntryEnvelope, timeMs: UInt64) throws -> LogEntry {
        precondition(timeMs >= lastTime)
        let index = size
        let leafHash = envelope.leafHash(timeMs: timeMs)
        try insertEntry(index: index, timeMs: timeMs, envelope: envelope, leafHash: leafHash)
        return LogEntry(index: index, timeMs: timeMs, envelope: envelope, leafHash: leafHash)
    }

    /// Inserts an entry whose leaf hash is already computed (import checks it first).
    mutating func insertEntry(index: UInt64, timeMs: UInt64, envelope: EntryEnvelope, leafHash: MerkleHash) throws {
        precondition(index == size)
        try db.cachedStatement(
            sql: "INSERT INTO entries (idx, time_ms, author, signature, payload, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            Int64(index), Int64(timeMs), Data(envelope.author), Data(envelope.signature), Data(envelope.payload),
            Data(leafHash.bytes),
        ])
        size += 1
        lastTime = timeMs
        frontier.append((0, leafHash))
        let insertNode = try db.cachedStatement(sql: "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)")
        while frontier.count >= 2, frontier[frontier.count - 1].level == frontier[frontier.count - 2].level {
            let right = frontier.removeLast()
            let left = frontier.removeLast()
            let level = right.level + 1
            let node = MerkleTree.nodeHash(left.hash, right.hash)
            try insertNode.execute(arguments: [level, Int64((size >> UInt64(level)) - 1), Data(node.bytes)])
            frontier.append((level, node))
        }
    }

    /// The root of the current tree, from the frontier alone.
    var root: MerkleHash {
        guard var hash = frontier.last?.hash else { return .emptyTreeRoot }
        for node in frontier.dropLast().reversed() { hash = MerkleTree.nodeHash(node.hash, hash) }
        return hash
    }
}
