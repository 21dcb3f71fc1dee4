import CivicCrypto
import Testing
import TestSupport

/// Dealerless threshold key generation and decryption (SPEC §3.6) with n = 4 trustees.
@Suite("Threshold key and decryption")
struct ThresholdTests {
    static let n = 4
    static let context: [UInt8] = Array("tally;contest=budget".utf8)

    /// Every t-element subset of 1…n.
    static func subsets(of n: Int, size t: Int) -> [[Int]] {
        if t == 0 { return [[]] }
        if n < t { return [] }
        return subsets(of: n - 1, size: t) + subsets(of: n - 1, size: t - 1).map { $0 + [n] }
    }

    struct Setup<G: PrimeOrderGroup> {
        let group: G
        let polynomials: [Polynomial<G>]
        let commitments: [FeldmanCommitments<G>]
        let shares: [G.Scalar]  // s_1 … s_n
        let verificationKeys: [G.Element]  // P_1 … P_n
        let pk: ElGamalPublicKey<G>
    }

    static func setUp<G: PrimeOrderGroup>(_ group: G, t: Int) throws -> Setup<G> {
        try Threshold.validate(threshold: t, trustees: n)
        let polynomials = try (1...n).map { _ in try Polynomial.random(threshold: t, group: group) }
        let commitments = polynomials.map(\.commitments)
        // Each trustee i sends f_i(j) to trustee j, who checks it against i's commitments.
        var shares: [G.Scalar] = []
        for j in 1...n {
            let received = polynomials.map { $0.evaluate(at: j) }
            for (i, share) in received.enumerated() {
                #expect(Threshold.verifyShare(share, index: j, commitments: commitments[i]))
            }
            shares.append(Threshold.combineShares(received, group: group))
        }
        let verificationKeys = (1...n).map { Threshold.verificationKey(index: $0, group: group, commitments: commitments) }
        for j in 0..<n { #expect(verificationKeys[j] == group.expGenerator(shares[j])) }
        let pk = try Threshold.publicKey(group: group, commitments: commitments)
        // pk = g^(Σ a_{i,0}) = g^(Σ f_i(0)).
        let secret = Threshold.combineShares(polynomials.map { $0.evaluate(at: 0) }, group: group)
        #expect(pk.element == group.expGenerator(secret))
        return Setup(group: group, polynomials: polynomials, commitments: commitments, shares: shares, verificationKeys: verificationKeys, pk: pk)
    }

    static func everySubsetAgrees<G: PrimeOrderGroup>(_ group: G, t: Int) throws {
        let setup = try setUp(group, t: t)
        let m = 11
        let ct = setup.pk.encrypt(m: m, randomness: group.randomScalar()) + setup.pk.encrypt(m: 5, randomness: group.randomScalar())
        let partials = (1...n).map { j in
            PartialDecryption.create(
                ciphertext: ct, secretShare: setup.shares[j - 1], index: j, verificationKey: setup.verificationKeys[j - 1],
                context: context, binding: [UInt8(j)])
        }
        for p in partials {
            #expect(p.verify(ciphertext: ct, verificationKey: setup.verificationKeys[p.index - 1], context: context, binding: [UInt8(p.index)]))
        }
        let solver = try DiscreteLogSolver(group: group, max: 100)
        var results: Set<G.Element> = []
        let allSubsets = (t...n).flatMap { subsets(of: n, size: $0) }
        #expect(allSubsets.count == (t == 2 ? 11 : 5))
        for subset in allSubsets {
            let chosen = subset.map { partials[$0 - 1] }
            let gm = try Threshold.combine(chosen, ciphertext: ct, threshold: t)
            results.insert(gm)
            #expect(try solver.solve(gm) == 16, "subset \(subset)")
        }
        #expect(results.count == 1)
        // Fewer than t trustees: refused; and t − 1 shares alone would decrypt to something else.
        let tooFew = Array(partials.prefix(t - 1))
        #expect(throws: CryptoError.self) { try Threshold.combine(tooFew, ciphertext: ct, threshold: t) }
        if t > 1 {
            let wrong = try Threshold.combine(tooFew, ciphertext: ct, threshold: t - 1)
            #expect(wrong != group.elementForSmallInt(16))
        }
        // Repeated trustee in a subset: refused by the Lagrange coefficient.
        #expect(throws: CryptoError.self) { try Threshold.combine([partials[0], partials[0]], ciphertext: ct, threshold: 2) }
    }

    @Test("every subset of at least t of 4 trustees decrypts the same tally", arguments: proofTestGroups, [2, 3])
    func everySubset(name: GroupName, t: Int) throws {
        try withTestGroup(name, ristretto: { try Self.everySubsetAgrees($0, t: t) }, modp: { try Self.everySubsetAgrees($0, t: t) })
    }

    static func badShare<G: PrimeOrderGroup>(_ group: G) throws {
        let setup = try setUp(group, t: 3)
        let honest = setup.polynomials[1].evaluate(at: 3)
        #expect(Threshold.verifyShare(honest, index: 3, commitments: setup.commitments[1]))
        // Off by one, sent to the wrong trustee, or checked against another trustee's commitments.
        #expect(!Threshold.verifyShare(group.scalarAdd(honest, group.scalar(1)), index: 3, commitments: setup.commitments[1]))
        #expect(!Threshold.verifyShare(honest, index: 2, commitments: setup.commitments[1]))
        #expect(!Threshold.verifyShare(honest, index: 3, commitments: setup.commitments[2]))
        // A tampered commitment makes an honest share fail.
        var elements = setup.commitments[1].elements
        elements[2] = group.op(elements[2], group.generator)
        #expect(!Threshold.verifyShare(honest, index: 3, commitments: FeldmanCommitments(group: group, elements: elements)))
        // Schnorr proofs of knowledge of each coefficient (published with the commitments).
        for (k, a) in setup.polynomials[0].coefficients.enumerated() {
            let binding = Array("trustee=1;k=\(k)".utf8)
            let proof = SchnorrProof.prove(secret: a, group: group, context: context, binding: binding)
            #expect(proof.verify(publicElement: setup.commitments[0].elements[k], group: group, context: context, binding: binding))
            #expect(!proof.verify(publicElement: setup.commitments[1].elements[k], group: group, context: context, binding: binding))
        }
    }

    @Test("a bad share is detected", arguments: proofTestGroups)
    func badShareDetected(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.badShare($0) }, modp: { try Self.badShare($0) })
    }

    static func forgedPartial<G: PrimeOrderGroup>(_ group: G) throws {
        let setup = try setUp(group, t: 2)
        let ct = setup.pk.encrypt(m: 1, randomness: group.randomScalar())
        let honest = PartialDecryption.create(ciphertext: ct, secretShare: setup.shares[0], index: 1, context: context, binding: [1])
        let P1 = setup.verificationKeys[0]
        #expect(honest.verify(ciphertext: ct, verificationKey: P1, context: context, binding: [1]))
        // D_1 changed, proof kept.
        let forged = PartialDecryption(index: 1, share: group.op(honest.share, group.generator), proof: honest.proof)
        #expect(!forged.verify(ciphertext: ct, verificationKey: P1, context: context, binding: [1]))
        // Computed with trustee 2's share but presented as trustee 1's.
        let impostor = PartialDecryption.create(ciphertext: ct, secretShare: setup.shares[1], index: 1, context: context, binding: [1])
        #expect(!impostor.verify(ciphertext: ct, verificationKey: P1, context: context, binding: [1]))
        // A correct partial for another ciphertext.
        let other = setup.pk.encrypt(m: 0, randomness: group.randomScalar())
        #expect(!honest.verify(ciphertext: other, verificationKey: P1, context: context, binding: [1]))
        // Other binding (another trustee's slot) or context.
        #expect(!honest.verify(ciphertext: ct, verificationKey: P1, context: context, binding: [2]))
        #expect(!honest.verify(ciphertext: ct, verificationKey: P1, context: [], binding: [1]))
        // The forged share, if combined anyway, gives a wrong plaintext: this is why proofs are checked first.
        let p2 = PartialDecryption.create(ciphertext: ct, secretShare: setup.shares[1], index: 2, context: context, binding: [2])
        #expect(try Threshold.combine([honest, p2], ciphertext: ct, threshold: 2) == group.generator)
        #expect(try Threshold.combine([forged, p2], ciphertext: ct, threshold: 2) != group.generator)
    }

    @Test("a forged partial decryption is rejected", arguments: proofTestGroups)
    func forgedPartialRejected(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.forgedPartial($0) }, modp: { try Self.forgedPartial($0) })
    }

    @Test("Lagrange coefficients and parameter refusals")
    func lagrange() throws {
        let group = Ristretto255Group.shared
        // S = {1, 2}: λ_1 = 2/(2−1) = 2, λ_2 = 1/(1−2) = −1.
        #expect(try Threshold.lagrangeCoefficientAtZero(index: 1, subset: [1, 2], group: group) == group.scalar(2))
        #expect(try Threshold.lagrangeCoefficientAtZero(index: 2, subset: [1, 2], group: group) == group.scalar(int: -1))
        // Σ λ_j = 1 for any S (interpolating the constant 1).
        let subset = [1, 3, 4]
        let sum = try subset.map { try Threshold.lagrangeCoefficientAtZero(index: $0, subset: subset, group: group) }
            .reduce(group.scalar(0), group.scalarAdd)
        #expect(sum == group.scalar(1))
        #expect(throws: CryptoError.self) { try Threshold.lagrangeCoefficientAtZero(index: 2, subset: [1, 3], group: group) }
        #expect(throws: CryptoError.self) { try Threshold.lagrangeCoefficientAtZero(index: 1, subset: [1, 1], group: group) }
        #expect(throws: CryptoError.self) { try Threshold.lagrangeCoefficientAtZero(index: 0, subset: [0, 1], group: group) }
        #expect(throws: CryptoError.self) { try Threshold.validate(threshold: 0, trustees: 3) }
        #expect(throws: CryptoError.self) { try Threshold.validate(threshold: 4, trustees: 3) }
        #expect(throws: CryptoError.self) { try Polynomial.random(threshold: 0, group: group) }
        #expect(throws: CryptoError.self) { try Threshold.publicKey(group: group, commitments: []) }
        // f(z) = 5 + 3z + 2z²: f(0) = 5, f(2) = 19.
        let f = try Polynomial(group: group, coefficients: [5, 3, 2].map { group.scalar($0) })
        #expect(f.evaluate(at: 0) == group.scalar(5))
        #expect(f.evaluate(at: 2) == group.scalar(19))
        let secret = try Polynomial.random(threshold: 2, group: group)
        #expect(String(describing: secret).contains("redacted"))
        #expect(!String(describing: secret).contains(group.hex(secret.coefficients[0])))
        #expect(!String(describing: secret.coefficients[0]).contains(group.hex(secret.coefficients[0])))
    }

    @Test("threshold decryption in eg4096 (t = 2 of 3)")
    func eg4096() throws {
        let group = ModPGroup.eg4096
        let polynomials = try (1...3).map { _ in try Polynomial.random(threshold: 2, group: group) }
        let commitments = polynomials.map(\.commitments)
        let pk = try Threshold.publicKey(group: group, commitments: commitments)
        let ct = pk.encrypt(m: 3, randomness: group.randomScalar())
        let partials = [1, 3].map { j in
            PartialDecryption.create(
                ciphertext: ct, secretShare: Threshold.combineShares(polynomials.map { $0.evaluate(at: j) }, group: group), index: j,
                context: Self.context, binding: [])
        }
        for p in partials {
            let P = Threshold.verificationKey(index: p.index, group: group, commitments: commitments)
            #expect(p.verify(ciphertext: ct, verificationKey: P, context: Self.context, binding: []))
        }
        #expect(try Threshold.combine(partials, ciphertext: ct, threshold: 2) == group.elementForSmallInt(3))
    }
}
