import Foundation
import GRDB

/// One resource of the public bulletin board: its bytes, content type, and whether it may be
/// cached forever (full tiles and full entry bundles never change).
public struct BoardResource: Sendable {
    public let bytes: [UInt8]
    public let contentType: String
    public let immutable: Bool

    public init(bytes: [UInt8], contentType: String, immutable: Bool) {
        self.bytes = bytes
        self.contentType = contentType
        self.immutable = immutable
    }

    public static let octetStream = "application/octet-stream"
    public static let plainText = "text/plain; charset=utf-8"
}

extension LogStore {
    /// The prefix of one leaf in an entry bundle (SPEC §2.7): `u16be(len)` as C2SP tlog-tiles has
    /// it for a leaf below 65,535 bytes; for a longer leaf (which a 16-bit length cannot carry:
    /// large `term.close` or `tally.share` entries in the 4096-bit group) the extension
    /// `0xFFFF || u32be(len)`.
    public static func bundlePrefix(leafLength n: Int) -> [UInt8] {
        if n < 0xFFFF { return [UInt8(n >> 8), UInt8(n & 0xFF)] }
        return [0xFF, 0xFF, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    }

    /// The marker of a redacted slot (SPEC §2.7): `0xFF 0xFF` then a 32-bit length of 0, which the
    /// long form refuses (it carries only leaves of 65,535 bytes or more), then the format byte 0x02.
    public static let redactedSlotMarker: [UInt8] = [0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x02]

    /// One entry's slot in an entry bundle (SPEC §2.7). Normally ``bundlePrefix(leafLength:)`` then
    /// the leaf. With a `standIn` (a comment hidden by moderation), the **redacted slot**, which
    /// carries what the redacted `entries.jsonl` line carries and not the leaf, so the comment's text
    /// never leaves the node:
    /// `marker || u64be(time) || author (32) || leaf hash (32) || u32be(len(standIn)) || standIn`.
    public static func bundleSlot(_ entry: LogEntry, standIn: [UInt8]?) -> [UInt8] {
        guard let standIn else {
            let leaf = entry.envelope.leafData(timeMs: entry.timeMs)
            return bundlePrefix(leafLength: leaf.count) + leaf
        }
        var out = redactedSlotMarker
        out.reserveCapacity(out.count + 8 + 64 + 4 + standIn.count)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(entry.timeMs >> UInt64(shift) & 0xFF)) }
        out.append(contentsOf: entry.envelope.author)
        out.append(contentsOf: entry.leafHash.bytes)
        let n = standIn.count
        out.append(contentsOf: [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
        out.append(contentsOf: standIn)
        return out
    }

    /// The bytes of a tile or entry bundle of the tree at the latest checkpoint (SPEC §2.7), or
    /// nil if that tree does not contain it (a tile of a size never published, beyond the log).
    ///
    /// A tile at level `L` is the concatenation of the hashes of tree level `8L` (level 0: leaf
    /// hashes) at indices `N·256 ..< N·256 + W`; an entry bundle is, for each entry of those
    /// indices, its ``bundleSlot(_:standIn:)``. Partial tiles of any width up to the published size
    /// are served (so every checkpoint's partial tiles exist).
    /// - Parameters:
    ///   - publishedSize: the tree to serve (nil: the latest checkpoint's); the redactions must be
    ///     those of that tree. A tree larger than the latest checkpoint's is never served.
    ///   - redact: as for ``exportRecord(to:redact:)``: the stand-in of an entry to redact, or nil.
    ///     Called inside a read: it must not read the database.
    public func tile(_ name: TileName, publishedSize: UInt64? = nil, redact: (LogEntry) throws -> [UInt8]? = { _ in nil }) throws -> [UInt8]? {
        try read { db in
            guard let latest = try Self.latestCheckpoint(db)?.size else { return nil }
            return try Self.tile(name, publishedSize: min(publishedSize ?? latest, latest), db: db, redact: redact)
        }
    }

    /// The latest checkpoint's note, as served at `/checkpoint`.
    public func checkpointNote() throws -> String? {
        try latestCheckpoint()?.note
    }

    static func tile(_ name: TileName, publishedSize: UInt64, db: Database, redact: (LogEntry) throws -> [UInt8]?) throws -> [UInt8]? {
        guard let required = name.requiredTreeSize, required <= publishedSize else { return nil }
        let first = name.index * UInt64(TileName.fullWidth)
        let end = first + UInt64(name.width)
        var out: [UInt8] = []
        switch name.kind {
        case .entries:
            let cursor = try Row.fetchCursor(
                db, sql: LogSchema.selectEntries + " WHERE idx >= ? AND idx < ? ORDER BY idx",
                arguments: [Int64(first), Int64(end)])
            var count = 0
            while let row = try cursor.next() {
                let entry = try LogSchema.entry(from: row)
                out.append(contentsOf: bundleSlot(entry, standIn: try redact(entry)))
                count += 1
            }
            guard count == name.width else { throw missing(name) }
        case .hashes:
            let level = name.treeLevel
            let rows: [Data]
            if level == 0 {
                rows = try Data.fetchAll(
                    db, sql: "SELECT leaf_hash FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                    arguments: [Int64(first), Int64(end)])
            } else {
                rows = try Data.fetchAll(
                    db, sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
                    arguments: [level, Int64(first), Int64(end)])
            }
            guard rows.count == name.width, rows.allSatisfy({ $0.count == 32 }) else { throw missing(name) }
            out.reserveCapacity(32 * rows.count)
            for row in rows { out.append(contentsOf: row) }
        }
        return out
    }

    private static func missing(_ name: TileName) -> LogError {
        LogError(.storage, "The log database lacks part of \(name.path). The database was damaged; restore it from a backup or re-import the record.")
    }

    /// Writes the tiled log (SPEC §2.7) under `directory`: `checkpoint`, every full tile and entry
    /// bundle of the latest checkpoint's tree, and the partial ones of every checkpoint whose
    /// partial tiles are not yet covered by full ones. Also writes the record files of SPEC §1
    /// (`manifest.json`, `checkpoints.jsonl`, `entries.jsonl`) so the same tree serves both.
    /// Writes go through temporary files renamed into place, so a mirror never sees half a tile.
    /// - Parameter redact: the entries to redact (SPEC §2.2, §2.7), in `entries.jsonl` and in the
    ///   bundles alike, as for ``exportRecord(to:redact:)``; they must be those of the latest checkpoint's tree.
    /// - Returns: the number of tile files written.
    @discardableResult
    public func exportTiles(to directory: URL, redact: (LogEntry) throws -> [UInt8]? = { _ in nil }) throws -> Int {
        try exportRecord(to: directory, redact: redact)
        return try read { db in
            guard let latest = try Self.latestCheckpoint(db) else {
                throw LogError(.noCheckpoint, "The log has no signed checkpoint, so there is nothing to export yet. Sign a checkpoint first.")
            }
            let sizes = try Int64.fetchAll(db, sql: "SELECT size FROM checkpoints ORDER BY size").map { UInt64($0) }
            var names = Set(TileName.tiles(forTreeSize: latest.size))
            for size in sizes {
                for name in TileName.tiles(forTreeSize: size) where !name.isFull {
                    let full = TileName(kind: name.kind, index: name.index, width: TileName.fullWidth)
                    if !names.contains(full) { names.insert(name) }
                }
            }
            for name in names.sorted(by: { $0.path < $1.path }) {
                guard let bytes = try Self.tile(name, publishedSize: latest.size, db: db, redact: redact) else { continue }
                try Self.writeAtomically(bytes, to: directory.appendingPathComponent(name.path))
            }
            try Self.writeAtomically(Array(latest.note.utf8), to: directory.appendingPathComponent("checkpoint"))
            return names.count
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw LogError(.io, "Could not write \(url.path). Check disk space and permissions, then export again.")
        }
    }
}

extension LogStore {
    /// `manifest.json` of the record at the latest checkpoint (SPEC §2.5), as `exportRecord` writes it.
    public func recordManifestText() throws -> String {
        try read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoints") ?? 0
            let size = try Self.latestCheckpoint(db)?.size ?? 0
            return RecordLine.manifest(origin: origin, logKey: logKey, entries: size, checkpoints: count)
        }
    }

    /// `checkpoints.jsonl` of the record (SPEC §2.4): every checkpoint, in increasing size.
    public func checkpointsText() throws -> String {
        try checkpoints().map(RecordLine.checkpoint).joined()
    }
}
