import CivicCrypto

/// The election's use of CivicCrypto's proofs, with the record's hex encodings (SPEC §3.5).
/// Every function returns `false` (never throws) for any undecodable value, so a malformed proof is
/// simply a proof that does not verify.
enum ProofAdapter {
    static func verifySchnorr<G: PrimeOrderGroup>(_ group: G, x: G.Element, proof: ProofCR, context: [UInt8], binding: [UInt8]) -> Bool {
        guard let p = try? SchnorrProof(group: group, cHex: proof.c, rHex: proof.r) else { return false }
        return p.verify(publicElement: x, group: group, context: context, binding: binding)
    }

    static func proveSchnorr<G: PrimeOrderGroup>(_ group: G, secret: G.Scalar, context: [UInt8], binding: [UInt8]) -> ProofCR {
        let p = SchnorrProof.prove(secret: secret, group: group, context: context, binding: binding)
        return ProofCR(c: group.hex(p.c), r: group.hex(p.r))
    }

    static func verifyChaumPedersen<G: PrimeOrderGroup>(_ group: G, x: G.Element, h: G.Element, y: G.Element, proof: ProofCR,
                                                        context: [UInt8], binding: [UInt8]) -> Bool {
        guard let p = try? ChaumPedersenProof(group: group, cHex: proof.c, rHex: proof.r) else { return false }
        return p.verify(X: x, h: h, Y: y, group: group, context: context, binding: binding)
    }

    /// A range or disjunctive proof as the record carries it: `t` (the commitments) must be present,
    /// with two elements per branch, exactly in the groups that carry commitments (SPEC §3.5.1).
    static func carriedRange<G: PrimeOrderGroup>(_ group: G, pk: G.Element, a: G.Element, b: G.Element, lo: Int, hi: Int,
                                                 c: [String], r: [String], t: [String]?, disjunctive: Bool, context: [UInt8],
                                                 binding: [UInt8], factors: [ElGamalCiphertext<G>] = []) -> CarriedRangeProof<G>? {
        guard let t, let ts = try? group.decodeElements(t.map { try Hex.decode($0) }) else { return nil }
        return carriedRange(group, pk: pk, a: a, b: b, lo: lo, hi: hi, c: c, r: r, t: ts, disjunctive: disjunctive, context: context,
                            binding: binding, factors: factors)
    }

    /// The same with the commitments already decoded (and validated) by the caller.
    static func carriedRange<G: PrimeOrderGroup>(_ group: G, pk: G.Element, a: G.Element, b: G.Element, lo: Int, hi: Int,
                                                 c: [String], r: [String], t ts: [G.Element], disjunctive: Bool, context: [UInt8],
                                                 binding: [UInt8], factors: [ElGamalCiphertext<G>] = []) -> CarriedRangeProof<G>? {
        let branches = hi - lo + 1
        guard group.groupName.carriesCommitments, branches >= 1, c.count == branches, r.count == branches, ts.count == 2 * branches,
              let cs = try? c.map({ try group.decodeScalar(hex: $0) }), let rs = try? r.map({ try group.decodeScalar(hex: $0) })
        else { return nil }
        return CarriedRangeProof(disjunctive: disjunctive, ciphertext: ElGamalCiphertext(group: group, alpha: a, beta: b),
                                 pk: ElGamalPublicKey(group: group, element: pk), lo: lo, hi: hi, context: context, binding: binding,
                                 c: cs, r: rs, commitments: ts, factors: factors)
    }

    static func verifyRange<G: PrimeOrderGroup>(_ group: G, pk: G.Element, a: G.Element, b: G.Element, lo: Int, hi: Int,
                                                c: [String], r: [String], t: [String]?, disjunctive: Bool, context: [UInt8],
                                                binding: [UInt8]) -> Bool {
        if group.groupName.carriesCommitments {
            return carriedRange(group, pk: pk, a: a, b: b, lo: lo, hi: hi, c: c, r: r, t: t, disjunctive: disjunctive,
                                context: context, binding: binding)?.verify() ?? false
        }
        let branches = hi - lo + 1
        guard t == nil, branches >= 1, c.count == branches, r.count == branches else { return false }
        let ct = ElGamalCiphertext(group: group, alpha: a, beta: b)
        let key = ElGamalPublicKey(group: group, element: pk)
        if disjunctive {
            guard let p = try? DisjunctiveProof(group: group, cHex: c, rHex: r) else { return false }
            return p.verify(ciphertext: ct, pk: key, context: context, binding: binding)
        }
        guard let p = try? RangeProof(group: group, lo: lo, hi: hi, cHex: c, rHex: r) else { return false }
        return p.verify(ciphertext: ct, pk: key, lo: lo, hi: hi, context: context, binding: binding)
    }

    static func proveRange<G: PrimeOrderGroup>(_ group: G, pk: G.Element, a: G.Element, b: G.Element, m: Int, r: G.Scalar,
                                               lo: Int, hi: Int, disjunctive: Bool, context: [UInt8], binding: [UInt8])
        -> (c: [String], r: [String], t: [String]?) {
        let ct = ElGamalCiphertext(group: group, alpha: a, beta: b)
        let key = ElGamalPublicKey(group: group, element: pk)
        // The callers have checked lo ≤ m ≤ hi, so the prover cannot refuse.
        let p = try! CarriedRangeProof.prove(disjunctive: disjunctive, m: m, randomness: r, ciphertext: ct, pk: key, lo: lo, hi: hi,
                                             context: context, binding: binding)
        return (p.c.map(group.hex), p.r.map(group.hex), group.groupName.carriesCommitments ? p.commitments.map(group.hex) : nil)
    }

    static func lagrange<G: PrimeOrderGroup>(_ group: G, index: Int, subset: [Int]) throws -> G.Scalar {
        do { return try Threshold.lagrangeCoefficientAtZero(index: index, subset: subset, group: group) } catch {
            throw ElectionError(.tally, "The trustee set \(subset) cannot be combined: \(error)")
        }
    }

    /// The discrete log of `gm` in `[0, max]`, or nil.
    static func smallLog<G: PrimeOrderGroup>(_ group: G, _ gm: G.Element, max: Int) -> Int? {
        guard let solver = try? DiscreteLogSolver(group: group, max: Swift.max(max, 1)) else { return nil }
        return try? solver.solve(gm)
    }
}
