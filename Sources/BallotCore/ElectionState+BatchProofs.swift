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
                  let decoded = decodedCiphertexts(ballot.contests, window: ballot.window),
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
    /// `decoded` holds the ballot's ciphertexts, decoded once by the caller (``decodedCiphertexts``).
    func ballotProofsVerifyTogether(_ contests: [EncryptedContest], decoded: [[CipherPair<G>]], window: Int, pk: G.Element,
                                    credential: [UInt8]) -> Bool {
        guard let setup,
              let items = carriedProofs(contests, decoded: decoded, window: window, pk: pk, term: setup.term, credential: credential),
              !items.isEmpty else { return false }
        var batch = RangeProofBatch(group: group)
        for (i, p) in items.enumerated() { batch.add(p, id: i) }
        return batch.allVerify()
    }

    /// Every ciphertext of the answers, decoded once (each element validated), contest by contest; nil
    /// if the answers do not match the contests in force (names, versions, one selection per option) or
    /// an element is invalid. The callers then report the precise problem on their own path.
    func decodedCiphertexts(_ contests: [EncryptedContest], window: Int) -> [[CipherPair<G>]]? {
        let inForce = self.contests.inForce(window: window)
        guard contests.map(\.contest) == inForce.map(\.contest) else { return nil }
        var out: [[CipherPair<G>]] = []
        out.reserveCapacity(contests.count)
        for (answer, version) in zip(contests, inForce) {
            guard answer.version == version.version, answer.selections.count == version.options.count else { return nil }
            var cts: [CipherPair<G>] = []
            cts.reserveCapacity(answer.selections.count)
            for sel in answer.selections {
                guard let ct = try? decodeCipher(sel.a, sel.b) else { return nil }
                cts.append(ct)
            }
            out.append(cts)
        }
        return out
    }

    /// The ballot's proofs as ``CarriedRangeProof``s over its already decoded ciphertexts (an empty list
    /// in the compact-form groups, whose proofs ``verifyBallotContests`` checks); nil if malformed.
    private func carriedProofs(_ contests: [EncryptedContest], decoded: [[CipherPair<G>]], window: Int, pk: G.Element, term: String,
                               credential: [UInt8]) -> [CarriedRangeProof<G>]? {
        guard group.groupName.carriesCommitments else { return [] }
        let inForce = self.contests.inForce(window: window)
        guard contests.count == inForce.count, decoded.count == inForce.count else { return nil }
        let binding = Self.ballotBinding(credential: credential, window: window)
        var out: [CarriedRangeProof<G>] = []
        for ((answer, version), cts) in zip(zip(contests, inForce), decoded) {
            guard cts.count == answer.selections.count else { return nil }
            for (position, (sel, ct)) in zip(answer.selections, cts).enumerated() {
                let context = Self.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: position)
                guard let p = ProofAdapter.carriedRange(group, pk: pk, a: ct.a, b: ct.b, lo: 0, hi: 1, c: sel.c, r: sel.r, t: sel.t,
                                                        disjunctive: true, context: context, binding: binding) else { return nil }
                out.append(p)
            }
            // The sums are encoded once each (`product`), not after every addition; the combination puts
            // their scalars on the option ciphertexts (`factors`), which it already holds.
            let sumA = group.product(cts.lazy.map(\.a)), sumB = group.product(cts.lazy.map(\.b))
            let context = Self.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: nil)
            guard let p = ProofAdapter.carriedRange(group, pk: pk, a: sumA, b: sumB, lo: version.min, hi: version.max, c: answer.range.c,
                                                    r: answer.range.r, t: answer.range.t, disjunctive: false, context: context,
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
