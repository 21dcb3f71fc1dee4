import AuditKit
import AuditSodium
import Foundation

/// An Ed25519 key pair for tests, from a deterministic seed.
struct TestKey {
    let publicKey: [UInt8]
    let secretKey: [UInt8]

    init(seed byte: UInt8) { self.init(seed32: [UInt8](repeating: byte, count: 32)) }

    /// Distinct keys for many voters.
    init(index: Int) { self.init(seed32: Hash.sha256(Array("test key \(index)".utf8))) }

    init(seed32 seed: [UInt8]) {
        _ = sodium_init()
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        crypto_sign_seed_keypair(&pk, &sk, seed)
        publicKey = pk
        secretKey = sk
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: 64)
        crypto_sign_detached(&sig, nil, message, UInt64(message.count), secretKey)
        return sig
    }
}

/// Test vectors shared with the engine, read from `../Tests/TestVectors` relative to the Audit package.
enum Vectors {
    static let directory: URL = {
        // …/Audit/Tests/AuditKitTests/Support/TestSupport.swift → …/Tests/TestVectors
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/TestVectors")
    }()

    static func json(_ name: String) throws -> JSON {
        try JSON.parse(Array(Data(contentsOf: directory.appendingPathComponent(name))))
    }

    static func files(under sub: String) -> [URL] {
        let root = directory.appendingPathComponent(sub)
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var out: [URL] = []
        while let u = e?.nextObject() as? URL { if u.pathExtension == "json" { out.append(u) } }
        return out.sorted { $0.path < $1.path }
    }
}

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "audit-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Builds small records byte for byte as SPEC.md §1–2 describes them, signing with libsodium, and
/// lets tests tamper with the lines before writing.
struct RecordBuilder {
    var origin = "perennial.example/test-2026"
    let logKey = TestKey(seed: 0x4c)
    let author = TestKey(seed: 0x41)
    var entries: [Entry] = []
    var checkpointSizes: [Int] = []
    var clock: UInt64 = 1_767_225_600_000

    /// A payload of the test kind.
    func payload(_ kind: String = "test.note", _ extra: [(String, JSON)] = [("text", .string("hello"))]) -> [UInt8] {
        Array(JSON.object([("kind", .string(kind)), ("record", .string(origin))] + extra).compactText.utf8)
    }

    /// Appends an entry signed by `key` (default: the test author) with the given payload bytes.
    mutating func append(payload: [UInt8]? = nil, key: TestKey? = nil, time: UInt64? = nil) {
        let k = key ?? author
        let p = payload ?? self.payload(extra: [("text", .string("note \(entries.count)"))])
        clock += 1000
        let sig = k.sign(Entry.signaturePrefix + p)
        entries.append(Entry(index: UInt64(entries.count), time: time ?? clock, author: k.publicKey, signature: sig, payload: p))
    }

    func payload(extra: [(String, JSON)]) -> [UInt8] { payload("test.note", extra) }

    /// Appends `n` test entries and checkpoints after each `every` entries and at the end.
    static func simple(entries n: Int, checkpointEvery every: Int = 3) -> RecordBuilder {
        var b = RecordBuilder()
        for _ in 0..<n { b.append() }
        b.checkpointSizes = Array(stride(from: every, through: n, by: every))
        if b.checkpointSizes.last != n { b.checkpointSizes.append(n) }
        return b
    }

    /// The signed note for a checkpoint of the first `size` entries.
    func note(size: Int, time: UInt64? = nil, root: [UInt8]? = nil, key: TestKey? = nil) -> String {
        let leaves = entries.prefix(size).map(\.leafHash)
        let r = root ?? Merkle.root(ofLeafHashes: leaves[...])
        let t = time ?? (size == 0 ? clock : entries[size - 1].time)
        let body = Checkpoint.bodyText(origin: origin, size: UInt64(size), root: r, time: t)
        let k = key ?? logKey
        let blob = Checkpoint.keyID(name: origin, publicKey: k.publicKey) + k.sign(Array(body.utf8))
        return body + "\n\u{2014} \(origin) \(Base64.encode(blob))\n"
    }

    var entryLines: [String] { entries.map(\.line) }
    var checkpointLines: [String] { checkpointSizes.map { CheckpointLine(size: UInt64($0), note: note(size: $0)).line } }

    /// Writes the record; lines may be replaced to tamper.
    func write(to dir: String, entryLines: [String]? = nil, checkpointLines: [String]? = nil, manifest: String? = nil) {
        let e = entryLines ?? self.entryLines
        let c = checkpointLines ?? self.checkpointLines
        let m = manifest ?? Manifest(origin: origin, logKey: logKey.publicKey, entries: UInt64(e.count), checkpoints: UInt64(c.count)).jsonText
        func put(_ name: String, _ text: String) {
            try! Data(text.utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
        }
        put("manifest.json", m + "\n")
        put("entries.jsonl", e.map { $0 + "\n" }.joined())
        put("checkpoints.jsonl", c.map { $0 + "\n" }.joined())
    }

    /// An RFC 9162 inclusion proof for leaf `index` in the first `size` entries (a test-side prover).
    func inclusionProof(index: Int, size: Int) -> [[UInt8]] {
        let leaves = entries.prefix(size).map(\.leafHash)
        return RecordBuilder.path(index, leaves[...])
    }

    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        let n = leaves.count
        if n <= 1 { return [] }
        var k = 1
        while k << 1 < n { k <<= 1 }
        let mid = leaves.startIndex + k
        if m < k {
            return path(m, leaves[leaves.startIndex..<mid]) + [Merkle.root(ofLeafHashes: leaves[mid...])]
        }
        return path(m - k, leaves[mid...]) + [Merkle.root(ofLeafHashes: leaves[leaves.startIndex..<mid])]
    }
}

/// Accepts every entry of the test kind (phase-1 tests exercise the log checks only).
final class NoteChecker: KindChecker {
    var kinds: [String] { ["test.note"] }
    var checks: [Check] { [] }
    var seen = 0
    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        seen += 1
        return []
    }
    func saveState() -> JSON { .object([("seen", .int(seen))]) }
    func restoreState(_ state: JSON) throws(AuditError) { seen = state["seen"]?.intValue ?? 0 }
}

func verifyRecord(_ dir: String, statePath: String? = nil, workers: Int = 2, batchSize: Int = 4) throws -> Report {
    try RecordVerifier(directory: dir, options: VerifyOptions(workers: workers, batchSize: batchSize, statePath: statePath),
                       checkers: [NoteChecker()]).verify()
}
