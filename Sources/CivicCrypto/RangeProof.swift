/// A proof that an ElGamal ciphertext `(α, β)` under `pk` encrypts some `m ∈ [lo, hi]`, in compact
/// form `{c: [c_lo…c_hi], r: [r_lo…r_hi]}` (SPEC §3.5, protocol `"range"`).
///
/// Statement `(g, pk, α, β, u32be(lo), u32be(hi))`, then `A_lo, B_lo, …, A_hi, B_hi` with
/// `A_j = g^(r_j)·α^(−c_j)` and `B_j = pk^(r_j)·(β/g^j)^(−c_j)`; accepted iff `Σ c_j ≡ H(T)`.
public struct RangeProof<G: PrimeOrderGroup>: Sendable, Hashable {
    /// Lower bound of the proven range (part of the statement; verifiers pass their own).
    public let lo: Int
    /// Upper bound of the proven range.
    public let hi: Int
    /// Challenges `c_lo … c_hi`.
    public let c: [G.Scalar]
    /// Responses `r_lo … r_hi`.
    public let r: [G.Scalar]

    public init(lo: Int, hi: Int, c: [G.Scalar], r: [G.Scalar]) {
        self.lo = lo
        self.hi = hi
        self.c = c
        self.r = r
    }

    /// Decodes the JSON arrays (hex scalars) for the range `[lo, hi]`.
    public init(group: G, lo: Int, hi: Int, cHex: [String], rHex: [String]) throws {
        self.init(lo: lo, hi: hi, c: try cHex.map { try group.decodeScalar(hex: $0) }, r: try rHex.map { try group.decodeScalar(hex: $0) })
    }

    /// Proves that `ciphertext = Enc_pk(m; randomness)` with `lo ≤ m ≤ hi`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if the range is malformed or `m` is outside it.
    public static func prove(
        m: Int, randomness: G.Scalar, ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int, hi: Int,
        context: [UInt8], binding: [UInt8]
    ) throws -> RangeProof {
        let (c, r) = try RangeProofCore.prove(
            protocol: .range, m: m, randomness: randomness, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context,
            binding: binding)
        return RangeProof(lo: lo, hi: hi, c: c, r: r)
    }

    /// Whether the proof shows that `ciphertext` encrypts a value in `[lo, hi]` (the verifier's own
    /// bounds; a proof made for other bounds fails).
    public func verify(
        ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8], binding: [UInt8]
    ) -> Bool {
        guard lo == self.lo, hi == self.hi else { return false }
        return RangeProofCore.verify(
            protocol: .range, c: c, r: r, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
    }

    /// Like ``verify(ciphertext:pk:lo:hi:context:binding:)`` but throws a clear error.
    public func validate(
        ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8], binding: [UInt8]
    ) throws {
        guard verify(ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding) else {
            throw CryptoError.invalidProof("range", "the challenges do not add up to the statement's hash")
        }
    }

    /// Exponentiations a verification with `branches = hi − lo + 1` needs: per branch one of `g`
    /// (for `r_j`) and three of other bases, and one more of `g` (for `j·c_j`) in every branch but
    /// `j = 0` (counted as when `lo = 0`).
    public static func verificationExponentiations(branches: Int) -> ExponentiationCount {
        ExponentiationCount(fixedBase: 2 * branches - 1, variableBase: 3 * branches)
    }

    /// Exponentiations proving needs (not counting the encryption): the real branch one of `g` and
    /// one of `pk`; each simulated branch as in verification.
    public static func provingExponentiations(branches: Int) -> ExponentiationCount {
        ExponentiationCount(fixedBase: branches, variableBase: 1 + 3 * (branches - 1))
    }
}

/// The disjunctive 0/1 proof of one selection: the range proof with `lo = 0`, `hi = 1`, hashed with
/// protocol name `"disjunctive"` (SPEC §3.5). JSON `{"c":[c0,c1],"r":[r0,r1]}`.
public struct DisjunctiveProof<G: PrimeOrderGroup>: Sendable, Hashable {
    /// `[c_0, c_1]`.
    public let c: [G.Scalar]
    /// `[r_0, r_1]`.
    public let r: [G.Scalar]

    public init(c: [G.Scalar], r: [G.Scalar]) {
        self.c = c
        self.r = r
    }

    /// Decodes the JSON arrays (hex scalars).
    public init(group: G, cHex: [String], rHex: [String]) throws {
        self.init(c: try cHex.map { try group.decodeScalar(hex: $0) }, r: try rHex.map { try group.decodeScalar(hex: $0) })
    }

    /// Proves that `ciphertext = Enc_pk(m; randomness)` with `m ∈ {0, 1}`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if `m` is not 0 or 1.
    public static func prove(
        m: Int, randomness: G.Scalar, ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, context: [UInt8], binding: [UInt8]
    ) throws -> DisjunctiveProof {
        let (c, r) = try RangeProofCore.prove(
            protocol: .disjunctive, m: m, randomness: randomness, ciphertext: ciphertext, pk: pk, lo: 0, hi: 1, context: context,
            binding: binding)
        return DisjunctiveProof(c: c, r: r)
    }

    /// Whether the proof shows that `ciphertext` encrypts 0 or 1.
    public func verify(ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, context: [UInt8], binding: [UInt8]) -> Bool {
        RangeProofCore.verify(
            protocol: .disjunctive, c: c, r: r, ciphertext: ciphertext, pk: pk, lo: 0, hi: 1, context: context, binding: binding)
    }

    /// Like ``verify(ciphertext:pk:context:binding:)`` but throws a clear error.
    public func validate(ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, context: [UInt8], binding: [UInt8]) throws {
        guard verify(ciphertext: ciphertext, pk: pk, context: context, binding: binding) else {
            throw CryptoError.invalidProof("0-or-1", "the challenges do not add up to the statement's hash")
        }
    }

    /// Exponentiations one verification needs (2 of `g`, 6 of other bases).
    public static var verificationExponentiations: ExponentiationCount { RangeProof<G>.verificationExponentiations(branches: 2) }
    /// Exponentiations proving needs, not counting the encryption.
    public static var provingExponentiations: ExponentiationCount { RangeProof<G>.provingExponentiations(branches: 2) }
}

/// The shared range/disjunctive construction.
enum RangeProofCore {
    static func checkRange(lo: Int, hi: Int) throws {
        guard lo >= 0, lo <= hi, hi <= Int(UInt32.max) else {
            throw CryptoError.invalidParameter("A range proof needs 0 ≤ lo ≤ hi < 2^32.")
        }
        guard hi - lo < 1 << 16 else { throw CryptoError.invalidParameter("A range proof may cover at most 65536 values.") }
    }

    static func prove<G: PrimeOrderGroup>(
        protocol name: Transcript.ProtocolName, m: Int, randomness: G.Scalar, ciphertext: ElGamalCiphertext<G>,
        pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8], binding: [UInt8]
    ) throws -> ([G.Scalar], [G.Scalar]) {
        let (c, r, _) = try proveWithCommitments(
            protocol: name, m: m, randomness: randomness, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context,
            binding: binding)
        return (c, r)
    }

    /// Like ``prove`` and also returns the commitments `A_lo, B_lo, …, A_hi, B_hi` (SPEC §3.5.1).
    static func proveWithCommitments<G: PrimeOrderGroup>(
        protocol name: Transcript.ProtocolName, m: Int, randomness: G.Scalar, ciphertext: ElGamalCiphertext<G>,
        pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8], binding: [UInt8]
    ) throws -> ([G.Scalar], [G.Scalar], [G.Element]) {
        try checkRange(lo: lo, hi: hi)
        guard m >= lo, m <= hi else { throw CryptoError.invalidParameter("The value to prove is outside the allowed range.") }
        let group = pk.group
        var t = statement(protocol: name, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
        let count = hi - lo + 1
        var c = [G.Scalar](repeating: group.zeroScalar, count: count)
        var r = [G.Scalar](repeating: group.zeroScalar, count: count)
        let w = group.randomScalar()
        var simulatedSum = group.zeroScalar
        var commitments: [G.Element] = []
        commitments.reserveCapacity(2 * count)
        // Every exponentiation here uses the constant-time path: which branch is real is secret.
        for j in lo...hi {
            let k = j - lo
            if j == m {
                let A = group.expGenerator(w), B = group.exp(pk.element, w)
                t.append(A, in: group)
                t.append(B, in: group)
                commitments += [A, B]
            } else {
                c[k] = group.randomScalar()
                r[k] = group.randomScalar()
                simulatedSum = group.scalarAdd(simulatedSum, c[k])
                let negC = group.scalarNegate(c[k])
                let A = group.op(group.expGenerator(r[k]), group.exp(ciphertext.alpha, negC))
                let shifted = group.divide(ciphertext.beta, group.elementForSmallInt(j))
                let B = group.op(group.exp(pk.element, r[k]), group.exp(shifted, negC))
                t.append(A, in: group)
                t.append(B, in: group)
                commitments += [A, B]
            }
        }
        let k = m - lo
        c[k] = group.scalarSub(t.challenge(in: group), simulatedSum)
        r[k] = group.scalarAdd(w, group.scalarMul(c[k], randomness))
        return (c, r, commitments)
    }

    static func verify<G: PrimeOrderGroup>(
        protocol name: Transcript.ProtocolName, c: [G.Scalar], r: [G.Scalar], ciphertext: ElGamalCiphertext<G>,
        pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8], binding: [UInt8]
    ) -> Bool {
        guard (try? checkRange(lo: lo, hi: hi)) != nil, c.count == hi - lo + 1, r.count == c.count else { return false }
        let group = pk.group
        var t = statement(protocol: name, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
        var sum = group.zeroScalar
        for k in 0..<c.count {
            // Each commitment is one double exponentiation with the exponent −c_j = q − c_j; pk comes
            // first so that a group with recurring-base tables (the Schnorr groups) can use one for it.
            let negC = group.scalarNegate(c[k])
            let A = group.doubleExpPublic(group.generator, r[k], ciphertext.alpha, negC)
            // (β/g^j)^(−c_j) = β^(−c_j)·g^(j·c_j): every branch raises the same β (the Schnorr
            // groups keep β's squarings from its decoding), and g^(j·c_j) is a fixed-base one.
            let j = lo + k
            var B = group.doubleExpPublic(pk.element, r[k], ciphertext.beta, negC)
            if j != 0 { B = group.op(B, group.expGeneratorPublic(group.scalarMul(group.scalar(UInt64(j)), c[k]))) }
            t.append(A, in: group)
            t.append(B, in: group)
            sum = group.scalarAdd(sum, c[k])
        }
        return sum == t.challenge(in: group)
    }

    static func statement<G: PrimeOrderGroup>(
        protocol name: Transcript.ProtocolName, ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int, hi: Int,
        context: [UInt8], binding: [UInt8]
    ) -> Transcript {
        let group = pk.group
        var t = Transcript(protocol: name, group: group.name, context: context, binding: binding)
        t.append(group.generator, in: group)
        t.append(pk.element, in: group)
        t.append(ciphertext.alpha, in: group)
        t.append(ciphertext.beta, in: group)
        t.appendInteger(UInt32(lo))
        t.appendInteger(UInt32(hi))
        return t
    }
}
