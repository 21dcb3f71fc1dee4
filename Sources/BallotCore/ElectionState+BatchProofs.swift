import CivicCrypto

extension ElectionState {
    /// The entries among `entries` (`ballot.cast`) whose proofs do not verify (BAL-4), by entry index, in order.
    ///
    /// In the groups that carry commitments (ristretto255, SPEC §3.5.1) and with `batch` set, every
    /// proof of every ballot goes into one ``RangeProofBatch`` (one multi-scalar multiplication for all
    /// commitment equations, random 128-bit weights); a failing batch falls back to one proof at a time
    /// to name the ballots. Otherwise each ballot's proofs are checked one by one, as a single cast is.
    ///
    /// Only the proofs are checked here (plus what they need: the payload decodes, the contests in force
    /// for the ballot's window with one selection per option, valid elements); the other BAL rules stay
    /// with ``apply(_:)``. A structurally broken ballot is reported as failing.
    public func failingBallotProofs(_ entries: [ElectionEntry], batch: Bool = true) -> [Int] {
        guard let pk = electionKey, let setup else { return entries.map(\.index) }
        var failing: [Int] = []
        var proofs = RangeProofBatch(group: group)
        for entry in entries {
            guard let ballot = try? BallotCast.decode(entry.payload),
                  let decoded = decodedBallot(ballot.contests, window: ballot.window, withCommitments: true),
                  let items = carriedProofs(ballot.contests, decoded: decoded, window: ballot.window, pk: pk, term: setup.term,
                                            credential: entry.author)
            else { failing.append(entry.index); continue }
            if batch && group.groupName.carriesCommitments {
                for p in items { proofs.add(p, id: entry.index) }
            } else if (try? verifyBallotContests(ballot.contests, window: ballot.window, credential: entry.author,
                                                           term: setup.term, pk: pk)) == nil {
                failing.append(entry.index)
            }
        }
        let bad = Set(failing + proofs.failing())
        return entries.map(\.index).filter { bad.contains($0) }
    }

    /// Whether all proofs of one ballot verify in one combination (false also when it is malformed).
    /// `decoded` holds the ballot's elements, decoded once by the caller (``decodedBallot``).
    func ballotProofsVerifyTogether(_ contests: [EncryptedContest], decoded: DecodedBallot, window: Int, pk: G.Element,
                                    credential: [UInt8]) -> Bool {
        guard let setup,
              let items = carriedProofs(contests, decoded: decoded, window: window, pk: pk, term: setup.term, credential: credential),
              !items.isEmpty else { return false }
        var batch = RangeProofBatch(group: group)
        // The selections' ciphertexts (not the contests' sums, products of them) prove their membership
        // in the same multi-exponentiation when it was deferred (SPEC §3.1, folded membership).
        for (i, p) in items.enumerated() {
            batch.add(p, id: i, provingMembership: decoded.membershipPending && p.protocolName == .disjunctive)
        }
        return batch.allVerify()
    }

    /// A ballot's elements, decoded and validated in one go (``PrimeOrderGroup/decodeElements(_:)``:
    /// eg4096 checks their membership together, SPEC §3.1).
    struct DecodedBallot {
        /// Each contest's ciphertexts, in order.
        var ciphertexts: [[CipherPair<G>]]
        /// Each contest's selections' carried commitments (empty when not decoded).
        var selectionCommitments: [[[G.Element]]]
        /// Each contest's range proof's carried commitments (empty when not decoded).
        var rangeCommitments: [[G.Element]]
        /// Whether the ciphertexts were decoded as membership candidates only (``PrimeOrderGroup/decodeMembershipCandidates(_:)``):
        /// they MUST NOT be used until ``ballotProofsVerifyTogether`` passes, which then proves their membership.
        var membershipPending = false
    }

    /// Every ciphertext of the answers and, `withCommitments` in the groups that carry them, every carried
    /// commitment, decoded in one go each (``PrimeOrderGroup/decodeElements(_:)`` and
    /// ``PrimeOrderGroup/decodeCarriedCommitments(_:)``); nil if the answers do not match the contests in
    /// force (names, versions, one selection per option), a commitment list has the wrong count, or an
    /// element is invalid. The callers then report the precise problem on their own path.
    /// `foldMembership` (with the commitments): the ciphertexts are decoded as membership candidates,
    /// to be proved members by the proof combination (``DecodedBallot/membershipPending``).
    func decodedBallot(_ contests: [EncryptedContest], window: Int, withCommitments: Bool, foldMembership: Bool = false) -> DecodedBallot? {
        let inForce = self.contests.inForce(window: window)
        guard contests.map(\.contest) == inForce.map(\.contest) else { return nil }
        let commitments = withCommitments && group.groupName.carriesCommitments
        var cipherHex: [String] = [], commitmentHex: [String] = []
        for (answer, version) in zip(contests, inForce) {
            guard answer.version == version.version, answer.selections.count == version.options.count, version.min <= version.max
            else { return nil }
            for sel in answer.selections {
                cipherHex += [sel.a, sel.b]
                if commitments {
                    guard let t = sel.t, t.count == 4 else { return nil }
                    commitmentHex += t
                }
            }
            if commitments {
                guard let t = answer.range.t, t.count == 2 * (version.max - version.min + 1) else { return nil }
                commitmentHex += t
            }
        }
        guard let cipherBytes = try? cipherHex.map({ try Hex.decode($0) }), let commitmentBytes = try? commitmentHex.map({ try Hex.decode($0) }),
              let elements = try? (commitments && foldMembership ? group.decodeMembershipCandidates(cipherBytes) : group.decodeElements(cipherBytes)),
              let carried = try? group.decodeCarriedCommitments(commitmentBytes)
        else { return nil }
        var out = DecodedBallot(ciphertexts: [], selectionCommitments: [], rangeCommitments: [], membershipPending: commitments && foldMembership)
        var nextElement = 0, nextCommitment = 0
        func take(_ n: Int) -> [G.Element] {
            defer { nextCommitment += n }
            return Array(carried[nextCommitment..<(nextCommitment + n)])
        }
        for (answer, version) in zip(contests, inForce) {
            var cts: [CipherPair<G>] = [], ts: [[G.Element]] = []
            for _ in answer.selections {
                cts.append(CipherPair(a: elements[nextElement], b: elements[nextElement + 1]))
                nextElement += 2
                if commitments { ts.append(take(4)) }
            }
            out.ciphertexts.append(cts)
            if commitments {
                out.selectionCommitments.append(ts)
                out.rangeCommitments.append(take(2 * (version.max - version.min + 1)))
            }
        }
        return out
    }

    /// The ballot's proofs as ``CarriedRangeProof``s over its already decoded elements (an empty list
    /// in the compact-form groups, whose proofs ``verifyBallotContests`` checks); nil if malformed.
    private func carriedProofs(_ contests: [EncryptedContest], decoded: DecodedBallot, window: Int, pk: G.Element, term: String,
                               credential: [UInt8]) -> [CarriedRangeProof<G>]? {
        guard group.groupName.carriesCommitments else { return [] }
        let inForce = self.contests.inForce(window: window)
        guard contests.count == inForce.count, decoded.ciphertexts.count == inForce.count,
              decoded.selectionCommitments.count == inForce.count, decoded.rangeCommitments.count == inForce.count else { return nil }
        let binding = Self.ballotBinding(credential: credential, window: window)
        var out: [CarriedRangeProof<G>] = []
        for (k, (answer, version)) in zip(contests, inForce).enumerated() {
            let cts = decoded.ciphertexts[k]
            guard cts.count == answer.selections.count, decoded.selectionCommitments[k].count == cts.count else { return nil }
            for (position, (sel, ct)) in zip(answer.selections, cts).enumerated() {
                let context = Self.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: position)
                guard let p = ProofAdapter.carriedRange(group, pk: pk, a: ct.a, b: ct.b, lo: 0, hi: 1, c: sel.c, r: sel.r,
                                                        t: decoded.selectionCommitments[k][position], disjunctive: true, context: context,
                                                        binding: binding) else { return nil }
                out.append(p)
            }
            // The sums are encoded once each (`product`), not after every addition; the combination puts
            // their scalars on the option ciphertexts (`factors`), which it already holds.
            let sumA = group.product(cts.lazy.map(\.a)), sumB = group.product(cts.lazy.map(\.b))
            let context = Self.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: nil)
            guard let p = ProofAdapter.carriedRange(group, pk: pk, a: sumA, b: sumB, lo: version.min, hi: version.max, c: answer.range.c,
                                                    r: answer.range.r, t: decoded.rangeCommitments[k], disjunctive: false, context: context,
                                                    binding: binding,
                                                    factors: cts.map { ElGamalCiphertext(group: group, alpha: $0.a, beta: $0.b) })
            else { return nil }
            out.append(p)
        }
        return out
    }

    /// The key under which a ballot's verified proofs are remembered: the proofs bind the author
    /// (credential) and everything else they depend on is in the payload (contest versions, window).
    public static func preverifiedKey(author: [UInt8], payload: [UInt8]) -> [UInt8] {
        SHA256.hash(Bytes.lp(author) + payload)
    }

    /// Verifies the proofs of many `ballot.cast` entries in one batch against the current state and
    /// remembers those that pass, so that applying them next (in order, e.g. one `submit(batch:)`)
    /// does not verify their proofs again. Sound even if entries before them change the state: a ballot
    /// is only applied after all the other rules, including its contest versions, are checked at its
    /// own position, and its proofs' statement (key, contests, versions, bounds, context, binding)
    /// is fixed by those. A ballot that fails here is simply verified again, one by one, when applied.
    public mutating func preverifyBallots(_ entries: [ElectionEntry]) {
        let failing = Set(failingBallotProofs(entries, batch: true))
        preverified = Set(entries.filter { !failing.contains($0.index) }.map { Self.preverifiedKey(author: $0.author, payload: $0.payload) })
    }
}
