import CivicCrypto
import Testing
import TestSupport

/// RangeProofBatch (SPEC §3.5.1): the random linear combination and its one-by-one fallback.
@Suite("Range proofs with carried commitments, alone and in a batch")
struct RangeProofBatchTests {
    let group = Ristretto255Group.shared
    static let context = Array("batch-test".utf8)

    func proofs(_ n: Int, pk: ElGamalPublicKey<Ristretto255Group>) throws -> [CarriedRangeProof<Ristretto255Group>] {
        try (0..<n).map { i in
            let r = group.randomScalar()
            let m = i % 4
            let ct = pk.encrypt(m: m, randomness: r)
            return try CarriedRangeProof.prove(disjunctive: i % 2 == 0 && m < 2, m: m, randomness: r, ciphertext: ct, pk: pk,
                                               lo: 0, hi: i % 2 == 0 && m < 2 ? 1 : 3, context: Self.context, binding: [UInt8(i)])
        }
    }

    /// A copy of `p` with other challenges, responses or commitments.
    func with(_ p: CarriedRangeProof<Ristretto255Group>, c: [Ristretto255Group.Scalar]? = nil, r: [Ristretto255Group.Scalar]? = nil,
              t: [Ristretto255Group.Element]? = nil, binding: [UInt8]? = nil) -> CarriedRangeProof<Ristretto255Group> {
        CarriedRangeProof(disjunctive: p.protocolName == .disjunctive, ciphertext: p.ciphertext, pk: p.pk, lo: p.lo, hi: p.hi,
                          context: p.context, binding: binding ?? p.binding, c: c ?? p.c, r: r ?? p.r, commitments: t ?? p.commitments)
    }

    @Test("valid proofs verify alone and together, across the Straus/Pippenger threshold")
    func valid() throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let ps = try proofs(40, pk: pk)  // > 190 multi-scalar terms
        #expect(ps.allSatisfy { $0.verify() })
        var batch = RangeProofBatch(group: group)
        for (i, p) in ps.enumerated() { batch.add(p, id: i) }
        #expect(batch.failing() == [])
        var small = RangeProofBatch(group: group)
        small.add(ps[0], id: 7)
        #expect(small.failing() == [])
    }

    @Test("each tampered field is named in a batch of 12", arguments: ["c", "r", "t", "binding", "order"])
    func tampered(field: String) throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        var ps = try proofs(12, pk: pk)
        let one = group.scalar(1)
        let p = ps[5]
        switch field {
        case "c": ps[5] = with(p, c: [group.scalarAdd(p.c[0], one)] + p.c.dropFirst())
        case "r": ps[5] = with(p, r: p.r.dropLast() + [group.scalarAdd(p.r.last!, one)])
        case "t": ps[5] = with(p, t: [group.op(p.commitments[0], group.generator)] + p.commitments.dropFirst())
        case "binding": ps[5] = with(p, binding: [99])
        default: ps[5] = with(p, t: Array(p.commitments.reversed()))
        }
        #expect(!ps[5].verify())
        var batch = RangeProofBatch(group: group)
        for (i, q) in ps.enumerated() { batch.add(q, id: 1000 + i) }
        #expect(batch.failing() == [1005])
    }

    @Test("errors that cancel under equal weights are caught: the weights are random per equation")
    func cancellingErrors() throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        var ps = try proofs(4, pk: pk)
        // r_0 + 1 in proof 0 and r_0 − 1 in proof 2: the hashes still match (they cover commitments,
        // not responses), each equation is off by g^(±1) and their sum with equal weights would be 1.
        let one = group.scalar(1)
        ps[0] = with(ps[0], r: [group.scalarAdd(ps[0].r[0], one)] + ps[0].r.dropFirst())
        ps[2] = with(ps[2], r: [group.scalarSub(ps[2].r[0], one)] + ps[2].r.dropFirst())
        #expect(ps[0].challengeMatches && ps[2].challengeMatches)
        var batch = RangeProofBatch(group: group)
        for (i, q) in ps.enumerated() { batch.add(q, id: i) }
        #expect(batch.failing() == [0, 2])
    }

    @Test("the commitments carried are exactly those the compact verifier recomputes")
    func commitmentsMatchCompactForm() throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        for p in try proofs(6, pk: pk) where p.protocolName == .disjunctive {
            #expect(DisjunctiveProof(c: p.c, r: p.r).verify(ciphertext: p.ciphertext, pk: pk, context: p.context, binding: p.binding))
        }
    }

    @Test("a Schnorr group verifies carried proofs through the generic combination")
    func schnorrGroup() throws {
        let g = ModPGroup.belenios2048
        let pk = ElGamalSecretKey.generate(in: g).publicKey
        let r = g.randomScalar()
        let ct = pk.encrypt(m: 1, randomness: r)
        let p = try CarriedRangeProof.prove(disjunctive: true, m: 1, randomness: r, ciphertext: ct, pk: pk, lo: 0, hi: 1,
                                            context: Self.context, binding: [])
        var batch = RangeProofBatch(group: g)
        batch.add(p, id: 1)
        batch.add(CarriedRangeProof(disjunctive: true, ciphertext: ct, pk: pk, lo: 0, hi: 1, context: Self.context, binding: [],
                                    c: p.c, r: [g.scalarAdd(p.r[0], g.scalar(1)), p.r[1]], commitments: p.commitments), id: 2)
        #expect(batch.failing() == [2])
    }

    /// A contest's range proof is over the sum of its option ciphertexts; given as `factors`, the
    /// combination puts the sum's scalars on those (already in it) instead of on two more points.
    @Test("a range proof over a sum verifies through its factors; other factors fall back to the sum; tampering fails")
    func sumThroughFactors() throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let rs = (0..<4).map { _ in group.randomScalar() }
        let cts = rs.enumerated().map { i, r in pk.encrypt(m: i == 2 ? 1 : 0, randomness: r) }
        let options = try zip(cts, rs).enumerated().map { i, cr in
            try CarriedRangeProof.prove(disjunctive: true, m: i == 2 ? 1 : 0, randomness: cr.1, ciphertext: cr.0, pk: pk, lo: 0, hi: 1,
                                        context: Self.context, binding: [UInt8(i)])
        }
        let sum = cts.dropFirst().reduce(cts[0], +)
        let total = rs.dropFirst().reduce(rs[0]) { group.scalarAdd($0, $1) }
        let plain = try CarriedRangeProof.prove(disjunctive: false, m: 1, randomness: total, ciphertext: sum, pk: pk, lo: 1, hi: 1,
                                                context: Self.context, binding: [9])
        func withFactors(_ f: [ElGamalCiphertext<Ristretto255Group>], proof: CarriedRangeProof<Ristretto255Group>? = nil) -> CarriedRangeProof<Ristretto255Group> {
            let p = proof ?? plain
            return CarriedRangeProof(disjunctive: false, ciphertext: p.ciphertext, pk: p.pk, lo: p.lo, hi: p.hi, context: p.context,
                                     binding: p.binding, c: p.c, r: p.r, commitments: p.commitments, factors: f)
        }
        func batch(_ range: CarriedRangeProof<Ristretto255Group>) -> RangeProofBatch<Ristretto255Group> {
            var b = RangeProofBatch(group: group)
            for (i, p) in options.enumerated() { b.add(p, id: i) }
            b.add(range, id: 99)
            return b
        }
        #expect(batch(withFactors(cts)).allVerify())
        #expect(batch(withFactors([])).allVerify())
        // Factors that are not the ciphertexts of the proofs just before: the sum's own terms are used.
        #expect(batch(withFactors(Array(cts.dropLast()))).allVerify())
        #expect(batch(withFactors(cts.dropLast() + [cts[0]])).allVerify())
        // Factors that are those ciphertexts but not the sum the proof is about (a broken caller): the
        // combination uses the factors, so it fails; the proof alone still verifies.
        let other = cts.dropLast().reduce(cts[0], +)
        let otherTotal = rs.dropLast().reduce(rs[0]) { group.scalarAdd($0, $1) }
        let otherProof = try CarriedRangeProof.prove(disjunctive: false, m: 1, randomness: otherTotal, ciphertext: other, pk: pk,
                                                     lo: 1, hi: 1, context: Self.context, binding: [9])
        #expect(otherProof.verify())
        #expect(!batch(withFactors(cts, proof: otherProof)).allVerify())
        // A tampered commitment of the range proof is still caught, and named.
        let tampered = withFactors(cts, proof: with(plain, t: [group.op(plain.commitments[0], group.generator)] + plain.commitments.dropFirst()))
        #expect(batch(tampered).failing() == [99])
    }
}
