import CivicLog
import CivicCrypto
import Foundation

/// The whole state of a lifelong election as of some log index, and every rule of `Audit/SPEC.md` §4.
///
/// ``apply(_:)`` checks an entry completely **before** changing anything, so a refused entry leaves the
/// state exactly as it was. The engine calls it inside the log's append transaction (refusal ⇒ nothing
/// is written) and when it replays the log at start-up.
public struct ElectionState<G: PrimeOrderGroup>: Sendable {
    public let group: G
    public let record: String
    public internal(set) var setup: TermSetup?
    public internal(set) var calendar: TermCalendar?
    public internal(set) var electionKey: G.Element?
    public internal(set) var roll = Roll()
    public internal(set) var contests = ContestRegistry()
    public internal(set) var phase: TermPhase = .awaitingSetup

    // Ceremony.
    public internal(set) var commitments: [Int: [G.Element]] = [:]
    public internal(set) var boxKeys: [Int: [UInt8]] = [:]
    public internal(set) var sharesPosted: Set<Int> = []
    /// The `trustee.shares` payloads, for trustees checking what was sent to them.
    public internal(set) var sharePayloads: [Int: TrusteeShares] = [:]
    public internal(set) var verificationKeys: [Int: G.Element] = [:]
    public internal(set) var complaints: [(trustee: Int, against: Int)] = []

    // Ballots and the running encrypted tally. Only the index of each counted ballot is kept: when a
    // revote supersedes it, its ciphertexts are read back from the log (``ballotPayload``).
    // Both are kept in memory only when the state has no ``rows``.
    var counted: [String: Int] = [:]  // key: lineage + "#" + window → log index of the counted ballot
    /// Digests of every recorded ballot payload, and of every ciphertext's `a` (BAL-5, ``freshRandomness(_:challenged:)``).
    var seenPayloads: Set<[UInt8]> = []
    /// The node's stored rows for the roll, the counted ballots and the seen ballots (see
    /// ``ElectionRows``); nil keeps them in memory.
    public internal(set) var rows: (any ElectionRows)?
    /// Kiosk devices by name, and device names by public key (hex) (SPEC §4.9).
    public internal(set) var devices: [String: KioskDevice] = [:]
    var deviceNames: [String: String] = [:]
    /// Indices of the entries that are neither roll changes nor ballots (setup, ceremony, contests,
    /// term end): a snapshot replays them instead of storing what they built.
    var structuralIndices: [Int] = []
    /// Payloads of counted ballots, kept in memory only when no ``ballotPayload`` reader is set.
    var retainedBallots: [Int: [UInt8]] = [:]
    /// Reads the payload of the entry at an index from the log (set by a node; nil for a state fed
    /// entries directly, which then keeps counted ballots' payloads in memory).
    public var ballotPayload: (@Sendable (Int) throws -> [UInt8])?
    public internal(set) var tally: [TallyKey: CipherPair<G>] = [:]
    public internal(set) var countedBallots = 0
    public internal(set) var spoiledBallots = 0
    public internal(set) var supersededBallots = 0
    public internal(set) var lastIndex = -1

    // Term end.
    public internal(set) var close: TermClose?
    public internal(set) var partials: [Int: [G.Element]] = [:]
    public internal(set) var result: TallyResult?

    /// When false, proofs are not re-verified: only for replaying this node's own log, whose entries
    /// were fully verified when appended. Every other rule is still checked.
    public var verifyProofs = true
    /// `ballot.cast` entries (by ``preverifiedKey(author:payload:)``) whose proofs were already verified
    /// in a batch with the current election key (``preverifyBallots(_:)``); their proofs are not checked
    /// again by ``apply(_:)`` (every other rule is). Transient: never in a snapshot.
    public var preverified: Set<[UInt8]> = []
    /// Credentials (hex) of the `roll.*` entries about to be applied in one batch, already found to be
    /// valid Ed25519 public keys on every core (``isValidCredential(_:)``, the costliest roll check);
    /// applying them does not repeat that check (every other rule is checked). Transient: never in a snapshot.
    public var preverifiedCredentials: Set<String> = []

    public init(group: G, record: String) {
        self.group = group
        self.record = record
    }

    /// The term id, once set up.
    public var term: String? { setup?.term }

    // MARK: - Applying entries

    /// Checks `entry` against every rule and, only if all pass, applies it.
    /// - Throws: ``ElectionError`` naming the rule broken; the state is then unchanged.
    @discardableResult
    public mutating func apply(_ entry: ElectionEntry) throws -> ElectionEffect {
        let header: PayloadHeader
        do { header = try PayloadHeader.parse(entry.payload) } catch {
            throw ElectionError.malformed("The entry is not a JSON object with \"kind\" and \"record\".")
        }
        guard header.record == record else {
            throw ElectionError.malformed("The entry names record \"\(header.record)\", but this log is \"\(record)\".")
        }
        if header.kind != EntryKind.termSetup.rawValue {
            guard let setup else { throw ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.") }
            try header.requireTerm(setup.term, refusal: ElectionError.malformed)
        }
        return try apply(entry, header: header)
    }

    /// Applies an entry whose header was already parsed and whose record and term were already
    /// checked (by the node, once for every module).
    @discardableResult
    public mutating func apply(_ entry: ElectionEntry, header: PayloadHeader) throws -> ElectionEffect {
        guard let kind = EntryKind(rawValue: header.kind) else {
            throw ElectionError.malformed("Unknown entry kind \"\(header.kind)\".")
        }
        // The term's life cycle first: an entry out of order is refused before anything else is read.
        if let refusal = phase.refusal(kind) { throw refusal }
        let effect: ElectionEffect
        if kind == .termSetup {
            effect = try applySetup(entry)
        } else {
            // `term.setup` sets `setup` and `calendar` together; every later kind is applied with both,
            // as values rather than optionals.
            guard let setup, let calendar else {
                throw ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.")
            }
            effect = try apply(kind, entry, setup: setup, calendar: calendar)
        }
        switch kind {
        case .rollEnrol, .rollUpdate, .rollReplace, .ballotCast, .ballotSpoil: break
        default: structuralIndices.append(entry.index)
        }
        phase = phase.after(kind)
        lastIndex = entry.index
        return effect
    }

    /// Applies an entry of any kind but `term.setup`, once the term is set up.
    private mutating func apply(_ kind: EntryKind, _ entry: ElectionEntry, setup: TermSetup,
                                calendar: TermCalendar) throws -> ElectionEffect {
        switch kind {
        case .termSetup: return try applySetup(entry)  // not reached: the life cycle admits it only before setup
        case .trusteeCommitments: return try applyCommitments(entry, setup: setup)
        case .trusteeShares: return try applyShares(entry, setup: setup)
        case .trusteeComplaint: return try applyComplaint(entry, setup: setup)
        case .trusteeReady: return try applyReady(entry, setup: setup)
        case .electionKey: return try applyElectionKey(entry, setup: setup)
        case .rollEnrol, .rollUpdate, .rollReplace: return try applyRoll(kind, entry, setup: setup)
        case .contestVersion: return try applyContest(entry, setup: setup)
        case .ballotCast: return try applyBallot(entry, setup: setup)
        case .ballotSpoil: return try applySpoil(entry, setup: setup)
        case .termClose: return try applyClose(entry, setup: setup, calendar: calendar)
        case .tallyShare: return try applyTallyShare(entry, setup: setup)
        case .tallyResult: return try applyResult(entry, setup: setup)
        case .kioskEnrol: return try applyKioskEnrol(entry, setup: setup)
        case .kioskRevoke: return try applyKioskRevoke(entry, setup: setup)
        }
    }

    // MARK: Authorisation

    func requireAuthor(_ entry: ElectionEntry, is key: String, role: String) throws(ElectionError) {
        guard Hex.encode(entry.author) == key else {
            throw ElectionError(.notAuthorised, "Only the \(role) may write this entry.")
        }
    }

    func requireTrustee(_ entry: ElectionEntry, index i: Int) throws(ElectionError) {
        guard let setup, i >= 1, i <= setup.trustees.n else {
            throw ElectionError(.ceremony, "Trustee \(i) does not exist in this term.")
        }
        try requireAuthor(entry, is: setup.trusteeKeys[i - 1], role: "trustee \(i)")
    }
}
