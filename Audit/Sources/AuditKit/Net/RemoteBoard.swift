import Foundation

/// Reading a record from a bulletin board (SPEC.md §2.7): the checkpoint, the record's manifest and
/// checkpoint history, and the entries rebuilt from the entry bundles, each leaf checked against the
/// level-0 tiles and the tiles' root against the signed checkpoint.
public enum RemoteBoard {
    /// A consistent view of the board at one checkpoint.
    public struct Snapshot {
        public let checkpoint: Checkpoint
        public let note: String
        public let manifestBytes: [UInt8]
        public let manifest: Manifest
        public let checkpointsBytes: [UInt8]
        public let tree: TiledTree
    }

    /// Reads `checkpoint`, `manifest.json` and `checkpoints.jsonl`, retrying once if the board moved
    /// between the reads, and checks that they describe the same tree and that the tiles' root is the
    /// checkpoint's. Does not check the signature (the caller knows which key to pin).
    public static func snapshot(_ source: HTTPSource) throws(AuditError) -> Snapshot {
        var attempt = 0
        while true {
            attempt += 1
            let note = String(decoding: try source.require("checkpoint"), as: UTF8.self)
            let checkpoint = try Checkpoint(note: note)
            let manifestBytes = try source.require("manifest.json")
            let manifest = try Manifest(json: manifestBytes)
            let checkpointsBytes = try source.require("checkpoints.jsonl")
            let lastLine = checkpointsBytes.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false).last.map(Array.init) ?? []
            let last = try? CheckpointLine(line: lastLine)
            guard manifest.entries == checkpoint.size, last?.note == note else {
                if attempt < 3 { continue }
                throw .malformed("the board's checkpoint, manifest.json and checkpoints.jsonl do not describe the same tree (its latest checkpoint is of size \(checkpoint.size), the manifest says \(manifest.entries) entries)")
            }
            guard manifest.origin == checkpoint.origin else {
                throw .malformed("the board's checkpoint is for origin \(checkpoint.origin), its manifest for \(manifest.origin)")
            }
            let tree = TiledTree(source: source, size: checkpoint.size)
            let root = try tree.hash(0, checkpoint.size)
            guard root == checkpoint.root else {
                throw .malformed("the board's tiles give the root \(Base64.encode(root)) for size \(checkpoint.size), but its signed checkpoint says \(Base64.encode(checkpoint.root))")
            }
            return Snapshot(checkpoint: checkpoint, note: note, manifestBytes: manifestBytes, manifest: manifest,
                            checkpointsBytes: checkpointsBytes, tree: tree)
        }
    }

    /// Appends the entries `range` (rebuilt from the bundles) to `entries.jsonl` in `directory`.
    static func appendEntries(_ snapshot: Snapshot, _ range: Range<UInt64>, to directory: String) throws(AuditError) {
        let path = (directory as NSString).appendingPathComponent("entries.jsonl")
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw .unreadable("cannot write \(path)") }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        var buffer = ""
        try snapshot.tree.entries(range) { (i: UInt64, leaf: TiledTree.Leaf) throws(AuditError) in
            buffer += leaf.line(index: i)
            if buffer.utf8.count > 1 << 20 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: String) throws(AuditError) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw .unreadable("cannot write \(path)") }
    }

    /// Downloads the whole record at the board's latest checkpoint into `directory` (SPEC.md §1 files).
    public static func download(_ source: HTTPSource, to directory: String) throws(AuditError) -> Snapshot {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .unreadable("cannot create \(directory)")
        }
        let snapshot = try snapshot(source)
        try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent("entries.jsonl"))
        try appendEntries(snapshot, 0..<snapshot.checkpoint.size, to: directory)
        try write(snapshot.manifestBytes, "manifest.json", in: directory)
        try write(snapshot.checkpointsBytes, "checkpoints.jsonl", in: directory)
        return snapshot
    }

    /// `perennial-audit verify URL`: the record read from the board, then the same verification
    /// (and so the same report) as `verify DIR`.
    public static func verify(url: String, options: VerifyOptions = VerifyOptions()) throws(AuditError) -> Report {
        let source = try HTTPSource(url)
        let directory = NSTemporaryDirectory() + "perennial-audit-board-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try download(source, to: directory)
        return try Audit.verify(recordDirectory: directory, options: options)
    }
}
