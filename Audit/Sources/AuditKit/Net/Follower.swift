import Foundation

/// `perennial-audit follow URL --state FILE` (SPEC.md §2.7): keeps up with a live board. Each round
/// reads the latest checkpoint, verifies its signature under the pinned key, proves it consistent
/// with the last checkpoint seen (a consistency proof computed from the new tree's tiles), mirrors
/// the new entries and verifies them incrementally.
///
/// Files: `FILE` holds the follower's state (`{"url":…,"log_key":…,"checkpoint":…}`); the mirrored
/// record is in `FILE.record/` and the audit's incremental state in `FILE.audit`.
public final class Follower {
    /// What one round found.
    public enum Outcome {
        /// The board's checkpoint is consistent with the last one seen; the report covers the whole record.
        case verified(Report, Checkpoint)
        /// Nothing new since the last round.
        case unchanged(Checkpoint)
        /// The gravest failure: two signed checkpoints of this log that cannot both be true.
        case inconsistent(kind: String, seen: String, served: String, reason: String)
    }

    public let source: HTTPSource
    public let statePath: String
    public private(set) var options: VerifyOptions
    private var pinnedKey: String?
    private var seen: String?

    var recordDirectory: String { statePath + ".record" }
    var auditStatePath: String { statePath + ".audit" }

    /// - Throws: ``AuditError`` (unreadable) if the state file belongs to another board or key.
    public init(url: String, statePath: String, logKey: String?, options: VerifyOptions = VerifyOptions()) throws(AuditError) {
        source = try HTTPSource(url)
        self.statePath = statePath
        var adjusted = options
        adjusted.statePath = statePath + ".audit"
        adjusted.pinnedLogKey = logKey
        self.options = adjusted
        pinnedKey = logKey
        if let data = FileManager.default.contents(atPath: statePath) {
            let json: JSON
            do { json = try JSON.parse(Array(data)) } catch { throw .unreadable("\(statePath) is not a follow state file") }
            guard let savedURL = json["url"]?.stringValue, let key = json["log_key"]?.stringValue else {
                throw .unreadable("\(statePath) is not a follow state file")
            }
            guard savedURL == source.base.absoluteString else {
                throw .unreadable("\(statePath) follows \(savedURL), not \(source.base.absoluteString); use another state file")
            }
            if let logKey, logKey != key { throw .unreadable("\(statePath) pins the log key \(key), not \(logKey)") }
            pinnedKey = key
            self.options.pinnedLogKey = key
            seen = json["checkpoint"]?.stringValue
        }
    }

    /// One round. Saves the state only when the round verified.
    public func round() throws(AuditError) -> Outcome {
        let snapshot = try RemoteBoard.snapshot(source)
        let manifestKey = Checkpoint.verifierKey(name: snapshot.manifest.origin, publicKey: snapshot.manifest.logKey)
        let key = pinnedKey ?? manifestKey
        guard let (name, publicKey) = Checkpoint.parseVerifierKey(key), name == snapshot.checkpoint.origin else {
            throw .malformed("the board's checkpoint is for origin \(snapshot.checkpoint.origin), not the pinned key's")
        }
        if let failure = snapshot.checkpoint.signatureFailure(logKey: publicKey) {
            return .inconsistent(kind: "BAD SIGNATURE", seen: seen ?? "", served: snapshot.note,
                                 reason: "the served checkpoint is not signed by the pinned log key \(key): \(failure)")
        }
        var from: UInt64 = 0
        if let seen {
            let old = try Checkpoint(note: seen)
            let new = snapshot.checkpoint
            if new.size < old.size {
                return .inconsistent(kind: "ROLLBACK", seen: seen, served: snapshot.note,
                                     reason: "the log shrank from \(old.size) to \(new.size) entries: it was rolled back")
            }
            if new.size == old.size {
                if new.root == old.root { return .unchanged(new) }
                return .inconsistent(kind: "FORK", seen: seen, served: snapshot.note,
                                     reason: "two signed checkpoints of size \(new.size) with different roots: the log forked")
            }
            if old.size > 0 {
                let proof = try snapshot.tree.consistencyProof(from: old.size)
                if let failure = MerkleProof.consistencyFailure(size1: old.size, size2: new.size, proof: proof, root1: old.root, root2: new.root) {
                    return .inconsistent(kind: "FORK", seen: seen, served: snapshot.note,
                                         reason: "the served tree of \(new.size) entries does not extend the one of \(old.size) seen before (\(failure)): the log was rewritten")
                }
            }
            // The mirrored checkpoint history must be a prefix of the served one.
            let mirrored = FileManager.default.contents(atPath: (recordDirectory as NSString).appendingPathComponent("checkpoints.jsonl")).map(Array.init) ?? []
            guard snapshot.checkpointsBytes.starts(with: mirrored) else {
                return .inconsistent(kind: "HISTORY REWRITTEN", seen: seen, served: snapshot.note,
                                     reason: "the served checkpoints.jsonl does not begin with the history mirrored before")
            }
            from = old.size
        } else {
            try? FileManager.default.removeItem(atPath: recordDirectory)
            try? FileManager.default.removeItem(atPath: auditStatePath)
            do { try FileManager.default.createDirectory(atPath: recordDirectory, withIntermediateDirectories: true) } catch {
                throw .unreadable("cannot create \(recordDirectory)")
            }
        }
        // Keep what was mirrored before, to put it back if this round does not verify.
        let files = ["entries.jsonl", "manifest.json", "checkpoints.jsonl"].map { (recordDirectory as NSString).appendingPathComponent($0) }
        let entriesLength = (try? FileManager.default.attributesOfItem(atPath: files[0])[.size] as? UInt64) ?? 0
        let previous = files.dropFirst().map { FileManager.default.contents(atPath: $0) }
        let previousAudit = FileManager.default.contents(atPath: auditStatePath)
        try RemoteBoard.appendEntries(snapshot, from..<snapshot.checkpoint.size, to: recordDirectory)
        try RemoteBoard.write(snapshot.manifestBytes, "manifest.json", in: recordDirectory)
        try RemoteBoard.write(snapshot.checkpointsBytes, "checkpoints.jsonl", in: recordDirectory)
        let report = try Audit.verify(recordDirectory: recordDirectory, options: options)
        if !report.passed {
            if let handle = FileHandle(forWritingAtPath: files[0]) { try? handle.truncate(atOffset: entriesLength); try? handle.close() }
            for (path, data) in zip(files.dropFirst(), previous) {
                if let data { FileManager.default.createFile(atPath: path, contents: data) } else { try? FileManager.default.removeItem(atPath: path) }
            }
            if let previousAudit { FileManager.default.createFile(atPath: auditStatePath, contents: previousAudit) } else { try? FileManager.default.removeItem(atPath: auditStatePath) }
        }
        if report.passed {
            seen = snapshot.note
            pinnedKey = key
            let state = JSON.object([("url", .string(source.base.absoluteString)), ("log_key", .string(key)), ("checkpoint", .string(snapshot.note))])
            guard FileManager.default.createFile(atPath: statePath, contents: Data((state.compactText + "\n").utf8)) else {
                throw .unreadable("cannot write \(statePath)")
            }
        }
        return .verified(report, snapshot.checkpoint)
    }
}
