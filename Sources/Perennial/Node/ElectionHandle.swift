import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// The election of a node, with its group chosen at run time (from `term.setup`). Everything the
/// command line, the kiosk and the demo need, without generics.
public protocol ElectionHandle: AnyObject {
    var groupName: String { get }
    var setup: TermSetup? { get }
    var calendar: TermCalendar? { get }
    var phase: TermPhase { get }
    var verifyProofs: Bool { get set }
    var contests: ContestRegistry { get }
    var roll: Roll { get }
    var statistics: ElectionStatistics { get }
    var result: TallyResult? { get }
    var close: TermClose? { get }
    var trusteeBoxKeys: [Int: [UInt8]] { get }
    var trusteeSharePayloads: [Int: TrusteeShares] { get }
    var readyTrustees: Set<Int> { get }
    /// Trustees whose `trustee.commitments` are in the log.
    var committedTrustees: Set<Int> { get }
    var sharedTrustees: Set<Int> { get }
    var hasElectionKey: Bool { get }
    /// The index of the last election entry applied.
    var lastIndex: Int { get }
    /// Keeps the roll, counted ballots and seen ballots in `rows` (a fresh state only).
    func attach(rows: any ElectionRows)
    /// The election public key in hex (SPEC §3.1), once `election.key` is applied.
    var electionKeyHex: String? { get }
    /// The kiosk devices ever enrolled, by name (SPEC §4.9).
    var kioskDevices: [String: KioskDevice] { get }
    /// The enrolled, not revoked, device holding `key`.
    func activeDevice(key: [UInt8]) -> KioskDevice?

    /// Verifies the proofs of the `ballot.cast` entries about to be applied in one batch (SPEC §3.5.1);
    /// the ones that pass are not verified again when applied. `nil` forgets them.
    func preverifyBallots(_ entries: [ElectionEntry]?)
    /// Credentials of the batch's `roll.*` entries already found valid (see
    /// `ElectionState.preverifiedCredentials`); an empty set forgets them.
    func preverifyCredentials(_ valid: Set<String>)
    /// Checks and applies one entry (nothing changes if it throws).
    func apply(_ entry: ElectionEntry) throws -> ElectionEffect
    /// Checks and applies one entry whose header, record and term the node already checked.
    func apply(_ entry: ElectionEntry, header: PayloadHeader) throws -> ElectionEffect
    /// Where the state reads counted ballots back from the log when a revote supersedes them.
    var ballotPayload: (@Sendable (Int) throws -> [UInt8])? { get set }
    /// The state in binary, and back (see `ElectionState.snapshot()`).
    func snapshot() -> [UInt8]
    func restore(snapshot: [UInt8], entry: (Int) throws -> ElectionEntry) throws

    func openWindow(credential: String, at date: Date) throws -> VotingWindow
    func prepareBallot(choices: [ContestChoice], credential: [UInt8], window: Int) throws -> PreparedBallot
    /// The challenged form of `ballot`: the same ciphertexts (and openings), proofs bound to `device`.
    func prepareChallenge(of ballot: PreparedBallot, choices: [ContestChoice], device: [UInt8]) throws -> PreparedBallot
    func electionKeyPayload() throws -> ElectionKeyPayload
    func closePayload() -> TermClose
    func resultPayload(trustees: [Int]) throws -> TallyResult

    func trusteeStart(index: Int) throws -> TrusteeSecrets
    func trusteeCommitments(_ s: TrusteeSecrets) throws -> TrusteeCommitments
    func trusteeShares(_ s: TrusteeSecrets) throws -> TrusteeShares
    func trusteeCheck(_ s: TrusteeSecrets) throws -> TrusteeCheck
    func trusteeDecrypt(_ s: TrusteeSecrets) throws -> TallyShare
}

/// Counts a clerk wants to see.
public struct ElectionStatistics: Sendable, Equatable, Codable {
    public var rollSize: Int
    public var counted: Int
    public var superseded: Int
    public var spoiled: Int
}

/// ``ElectionHandle`` for one concrete group.
///
/// Not `Sendable`: a node's election is used from one thread at a time (the node serialises appends).
final class GroupElection<G: PrimeOrderGroup>: ElectionHandle {
    var state: ElectionState<G>

    init(group: G, record: String) { state = ElectionState(group: group, record: record) }

    var groupName: String { state.group.name }
    var setup: TermSetup? { state.setup }
    var calendar: TermCalendar? { state.calendar }
    var phase: TermPhase { state.phase }
    var verifyProofs: Bool {
        get { state.verifyProofs }
        set { state.verifyProofs = newValue }
    }
    func preverifyBallots(_ entries: [ElectionEntry]?) {
        if let entries { state.preverifyBallots(entries) } else { state.preverified = [] }
    }
    func preverifyCredentials(_ valid: Set<String>) { state.preverifiedCredentials = valid }
    var contests: ContestRegistry { state.contests }
    var roll: Roll { state.roll }
    var statistics: ElectionStatistics {
        ElectionStatistics(rollSize: state.roll.count, counted: state.countedBallots, superseded: state.supersededBallots,
                           spoiled: state.spoiledBallots)
    }
    var result: TallyResult? { state.result }
    var close: TermClose? { state.close }
    var trusteeBoxKeys: [Int: [UInt8]] { state.boxKeys }
    var trusteeSharePayloads: [Int: TrusteeShares] { state.sharePayloads }
    var readyTrustees: Set<Int> { Set(state.verificationKeys.keys) }
    var committedTrustees: Set<Int> { Set(state.commitments.keys) }
    var sharedTrustees: Set<Int> { Set(state.partials.keys) }
    var hasElectionKey: Bool { state.electionKey != nil }
    var lastIndex: Int { state.lastIndex }
    func attach(rows: any ElectionRows) { state.attach(rows: rows) }
    var electionKeyHex: String? { state.electionKey.map { state.group.hex($0) } }
    var kioskDevices: [String: KioskDevice] { state.devices }
    func activeDevice(key: [UInt8]) -> KioskDevice? { state.activeDevice(key: key) }

    func apply(_ entry: ElectionEntry) throws -> ElectionEffect { try state.apply(entry) }
    func apply(_ entry: ElectionEntry, header: PayloadHeader) throws -> ElectionEffect { try state.apply(entry, header: header) }
    var ballotPayload: (@Sendable (Int) throws -> [UInt8])? {
        get { state.ballotPayload }
        set { state.ballotPayload = newValue }
    }
    func snapshot() -> [UInt8] { state.snapshot() }
    func restore(snapshot: [UInt8], entry: (Int) throws -> ElectionEntry) throws { try state.restore(snapshot: snapshot, entry: entry) }

    func openWindow(credential: String, at date: Date) throws -> VotingWindow { try state.openWindow(credential: credential, at: date).1 }

    func prepareBallot(choices: [ContestChoice], credential: [UInt8], window: Int) throws -> PreparedBallot {
        guard let key = state.electionKey, let setup = state.setup else {
            throw ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
        }
        let builder = BallotBuilder(group: state.group, record: state.record, term: setup.term, electionKey: key)
        return try builder.build(contests: state.contests.inForce(window: window), choices: choices, credential: credential, window: window)
    }

    func prepareChallenge(of ballot: PreparedBallot, choices: [ContestChoice], device: [UInt8]) throws -> PreparedBallot {
        guard let key = state.electionKey, let setup = state.setup else {
            throw ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
        }
        let builder = BallotBuilder(group: state.group, record: state.record, term: setup.term, electionKey: key)
        return try builder.build(contests: state.contests.inForce(window: ballot.window), choices: choices, credential: device,
                                 window: ballot.window, randomness: ballot.openings)
    }

    func electionKeyPayload() throws -> ElectionKeyPayload {
        guard let key = state.expectedElectionKey else {
            throw ElectionError(.ceremony, "Not every trustee has published its commitments yet.")
        }
        return ElectionKeyPayload(publicKey: state.group.hex(key))
    }

    func closePayload() -> TermClose { TermClose(tally: state.closeItems(), counted: state.countedBallots) }

    func resultPayload(trustees: [Int]) throws -> TallyResult {
        let solver = try DiscreteLogSolver(group: state.group, max: max(state.countedBallots, 1))
        return try state.computeResult(trustees: trustees) { try? solver.solve($0) }
    }

    private var workbench: TrusteeWorkbench<G> { TrusteeWorkbench(group: state.group) }

    private func requireSetup() throws -> TermSetup {
        guard let setup = state.setup else { throw ElectionError(.termSetup, "The term is not set up yet.") }
        return setup
    }

    func trusteeStart(index: Int) throws -> TrusteeSecrets {
        let setup = try requireSetup()
        guard (1...setup.trustees.n).contains(index) else {
            throw ElectionError(.ceremony, "This term has trustees 1 to \(setup.trustees.n); there is no trustee \(index).")
        }
        return try workbench.start(record: state.record, term: setup.term, index: index, n: setup.trustees.n, t: setup.trustees.t)
    }

    func trusteeCommitments(_ s: TrusteeSecrets) throws -> TrusteeCommitments { try workbench.commitments(s) }
    func trusteeShares(_ s: TrusteeSecrets) throws -> TrusteeShares { try workbench.shares(s, boxKeys: state.boxKeys) }
    func trusteeCheck(_ s: TrusteeSecrets) throws -> TrusteeCheck {
        try workbench.check(s, received: Array(state.sharePayloads.values), commitments: state.commitments)
    }
    func trusteeDecrypt(_ s: TrusteeSecrets) throws -> TallyShare {
        guard let close = state.close else {
            throw ElectionError(.sealed, "Results are sealed until the term is closed; there is nothing to decrypt yet.")
        }
        return try workbench.decrypt(s, items: close.tally)
    }
}

/// Creates the election handle for a group name.
struct MakeElection: GroupVisitor {
    let record: String
    func visit<G: PrimeOrderGroup>(_ group: G) throws -> any ElectionHandle { GroupElection(group: group, record: record) }
}
