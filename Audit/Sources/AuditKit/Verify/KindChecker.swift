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
}

/// Heavy, state-free work (proof verification) produced by a checker in log order and run on the
/// worker threads. Its result never feeds back into checker state, so running jobs in parallel gives
/// the same report as running them in order.
public struct ProofJob: Sendable {
    public let check: Check
    public let location: Location
    /// Returns nil when the item verifies, otherwise the reason it fails.
    public let work: @Sendable () -> String?

    public init(_ check: Check, _ location: Location, _ work: @escaping @Sendable () -> String?) {
        self.check = check
        self.location = location
        self.work = work
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
    public func needsBarrier(before kind: String) -> Bool { false }
    public func finish(report: inout Report) -> [ProofJob] { [] }
    public func saveState() -> JSON { .null }
    public func restoreState(_ state: JSON) throws(AuditError) {}
}
