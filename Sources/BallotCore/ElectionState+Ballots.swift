import CivicCrypto
import CivicLog
import Foundation

/// Cast ballots (SPEC §4.7): the voter's window, the proofs, and the ballot a revote supersedes.
extension ElectionState {
    /// Context of a ballot proof (SPEC §4.7); `position` is the option index, or nil for the range proof.
    public static func ballotContext(record: String, term: String, contest: String, version: Int, position: Int?) -> [UInt8] {
        Bytes.lp("perennial-ballot-v1") + Bytes.lp(record) + Bytes.lp(term) + Bytes.lp(contest)
            + Bytes.u32(version) + (position.map { Bytes.u32($0) } ?? [0xff, 0xff, 0xff, 0xff])
    }

    /// Binding of a ballot proof: the credential and the window.
    public static func ballotBinding(credential: [UInt8], window: Int) -> [UInt8] { credential + Bytes.u32(window) }

    /// The window of `credential` that contains `date`, or a clear refusal.
    public func openWindow(credential: String, at date: Date) throws(ElectionError) -> (Roll.Record, VotingWindow) {
        guard let calendar else { throw ElectionError(.termSetup, "The term is not set up yet.") }
        guard let voter = roll[credential] else {
            throw ElectionError(.unknownCredential, "This credential is not on the roll. Please ask the registrar.")
        }
        guard let open = calendar.window(containing: date, birthday: voter.birthday,
                                         eligibleFrom: voter.eligibleFrom, eligibleUntil: voter.eligibleUntil) else {
            if voter.replacedBy != nil {
                throw ElectionError(.notEligible, "This credential was replaced by a new card; please use the new card.")
            }
            throw ElectionError(.outsideWindow, "There is no voting window open for this credential now.")
        }
        return (voter, open)
    }

    /// The election key, which every ballot is encrypted to: it exists once the key ceremony is over.
    func requireElectionKey() throws(ElectionError) -> G.Element {
        guard let electionKey else {
            throw ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
        }
        return electionKey
    }

    /// The rules every cast ballot meets before its proofs: voting is open, the author's window is
    /// `window`, the payload is new (`payloadDigest` is `SHA256(entry.payload)`, hashed once by the
    /// caller, which also marks it seen). Returns the author's roll record and the election key.
    func checkCommon(_ entry: ElectionEntry, window: Int, payloadDigest: [UInt8]) throws(ElectionError)
        -> (record: Roll.Record, electionKey: G.Element) {
        let pk = try requireElectionKey()
        let (voter, open) = try openWindow(credential: Hex.encode(entry.author), at: entry.date)
        guard open.number == window else {
            throw ElectionError(.wrongWindow, "The ballot is for window \(window) but the open window is \(open.number).")
        }
        guard !hasSeen(payloadDigest) else {
            throw ElectionError(.replay, "This exact ballot was already recorded (a replay).")
        }
        return (voter, pk)
    }

    /// Verifies every proof of a ballot and returns its selection ciphertexts by tally key.
    func verifyBallotContests(_ contestsIn: [EncryptedContest], window: Int, credential: [UInt8], term: String,
                              pk: G.Element) throws -> [(TallyKey, CipherPair<G>)] {
        let inForce = contests.inForce(window: window)
        guard contestsIn.map(\.contest) == inForce.map(\.contest) else {
            throw ElectionError(.contests, "The ballot must answer exactly the contests in force for this window: \(inForce.map(\.contest).joined(separator: ", ")).")
        }
        let binding = Self.ballotBinding(credential: credential, window: window)
        // ristretto255: the ballot's proofs in one combination (SPEC §3.5.1); only if it fails (or the
        // ballot is malformed) are they checked one at a time below, which names the failing proof.
        // Each ciphertext is decoded once here and reused below (nil: malformed, reported below).
        // (The commitments only when the proofs are to be checked: a preverified ballot's are not.)
        // When the proofs are checked, the ciphertexts' membership is proved by their combination too
        // (eg4096, SPEC §3.1 folded membership); if it fails, they are decoded again in full, so that
        // the checks below name the problem exactly as without the fold.
        var decoded = group.groupName.carriesCommitments
            ? decodedBallot(contestsIn, window: window, withCommitments: verifyProofs, foldMembership: verifyProofs) : nil
        var proofsVerified = false
        if verifyProofs, let candidate = decoded {
            proofsVerified = ballotProofsVerifyTogether(contestsIn, decoded: candidate, window: window, pk: pk, credential: credential)
            if !proofsVerified && candidate.membershipPending {
                decoded = decodedBallot(contestsIn, window: window, withCommitments: true)
            }
        }
        let verifyEach = verifyProofs && !proofsVerified
        var out: [(TallyKey, CipherPair<G>)] = []
        for (contestIndex, (answer, version)) in zip(contestsIn, inForce).enumerated() {
            guard answer.version == version.version else {
                throw ElectionError(.staleContest, "Contest \"\(version.contest)\" is now at version \(version.version); the ballot used version \(answer.version). Please restart the vote.")
            }
            guard answer.selections.count == version.options.count else {
                throw ElectionError(.contests, "Contest \"\(version.contest)\" needs one selection per option (\(version.options.count)).")
            }
            var ciphertexts: [CipherPair<G>] = []
            ciphertexts.reserveCapacity(answer.selections.count)
            for (position, (selection, option)) in zip(answer.selections, version.options).enumerated() {
                let ciphertext = try decoded?.ciphertexts[contestIndex][position] ?? decodeCipher(selection.a, selection.b)
                guard ciphertext.a != group.identity, ciphertext.b != group.identity else {
                    throw ElectionError(.badProof, "A ciphertext of contest \"\(version.contest)\" holds the identity element, which no honest ballot does.")
                }
                guard !verifyEach || ProofAdapter.verifyRange(group, pk: pk, a: ciphertext.a, b: ciphertext.b, lo: 0, hi: 1, c: selection.c, r: selection.r,
                                               t: selection.t, disjunctive: true,
                                               context: Self.ballotContext(record: record, term: term, contest: version.contest,
                                                                           version: version.version, position: position),
                                               binding: binding) else {
                    throw ElectionError(.badProof, "The proof for option \(position + 1) of contest \"\(version.contest)\" does not verify.")
                }
                ciphertexts.append(ciphertext)
                out.append((TallyKey(contest: version.contest, option: option.id, year: nil), ciphertext))
            }
            guard !verifyEach || ProofAdapter.verifyRange(group, pk: pk, a: group.product(ciphertexts.lazy.map(\.a)),
                                           b: group.product(ciphertexts.lazy.map(\.b)), lo: version.min, hi: version.max,
                                           c: answer.range.c, r: answer.range.r, t: answer.range.t, disjunctive: false,
                                           context: Self.ballotContext(record: record, term: term, contest: version.contest,
                                                                       version: version.version, position: nil),
                                           binding: binding) else {
                throw ElectionError(.badProof, "The proof that contest \"\(version.contest)\" has between \(version.min) and \(version.max) choices does not verify.")
            }
        }
        return out
    }

    func decodeCipher(_ a: String, _ b: String) throws -> CipherPair<G> {
        guard let alpha = try? group.decodeElement(hex: a), let beta = try? group.decodeElement(hex: b) else {
            throw ElectionError(.badProof, "A ciphertext is not made of valid group elements.")
        }
        return CipherPair(a: alpha, b: beta)
    }

    mutating func applyBallot(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try BallotCast.decode(entry.payload)
        let payloadDigest = SHA256.hash(entry.payload)
        let (voter, pk) = try checkCommon(entry, window: payload.window, payloadDigest: payloadDigest)
        let saved = verifyProofs
        if !preverified.isEmpty && preverified.contains(Self.preverifiedKey(author: entry.author, payload: entry.payload)) {
            verifyProofs = false
        }
        defer { verifyProofs = saved }
        var contributions = try verifyBallotContests(payload.contests, window: payload.window, credential: entry.author, term: setup.term, pk: pk)
        let randomness = try freshRandomness(contributions.map(\.1), challenged: false)
        if setup.perYearResults {
            contributions += contributions.map { (TallyKey(contest: $0.0.contest, option: $0.0.option, year: payload.window), $0.1) }
        }
        let slot = Roll.ballotSlot(lineage: voter.lineage, window: payload.window)
        var superseded: Int?
        let previous = countedBallot(slot: slot)
        let previousContributions = try previous.map { try storedContributions(index: $0, setup: setup) }
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
        markSeen(payloadDigest, entry: entry.index)
        for digest in randomness { markSeen(digest, entry: entry.index) }
        return .ballotCounted(window: payload.window, superseded: superseded)
    }

    /// The tally contributions of the counted ballot at `index`, read back from the log (its proofs
    /// were verified when it was counted).
    func storedContributions(index: Int, setup: TermSetup) throws -> [(TallyKey, CipherPair<G>)] {
        guard let bytes = try retainedBallots[index] ?? ballotPayload?(index) else {
            throw ElectionError(.malformed, "The counted ballot at entry \(index) cannot be read back from the log.")
        }
        let ballot = try BallotCast.decode(bytes)
        var keys: [TallyKey] = [], hex: [String] = []
        for answer in ballot.contests {
            guard let version = contests.versions[answer.contest]?.first(where: { $0.version == answer.version }),
                  version.options.count == answer.selections.count else {
                throw ElectionError(.malformed, "The counted ballot at entry \(index) does not match its contest any more.")
            }
            for (selection, option) in zip(answer.selections, version.options) {
                keys.append(TallyKey(contest: answer.contest, option: option.id, year: nil))
                hex += [selection.a, selection.b]
            }
        }
        // Decoded together: eg4096 checks their membership in one batch (SPEC §3.1).
        guard let elements = try? group.decodeElements(hex.map { try Hex.decode($0) }) else {
            throw ElectionError(.badProof, "A ciphertext is not made of valid group elements.")
        }
        var out: [(TallyKey, CipherPair<G>)] = keys.enumerated().map { i, key in (key, CipherPair<G>(a: elements[2 * i], b: elements[2 * i + 1])) }
        if setup.perYearResults {
            out += out.map { (TallyKey(contest: $0.0.contest, option: $0.0.option, year: ballot.window), $0.1) }
        }
        return out
    }
}
