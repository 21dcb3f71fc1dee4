import Foundation
import Dispatch

/// How a verification runs.
public struct VerifyOptions: Sendable {
    /// Threads used for signatures and proofs (the audit machine's cores).
    public var workers: Int = 2
    /// Entries read, then verified together; bounds memory.
    public var batchSize: Int = 512
    /// Incremental mode: where the verified checkpoint and running aggregates are kept.
    public var statePath: String? = nil
    /// Called from time to time with (entries done, entries announced by the manifest).
    public var progress: (@Sendable (UInt64, UInt64) -> Void)? = nil
    /// The log's C2SP verifier key (`origin+keyhash+base64`) the observer pins (`--log-key`): the
    /// record must be that log's (check `LOG-9`).
    public var pinnedLogKey: String? = nil
    /// The verifier's clock (ms since 1970, UTC), read at each check: with it, every entry and
    /// checkpoint of a real term must not be dated more than ``clockSkewMs`` after it (check `LOG-10`,
    /// SPEC.md §4.2). Nil: no clock check (the command line always passes one).
    public var now: (@Sendable () -> UInt64)? = nil
    /// The clock skew SPEC.md §4.2 allows a real node (5 minutes).
    public static let clockSkewMs: UInt64 = 5 * 60 * 1000

    public init(workers: Int = 2, batchSize: Int = 512, statePath: String? = nil,
                progress: (@Sendable (UInt64, UInt64) -> Void)? = nil, pinnedLogKey: String? = nil,
                now: (@Sendable () -> UInt64)? = nil) {
        self.pinnedLogKey = pinnedLogKey
        self.now = now
        self.workers = workers
        self.batchSize = batchSize
        self.statePath = statePath
        self.progress = progress
    }
}

/// Replays a record directory (SPEC.md §1) and checks every rule, streaming: the entries are read
/// line by line, the Merkle tree is kept as a ``CompactRange``, and each checkpoint is checked when
/// the stream reaches its size.
public final class RecordVerifier {
    public let directory: String
    public let options: VerifyOptions
    private let checkers: [KindChecker]
    private var checkerByKind: [String: KindChecker] = [:]

    // Streaming state.
    private var manifest: Manifest!
    private var report = Report()
    private var tree = CompactRange()
    private var lastTime: UInt64? = nil
    private var firstUnreadable: UInt64? = nil
    private var checkpointReader: LineReader!
    private var nextCheckpointPosition: UInt64 = 0
    /// The next checkpoint to check against the tree, and whether its signature verified (checked once).
    private var pending: (position: UInt64, checkpoint: Checkpoint, signed: Bool)? = nil
    private var lastCheckpointSize: UInt64? = nil
    private var lastGoodCheckpoint: Checkpoint? = nil
    private var lastCheckpointTime: UInt64? = nil
    /// The latest signed checkpoint the entry stream has passed (its size and time): every later entry
    /// was appended after the log signed it, so its time may not be earlier (SPEC.md §2.2, `LOG-5`).
    private var reachedCheckpoint: (size: UInt64, time: UInt64)? = nil
    private var manifestBytes: [UInt8] = []
    private var kindCounts: [String: UInt64] = [:]
    private var pipeline: JobPipeline!
    /// The election checker, which knows from `term.setup` whether log times are real (`LOG-10`).
    private var election: ElectionChecker? = nil
    /// Jobs submitted whose results are not recorded yet (their checks and locations).
    private var outstanding: [ProofJob] = []

    /// - Parameters:
    ///   - directory: the record directory holding manifest.json, entries.jsonl, checkpoints.jsonl.
    ///   - checkers: the per-kind checkers; entries of other kinds fail `KND-1`.
    public init(directory: String, options: VerifyOptions = VerifyOptions(), checkers: [KindChecker]) {
        self.directory = directory
        self.options = options
        self.checkers = checkers
        for c in checkers { for k in c.kinds { checkerByKind[k] = c } }
    }

    /// The checkers by kind, handed to the workers for ``KindChecker/prepare(_:)``.
    private var checkerTable: CheckerTable { CheckerTable(byKind: checkerByKind) }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Verifies the record.
    /// - Returns: the report (check it with ``Report/passed``).
    /// - Throws: ``AuditError`` (unreadable) when the record cannot be read at all.
    public func verify() throws(AuditError) -> Report {
        guard let data = FileManager.default.contents(atPath: path("manifest.json")) else {
            throw .unreadable("\(path("manifest.json")) is missing or unreadable")
        }
        do { manifest = try Manifest(json: Array(data)) } catch { throw .unreadable(error.message) }
        manifestBytes = Array(data)
        for c in Check.logChecks { report.register(c) }
        report.register(.knownKinds)
        for c in checkers { for k in c.checks { report.register(k) } }
        report.setFact("record", manifest.origin)
        report.setFact("log key", Hex.encode(manifest.logKey))
        for c in checkers { (c as? ElectionChecker)?.recordLogKey = manifest.logKey }
        election = checkers.lazy.compactMap { $0 as? ElectionChecker }.first
        if options.now != nil { report.register(.notInTheFuture) }
        if let pin = options.pinnedLogKey {
            report.register(.pinnedLogKey)
            let actual = Checkpoint.verifierKey(name: manifest.origin, publicKey: manifest.logKey)
            report.record(.pinnedLogKey, .record, failure: pin == actual ? nil
                : "the record's log key is \(actual), not the pinned \(pin): the log was re-keyed, or this is another log")
        }

        var entryOffset: UInt64 = 0
        var checkpointOffset: UInt64 = 0
        var state: AuditState? = nil
        if let sp = options.statePath, FileManager.default.fileExists(atPath: sp) {
            let s = try AuditState.load(path: sp)
            guard s.origin == manifest.origin, s.logKey == manifest.logKey else {
                throw .unreadable("the state file \(sp) belongs to another record (origin or log key differ)")
            }
            state = s
            tree = s.tree
            lastTime = s.lastTime
            entryOffset = s.entriesOffset
            checkpointOffset = s.checkpointsOffset
            nextCheckpointPosition = s.checkpointsSeen
            lastCheckpointSize = s.checkpoint.size
            lastGoodCheckpoint = s.checkpoint
            lastCheckpointTime = s.checkpoint.time
            reachedCheckpoint = (s.checkpoint.size, s.checkpoint.time)
            report = s.report
            kindCounts = s.kindCounts
            for c in checkers {
                if let j = s.checkers.first(where: { $0.0 == c.kinds.joined(separator: ",") })?.1 { try c.restoreState(j) }
            }
            report.setFact("resumed from", "checkpoint of size \(s.checkpoint.size)")
        }

        let entries = try LineReader(path: path("entries.jsonl"), startingAt: entryOffset)
        checkpointReader = try LineReader(path: path("checkpoints.jsonl"), startingAt: checkpointOffset)
        loadNextCheckpoint()
        if state == nil { checkpointsReached(size: 0) }

        // The entry at the resume point must be the one the saved frontier expects.
        let origin = manifest.origin
        pipeline = JobPipeline(workers: options.workers)
        var position = tree.size
        var lastProgress = position
        while true {
            var lines: [[UInt8]] = []
            lines.reserveCapacity(options.batchSize)
            while lines.count < options.batchSize, let line = try entries.nextLine() { lines.append(line) }
            if lines.isEmpty { break }
            var prepared = PreparedEntry.prepareAll(lines, base: position, origin: origin, workers: options.workers,
                                                    checkers: checkerTable)
            for p in prepared {
                if let kind = p.payload?.kind, let checker = checkerByKind[kind], checker.needsBarrier(before: kind) {
                    pipeline.flush(&outstanding, into: &report)
                }
                let jobs = apply(p)
                outstanding += jobs
                pipeline.submit(jobs)
            }
            pipeline.drain(&outstanding, into: &report)
            BatchDisposal.release(&prepared)
            position += UInt64(lines.count)
            if let progress = options.progress, position - lastProgress >= 4096 {
                progress(position, manifest.entries)
                lastProgress = position
            }
        }
        pipeline.flush(&outstanding, into: &report)
        // What the stream established; whole-record checks below are re-evaluated on every run, so
        // the incremental state keeps the counts from before them.
        let streamed = report
        if entries.missingFinalNewline {
            report.fail(.manifest, .record, "entries.jsonl does not end with a newline")
        }
        finishCheckpoints(totalEntries: position)
        var finalJobs: [ProofJob] = []
        for c in checkers { finalJobs += c.finish(report: &report) }
        run(finalJobs)

        report.record(.manifest, .record, failure: manifestBytes == Array((manifest.jsonText + "\n").utf8) ? nil
            : "manifest.json is not in the canonical form of SPEC.md §1 (keys in order, no spaces, one newline)")
        report.record(.manifest, .record, failure: manifest.checkpoints >= 1 ? nil
            : "manifest.json announces no checkpoint (an empty log still has one of size 0)")
        report.record(.manifest, .record, failure: manifest.entries == position ? nil
            : "manifest.json announces \(manifest.entries) entries but entries.jsonl has \(position)")
        report.record(.manifest, .record, failure: manifest.checkpoints == nextCheckpointPosition ? nil
            : "manifest.json announces \(manifest.checkpoints) checkpoints but checkpoints.jsonl has \(nextCheckpointPosition)")
        report.setFact("entries", String(position))
        report.setFact("checkpoints", String(nextCheckpointPosition))
        if !kindCounts.isEmpty {
            report.setFact("kinds", kindCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        options.progress?(position, manifest.entries)

        if let sp = options.statePath, report.passed, let cp = lastGoodCheckpoint, cp.size == position {
            var finalReport = streamed
            finalReport.facts.removeAll { $0.0 == "resumed from" }
            let s = AuditState(
                origin: manifest.origin, logKey: manifest.logKey, checkpoint: cp, tree: tree, lastTime: lastTime,
                entriesOffset: entries.offset, checkpointsOffset: checkpointReader.offset,
                checkpointsSeen: nextCheckpointPosition, report: finalReport, kindCounts: kindCounts,
                checkers: checkers.map { ($0.kinds.joined(separator: ","), $0.saveState()) })
            try s.save(path: sp)
        }
        return report
    }

    // MARK: Entries

    private func apply(_ p: PreparedEntry) -> [ProofJob] {
        let loc = Location.entry(p.position)
        guard let entry = p.entry, let leafHash = p.leafHash else {
            report.record(.entriesWellFormed, loc, failure: p.lineError ?? "unreadable line")
            if firstUnreadable == nil { firstUnreadable = p.position }
            // The leaf cannot be recomputed: append a stand-in so later sizes stay aligned; every
            // checkpoint from here on then fails LOG-4 with the reason.
            tree.append(leafHash: Merkle.leafHash(Array("unreadable entry \(p.position)".utf8)))
            checkpointsReached(size: tree.size)
            return []
        }
        // After the entry is applied: entry 0 is the term.setup that says whether times are real.
        defer { checkNotInTheFuture(entry.time, loc) }
        report.record(.entriesWellFormed, loc, failure: entry.index == p.position ? nil
            : "the line at position \(p.position) says index \(entry.index) (entry dropped, duplicated or reordered)")
        tree.append(leafHash: leafHash)
        let redacted = entry.redactedLeaf != nil
        if !redacted {
            report.record(.entrySignatures, loc, failure: p.signatureValid ? nil
                : "the author's Ed25519 signature over the payload does not verify")
        }
        var timeFailure: String? = nil
        if let last = lastTime, entry.time < last {
            timeFailure = "log time \(entry.time) is earlier than the previous entry's \(last)"
        } else if let signed = reachedCheckpoint, entry.time < signed.time {
            timeFailure = "log time \(entry.time) is earlier than the time \(signed.time) of the checkpoint of size \(signed.size), which the log signed before appending this entry (backdated)"
        }
        report.record(.timesNonDecreasing, loc, failure: timeFailure)
        lastTime = max(lastTime ?? 0, entry.time)
        checkpointsReached(size: tree.size)
        guard p.signatureValid || redacted else { return [] }  // SPEC.md §2.2: never parse an unsigned payload.
        report.record(.payloadEnvelopes, loc, failure: p.payloadError)
        guard let payload = p.payload else { return [] }
        if redacted && payload.kind != "delib.comment" {
            report.fail(.payloadEnvelopes, loc, "a redacted line must stand for a delib.comment (SPEC.md §2.2), not \(payload.kind)")
            return []
        }
        kindCounts[payload.kind, default: 0] += 1
        guard let checker = checkerByKind[payload.kind] else {
            report.record(.knownKinds, loc, failure: "entry kind \"\(payload.kind)\" is not defined by SPEC.md version 1")
            return []
        }
        report.passed(.knownKinds)
        let verified = VerifiedEntry(index: entry.index, time: entry.time, author: entry.author, leafHash: leafHash,
                                     payload: payload, payloadBytes: entry.payload, redacted: redacted,
                                     payloadSHA256: p.payloadSHA256, prepared: p.prepared)
        return checker.apply(verified, report: &report)
    }

    /// `LOG-10`: on a real term, a time more than the allowed skew after the verifier's clock is a
    /// log that lied about time (e.g. a `term.close` dated at the term's end, published early).
    private func checkNotInTheFuture(_ time: UInt64, _ loc: Location) {
        guard let now = options.now, election?.isRealTerm == true else { return }
        let limit = now() &+ VerifyOptions.clockSkewMs
        report.record(.notInTheFuture, loc, failure: time <= limit ? nil
            : "dated \(time) ms, more than 5 minutes after this verifier's clock (\(limit - VerifyOptions.clockSkewMs) ms): a real term's log cannot have written it yet")
    }

    private func run(_ jobs: [ProofJob]) {
        guard !jobs.isEmpty else { return }
        let results = parallelMap(jobs, workers: options.workers) { $0.work() }
        for (job, failure) in zip(jobs, results) { report.record(job.check, job.location, failure: failure) }
    }

    // MARK: Checkpoints

    /// Reads checkpoint lines until one can be checked later, checking form, signature and order.
    private func loadNextCheckpoint() {
        pending = nil
        while true {
            let line: [UInt8]?
            do { line = try checkpointReader.nextLine() } catch {
                report.fail(.checkpointSignatures, .record, error.message)
                return
            }
            guard let line else {
                if checkpointReader.missingFinalNewline {
                    report.fail(.manifest, .record, "checkpoints.jsonl does not end with a newline")
                }
                return
            }
            let position = nextCheckpointPosition
            nextCheckpointPosition += 1
            let cp: Checkpoint
            do throws(AuditError) {
                let cl = try CheckpointLine(line: line)
                cp = try Checkpoint(note: cl.note)
                guard cp.size == cl.size else {
                    throw .malformed("the line says size \(cl.size) but the note says \(cp.size)")
                }
                guard cp.origin == manifest.origin else {
                    throw .malformed("the note's origin \"\(cp.origin)\" is not the record's \"\(manifest.origin)\"")
                }
                guard Array(cl.line.utf8) == line else {
                    throw .malformed("the line is not in the canonical form of SPEC.md §1")
                }
            } catch {
                report.record(.checkpointSignatures, .checkpoint(position: position, size: nil), failure: "malformed: \(error.message)")
                report.fail(.checkpointRoots, .checkpoint(position: position, size: nil), "malformed checkpoint; root not checked")
                continue
            }
            let loc = Location.checkpoint(position: position, size: cp.size)
            let signatureFailure = cp.signatureFailure(logKey: manifest.logKey)
            report.record(.checkpointSignatures, loc, failure: signatureFailure)
            if let previous = lastCheckpointTime {
                report.record(.checkpointTimes, loc, failure: cp.time >= previous ? nil
                    : "checkpoint time \(cp.time) is earlier than the previous checkpoint's \(previous)")
            }
            lastCheckpointTime = cp.time
            if let last = lastCheckpointSize, cp.size <= last {
                report.record(.checkpointSequence, loc, failure: "size \(cp.size) does not increase on the previous checkpoint's \(last)")
                report.record(.checkpointRoots, loc, failure: "out of order; the root cannot be recomputed in one pass")
                continue
            }
            report.passed(.checkpointSequence)
            lastCheckpointSize = cp.size
            pending = (position, cp, signatureFailure == nil)
            return
        }
    }

    /// Checks every pending checkpoint whose size the entry stream has just reached.
    private func checkpointsReached(size: UInt64) {
        while let (position, cp, signed) = pending, cp.size == size {
            let loc = Location.checkpoint(position: position, size: cp.size)
            var rootFailure: String? = nil
            if tree.root != cp.root {
                rootFailure = "the root recomputed from entries 0..<\(size) does not match the signed root"
                if let bad = firstUnreadable { rootFailure! += " (entry \(bad) is unreadable)" }
            }
            report.record(.checkpointRoots, loc, failure: rootFailure)
            checkNotInTheFuture(cp.time, loc)
            if size > 0, let t = lastTime {
                report.record(.checkpointTimes, loc, failure: cp.time >= t ? nil
                    : "checkpoint time \(cp.time) is earlier than entry \(size - 1)'s time \(t)")
            }
            if rootFailure == nil && signed { lastGoodCheckpoint = cp }
            if signed, cp.time >= (reachedCheckpoint?.time ?? 0) { reachedCheckpoint = (cp.size, cp.time) }
            loadNextCheckpoint()
        }
    }

    /// After the last entry: checkpoints beyond the entries, and the last one covering them all.
    private func finishCheckpoints(totalEntries: UInt64) {
        while let (position, cp, _) = pending {
            report.record(.checkpointRoots, .checkpoint(position: position, size: cp.size),
                          failure: "size \(cp.size) is beyond the \(totalEntries) entries of the record")
            loadNextCheckpoint()
        }
        let covered = lastCheckpointSize
        report.record(.checkpointSequence, .record, failure: covered == totalEntries ? nil
            : covered.map { "the last checkpoint covers \($0) of \(totalEntries) entries" } ?? "the record has no checkpoint")
    }
}

/// The order-independent work on one line: decoding, leaf hash, signature, payload envelope.
struct PreparedEntry: Sendable {
    let position: UInt64
    var entry: Entry? = nil
    var lineError: String? = nil
    var leafHash: [UInt8]? = nil
    var signatureValid = false
    var payload: Payload? = nil
    var payloadError: String? = nil
    /// SHA-256 of a ballot's payload, hashed here on a worker (``VerifiedEntry/payloadSHA256``).
    var payloadSHA256: [UInt8]? = nil
    /// What the payload's checker decoded here (``KindChecker/prepare(_:)``).
    var prepared: (any Sendable)? = nil

    /// Decodes the line and computes its leaf hash; the signature and payload come after (``finish``).
    init(line: [UInt8], position: UInt64) {
        self.position = position
        do {
            let e = try Entry(line: line)
            entry = e
            leafHash = e.leafHash
        } catch {
            lineError = error.message
        }
    }

    /// Parses the payload of a signed (or redacted) entry, once ``signatureValid`` is known.
    mutating func finish(origin: String, checkers: CheckerTable) {
        guard let e = entry, signatureValid || e.redactedLeaf != nil else { return }
        do { payload = try Payload(bytes: e.payload, origin: origin) } catch { payloadError = error.message }
        guard let payload else { return }
        prepared = checkers.byKind[payload.kind]?.prepare(payload)
        if payload.kind == "ballot.cast" {
            // Ballots the checker could not decode yet (the term's group is set in this very batch):
            // their ristretto255 elements at least are decoded here, on the workers (see PredecodedPoints).
            if prepared == nil { PredecodedPoints.shared.prepare(ballot: payload.json) }
            payloadSHA256 = Hash.sha256(e.payload)
        }
    }

    /// Prepares `lines` (the first at position `base`) on `workers` threads, in chunks whose signatures
    /// are checked together (``Ed25519/verifyAll(_:)``). Two chunks per worker keep both cores busy
    /// when entries differ in cost, while each batch stays large enough for the bucket sum to pay.
    static func prepareAll(_ lines: [[UInt8]], base: UInt64, origin: String, workers: Int,
                           checkers: CheckerTable = CheckerTable(byKind: [:])) -> [PreparedEntry] {
        let size = max(64, (lines.count + 2 * workers - 1) / (2 * workers))
        let starts = Array(stride(from: 0, to: lines.count, by: size))
        let chunks = parallelMap(starts, workers: workers) { start in
            prepareChunk(Array(lines[start ..< min(start + size, lines.count)]), base: base + UInt64(start), origin: origin,
                         checkers: checkers)
        }
        return chunks.flatMap { $0 }
    }

    /// One chunk: decode every line, check the signatures in one batch, then parse the signed payloads.
    static func prepareChunk(_ lines: [[UInt8]], base: UInt64, origin: String,
                             checkers: CheckerTable = CheckerTable(byKind: [:])) -> [PreparedEntry] {
        var out = lines.enumerated().map { PreparedEntry(line: $1, position: base + UInt64($0)) }
        var checks: [SignatureCheck] = []
        var owners: [Int] = []
        for (k, p) in out.enumerated() {
            guard let e = p.entry, e.redactedLeaf == nil else { continue }
            checks.append(SignatureCheck(signature: e.signature, publicKey: e.author, prefix: Entry.signaturePrefix, message: e.payload))
            owners.append(k)
        }
        for (k, valid) in zip(owners, Ed25519.verifyAll(checks)) { out[k].signatureValid = valid }
        for k in out.indices { out[k].finish(origin: origin, checkers: checkers) }
        return out
    }
}

/// The checkers by kind, shared with the workers of ``PreparedEntry/prepareAll``. Unchecked: the
/// workers only call ``KindChecker/prepare(_:)``, which reads checker state and never changes it, and
/// they run while the sequential pass (the only writer) waits for ``parallelMap`` to return.
struct CheckerTable: @unchecked Sendable {
    let byKind: [String: KindChecker]
}

/// Frees an applied batch of ``PreparedEntry`` (their JSON trees and byte arrays), or of recorded
/// ``ProofJob``s, on a background thread: tearing them down is a good part of what the in-order pass
/// would otherwise do alone.
enum BatchDisposal {
    /// Holds the items until the background thread drops them (the only reference left by then).
    private final class Box<T>: @unchecked Sendable {
        var items: [T]
        init(_ items: [T]) { self.items = items }
    }

    /// Empties `items`, whose memory is then freed on a background thread.
    static func release<T>(_ items: inout [T]) {
        let box = Box(items)
        items = []
        DispatchQueue.global().async { box.items = [] }
    }
}
