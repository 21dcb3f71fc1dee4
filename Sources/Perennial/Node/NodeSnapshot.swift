import CivicCrypto
import Foundation
import GRDB

/// One module's persisted snapshot, in the table
/// `node_snapshot(module TEXT PRIMARY KEY, size INTEGER, root BLOB, state BLOB, tag BLOB)`:
/// the module's state as of the first `size` entries, whose tree root is `root`. `tag` is a keyed
/// BLAKE2b of all four (the key is derived from the log key), so a snapshot edited on disk is
/// never trusted; one that does not match the log is discarded and rebuilt.
struct NodeSnapshot {
    let module: String
    let size: UInt64
    let root: [UInt8]
    let state: [UInt8]
    let tag: [UInt8]

    init(module: String, size: UInt64, root: [UInt8], state: [UInt8], key: [UInt8]) {
        self.module = module; self.size = size; self.root = root; self.state = state
        self.tag = Self.tag(module: module, size: size, root: root, state: state, key: key)
    }

    private init(module: String, size: UInt64, root: [UInt8], state: [UInt8], tag: [UInt8]) {
        self.module = module; self.size = size; self.root = root; self.state = state; self.tag = tag
    }

    static func tag(module: String, size: UInt64, root: [UInt8], state: [UInt8], key: [UInt8]) -> [UInt8] {
        let header = Array("perennial-node-snapshot-v1\n\(module)\n\(size)\n".utf8) + root
        return (try? BLAKE2b.hash(header + state, key: key)) ?? []
    }

    func isAuthentic(key: [UInt8]) -> Bool {
        !tag.isEmpty && Self.tag(module: module, size: size, root: root, state: state, key: key) == tag
    }

    /// The layout of the node's own tables and of the modules' projection tables. A node whose
    /// tables have another layout (an older release) rebuilds them all once, at open.
    /// 3: the ledger's contributions and reversals are tagged rows (see ``LedgerTables``).
    /// 4: the row count of every table of trusted rows (see ``RowCounts``).
    static let schemaVersion = 4

    /// The layout version stored in `node_schema`, or nil for a new database or an older release.
    static func storedSchemaVersion(_ db: Database) throws -> Int? {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS node_schema(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
        return try Int.fetchOne(db, sql: "SELECT version FROM node_schema WHERE id = 1")
    }

    static func setSchemaVersion(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO node_schema(id, version) VALUES (1, ?)", arguments: [schemaVersion])
    }

    /// Snapshots kept per module: the latest few sizes, so that a process restoring lazily still
    /// finds its own after another process saved newer ones.
    static let keptSizes = 3

    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS node_snapshot(module TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,
                state BLOB NOT NULL, tag BLOB NOT NULL, PRIMARY KEY (module, size));
            CREATE TABLE IF NOT EXISTS node_projection(id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
            INSERT OR IGNORE INTO node_projection(id, size) VALUES (1, 0);
            """)
    }

    /// How many entries the modules' projection tables reflect (`node_projection.size`), written
    /// in the same transaction as the entries and the rows.
    static func projectedSize(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT size FROM node_projection WHERE id = 1") ?? 0
    }

    static func setProjectedSize(_ db: Database, _ size: Int) throws {
        try db.cachedStatement(sql: "UPDATE node_projection SET size = ? WHERE id = 1").execute(arguments: [size])
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO node_snapshot(module, size, root, state, tag) VALUES (?, ?, ?, ?, ?)",
                       arguments: [module, Int64(size), Data(root), Data(state), Data(tag)])
    }

    /// Forgets all but the ``keptSizes`` latest sizes.
    static func prune(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM node_snapshot WHERE size NOT IN (SELECT DISTINCT size FROM node_snapshot ORDER BY size DESC LIMIT ?)
            """, arguments: [keptSizes])
    }

    /// Every module's snapshot at the latest size saved, without its state (see ``withState(key:db:)``).
    static func fetchHeaders(_ db: Database) throws -> [NodeSnapshot] {
        try Row.fetchAll(db, sql: """
            SELECT module, size, root, tag FROM node_snapshot WHERE size = (SELECT max(size) FROM node_snapshot)
            """).compactMap { row in
            let size: Int64 = row["size"]
            guard size >= 0 else { return nil }
            return NodeSnapshot(module: row["module"], size: UInt64(size), root: [UInt8](row["root"] as Data), state: [],
                                tag: [UInt8](row["tag"] as Data))
        }
    }

    /// This header's snapshot with its state read, if it is still the stored one and its tag is
    /// right; nil otherwise.
    func withState(key: [UInt8], db: Database) throws -> NodeSnapshot? {
        guard let data = try Data.fetchOne(db, sql: "SELECT state FROM node_snapshot WHERE module = ? AND size = ? AND tag = ?",
                                           arguments: [module, Int64(size), Data(tag)]) else { return nil }
        let full = NodeSnapshot(module: module, size: size, root: root, state: [UInt8](data), tag: tag)
        return full.isAuthentic(key: key) ? full : nil
    }
}
