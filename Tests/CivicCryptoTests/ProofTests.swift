import CivicCrypto
import Testing
import TestSupport

/// The same proof suite over ristretto255, belenios2048 and eg4096: every proof verifies, and changing any
/// transmitted field, statement element, the context or the binding makes it fail.
@Suite("Zero-knowledge proofs")
struct ProofTests {
    static let context = ProofFixtures.context
    static let binding = ProofFixtures.binding

    // MARK: Schnorr

    enum SchnorrField: String, CaseIterable, Sendable { case challenge, response, statementX, context, binding }

    static func schnorr<G: PrimeOrderGroup>(_ group: G, tamper field: SchnorrField?) -> Bool {
        let x = group.randomScalar()
        let X = group.expGenerator(x)
        let proof = SchnorrProof.prove(secret: x, group: group, context: context, binding: binding)
        let one = group.scalar(1)
        var p = proof
        var statement = X
        var ctx = context
        var bind = binding
        switch field {
        case nil: break
        case .challenge: p = SchnorrProof(c: group.scalarAdd(proof.c, one), r: proof.r)
        case .response: p = SchnorrProof(c: proof.c, r: group.scalarAdd(proof.r, one))
        case .statementX: statement = group.op(X, group.generator)
        case .context: ctx[0] ^= 1
        case .binding: bind.append(0)
        }
        return p.verify(publicElement: statement, group: group, context: ctx, binding: bind)
    }

    @Test("Schnorr verifies", arguments: proofTestGroups)
    func schnorrValid(name: GroupName) {
        #expect(withTestGroup(name, ristretto: { Self.schnorr($0, tamper: nil) }, modp: { Self.schnorr($0, tamper: nil) }))
    }

    @Test("Schnorr tampering fails", arguments: proofTestGroups, SchnorrField.allCases)
    func schnorrTampered(name: GroupName, field: SchnorrField) {
        #expect(!withTestGroup(name, ristretto: { Self.schnorr($0, tamper: field) }, modp: { Self.schnorr($0, tamper: field) }))
    }

    @Test("Schnorr proof with an injected nonce matches the SPEC formulas")
    func schnorrFormulas() throws {
        let group = Ristretto255Group.shared
        let x = group.scalar(7)
        let w = group.scalar(11)
        let proof = SchnorrProof.prove(secret: x, group: group, context: [1], binding: [2], nonce: w)
        // Transcript assembled by hand from SPEC §3.3.
        func lp(_ b: [UInt8]) -> [UInt8] {
            let n = UInt32(b.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + b
        }
        var t = Array("perennial-proof-v1".utf8) + lp(Array("schnorr".utf8)) + lp(Array("ristretto255".utf8))
        t += lp([1]) + lp([2])
        t += lp(group.encode(group.generator)) + lp(group.encode(group.expGenerator(x))) + lp(group.encode(group.expGenerator(w)))
        let c = group.hashToScalar(t)
        #expect(proof.c == c)
        #expect(proof.r == group.scalarAdd(w, group.scalarMul(c, x)))
        #expect(proof.verify(publicElement: group.expGenerator(x), group: group, context: [1], binding: [2]))
        // The proof does not verify under another group's name: the transcript binds it.
        #expect(throws: CryptoError.self) {
            try proof.validate(publicElement: group.expGenerator(x), group: group, context: [1], binding: [3])
        }
    }

    // MARK: Chaum–Pedersen

    enum ChaumPedersenField: String, CaseIterable, Sendable { case challenge, response, statementX, statementH, statementY, context, binding }

    static func chaumPedersen<G: PrimeOrderGroup>(_ group: G, tamper field: ChaumPedersenField?) -> Bool {
        let x = group.randomScalar()
        let h = group.expGenerator(group.randomScalar())
        let X = group.expGenerator(x)
        let Y = group.exp(h, x)
        let proof = ChaumPedersenProof.prove(secret: x, X: X, h: h, Y: Y, group: group, context: context, binding: binding)
        let one = group.scalar(1)
        var p = proof
        var (sx, sh, sy) = (X, h, Y)
        var ctx = context
        var bind = binding
        switch field {
        case nil: break
        case .challenge: p = ChaumPedersenProof(c: group.scalarAdd(proof.c, one), r: proof.r)
        case .response: p = ChaumPedersenProof(c: proof.c, r: group.scalarSub(proof.r, one))
        case .statementX: sx = group.op(X, group.generator)
        case .statementH: sh = group.op(h, group.generator)
        case .statementY: sy = group.op(Y, group.generator)
        case .context: ctx = []
        case .binding: bind[bind.count - 1] ^= 0x80
        }
        return p.verify(X: sx, h: sh, Y: sy, group: group, context: ctx, binding: bind)
    }

    @Test("Chaum–Pedersen verifies", arguments: proofTestGroups)
    func chaumPedersenValid(name: GroupName) {
        #expect(withTestGroup(name, ristretto: { Self.chaumPedersen($0, tamper: nil) }, modp: { Self.chaumPedersen($0, tamper: nil) }))
    }

    @Test("Chaum–Pedersen tampering fails", arguments: proofTestGroups, ChaumPedersenField.allCases)
    func chaumPedersenTampered(name: GroupName, field: ChaumPedersenField) {
        #expect(!withTestGroup(name, ristretto: { Self.chaumPedersen($0, tamper: field) }, modp: { Self.chaumPedersen($0, tamper: field) }))
    }

    static func chaumPedersenUnequalLogs<G: PrimeOrderGroup>(_ group: G) -> Bool {
        // An honest prover for x cannot convince about Y = h^(x+1).
        let x = group.randomScalar()
        let h = group.expGenerator(group.randomScalar())
        let X = group.expGenerator(x)
        let Y = group.exp(h, group.scalarAdd(x, group.scalar(1)))
        let proof = ChaumPedersenProof.prove(secret: x, X: X, h: h, Y: Y, group: group, context: context, binding: binding)
        return proof.verify(X: X, h: h, Y: Y, group: group, context: context, binding: binding)
    }

    @Test("Chaum–Pedersen refuses unequal logarithms", arguments: proofTestGroups)
    func chaumPedersenUnequal(name: GroupName) {
        #expect(!withTestGroup(name, ristretto: { Self.chaumPedersenUnequalLogs($0) }, modp: { Self.chaumPedersenUnequalLogs($0) }))
    }

    // MARK: Disjunctive 0/1

    enum DisjunctiveField: Hashable, Sendable, CustomTestStringConvertible {
        case challenge(Int), response(Int), pk, alpha, beta, context, binding, verifiedAsRange
        static let all: [DisjunctiveField] = [
            .challenge(0), .challenge(1), .response(0), .response(1), .pk, .alpha, .beta, .context, .binding, .verifiedAsRange,
        ]
        var testDescription: String { "\(self)" }
    }

    static func disjunctive<G: PrimeOrderGroup>(_ group: G, m: Int, tamper field: DisjunctiveField?) throws -> Bool {
        let sk = ElGamalSecretKey.generate(in: group)
        let pk = sk.publicKey
        let r = group.randomScalar()
        let ct = pk.encrypt(m: m, randomness: r)
        let proof = try DisjunctiveProof.prove(m: m, randomness: r, ciphertext: ct, pk: pk, context: context, binding: binding)
        #expect(proof.c.count == 2 && proof.r.count == 2)
        var c = proof.c
        var rs = proof.r
        var key = pk
        var cipher = ct
        var ctx = context
        var bind = binding
        let one = group.scalar(1)
        switch field {
        case nil: break
        case .challenge(let k): c[k] = group.scalarAdd(c[k], one)
        case .response(let k): rs[k] = group.scalarAdd(rs[k], one)
        case .pk: key = ElGamalPublicKey(group: group, element: group.op(pk.element, group.generator))
        case .alpha: cipher = ElGamalCiphertext(group: group, alpha: group.op(ct.alpha, group.generator), beta: ct.beta)
        case .beta: cipher = ElGamalCiphertext(group: group, alpha: ct.alpha, beta: group.op(ct.beta, group.generator))
        case .context: ctx.append(0)
        case .binding: bind = Array(bind.dropFirst())
        case .verifiedAsRange:
            // Same math, other protocol name: must not verify as a range [0, 1] proof.
            return RangeProof(lo: 0, hi: 1, c: c, r: rs).verify(ciphertext: ct, pk: pk, lo: 0, hi: 1, context: ctx, binding: bind)
        }
        return DisjunctiveProof(c: c, r: rs).verify(ciphertext: cipher, pk: key, context: ctx, binding: bind)
    }

    @Test("0/1 proof verifies for 0 and 1", arguments: proofTestGroups, [0, 1])
    func disjunctiveValid(name: GroupName, m: Int) throws {
        #expect(try withTestGroup(name, ristretto: { try Self.disjunctive($0, m: m, tamper: nil) }, modp: { try Self.disjunctive($0, m: m, tamper: nil) }))
    }

    @Test("0/1 proof tampering fails", arguments: proofTestGroups, DisjunctiveField.all)
    func disjunctiveTampered(name: GroupName, field: DisjunctiveField) throws {
        for m in [0, 1] {
            #expect(
                !(try withTestGroup(
                    name, ristretto: { try Self.disjunctive($0, m: m, tamper: field) }, modp: { try Self.disjunctive($0, m: m, tamper: field) })))
        }
    }

    static func disjunctiveRefusesTwo<G: PrimeOrderGroup>(_ group: G) throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let r = group.randomScalar()
        let two = pk.encrypt(m: 2, randomness: r)
        #expect(throws: CryptoError.self) {
            try DisjunctiveProof.prove(m: 2, randomness: r, ciphertext: two, pk: pk, context: context, binding: binding)
        }
        // A proof made honestly for an encryption of 1, presented with the encryption of 2 under the same randomness.
        let one = pk.encrypt(m: 1, randomness: r)
        let proof = try DisjunctiveProof.prove(m: 1, randomness: r, ciphertext: one, pk: pk, context: context, binding: binding)
        #expect(proof.verify(ciphertext: one, pk: pk, context: context, binding: binding))
        #expect(!proof.verify(ciphertext: two, pk: pk, context: context, binding: binding))
        // Lying about m: claiming 0 for an encryption of 1 yields a proof that does not verify.
        let lie = try DisjunctiveProof.prove(m: 0, randomness: r, ciphertext: one, pk: pk, context: context, binding: binding)
        #expect(!lie.verify(ciphertext: one, pk: pk, context: context, binding: binding))
        // Malformed arrays are refused, not indexed out of bounds.
        #expect(!DisjunctiveProof(c: [proof.c[0]], r: [proof.r[0]]).verify(ciphertext: one, pk: pk, context: context, binding: binding))
        #expect(!DisjunctiveProof(c: proof.c + [proof.c[0]], r: proof.r).verify(ciphertext: one, pk: pk, context: context, binding: binding))
    }

    @Test("0/1 proof cannot be made or reused for 2", arguments: proofTestGroups)
    func disjunctiveRefusal(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.disjunctiveRefusesTwo($0) }, modp: { try Self.disjunctiveRefusesTwo($0) })
    }

    // MARK: Range

    enum RangeField: Hashable, Sendable, CustomTestStringConvertible {
        case challenge(Int), response(Int), pk, alpha, beta, context, binding, lo, hi, verifiedAsDisjunctive
        var testDescription: String { "\(self)" }
    }
    static let rangeLo = 1
    static let rangeHi = 3
    static let rangeFields: [RangeField] =
        (0..<3).map { RangeField.challenge($0) } + (0..<3).map { RangeField.response($0) }
        + [.pk, .alpha, .beta, .context, .binding, .lo, .hi, .verifiedAsDisjunctive]

    static func range<G: PrimeOrderGroup>(_ group: G, m: Int, tamper field: RangeField?) throws -> Bool {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let r = group.randomScalar()
        let ct = pk.encrypt(m: m, randomness: r)
        var lo = rangeLo
        var hi = rangeHi
        let proof = try RangeProof.prove(m: m, randomness: r, ciphertext: ct, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
        #expect(proof.c.count == hi - lo + 1 && proof.r.count == hi - lo + 1)
        var c = proof.c
        var rs = proof.r
        var key = pk
        var cipher = ct
        var ctx = context
        var bind = binding
        let one = group.scalar(1)
        switch field {
        case nil: break
        case .challenge(let k): c[k] = group.scalarSub(c[k], one)
        case .response(let k): rs[k] = group.scalarAdd(rs[k], one)
        case .pk: key = ElGamalPublicKey(group: group, element: group.op(pk.element, group.generator))
        case .alpha: cipher = ElGamalCiphertext(group: group, alpha: group.inverse(ct.alpha), beta: ct.beta)
        case .beta: cipher = ElGamalCiphertext(group: group, alpha: ct.alpha, beta: group.op(ct.beta, group.generator))
        case .context: ctx[ctx.count / 2] ^= 0x20
        case .binding: bind.append(contentsOf: bind)
        case .lo:
            // Same arrays, the verifier's own bounds shifted by one.
            lo -= 1
            hi -= 1
            return RangeProof(lo: lo, hi: hi, c: c, r: rs).verify(ciphertext: cipher, pk: key, lo: lo, hi: hi, context: ctx, binding: bind)
        case .hi:
            // A verifier expecting a wider range refuses; so does a proof object claiming other bounds.
            #expect(!proof.verify(ciphertext: cipher, pk: key, lo: lo, hi: hi + 1, context: ctx, binding: bind))
            return RangeProof(lo: lo, hi: hi + 1, c: c + [one], r: rs + [one])
                .verify(ciphertext: cipher, pk: key, lo: lo, hi: hi + 1, context: ctx, binding: bind)
        case .verifiedAsDisjunctive:
            return false  // only meaningful for [0, 1]; see rangeVersusDisjunctive
        }
        return RangeProof(lo: lo, hi: hi, c: c, r: rs).verify(ciphertext: cipher, pk: key, lo: lo, hi: hi, context: ctx, binding: bind)
    }

    @Test("range proof verifies for every value of [1, 3]", arguments: proofTestGroups, [1, 2, 3])
    func rangeValid(name: GroupName, m: Int) throws {
        #expect(try withTestGroup(name, ristretto: { try Self.range($0, m: m, tamper: nil) }, modp: { try Self.range($0, m: m, tamper: nil) }))
    }

    @Test("range proof tampering fails", arguments: proofTestGroups, Self.rangeFields.filter { $0 != .verifiedAsDisjunctive })
    func rangeTampered(name: GroupName, field: RangeField) throws {
        #expect(!(try withTestGroup(name, ristretto: { try Self.range($0, m: 2, tamper: field) }, modp: { try Self.range($0, m: 2, tamper: field) })))
    }

    static func rangeVersusDisjunctive<G: PrimeOrderGroup>(_ group: G) throws {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let r = group.randomScalar()
        let ct = pk.encrypt(m: 1, randomness: r)
        let range = try RangeProof.prove(m: 1, randomness: r, ciphertext: ct, pk: pk, lo: 0, hi: 1, context: context, binding: binding)
        #expect(range.verify(ciphertext: ct, pk: pk, lo: 0, hi: 1, context: context, binding: binding))
        // The protocol name is in the transcript: a range [0, 1] proof is not a disjunctive proof.
        #expect(!DisjunctiveProof(c: range.c, r: range.r).verify(ciphertext: ct, pk: pk, context: context, binding: binding))
        // Out-of-range values and malformed ranges cannot be proven.
        #expect(throws: CryptoError.self) {
            try RangeProof.prove(m: 4, randomness: r, ciphertext: pk.encrypt(m: 4, randomness: r), pk: pk, lo: 0, hi: 3, context: context, binding: binding)
        }
        #expect(throws: CryptoError.self) {
            try RangeProof.prove(m: 1, randomness: r, ciphertext: ct, pk: pk, lo: 2, hi: 1, context: context, binding: binding)
        }
        #expect(throws: CryptoError.self) {
            try RangeProof.prove(m: 1, randomness: r, ciphertext: ct, pk: pk, lo: -1, hi: 1, context: context, binding: binding)
        }
        // A wide range: the sum of a contest with 10 selections.
        let ten = pk.encrypt(m: 10, randomness: r)
        let wide = try RangeProof.prove(m: 10, randomness: r, ciphertext: ten, pk: pk, lo: 0, hi: 10, context: context, binding: binding)
        #expect(wide.verify(ciphertext: ten, pk: pk, lo: 0, hi: 10, context: context, binding: binding))
        #expect(!wide.verify(ciphertext: ten, pk: pk, lo: 0, hi: 9, context: context, binding: binding))
        // Scalars in the proof survive a hex round trip; a non-canonical one is refused at decoding.
        let decoded = try RangeProof(group: group, lo: 0, hi: 10, cHex: wide.c.map(group.hex), rHex: wide.r.map(group.hex))
        #expect(decoded == wide)
        let badHex = String(repeating: "ff", count: group.scalarByteCount)
        #expect(throws: CryptoError.self) { try RangeProof(group: group, lo: 0, hi: 0, cHex: [badHex], rHex: [badHex]) }
    }

    @Test("range and disjunctive proofs are not interchangeable; refusals", arguments: proofTestGroups)
    func rangeRefusals(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.rangeVersusDisjunctive($0) }, modp: { try Self.rangeVersusDisjunctive($0) })
    }

    static func lp(_ b: [UInt8]) -> [UInt8] {
        let n = UInt32(b.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + b
    }

    /// Rebuilds the SPEC §3.5 transcript by hand (no library transcript code) and checks Σ c_j = H(T).
    static func handTranscript<G: PrimeOrderGroup>(_ group: G, protocolName: String, lo: Int, hi: Int, m: Int) throws -> Bool {
        let pk = ElGamalSecretKey.generate(in: group).publicKey
        let r = group.randomScalar()
        let ct = pk.encrypt(m: m, randomness: r)
        let (c, rs): ([G.Scalar], [G.Scalar])
        if protocolName == "disjunctive" {
            let proof = try DisjunctiveProof.prove(m: m, randomness: r, ciphertext: ct, pk: pk, context: context, binding: binding)
            (c, rs) = (proof.c, proof.r)
        } else {
            let proof = try RangeProof.prove(m: m, randomness: r, ciphertext: ct, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
            (c, rs) = (proof.c, proof.r)
        }
        var t = Array("perennial-proof-v1".utf8) + lp(Array(protocolName.utf8)) + lp(Array(group.name.utf8)) + lp(context) + lp(binding)
        for e in [group.generator, pk.element, ct.alpha, ct.beta] { t += lp(group.encode(e)) }
        t += lp([0, 0, UInt8(lo >> 8), UInt8(lo & 0xff)]) + lp([0, 0, UInt8(hi >> 8), UInt8(hi & 0xff)])
        var sum = group.scalar(0)
        for j in lo...hi {
            let k = j - lo
            let negC = group.scalarNegate(c[k])
            let A = group.op(group.exp(group.generator, rs[k]), group.exp(ct.alpha, negC))
            let gj = group.exp(group.generator, group.scalar(UInt64(j)))
            let B = group.op(group.exp(pk.element, rs[k]), group.exp(group.op(ct.beta, group.inverse(gj)), negC))
            t += lp(group.encode(A)) + lp(group.encode(B))
            sum = group.scalarAdd(sum, c[k])
        }
        return sum == group.hashToScalar(t)
    }

    @Test("range and 0/1 transcripts match SPEC §3.3/§3.5 byte for byte", arguments: proofTestGroups)
    func transcriptsByHand(name: GroupName) throws {
        for (protocolName, lo, hi, m) in [("disjunctive", 0, 1, 0), ("disjunctive", 0, 1, 1), ("range", 0, 1, 1), ("range", 2, 5, 4)] {
            #expect(
                try withTestGroup(
                    name, ristretto: { try Self.handTranscript($0, protocolName: protocolName, lo: lo, hi: hi, m: m) },
                    modp: { try Self.handTranscript($0, protocolName: protocolName, lo: lo, hi: hi, m: m) }),
                "\(protocolName) [\(lo), \(hi)] m = \(m)")
        }
    }

    static func chaumPedersenByHand<G: PrimeOrderGroup>(_ group: G) -> Bool {
        let x = group.randomScalar()
        let h = group.expGenerator(group.randomScalar())
        let (X, Y) = (group.expGenerator(x), group.exp(h, x))
        let proof = ChaumPedersenProof.prove(secret: x, X: X, h: h, Y: Y, group: group, context: context, binding: binding)
        let negC = group.scalarNegate(proof.c)
        let A = group.op(group.exp(group.generator, proof.r), group.exp(X, negC))
        let B = group.op(group.exp(h, proof.r), group.exp(Y, negC))
        var t = Array("perennial-proof-v1".utf8) + lp(Array("chaum-pedersen".utf8)) + lp(Array(group.name.utf8)) + lp(context) + lp(binding)
        for e in [group.generator, X, h, Y, A, B] { t += lp(group.encode(e)) }
        return group.hashToScalar(t) == proof.c
    }

    @Test("Chaum–Pedersen transcript matches SPEC byte for byte", arguments: proofTestGroups)
    func chaumPedersenTranscriptByHand(name: GroupName) {
        #expect(withTestGroup(name, ristretto: { Self.chaumPedersenByHand($0) }, modp: { Self.chaumPedersenByHand($0) }))
    }

    @Test("verification exponentiation counts")
    func counts() {
        #expect(RangeProof<Ristretto255Group>.verificationExponentiations(branches: 2) == ExponentiationCount(fixedBase: 3, variableBase: 6))
        #expect(DisjunctiveProof<ModPGroup>.verificationExponentiations == ExponentiationCount(fixedBase: 3, variableBase: 6))
        #expect(SchnorrProof<ModPGroup>.verificationExponentiations == ExponentiationCount(fixedBase: 1, variableBase: 1))
    }
}
