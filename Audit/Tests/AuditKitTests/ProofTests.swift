import AuditKit
import Testing

/// Every proof type against proofs made by the test prover, and each transmitted field, statement
/// element, context and binding tampered with.
@Suite struct ProofTests {
    static let binding = ProofBinding(context: Array("record|term|contest v1|option 2".utf8), binding: Array("credential|window 3".utf8))
    static let other = ProofBinding(context: Array("record|term|contest v1|option 3".utf8), binding: Array("credential|window 3".utf8))
    static let otherBinding = ProofBinding(context: binding.context, binding: Array("credential|window 4".utf8))

    func schnorr<G: PrimeOrderGroup>(_ g: G) {
        let p = TestProver(group: g)
        let x = p.randomScalar()
        let (X, proof) = p.schnorr(x: x, Self.binding)
        #expect(ProofVerifier.schnorr(g, X: X, proof: proof, binding: Self.binding) == nil)
        var bad = proof; bad.c = g.add(bad.c, g.oneScalar)
        #expect(ProofVerifier.schnorr(g, X: X, proof: bad, binding: Self.binding) != nil)
        bad = proof; bad.r = g.add(bad.r, g.oneScalar)
        #expect(ProofVerifier.schnorr(g, X: X, proof: bad, binding: Self.binding) != nil)
        #expect(ProofVerifier.schnorr(g, X: g.op(X, g.generator), proof: proof, binding: Self.binding) != nil)
        #expect(ProofVerifier.schnorr(g, X: X, proof: proof, binding: Self.other) != nil)
        #expect(ProofVerifier.schnorr(g, X: X, proof: proof, binding: Self.otherBinding) != nil)
    }

    func chaumPedersen<G: PrimeOrderGroup>(_ g: G) {
        let p = TestProver(group: g)
        let h = g.expG(p.randomScalar())
        let (X, Y, proof) = p.chaumPedersen(x: p.randomScalar(), h: h, Self.binding)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: proof, binding: Self.binding) == nil)
        var bad = proof; bad.c = g.add(bad.c, g.oneScalar)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: bad, binding: Self.binding) != nil)
        bad = proof; bad.r = g.add(bad.r, g.oneScalar)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: bad, binding: Self.binding) != nil)
        #expect(ProofVerifier.chaumPedersen(g, X: g.op(X, g.generator), h: h, Y: Y, proof: proof, binding: Self.binding) != nil)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: g.op(h, g.generator), Y: Y, proof: proof, binding: Self.binding) != nil)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: g.op(Y, g.generator), proof: proof, binding: Self.binding) != nil)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: proof, binding: Self.other) != nil)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: proof, binding: Self.otherBinding) != nil)
        // Unequal logs cannot be proved: a proof for (X, Y) does not carry over to (X, Y·h).
        let (_, _, proof2) = p.chaumPedersen(x: p.randomScalar(), h: h, Self.binding)
        #expect(ProofVerifier.chaumPedersen(g, X: X, h: h, Y: Y, proof: proof2, binding: Self.binding) != nil)
    }

    func range<G: PrimeOrderGroup>(_ g: G, lo: UInt32, hi: UInt32, m: UInt32, proto: String) {
        let p = TestProver(group: g)
        let pk = g.expG(p.randomScalar())
        let r = p.randomScalar()
        let ct = p.encrypt(UInt64(m), pk: pk, r: r)
        let proof = p.range(pk: pk, ct: ct, m: m, r: r, lo: lo, hi: hi, Self.binding, proto: proto)
        func verify(_ pk: G.Element, _ ct: Ciphertext<G>, _ lo: UInt32, _ hi: UInt32, _ proof: RangeProof<G>,
                    _ b: ProofBinding = Self.binding, _ name: String = proto) -> String? {
            ProofVerifier.range(g, pk: pk, ciphertext: ct, lo: lo, hi: hi, proof: proof, binding: b, protocolName: name)
        }
        #expect(verify(pk, ct, lo, hi, proof) == nil, "m=\(m) in [\(lo),\(hi)]")
        if proto == "disjunctive" {
            #expect(ProofVerifier.disjunctive(g, pk: pk, ciphertext: ct, proof: proof, binding: Self.binding) == nil)
        }
        for k in 0..<proof.c.count {
            var bad = proof; bad.c[k] = g.add(bad.c[k], g.oneScalar)
            #expect(verify(pk, ct, lo, hi, bad) != nil, "c[\(k)]")
            bad = proof; bad.r[k] = g.add(bad.r[k], g.oneScalar)
            #expect(verify(pk, ct, lo, hi, bad) != nil, "r[\(k)]")
        }
        #expect(verify(g.op(pk, g.generator), ct, lo, hi, proof) != nil, "pk")
        #expect(verify(pk, Ciphertext(alpha: g.op(ct.alpha, g.generator), beta: ct.beta), lo, hi, proof) != nil, "alpha")
        #expect(verify(pk, Ciphertext(alpha: ct.alpha, beta: g.op(ct.beta, g.generator)), lo, hi, proof) != nil, "beta")
        #expect(verify(pk, ct, lo + 1, hi + 1, proof) != nil, "shifted range")
        #expect(verify(pk, ct, lo, hi + 1, proof) != nil, "wrong width")
        #expect(verify(pk, ct, lo, hi, proof, Self.other) != nil, "context")
        #expect(verify(pk, ct, lo, hi, proof, Self.otherBinding) != nil, "binding")
        #expect(verify(pk, ct, lo, hi, proof, Self.binding, proto == "range" ? "disjunctive" : "range") != nil, "protocol name")
        // A ciphertext of a value outside the range cannot carry a valid proof.
        let outside = hi + 1
        let ct2 = p.encrypt(UInt64(outside), pk: pk, r: r)
        let lie = p.range(pk: pk, ct: ct2, m: m, r: r, lo: lo, hi: hi, Self.binding, proto: proto)
        #expect(verify(pk, ct2, lo, hi, lie) != nil, "value outside the range")
    }

    @Test func ristretto255Proofs() {
        let g = Ristretto255()
        schnorr(g)
        chaumPedersen(g)
        range(g, lo: 0, hi: 1, m: 0, proto: "disjunctive")
        range(g, lo: 0, hi: 1, m: 1, proto: "disjunctive")
        range(g, lo: 0, hi: 3, m: 2, proto: "range")
        range(g, lo: 1, hi: 1, m: 1, proto: "range")
        range(g, lo: 2, hi: 5, m: 5, proto: "range")
    }

    @Test func belenios2048Proofs() {
        let g = ModpGroup.belenios2048
        schnorr(g)
        chaumPedersen(g)
        range(g, lo: 0, hi: 1, m: 1, proto: "disjunctive")
        range(g, lo: 0, hi: 2, m: 0, proto: "range")
    }

    @Test func eg4096Proofs() {
        let g = ModpGroup.eg4096
        schnorr(g)
        chaumPedersen(g)
        range(g, lo: 0, hi: 1, m: 0, proto: "disjunctive")
        range(g, lo: 0, hi: 1, m: 1, proto: "disjunctive")
        range(g, lo: 2, hi: 4, m: 3, proto: "range")
    }

    @Test func proofJSONDecodingRefusesOutOfRangeScalars() throws {
        let g = Ristretto255()
        let q = Hex.encode(g.neg(g.oneScalar).bytes.enumerated().map { $0.offset == 0 ? $0.element &+ 1 : $0.element })
        let ok = String(repeating: "0", count: 64)
        #expect(throws: AuditError.self) { try CompactProof(json: .object([("c", .string(q)), ("r", .string(ok))]), group: g) }
        #expect(throws: AuditError.self) { try CompactProof(json: .object([("c", .string(ok))]), group: g) }
        #expect(throws: AuditError.self) { try RangeProof(json: .object([("c", .array([.string(ok)])), ("r", .array([.int(1)]))]), group: g) }
        #expect(throws: AuditError.self) { try Ciphertext(json: .object([("a", .string(ok)), ("b", .string("00ff" + String(repeating: "f", count: 60)))]), group: g) }
        _ = try CompactProof(json: .object([("c", .string(ok)), ("r", .string(ok))]), group: g)
    }

    /// SPEC.md §3.6 end to end: 3 trustees, threshold 2; commitments with Schnorr proofs, shares checked
    /// against commitments, pk and P_j, homomorphic tally, partial decryptions with Chaum–Pedersen
    /// proofs, Lagrange combination over every 2-subset, bounded discrete log.
    func threshold<G: PrimeOrderGroup>(_ g: G) {
        let p = TestProver(group: g)
        let n: UInt64 = 3
        let t = 2
        let polys: [[G.Scalar]] = (0..<n).map { _ in (0..<t).map { _ in p.randomScalar() } }
        var commitments: [[G.Element]] = []
        for (i, poly) in polys.enumerated() {
            var cs: [G.Element] = []
            for (k, a) in poly.enumerated() {
                let b = ProofBinding(context: Self.binding.context, binding: Array("trustee \(i + 1) coefficient \(k)".utf8))
                let (C, proof) = p.schnorr(x: a, b)
                #expect(ProofVerifier.schnorr(g, X: C, proof: proof, binding: b) == nil)
                cs.append(C)
            }
            commitments.append(cs)
        }
        func eval(_ poly: [G.Scalar], _ j: UInt64) -> G.Scalar {
            var acc = g.zeroScalar
            var pw = g.oneScalar
            for a in poly { acc = g.add(acc, g.mul(a, pw)); pw = g.mul(pw, g.scalar(j)) }
            return acc
        }
        for i in 0..<Int(n) { for j in 1...n {
            #expect(g.expG(eval(polys[i], j)) == Threshold.commitmentEvaluation(g, commitments: commitments[i], at: j))
        } }
        let pk = commitments.map { $0[0] }.reduce(g.identity, g.op)
        let shares: [G.Scalar] = (1...n).map { j in polys.map { eval($0, j) }.reduce(g.zeroScalar, g.add) }
        let verificationKeys: [G.Element] = (1...n).map { j in
            commitments.map { Threshold.commitmentEvaluation(g, commitments: $0, at: j) }.reduce(g.identity, g.op)
        }
        for j in 0..<Int(n) { #expect(g.expG(shares[j]) == verificationKeys[j]) }
        // Tally of 7 ballots, 4 of them for the option.
        var total = Ciphertext<G>.zero(g)
        for v: UInt64 in [1, 0, 1, 1, 0, 1, 0] { total = total.adding(p.encrypt(v, pk: pk, r: p.randomScalar()), in: g) }
        let spoiled = p.encrypt(1, pk: pk, r: p.randomScalar())
        total = total.adding(spoiled, in: g).subtracting(spoiled, in: g)
        for set in [[1, 2], [1, 3], [2, 3], [3, 1, 2]] as [[UInt64]] {
            var partials: [(index: UInt64, share: G.Element)] = []
            for j in set {
                let b = ProofBinding(context: Self.binding.context, binding: Array("trustee \(j) decryption".utf8))
                let (X, D, proof) = p.chaumPedersen(x: shares[Int(j - 1)], h: total.alpha, b)
                #expect(X == verificationKeys[Int(j - 1)])
                #expect(ProofVerifier.chaumPedersen(g, X: X, h: total.alpha, Y: D, proof: proof, binding: b) == nil)
                partials.append((j, D))
            }
            let alphaS = Threshold.combine(g, shares: partials)!
            #expect(Threshold.discreteLog(g, g.div(total.beta, alphaS), bound: 7) == 4, "set \(set)")
        }
    }

    @Test func thresholdRistretto255() { threshold(Ristretto255()) }
    @Test func thresholdBelenios2048() { threshold(ModpGroup.belenios2048) }
    @Test func thresholdEG4096() { threshold(ModpGroup.eg4096) }
}
