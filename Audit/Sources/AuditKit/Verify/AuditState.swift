import Foundation

/// What incremental verification keeps between runs: the last verified checkpoint, the Merkle
/// frontier at its size (so the next checkpoints are recomputed from it, which proves they extend it),
/// where to resume reading, and the running aggregates of the checks.
///
/// It is only written after a run in which every check passed and the last checkpoint covered every
/// entry, so resuming from it gives the same report as verifying from scratch.
public struct AuditState: Sendable {
    /// 2: the election's BAL-5 digests are of each ciphertext's `a` (`challenged`, `cast_randomness`).
    static let version = 2
    public var origin: String
    public var logKey: [UInt8]
    public var checkpoint: Checkpoint
    public var tree: CompactRange
    public var lastTime: UInt64?
    public var entriesOffset: UInt64
    public var checkpointsOffset: UInt64
    public var checkpointsSeen: UInt64
    public var report: Report
    public var kindCounts: [String: UInt64]
    /// Each checker's saved state, keyed by its kinds.
    public var checkers: [(String, JSON)]

    /// The JSON document.
    public var json: JSON {
        let checks: [JSON] = report.checks.map {
            .object([("id", .string($0.check.id)), ("name", .string($0.check.name)), ("checked", .int($0.checked))])
        }
        return .object([
            ("format", .string("perennial-audit-state")), ("version", .int(AuditState.version)),
            ("origin", .string(origin)), ("log_key", .string(Hex.encode(logKey))),
            ("checkpoint", .string(checkpoint.noteText)),
            ("frontier", .array(tree.hashes.map { .string(Hex.encode($0)) })),
            ("last_time", lastTime.map { .int($0) } ?? .null),
            ("entries_offset", .int(entriesOffset)), ("checkpoints_offset", .int(checkpointsOffset)),
            ("checkpoints_seen", .int(checkpointsSeen)),
            ("facts", .object(report.facts.map { ($0.0, .string($0.1)) })),
            ("checks", .array(checks)),
            ("kinds", .object(kindCounts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("checkers", .object(checkers)),
        ])
    }

    /// Writes the state atomically.
    public func save(path: String) throws(AuditError) {
        let text = json.compactText + "\n"
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .unreadable("cannot write the state file \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a state file.
    /// - Throws: ``AuditError`` (unreadable) if it is missing or not a state written by this tool.
    public static func load(path: String) throws(AuditError) -> AuditState {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable("cannot read the state file \(path)") }
        do {
            return try AuditState(json: JSON.parse(Array(data)))
        } catch {
            throw .unreadable("the state file \(path) is not usable: \(error.message)")
        }
    }

    init(origin: String, logKey: [UInt8], checkpoint: Checkpoint, tree: CompactRange, lastTime: UInt64?,
         entriesOffset: UInt64, checkpointsOffset: UInt64, checkpointsSeen: UInt64, report: Report,
         kindCounts: [String: UInt64], checkers: [(String, JSON)]) {
        self.origin = origin
        self.logKey = logKey
        self.checkpoint = checkpoint
        self.tree = tree
        self.lastTime = lastTime
        self.entriesOffset = entriesOffset
        self.checkpointsOffset = checkpointsOffset
        self.checkpointsSeen = checkpointsSeen
        self.report = report
        self.kindCounts = kindCounts
        self.checkers = checkers
    }

    init(json: JSON) throws(AuditError) {
        guard json["format"]?.stringValue == "perennial-audit-state", json["version"]?.uint64Value == UInt64(AuditState.version) else {
            throw .malformed("not a perennial-audit-state version \(AuditState.version) document (verify the record again from the start)")
        }
        guard let origin = json["origin"]?.stringValue, let keyHex = json["log_key"]?.stringValue,
              let note = json["checkpoint"]?.stringValue, let frontier = json["frontier"]?.arrayValue,
              let eo = json["entries_offset"]?.uint64Value, let co = json["checkpoints_offset"]?.uint64Value,
              let cs = json["checkpoints_seen"]?.uint64Value, let checks = json["checks"]?.arrayValue
        else { throw .malformed("a field is missing") }
        self.origin = origin
        self.logKey = try Hex.decode(keyHex, length: 32)
        self.checkpoint = try Checkpoint(note: note)
        var hashes: [[UInt8]] = []
        for h in frontier {
            guard let s = h.stringValue else { throw .malformed("bad frontier") }
            hashes.append(try Hex.decode(s, length: 32))
        }
        self.tree = try CompactRange(size: checkpoint.size, hashes: hashes)
        guard tree.root == checkpoint.root else { throw .malformed("the saved frontier does not match the saved checkpoint") }
        self.lastTime = json["last_time"]?.uint64Value
        self.entriesOffset = eo
        self.checkpointsOffset = co
        self.checkpointsSeen = cs
        var report = Report()
        for c in checks {
            guard let id = c["id"]?.stringValue, let name = c["name"]?.stringValue, let n = c["checked"]?.uint64Value else {
                throw .malformed("bad check entry")
            }
            report.passed(Check(id, name), count: n)
        }
        for (k, v) in json["facts"]?.objectMembers ?? [] { if let s = v.stringValue { report.setFact(k, s) } }
        self.report = report
        var kinds: [String: UInt64] = [:]
        for (k, v) in json["kinds"]?.objectMembers ?? [] { kinds[k] = v.uint64Value ?? 0 }
        self.kindCounts = kinds
        self.checkers = json["checkers"]?.objectMembers ?? []
    }
}
