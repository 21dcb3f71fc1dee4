import CivicLog
import CivicCrypto
import Foundation

/// One log entry as the election sees it: where the log put it, when, who signed it, and the exact
/// signed payload bytes. (The log has already checked the signature.)
public struct ElectionEntry: Sendable {
    public var index: Int
    public var timeMs: Int64
    public var author: [UInt8]
    public var payload: [UInt8]
    public init(index: Int, timeMs: Int64, author: [UInt8], payload: [UInt8]) {
        self.index = index; self.timeMs = timeMs; self.author = author; self.payload = payload
    }
    public var date: Date { Date(timeIntervalSince1970: Double(timeMs) / 1000) }
}

/// An exponential ElGamal ciphertext as a pair of elements.
public struct CipherPair<G: PrimeOrderGroup>: Sendable, Hashable {
    public var a: G.Element
    public var b: G.Element
    public init(a: G.Element, b: G.Element) { self.a = a; self.b = b }
}

/// Where one encrypted count accumulates: an option of a contest, overall (`year == nil`) or for one
/// window number.
public struct TallyKey: Sendable, Hashable {
    public var contest: String
    public var option: String
    public var year: Int?
    public init(contest: String, option: String, year: Int?) { self.contest = contest; self.option = option; self.year = year }
}

/// What applying an entry did, for callers that report it (the kiosk, the command line).
public enum ElectionEffect: Sendable, Equatable {
    case setup, ceremony, electionKey, roll, contest
    /// A counted ballot; `superseded` is the index of the ballot it replaced in the same window.
    case ballotCounted(window: Int, superseded: Int?)
    case ballotSpoiled(window: Int)
    case closed, share, result
    /// A kiosk device enrolled or revoked.
    case device
}

/// The life cycle of a term, as an explicit state machine.
public enum TermPhase: String, Sendable {
    case awaitingSetup, ceremony, open, closed, tallied
}

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
    var seenPayloads: Set<[UInt8]> = []
    /// The node's stored rows for the roll, the counted ballots and the seen ballots (see
    /// ``ElectionRows``); nil keeps them in memory.
    public internal(set) var rows: (any ElectionRows)?
    /// Digests of every ciphertext of the ballots embedded in `ballot.spoil` entries (BAL-5: none may
    /// be cast, whatever bytes surround them). Challenges are rare: kept in memory and in the snapshot.
    var challengedCiphertexts: Set<[UInt8]> = []
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

    /// True if `hex` is a 32-byte Ed25519 public key (a point of the curve's main subgroup) in hex.
    public static func isValidCredential(_ hex: String) -> Bool {
        guard let raw = try? Hex.decode(hex), raw.count == 32 else { return false }
        return (try? Ed25519.PublicKey(rawRepresentation: raw)) != nil
    }

    /// A credential is valid if it was found so in this batch, or is checked now.
    func requireValidCredential(_ hex: String, _ message: String) throws {
        guard preverifiedCredentials.contains(hex) || Self.isValidCredential(hex) else { throw ElectionError(.roll, message) }
    }

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
        if kind != .termSetup, setup == nil {
            throw ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.")
        }
        let effect: ElectionEffect
        switch kind {
        case .termSetup: effect = try applySetup(entry)
        case .trusteeCommitments: effect = try applyCommitments(entry)
        case .trusteeShares: effect = try applyShares(entry)
        case .trusteeComplaint: effect = try applyComplaint(entry)
        case .trusteeReady: effect = try applyReady(entry)
        case .electionKey: effect = try applyElectionKey(entry)
        case .rollEnrol, .rollUpdate, .rollReplace: effect = try applyRoll(kind, entry)
        case .contestVersion: effect = try applyContest(entry)
        case .ballotCast: effect = try applyBallot(entry)
        case .ballotSpoil: effect = try applySpoil(entry)
        case .termClose: effect = try applyClose(entry)
        case .tallyShare: effect = try applyTallyShare(entry)
        case .tallyResult: effect = try applyResult(entry)
        case .kioskEnrol: effect = try applyKioskEnrol(entry)
        case .kioskRevoke: effect = try applyKioskRevoke(entry)
        }
        switch kind {
        case .rollEnrol, .rollUpdate, .rollReplace, .ballotCast, .ballotSpoil: break
        default: structuralIndices.append(entry.index)
        }
        lastIndex = entry.index
        return effect
    }

    // MARK: Authorisation

    func requireAuthor(_ entry: ElectionEntry, is key: String, role: String) throws {
        guard Hex.encode(entry.author) == key else {
            throw ElectionError(.notAuthorised, "Only the \(role) may write this entry.")
        }
    }

    func requireTrustee(_ entry: ElectionEntry, index i: Int) throws {
        guard let setup, i >= 1, i <= setup.trustees.n else {
            throw ElectionError(.ceremony, "Trustee \(i) does not exist in this term.")
        }
        try requireAuthor(entry, is: setup.trusteeKeys[i - 1], role: "trustee \(i)")
    }

    // MARK: Setup

    /// The largest number of trustees a term may have (SPEC §4.2).
    public static var maximumTrustees: Int { 64 }

    mutating func applySetup(_ entry: ElectionEntry) throws -> ElectionEffect {
        guard setup == nil, entry.index == 0 else {
            throw ElectionError(.termSetup, "term.setup must be the first entry of the log, and only once.")
        }
        let s = try TermSetup.decode(entry.payload)
        try requireAuthor(entry, is: s.officer, role: "officer named in term.setup")
        guard s.group == group.name else {
            throw ElectionError(.termSetup, "This node runs group \(group.name) but the term names \(s.group).")
        }
        guard ElectionID.isValid(s.term) else {
            throw ElectionError(.termSetup, "The term id must be \(ElectionID.rule).")
        }
        guard s.trustees.t >= 1, s.trustees.t <= s.trustees.n, s.trustees.n <= Self.maximumTrustees,
              s.trusteeKeys.count == s.trustees.n else {
            throw ElectionError(.termSetup, "Trustees must satisfy 1 ≤ t ≤ n ≤ \(Self.maximumTrustees) with one key per trustee.")
        }
        guard Set(s.trusteeKeys.map { $0.lowercased() }).count == s.trusteeKeys.count else {
            throw ElectionError(.termSetup, "Each trustee needs a key of its own: the same trustee key is named twice.")
        }
        guard s.winnerRule == "plurality" else {
            throw ElectionError(.termSetup, "The only winner rule is \"plurality\".")
        }
        for key in [s.officer, s.registrar] + s.trusteeKeys {
            guard let raw = try? Hex.decode(key), raw.count == 32 else {
                throw ElectionError(.termSetup, "Every key in term.setup must be a 32-byte Ed25519 public key in hex.")
            }
        }
        guard let policy = LeapDayPolicy(rawValue: s.leapDay) else {
            throw ElectionError(.termSetup, "leap_day must be \"feb28\" or \"mar1\".")
        }
        let cal: TermCalendar
        do {
            cal = try TermCalendar(timeZone: s.timeZone, start: LocalDate(iso: s.start), end: LocalDate(iso: s.end),
                                   windowDays: s.windowDays, leapDayPolicy: policy)
        } catch {
            throw ElectionError(.termSetup, "The term's calendar is invalid: \(error)")
        }
        setup = s
        calendar = cal
        phase = .ceremony
        return .setup
    }

    // MARK: Ceremony

    /// Context of the ceremony's proofs (SPEC §4.4).
    public static func trusteeContext(record: String, term: String) -> [UInt8] {
        Bytes.lp("perennial-trustee-v1") + Bytes.lp(record) + Bytes.lp(term)
    }

    mutating func applyCommitments(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TrusteeCommitments.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard phase == .ceremony, sharesPosted.isEmpty else {
            throw ElectionError(.ceremony, "Commitments are accepted only at the start of the key ceremony.")
        }
        guard commitments[p.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already published its commitments.")
        }
        let t = setup!.trustees.t
        guard p.commitments.count == t, p.proofs.count == t else {
            throw ElectionError(.ceremony, "A trustee publishes exactly t = \(t) commitments, each with its proof.")
        }
        guard let box = try? Hex.decode(p.boxKey), box.count == 32 else {
            throw ElectionError(.ceremony, "box_key must be a 32-byte X25519 public key in hex.")
        }
        let context = Self.trusteeContext(record: record, term: setup!.term)
        var elements: [G.Element] = []
        for (k, (hex, proof)) in zip(p.commitments, p.proofs).enumerated() {
            guard let c = try? group.decodeElement(hex: hex), c != group.identity else {
                throw ElectionError(.badProof, "Commitment \(k) of trustee \(p.trustee) is not a valid group element other than the identity.")
            }
            let binding = Bytes.u32(p.trustee) + Bytes.u32(k)
            guard !verifyProofs || ProofAdapter.verifySchnorr(group, x: c, proof: proof, context: context, binding: binding) else {
                throw ElectionError(.badProof, "The proof of knowledge for commitment \(k) of trustee \(p.trustee) does not verify.")
            }
            elements.append(c)
        }
        commitments[p.trustee] = elements
        boxKeys[p.trustee] = box
        return .ceremony
    }

    mutating func applyShares(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TrusteeShares.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        let n = setup!.trustees.n
        guard phase == .ceremony, commitments.count == n else {
            throw ElectionError(.ceremony, "Shares are sent only after every trustee has published commitments.")
        }
        guard !sharesPosted.contains(p.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already sent its shares.")
        }
        let expected = (1...n).filter { $0 != p.trustee }
        guard p.shares.map(\.to) == expected else {
            throw ElectionError(.ceremony, "Shares must go to every other trustee, in increasing order.")
        }
        guard p.shares.allSatisfy({ Data(base64Encoded: $0.sealed) != nil }) else {
            throw ElectionError(.malformed, "A sealed share is not base64.")
        }
        sharesPosted.insert(p.trustee)
        sharePayloads[p.trustee] = p
        return .ceremony
    }

    mutating func applyComplaint(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TrusteeComplaint.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard phase == .ceremony, electionKey == nil else {
            throw ElectionError(.ceremony, "Complaints are filed during the key ceremony.")
        }
        guard p.against != p.trustee, (1...setup!.trustees.n).contains(p.against) else {
            throw ElectionError(.ceremony, "A complaint names another trustee of this term.")
        }
        complaints.append((p.trustee, p.against))
        return .ceremony
    }

    /// `P_j = Π_i Π_k C_{i,k}^(j^k)` (SPEC §3.6).
    public func expectedVerificationKey(_ j: Int) -> G.Element? {
        guard let setup, commitments.count == setup.trustees.n else { return nil }
        var acc = group.identity
        for i in 1...setup.trustees.n {
            var power = group.scalar(1)
            for c in commitments[i]! {
                acc = group.op(acc, group.expPublic(c, power))
                power = group.scalarMul(power, group.scalar(UInt64(j)))
            }
        }
        return acc
    }

    mutating func applyReady(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TrusteeReady.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard phase == .ceremony, sharesPosted.count == setup!.trustees.n else {
            throw ElectionError(.ceremony, "A trustee confirms only after every trustee has sent its shares.")
        }
        guard verificationKeys[p.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already confirmed.")
        }
        guard let key = try? group.decodeElement(hex: p.verificationKey), key != group.identity,
              key == expectedVerificationKey(p.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee)'s verification key does not match the published commitments.")
        }
        verificationKeys[p.trustee] = key
        return .ceremony
    }

    /// `pk = Π_i C_{i,0}`.
    public var expectedElectionKey: G.Element? {
        guard let setup, commitments.count == setup.trustees.n else { return nil }
        return group.product((1...setup.trustees.n).map { commitments[$0]![0] })
    }

    mutating func applyElectionKey(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try ElectionKeyPayload.decode(entry.payload)
        try requireAuthor(entry, is: setup!.officer, role: "officer")
        guard electionKey == nil else { throw ElectionError(.ceremony, "The election key is already published.") }
        guard complaints.isEmpty else {
            throw ElectionError(.ceremony, "A trustee complained during the ceremony; the key cannot be published. Start a new ceremony in a new term.")
        }
        guard verificationKeys.count == setup!.trustees.n else {
            throw ElectionError(.ceremony, "Every trustee must confirm its shares before the election key is published.")
        }
        guard let key = try? group.decodeElement(hex: p.publicKey), key != group.identity, key == expectedElectionKey else {
            throw ElectionError(.ceremony, "The election key is not the product of the trustees' first commitments.")
        }
        electionKey = key
        phase = .open
        return .electionKey
    }

    // MARK: Roll

    mutating func applyRoll(_ kind: EntryKind, _ entry: ElectionEntry) throws -> ElectionEffect {
        try requireAuthor(entry, is: setup!.registrar, role: "registrar")
        guard close == nil else { throw ElectionError(.closed, "The term is closed; the roll is frozen.") }
        switch kind {
        case .rollEnrol:
            let p = try RollEnrol.decode(entry.payload)
            try requireValidCredential(p.credential, "The credential must be a 32-byte Ed25519 public key in hex.")
            let record = try roll.checkEnrol(p)
            roll.enrol(p.credential, record, entry: entry.index)
        case .rollUpdate:
            let p = try RollUpdate.decode(entry.payload)
            let record = try roll.checkUpdate(p)
            roll.update(p.credential, record, entry: entry.index)
        default:
            let p = try RollReplace.decode(entry.payload)
            try requireValidCredential(p.new, "The new credential must be a valid 32-byte Ed25519 public key in hex.")
            let (old, new) = try roll.checkReplace(p)
            roll.update(p.old, old, entry: entry.index)
            roll.enrol(p.new, new, entry: entry.index)
        }
        return .roll
    }

    // MARK: Contests

    mutating func applyContest(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try ContestVersion.decode(entry.payload)
        try requireAuthor(entry, is: setup!.officer, role: "officer")
        guard close == nil else { throw ElectionError(.closed, "The term is closed; contests are frozen.") }
        try contests.check(p)
        contests.add(p)
        return .contest
    }

    // MARK: Ballots

    /// Context of a ballot proof (SPEC §4.7); `position` is the option index, or nil for the range proof.
    public static func ballotContext(record: String, term: String, contest: String, version: Int, position: Int?) -> [UInt8] {
        Bytes.lp("perennial-ballot-v1") + Bytes.lp(record) + Bytes.lp(term) + Bytes.lp(contest)
            + Bytes.u32(version) + (position.map { Bytes.u32($0) } ?? [0xff, 0xff, 0xff, 0xff])
    }

    /// Binding of a ballot proof: the credential and the window.
    public static func ballotBinding(credential: [UInt8], window: Int) -> [UInt8] { credential + Bytes.u32(window) }

    /// The window of `credential` that contains `date`, or a clear refusal.
    public func openWindow(credential: String, at date: Date) throws -> (Roll.Record, VotingWindow) {
        guard let calendar else { throw ElectionError(.termSetup, "The term is not set up yet.") }
        guard let rec = roll[credential] else {
            throw ElectionError(.unknownCredential, "This credential is not on the roll. Please ask the registrar.")
        }
        guard let w = calendar.window(containing: date, birthday: rec.birthday,
                                      eligibleFrom: rec.eligibleFrom, eligibleUntil: rec.eligibleUntil) else {
            if rec.replacedBy != nil {
                throw ElectionError(.notEligible, "This credential was replaced by a new card; please use the new card.")
            }
            throw ElectionError(.outsideWindow, "There is no voting window open for this credential now.")
        }
        return (rec, w)
    }

    func checkCommon(_ entry: ElectionEntry, window: Int) throws -> Roll.Record {
        guard electionKey != nil else {
            throw ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
        }
        guard close == nil else { throw ElectionError(.closed, "The term is closed; no more ballots are accepted.") }
        let (rec, w) = try openWindow(credential: Hex.encode(entry.author), at: entry.date)
        guard w.number == window else {
            throw ElectionError(.wrongWindow, "The ballot is for window \(window) but the open window is \(w.number).")
        }
        guard !hasSeen(SHA256.hash(entry.payload)) else {
            throw ElectionError(.replay, "This exact ballot was already recorded (a replay).")
        }
        return rec
    }

    /// Verifies every proof of a ballot and returns its selection ciphertexts by tally key.
    func verifyBallotContests(_ contestsIn: [EncryptedContest], window: Int, credential: [UInt8]) throws -> [(TallyKey, CipherPair<G>)] {
        let inForce = contests.inForce(window: window)
        guard contestsIn.map(\.contest) == inForce.map(\.contest) else {
            throw ElectionError(.contests, "The ballot must answer exactly the contests in force for this window: \(inForce.map(\.contest).joined(separator: ", ")).")
        }
        let pk = electionKey!
        let binding = Self.ballotBinding(credential: credential, window: window)
        // ristretto255: the ballot's proofs in one combination (SPEC §3.5.1); only if it fails (or the
        // ballot is malformed) are they checked one at a time below, which names the failing proof.
        let proofsVerified = verifyProofs && group.groupName.carriesCommitments
            && ballotProofsVerifyTogether(contestsIn, window: window, pk: pk, credential: credential)
        let verifyEach = verifyProofs && !proofsVerified
        var out: [(TallyKey, CipherPair<G>)] = []
        for (answer, version) in zip(contestsIn, inForce) {
            guard answer.version == version.version else {
                throw ElectionError(.staleContest, "Contest \"\(version.contest)\" is now at version \(version.version); the ballot used version \(answer.version). Please restart the vote.")
            }
            guard answer.selections.count == version.options.count else {
                throw ElectionError(.contests, "Contest \"\(version.contest)\" needs one selection per option (\(version.options.count)).")
            }
            var sumA = group.identity, sumB = group.identity
            for (position, (sel, option)) in zip(answer.selections, version.options).enumerated() {
                let ct = try decodeCipher(sel.a, sel.b)
                guard ct.a != group.identity, ct.b != group.identity else {
                    throw ElectionError(.badProof, "A ciphertext of contest \"\(version.contest)\" holds the identity element, which no honest ballot does.")
                }
                let context = Self.ballotContext(record: record, term: setup!.term, contest: version.contest, version: version.version, position: position)
                guard !verifyEach || ProofAdapter.verifyRange(group, pk: pk, a: ct.a, b: ct.b, lo: 0, hi: 1, c: sel.c, r: sel.r, t: sel.t,
                                               disjunctive: true, context: context, binding: binding) else {
                    throw ElectionError(.badProof, "The proof for option \(position + 1) of contest \"\(version.contest)\" does not verify.")
                }
                sumA = group.op(sumA, ct.a); sumB = group.op(sumB, ct.b)
                out.append((TallyKey(contest: version.contest, option: option.id, year: nil), ct))
            }
            let context = Self.ballotContext(record: record, term: setup!.term, contest: version.contest, version: version.version, position: nil)
            guard !verifyEach || ProofAdapter.verifyRange(group, pk: pk, a: sumA, b: sumB, lo: version.min, hi: version.max,
                                           c: answer.range.c, r: answer.range.r, t: answer.range.t, disjunctive: false, context: context, binding: binding) else {
                throw ElectionError(.badProof, "The proof that contest \"\(version.contest)\" has between \(version.min) and \(version.max) choices does not verify.")
            }
        }
        return out
    }

    func decodeCipher(_ a: String, _ b: String) throws -> CipherPair<G> {
        guard let ea = try? group.decodeElement(hex: a), let eb = try? group.decodeElement(hex: b) else {
            throw ElectionError(.badProof, "A ciphertext is not made of valid group elements.")
        }
        return CipherPair(a: ea, b: eb)
    }

    mutating func applyBallot(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try BallotCast.decode(entry.payload)
        let rec = try checkCommon(entry, window: p.window)
        let saved = verifyProofs
        if !preverified.isEmpty && preverified.contains(Self.preverifiedKey(author: entry.author, payload: entry.payload)) {
            verifyProofs = false
        }
        defer { verifyProofs = saved }
        var contributions = try verifyBallotContests(p.contests, window: p.window, credential: entry.author)
        guard !contributions.contains(where: { challengedCiphertexts.contains(ciphertextDigest($0.1)) }) else {
            throw ElectionError(.replay, "This ballot reuses a ciphertext of a challenged (spoiled) ballot, whose choices are public; encrypt the ballot afresh.")
        }
        if setup!.perYearResults {
            contributions += contributions.map { (TallyKey(contest: $0.0.contest, option: $0.0.option, year: p.window), $0.1) }
        }
        let slot = Roll.ballotSlot(lineage: rec.lineage, window: p.window)
        var superseded: Int?
        let previous = countedBallot(slot: slot)
        let previousContributions = try previous.map { try storedContributions(index: $0) }
        // Every check passed and every read succeeded: from here on nothing throws.
        if let previous, let previousContributions {
            for (key, ct) in previousContributions { subtract(key, ct) }
            superseded = previous
            supersededBallots += 1
            retainedBallots[previous] = nil
        } else {
            countedBallots += 1
        }
        for (key, ct) in contributions { add(key, ct) }
        putCountedBallot(slot: slot, entry: entry.index)
        if ballotPayload == nil { retainedBallots[entry.index] = entry.payload }
        markSeen(SHA256.hash(entry.payload), entry: entry.index)
        return .ballotCounted(window: p.window, superseded: superseded)
    }

    /// The tally contributions of the counted ballot at `index`, read back from the log (its proofs
    /// were verified when it was counted).
    func storedContributions(index: Int) throws -> [(TallyKey, CipherPair<G>)] {
        guard let bytes = try retainedBallots[index] ?? ballotPayload?(index) else {
            throw ElectionError(.malformed, "The counted ballot at entry \(index) cannot be read back from the log.")
        }
        let ballot = try BallotCast.decode(bytes)
        var out: [(TallyKey, CipherPair<G>)] = []
        for answer in ballot.contests {
            guard let version = contests.versions[answer.contest]?.first(where: { $0.version == answer.version }),
                  version.options.count == answer.selections.count else {
                throw ElectionError(.malformed, "The counted ballot at entry \(index) does not match its contest any more.")
            }
            for (sel, option) in zip(answer.selections, version.options) {
                out.append((TallyKey(contest: answer.contest, option: option.id, year: nil), try decodeCipher(sel.a, sel.b)))
            }
        }
        if setup!.perYearResults {
            out += out.map { (TallyKey(contest: $0.0.contest, option: $0.0.option, year: ballot.window), $0.1) }
        }
        return out
    }

    // MARK: Rows (in memory, or the node's stored rows)

    /// Keeps the roll, the counted ballots and the seen ballots in `rows` from now on. Only for a
    /// state that holds none of them in memory yet (a new or a just-restored state).
    public mutating func attach(rows: any ElectionRows) {
        precondition(roll.records.isEmpty && counted.isEmpty && seenPayloads.isEmpty,
                     "rows are attached before anything is kept in memory")
        self.rows = rows
        roll = Roll(records: [:], count: roll.count, rows: rows)
    }

    func countedBallot(slot: String) -> Int? {
        if let rows { return rows.countedBallot(slot: slot) }
        return counted[slot]
    }

    mutating func putCountedBallot(slot: String, entry: Int) {
        if let rows { rows.putCountedBallot(slot: slot, entry: entry) } else { counted[slot] = entry }
    }

    func hasSeen(_ hash: [UInt8]) -> Bool {
        if let rows { return rows.hasSeen(hash) }
        return seenPayloads.contains(hash)
    }

    mutating func markSeen(_ hash: [UInt8], entry: Int) {
        if let rows { rows.putSeen(hash, entry: entry) } else { seenPayloads.insert(hash) }
    }

    mutating func add(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.op(old.a, ct.a), b: group.op(old.b, ct.b))
    }

    mutating func subtract(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.divide(old.a, ct.a), b: group.divide(old.b, ct.b))
    }

    /// The digest under which BAL-5 remembers a challenged ciphertext: `SHA-256(a || b)`.
    func ciphertextDigest(_ ct: CipherPair<G>) -> [UInt8] {
        SHA256.hash(group.encode(ct.a) + group.encode(ct.b))
    }

    /// `ballot.spoil` (BAL-8): a challenged ballot, signed by an active kiosk device (never by the
    /// voter's credential, so the opened choices name nobody), its proofs bound to the device key.
    mutating func applySpoil(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try BallotSpoil.decode(entry.payload)
        guard electionKey != nil else {
            throw ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
        }
        guard close == nil else { throw ElectionError(.closed, "The term is closed; no more ballots are accepted.") }
        guard activeDevice(key: entry.author) != nil else {
            throw ElectionError(.device, "A challenged ballot must be signed by an enrolled kiosk device that is not revoked.")
        }
        guard windowExists(p.window, containing: entry.date) else {
            throw ElectionError(.wrongWindow, "No voting window \(p.window) is open now for any birthday.")
        }
        guard !hasSeen(SHA256.hash(entry.payload)) else {
            throw ElectionError(.replay, "This exact challenged ballot was already recorded (a replay).")
        }
        guard let inner = Data(base64Encoded: p.ballot).map(Array.init) else {
            throw ElectionError.malformed("The challenged ballot is not base64.")
        }
        let header = try? PayloadHeader.parse(inner)
        guard header?.kind == EntryKind.ballotCast.rawValue, header?.record == record, header?.term == setup!.term else {
            throw ElectionError.malformed("The challenged ballot is not a ballot.cast of this term.")
        }
        guard !hasSeen(SHA256.hash(inner)) else {
            throw ElectionError(.replay, "This ballot was already recorded.")
        }
        let ballot = try BallotCast.decode(inner)
        guard ballot.window == p.window else { throw ElectionError(.wrongWindow, "The challenged ballot is for another window.") }
        let cts = try verifyBallotContests(ballot.contests, window: p.window, credential: entry.author)
        let openings = p.openings.flatMap { o in o.selections.map { (o.contest, $0) } }
        guard openings.count == cts.count, zip(openings, cts).allSatisfy({ $0.0 == $1.0.contest }),
              p.openings.map(\.contest) == ballot.contests.map(\.contest) else {
            throw ElectionError(.badProof, "The openings do not match the challenged ballot's selections.")
        }
        let pk = electionKey!
        for ((_, opening), (_, ct)) in zip(openings, cts) {
            // The openings are always checked (they are what the voter reads); they are cheap.
            guard opening.m == 0 || opening.m == 1, let r = try? group.decodeScalar(hex: opening.r),
                  group.expGenerator(r) == ct.a,
                  group.op(group.exp(pk, r), group.elementForSmallInt(opening.m)) == ct.b else {
                throw ElectionError(.badProof, "A revealed selection does not reproduce the challenged ballot's ciphertext.")
            }
        }
        markSeen(SHA256.hash(entry.payload), entry: entry.index)
        markSeen(SHA256.hash(inner), entry: entry.index)
        for (_, ct) in cts { challengedCiphertexts.insert(ciphertextDigest(ct)) }
        spoiledBallots += 1
        return .ballotSpoiled(window: p.window)
    }

    // MARK: Close, shares, result

    /// The items `term.close` must freeze, in SPEC order, with the running tally.
    public func closeItems() -> [TallyItem] {
        var keys: [TallyKey] = []
        for id in contests.contestIDs {
            for option in contests.allOptions(id) { keys.append(TallyKey(contest: id, option: option.id, year: nil)) }
        }
        if setup?.perYearResults == true {
            let maxYear = tally.keys.compactMap(\.year).max() ?? 0
            if maxYear > 0 {
                // Per-year items only for the contests on that window's ballots (SPEC §4.8).
                for year in 1...maxYear {
                    for id in contests.contestIDs where contests.current(id)?.year == nil || contests.current(id)?.year == year {
                        for option in contests.allOptions(id) { keys.append(TallyKey(contest: id, option: option.id, year: year)) }
                    }
                }
            }
        }
        return keys.map { key in
            let ct = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
            return TallyItem(contest: key.contest, option: key.option, year: key.year, a: group.hex(ct.a), b: group.hex(ct.b))
        }
    }

    mutating func applyClose(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TermClose.decode(entry.payload)
        try requireAuthor(entry, is: setup!.officer, role: "officer")
        guard close == nil else { throw ElectionError(.closed, "The term is already closed.") }
        guard entry.date >= calendar!.termEndInstant else {
            throw ElectionError(.sealed, "Results are sealed until the term ends on \(setup!.end); the term cannot be closed before.")
        }
        guard electionKey != nil else { throw ElectionError(.noElectionKey, "The term never had an election key; nothing to close.") }
        guard p.tally == closeItems(), p.counted == countedBallots else {
            throw ElectionError(.tally, "The frozen tally does not equal the running encrypted tally.")
        }
        close = p
        phase = .closed
        return .closed
    }

    /// Context of the decryption proof for item `item` (SPEC §4.8).
    public static func decryptionContext(record: String, term: String, item: Int) -> [UInt8] {
        Bytes.lp("perennial-decryption-v1") + Bytes.lp(record) + Bytes.lp(term) + Bytes.u32(item)
    }

    mutating func applyTallyShare(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TallyShare.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard let close else {
            throw ElectionError(.sealed, "Results are sealed: decryption shares are accepted only after the term is closed.")
        }
        guard partials[p.trustee] == nil else { throw ElectionError(.tally, "Trustee \(p.trustee) already published its shares.") }
        guard p.shares.count == close.tally.count else {
            throw ElectionError(.tally, "One decryption share is needed per tally item (\(close.tally.count)).")
        }
        let key = verificationKeys[p.trustee]!
        var ds: [G.Element] = []
        for (i, (share, item)) in zip(p.shares, close.tally).enumerated() {
            guard let d = try? group.decodeElement(hex: share.d), let a = try? group.decodeElement(hex: item.a) else {
                throw ElectionError(.badProof, "Decryption share \(i) is not a valid group element.")
            }
            let context = Self.decryptionContext(record: record, term: setup!.term, item: i)
            guard !verifyProofs || ProofAdapter.verifyChaumPedersen(group, x: key, h: a, y: d, proof: ProofCR(c: share.c, r: share.r),
                                                   context: context, binding: Bytes.u32(p.trustee)) else {
                throw ElectionError(.badProof, "The proof of decryption share \(i) of trustee \(p.trustee) does not verify.")
            }
            ds.append(d)
        }
        partials[p.trustee] = ds
        return .share
    }

    /// Combines the partial decryptions of `trustees` and solves each count (SPEC §3.6, §4.8).
    public func computeResult(trustees: [Int], solver: (G.Element) -> Int?) throws -> TallyResult {
        guard let close, let setup else { throw ElectionError(.notClosed, "The term is not closed yet.") }
        guard trustees.count >= setup.trustees.t, trustees == trustees.sorted(), Set(trustees).count == trustees.count,
              trustees.allSatisfy({ partials[$0] != nil }) else {
            throw ElectionError(.tally, "At least t = \(setup.trustees.t) distinct trustees who published shares are needed, in increasing order.")
        }
        let lambdas = try trustees.map { try ProofAdapter.lagrange(group, index: $0, subset: trustees) }
        var counts: [Int] = []
        for (i, item) in close.tally.enumerated() {
            let b = try group.decodeElement(hex: item.b)
            var combined = group.identity
            for (j, lambda) in zip(trustees, lambdas) { combined = group.op(combined, group.expPublic(partials[j]![i], lambda)) }
            let gm = group.divide(b, combined)
            guard let m = solver(gm) else {
                throw ElectionError(.tally, "A count could not be recovered (item \(i)): the shares do not decrypt to a count of at most the number of ballots.")
            }
            counts.append(m)
        }
        var results: [ContestResult] = []
        var i = 0
        while i < close.tally.count {
            let first = close.tally[i]
            var options: [OptionResult] = []
            while i < close.tally.count, close.tally[i].contest == first.contest, close.tally[i].year == first.year {
                let item = close.tally[i]
                let latest = contests.current(item.contest)
                let withdrawn = !(latest?.options.contains { $0.id == item.option } ?? false)
                options.append(OptionResult(id: item.option, label: contests.label(contest: item.contest, option: item.option),
                                            count: counts[i], withdrawn: withdrawn))
                i += 1
            }
            let eligible = options.filter { $0.id != ContestOption.blankID && !$0.withdrawn }
            // Winners in option order; none when no eligible option got a vote (SPEC §4.8).
            let top = eligible.map(\.count).max() ?? 0
            let winners = top == 0 ? [] : eligible.filter { $0.count == top }.map(\.id)
            results.append(ContestResult(contest: first.contest, year: first.year, options: options, winners: winners, tie: winners.count > 1))
        }
        return TallyResult(trustees: trustees, results: results)
    }

    mutating func applyResult(_ entry: ElectionEntry) throws -> ElectionEffect {
        let p = try TallyResult.decode(entry.payload)
        try requireAuthor(entry, is: setup!.officer, role: "officer")
        guard close != nil else { throw ElectionError(.notClosed, "Results are sealed until the term is closed.") }
        guard result == nil else { throw ElectionError(.tally, "The result is already published.") }
        let solver = try? DiscreteLogSolver(group: group, max: Swift.max(countedBallots, 1))
        let expected = try computeResult(trustees: p.trustees) { gm in try? solver?.solve(gm) }
        guard expected == p else { throw ElectionError(.tally, "The published result does not match the decrypted tally.") }
        result = p
        phase = .tallied
        return .result
    }
}

/// Byte helpers for contexts and bindings.
public enum Bytes {
    public static func u32(_ v: Int) -> [UInt8] {
        let x = UInt32(truncatingIfNeeded: v)
        return [UInt8(x >> 24), UInt8(x >> 16 & 0xff), UInt8(x >> 8 & 0xff), UInt8(x & 0xff)]
    }
    public static func lp(_ s: String) -> [UInt8] { lp(Array(s.utf8)) }
    public static func lp(_ b: [UInt8]) -> [UInt8] { u32(b.count) + b }
}
