import AuditCurve
/// An entry that passed the log checks (well-formed, signature valid, envelope valid), as the per-kind
/// checkers see it.
public struct VerifiedEntry: Sendable {
    public let index: UInt64
    /// Authoritative log time (ms since the epoch).
    public let time: UInt64
    public let author: [UInt8]
    public let leafHash: [UInt8]
    public let payload: Payload
    /// The exact payload bytes the author signed (for a redacted line, the stand-in's).
    public let payloadBytes: [UInt8]
    /// True for a redacted line (SPEC.md §2.2): its signature could not be checked, its leaf hash was
    /// given; only a comment hidden by moderation may be redacted (checked by the deliberation checker).
    public var redacted = false
    /// SHA-256 of `payloadBytes` when a worker already computed it (ballots: the replay rule), so the
    /// sequential pass need not hash the whole payload again.
    public var payloadSHA256: [UInt8]? = nil
    /// What the entry's checker computed from the payload on a worker (``KindChecker/prepare(_:)``),
    /// so the sequential pass only applies it.
    public var prepared: (any Sendable)? = nil

    /// SHA-256 of `payloadBytes`.
    public var payloadDigest: [UInt8] { payloadSHA256 ?? Hash.sha256(payloadBytes) }
}

/// Heavy, state-free work (proof verification) produced by a checker in log order and run on the
/// worker threads. Its result never feeds back into checker state, so running jobs in parallel gives
/// the same report as running them in order.
public struct ProofJob: Sendable {
    public let check: Check
    public let location: Location
    /// Returns nil when the item verifies, otherwise the reason it fails.
    public let work: @Sendable () -> String?
    /// Optional batch form (SPEC.md §3.5.1): the job's remaining checks as terms of one combined
    /// ristretto255 sum, or nil if a cheap check already fails. The pipeline adds the terms of many
    /// jobs together; if the sum is the identity every such job passes (and its `onSuccess` runs),
    /// otherwise each job's `work` runs alone to name the failures.
    public let batch: (@Sendable () -> BatchTerms?)?

    public init(_ check: Check, _ location: Location, batch: (@Sendable () -> BatchTerms?)? = nil,
                _ work: @escaping @Sendable () -> String?) {
        self.check = check
        self.location = location
        self.batch = batch
        self.work = work
    }

    /// Runs jobs, combining the batchable ones in one sum; results in order.
    static func run(_ jobs: [ProofJob]) -> [String?] {
        var results = [String?](repeating: nil, count: jobs.count)
        var batched: [(Int, BatchTerms)] = []
        var alone: [Int] = []
        for (i, job) in jobs.enumerated() {
            if let prepare = job.batch, let terms = prepare() { batched.append((i, terms)) } else { alone.append(i) }
        }
        if !batched.isEmpty {
            let points = batched.flatMap(\.1.points), scalars = batched.flatMap(\.1.scalars)
            if Ristretto255.pointsSumIsIdentity(points, scalars: scalars) {
                for (_, t) in batched { t.onSuccess() }
            } else {
                alone += batched.map(\.0)
            }
        }
        for i in alone.sorted() { results[i] = jobs[i].work() }
        return results
    }
}

/// Terms `s_i·E_i` of a ristretto255 batch check: decoded points and 32-byte little-endian scalars.
public struct BatchTerms: Sendable {
    public var points: [audit_point]
    public var scalars: [UInt8]
    /// Runs when the combined check passes (what `work` would have done after succeeding).
    public var onSuccess: @Sendable () -> Void

    public init(points: [audit_point], scalars: [UInt8], onSuccess: @escaping @Sendable () -> Void) {
        self.points = points
        self.scalars = scalars
        self.onSuccess = onSuccess
    }
}

/// Checks the entries of some kinds. Called sequentially, in log order, so it can keep state
/// (the roll, the contests, the running tally); anything expensive and independent of order goes
/// into the returned ``ProofJob``s.
public protocol KindChecker: AnyObject {
    /// The payload kinds this checker understands.
    var kinds: [String] { get }
    /// The checks it reports under (shown in the report even when nothing was examined).
    var checks: [Check] { get }
    /// Order-independent decoding of a signed payload of one of ``kinds``, done on the worker threads
    /// ahead of ``apply(_:report:)``, which receives the result as ``VerifiedEntry/prepared``.
    /// Called concurrently while the sequential pass waits: it may read the checker's state but must
    /// not change it, and must return only what `apply` would compute itself (nil: nothing prepared).
    func prepare(_ payload: Payload) -> (any Sendable)?
    /// Examines one entry; records cheap findings in `report` and returns heavy work.
    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob]
    /// True when every job returned so far must have run before `kind` is applied (an entry that
    /// reads aggregates the jobs build, such as the tally).
    func needsBarrier(before kind: String) -> Bool
    /// Called once after the last entry (comparisons against the published result and so on).
    func finish(report: inout Report) -> [ProofJob]
    /// The running aggregates, for incremental verification.
    func saveState() -> JSON
    /// Restores what ``saveState()`` returned.
    func restoreState(_ state: JSON) throws(AuditError)
}

extension KindChecker {
    public func prepare(_ payload: Payload) -> (any Sendable)? { nil }
    public func needsBarrier(before kind: String) -> Bool { false }
    public func finish(report: inout Report) -> [ProofJob] { [] }
    public func saveState() -> JSON { .null }
    public func restoreState(_ state: JSON) throws(AuditError) {}
}
