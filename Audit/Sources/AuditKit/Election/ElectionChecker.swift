import Foundation

/// The checker of every election kind (SPEC.md §4). It reads `term.setup`, then hands the entries to
/// an ``ElectionCore`` specialised for the term's group.
public final class ElectionChecker: KindChecker {
    public static let allKinds = [
        "term.setup", "election.key", "contest.version", "term.close", "tally.result",
        "roll.enrol", "roll.update", "roll.replace",
        "trustee.commitments", "trustee.shares", "trustee.ready", "trustee.complaint", "tally.share",
        "ballot.cast", "ballot.spoil", "kiosk.enrol", "kiosk.revoke",
    ]
    static let officerKinds: Set<String> = ["term.setup", "election.key", "contest.version", "term.close", "tally.result",
                                            "kiosk.enrol", "kiosk.revoke"]
    static let registrarKinds: Set<String> = ["roll.enrol", "roll.update", "roll.replace"]
    static let trusteeKinds: Set<String> = ["trustee.commitments", "trustee.shares", "trustee.ready", "trustee.complaint", "tally.share"]

    public var kinds: [String] { ElectionChecker.allKinds }
    public var checks: [Check] { Check.electionChecks }

    /// The record's origin (every payload's `record`, already checked equal to the manifest's).
    private var origin = ""
    private var core: ElectionCoreProtocol? = nil
    private var setup: TermSetup? = nil
    private var setupPayload: JSON? = nil
    private var sawSetup = false
    /// The record's log key (from the manifest), which `term.setup`'s `log_key` must name (SPEC.md §4.2).
    public var recordLogKey: [UInt8]? = nil

    /// Counted ballots between two sweeps of the windows that can still receive a ballot.
    private let sweepInterval: Int

    /// - Parameter sweepInterval: counted ballots between two sweeps of closed windows (4,096; tests
    ///   make it small to exercise sweeping on small records). It never changes the report.
    public init(sweepInterval: Int = 4096) { self.sweepInterval = sweepInterval }

    /// Ballots' elements and scalars, decoded on the workers once the term's group is known.
    /// Roll credentials are decoded here too (``Ed25519Keys`` remembers them), so the in-order pass
    /// finds them checked instead of paying the subgroup test alone.
    public func prepare(_ payload: Payload) -> (any Sendable)? {
        switch payload.kind {
        case "roll.enrol": Self.warmCredential(payload.json["credential"])
        case "roll.replace": Self.warmCredential(payload.json["new"])
        case "ballot.cast": return core?.predecodeBallot(payload.json)
        default: break
        }
        return nil
    }

    /// Decodes a credential-shaped field into ``Ed25519Keys``' cache (whose answer for given bytes
    /// never changes); anything else is left for the in-order pass to refuse.
    private static func warmCredential(_ value: JSON?) {
        guard let text = value?.stringValue, let bytes = try? Hex.decode(text, length: 32) else { return }
        _ = isValidEd25519Key(bytes)
    }

    public func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let kind = entry.payload.kind
        let loc = Location.entry(entry.index)
        origin = entry.payload.record
        if kind == "term.setup" { return applySetup(entry, report: &report) }
        guard let setup, let core else {
            report.record(.auth, loc, failure: "\(kind) before a valid term.setup: no role can be checked")
            return []
        }
        // Payload envelope: third key is the term id.
        let members = entry.payload.json.objectMembers ?? []
        guard members.count >= 3, members[2].0 == "term", members[2].1.stringValue == setup.term else {
            report.record(.auth, loc, failure: "\(kind): the third key must be \"term\":\"\(setup.term)\"")
            return []
        }
        // Roles (ballots are checked against the roll as BAL-1 / BAL-8).
        if ElectionChecker.officerKinds.contains(kind) {
            report.record(.auth, loc, failure: entry.author == setup.officer ? nil : "\(kind) must be written by the officer")
            guard entry.author == setup.officer else { return [] }
        } else if ElectionChecker.registrarKinds.contains(kind) {
            report.record(.auth, loc, failure: entry.author == setup.registrar ? nil : "\(kind) must be written by the registrar")
            guard entry.author == setup.registrar else { return [] }
        } else if ElectionChecker.trusteeKinds.contains(kind) {
            let claimed = entry.payload.json["trustee"]?.uint64Value
            var failure: String? = nil
            if let i = claimed, i >= 1, i <= UInt64(setup.n) {
                if setup.trusteeKeys[Int(i - 1)] != entry.author { failure = "\(kind) for trustee \(i) is not signed by trustee \(i)'s key" }
            } else {
                failure = "\(kind): \"trustee\" must be a trustee index 1…\(setup.n)"
            }
            report.record(.auth, loc, failure: failure)
            guard failure == nil else { return [] }
        }
        return core.apply(entry, report: &report)
    }

    private func applySetup(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        if sawSetup {
            report.record(.term, loc, failure: "a second term.setup (there must be exactly one, at index 0)")
            return []
        }
        sawSetup = true
        guard entry.index == 0 else {
            report.record(.term, loc, failure: "term.setup must be entry 0")
            return []
        }
        let s: TermSetup
        do { s = try TermSetup(try Fields(entry.payload.json, kind: "term.setup")) } catch {
            report.record(.term, loc, failure: error.message)
            return []
        }
        let members = entry.payload.json.objectMembers ?? []
        guard members.count >= 3, members[2].0 == "term" else {
            report.record(.term, loc, failure: "term.setup: the third key must be \"term\"")
            return []
        }
        guard let clock = TermClock(zone: s.timeZone) else {
            report.record(.term, loc, failure: "term.setup: \"\(s.timeZone)\" is not an IANA time zone")
            return []
        }
        report.record(.auth, loc, failure: entry.author == s.officer ? nil : "term.setup must be written by the officer it names")
        guard entry.author == s.officer else {
            report.fail(.term, loc, "term.setup is not signed by its officer")
            return []
        }
        if let key = recordLogKey {
            let expected = Checkpoint.verifierKey(name: origin, publicKey: key)
            guard s.logKey == expected else {
                report.record(.term, loc, failure: "term.setup: \"log_key\" is \(s.logKey), not the record's log key \(expected) (SPEC.md §4.2)")
                return []
            }
        }
        report.record(.term, loc, failure: nil)
        start(s, clock: clock)
        setupPayload = entry.payload.json
        report.setFact("term", "\(s.term) (\(s.start) to \(s.end), \(s.timeZone), group \(s.group), \(s.t) of \(s.n) trustees)")
        return []
    }

    private func start(_ s: TermSetup, clock: TermClock) {
        setup = s
        self.clock = clock
        let calendar = WindowCalendar(setup: s, clock: clock)
        switch try? AnyGroup(name: s.group) {
        case let .ristretto255(g)?:
            core = RistrettoElectionCore(ElectionCore(group: g, setup: s, record: origin, calendar: calendar, sweepInterval: sweepInterval))
        case let .modp(g)?: core = ElectionCore(group: g, setup: s, record: origin, calendar: calendar, sweepInterval: sweepInterval)
        case nil: break
        }
    }

    /// `term.close` compares against the tally the ballot jobs accumulate.
    public func needsBarrier(before kind: String) -> Bool { kind == "term.close" }

    /// The term, once a valid `term.setup` was read (the ledger and deliberation checkers use it).
    var term: (setup: TermSetup, clock: TermClock)? {
        guard let setup, let clock else { return nil }
        return (setup, clock)
    }
    private var clock: TermClock? = nil

    /// True if `key` is a credential of the roll (deliberation keys must not be, SPEC.md §6.1).
    func isCredential(_ key: [UInt8]) -> Bool { core?.isOnRoll(key) ?? false }

    /// True once a valid `term.setup` says `"simulation":false` (its log times are real: `LOG-10`).
    public var isRealTerm: Bool { setup.map { !$0.simulation } ?? false }
    /// The term's group name, once `term.setup` was read.
    public var groupName: String? { setup?.group }
    /// The exponentiations the record's ballots needed.
    public var ballotCost: ProofCost { core?.ballotCost ?? ProofCost() }

    public func saveState() -> JSON {
        .object([("origin", .string(origin)), ("saw_setup", .bool(sawSetup)), ("setup", setupPayload ?? .null),
                 ("core", core?.saveState() ?? .null)])
    }

    public func restoreState(_ state: JSON) throws(AuditError) {
        origin = state["origin"]?.stringValue ?? ""
        sawSetup = state["saw_setup"]?.boolValue ?? false
        guard let payload = state["setup"], payload != .null else { return }
        let s = try TermSetup(try Fields(payload, kind: "term.setup"))
        guard let clock = TermClock(zone: s.timeZone) else { throw .malformed("saved term.setup has an unknown time zone") }
        setupPayload = payload
        start(s, clock: clock)
        if let c = state["core"], c != .null { try core?.restoreState(c) }
    }

    public func finish(report: inout Report) -> [ProofJob] {
        if !sawSetup { report.record(.term, .record, failure: "the record has no term.setup") }
        // SPEC.md §4.2: the report names the tzdata release that placed the windows (a newer release
        // may place a window differently after a government changes a zone's rules).
        if let setup { report.setFact("time zone data", "tzdata \(TimeZone.timeZoneDataVersion) (this verifier's, for \(setup.timeZone))") }
        // SPEC.md §4.2: a simulation is reported as such, and its result never as an election's.
        if let setup, setup.simulation {
            report.simulation = true
            report.setFact("simulation", "yes: term.setup says this node's clock was set by hand, so its log times say nothing about when anything happened and its result is not an election's")
        }
        return core?.finish(report: &report) ?? []
    }
}

/// The group-independent face of ``ElectionCore``.
/// How many exponentiations the ballots of a record need: the work no verifier can avoid.
public struct ProofCost: Sendable, Equatable {
    public var ballots = 0
    /// Exponentiations of a variable base (`pk^r`, `α^c`, `(β/g^j)^c`).
    public var variableBase = 0
    /// Exponentiations of the generator by a full-size scalar (`g^r`).
    public var fixedBase = 0
}

protocol ElectionCoreProtocol: AnyObject {
    var ballotCost: ProofCost { get }
    func isOnRoll(_ credential: [UInt8]) -> Bool
    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob]
    func predecodeBallot(_ json: JSON) -> (any Sendable)?
    func finish(report: inout Report) -> [ProofJob]
    func saveState() -> JSON
    func restoreState(_ state: JSON) throws(AuditError)
}
