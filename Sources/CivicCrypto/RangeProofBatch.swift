/// A range or disjunctive proof with its commitments carried (SPEC §3.5.1), with everything its
/// verification needs: checked alone, or with many others in a ``RangeProofBatch``.
///
/// Accepted iff `Σ_j c_j ≡ H(T)` over the statement followed by the carried commitments
/// `A_lo, B_lo, …, A_hi, B_hi`, and every commitment satisfies its equation:
/// `A_j = g^(r_j)·α^(−c_j)` and `B_j = pk^(r_j)·(β/g^j)^(−c_j)`.
public struct CarriedRangeProof<G: PrimeOrderGroup>: Sendable {
    public let protocolName: Transcript.ProtocolName
    public let ciphertext: ElGamalCiphertext<G>
    public let pk: ElGamalPublicKey<G>
    public let lo: Int
    public let hi: Int
    public let context: [UInt8]
    public let binding: [UInt8]
    public let c: [G.Scalar]
    public let r: [G.Scalar]
    /// `A_lo, B_lo, …, A_hi, B_hi` (validated elements).
    public let commitments: [G.Element]
    /// Ciphertexts whose product `ciphertext` is, when the verifier computed it so (a contest's sum
    /// under its range proof); empty otherwise. A ``RangeProofBatch`` then puts this proof's `α`, `β`
    /// scalars on these factors, which the combination already holds, instead of on two more points.
    public let factors: [ElGamalCiphertext<G>]

    /// - Parameter factors: only ciphertexts whose product the caller computed as `ciphertext`.
    public init(
        disjunctive: Bool, ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int, hi: Int, context: [UInt8],
        binding: [UInt8], c: [G.Scalar], r: [G.Scalar], commitments: [G.Element], factors: [ElGamalCiphertext<G>] = []
    ) {
        protocolName = disjunctive ? .disjunctive : .range
        self.ciphertext = ciphertext
        self.pk = pk
        self.lo = lo
        self.hi = hi
        self.context = context
        self.binding = binding
        self.c = c
        self.r = r
        self.commitments = commitments
        self.factors = factors
    }

    /// Proves, returning the proof with its commitments (`m` must be in `[lo, hi]`).
    public static func prove(
        disjunctive: Bool, m: Int, randomness: G.Scalar, ciphertext: ElGamalCiphertext<G>, pk: ElGamalPublicKey<G>, lo: Int,
        hi: Int, context: [UInt8], binding: [UInt8]
    ) throws -> CarriedRangeProof {
        let (c, r, t) = try RangeProofCore.proveWithCommitments(
            protocol: disjunctive ? .disjunctive : .range, m: m, randomness: randomness, ciphertext: ciphertext, pk: pk, lo: lo,
            hi: hi, context: context, binding: binding)
        return CarriedRangeProof(
            disjunctive: disjunctive, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding, c: c, r: r,
            commitments: t)
    }

    /// Array lengths and range well formed.
    var isWellFormed: Bool {
        guard (try? RangeProofCore.checkRange(lo: lo, hi: hi)) != nil else { return false }
        let branches = hi - lo + 1
        return c.count == branches && r.count == branches && commitments.count == 2 * branches
    }

    /// The Fiat–Shamir part: `Σ c_j = H(statement ‖ commitments)`. Cheap (one hash).
    public var challengeMatches: Bool {
        guard isWellFormed else { return false }
        let group = pk.group
        var t = RangeProofCore.statement(
            protocol: protocolName, ciphertext: ciphertext, pk: pk, lo: lo, hi: hi, context: context, binding: binding)
        for e in commitments { t.append(e, in: group) }
        let sum = c.reduce(group.zeroScalar) { group.scalarAdd($0, $1) }
        return sum == t.challenge(in: group)
    }

    /// Verifies this proof alone: the challenge, then each commitment recomputed and compared.
    public func verify() -> Bool {
        guard challengeMatches else { return false }
        let group = pk.group
        for k in 0..<c.count {
            let negC = group.scalarNegate(c[k])
            let shifted = group.divide(ciphertext.beta, group.elementForSmallInt(lo + k))
            guard group.doubleExpPublic(group.generator, r[k], ciphertext.alpha, negC) == commitments[2 * k],
                group.doubleExpPublic(pk.element, r[k], shifted, negC) == commitments[2 * k + 1]
            else { return false }
        }
        return true
    }
}

/// Many carried-commitment proofs verified together (SPEC §3.5.1): each proof's challenge is checked
/// by its hash, then all commitment equations at once by a random linear combination with fresh
/// 128-bit weights from the CSPRNG, as one multi-scalar multiplication that must give the identity.
/// If it does not, every proof is checked alone so that the failing ones are named.
///
/// A false proof passes the combination with probability at most 2^-128 per batch (over the weights,
/// which are drawn after the proofs are fixed).
public struct RangeProofBatch<G: PrimeOrderGroup>: Sendable {
    public let group: G
    private var items: [(id: Int, proof: CarriedRangeProof<G>)] = []
    /// Per item: whether its ciphertext's α and β are membership candidates (``add(_:id:provingMembership:)``).
    private var candidateItems: [Bool] = []

    public init(group: G) { self.group = group }

    /// Adds a proof under a caller's identifier (e.g. the entry index of its ballot).
    public mutating func add(_ proof: CarriedRangeProof<G>, id: Int) { add(proof, id: id, provingMembership: false) }

    /// Adds a proof whose ciphertext components, `provingMembership`, were decoded by
    /// ``PrimeOrderGroup/decodeMembershipCandidates(_:)``: ``allVerify()`` then also proves their subgroup
    /// membership in the same multi-exponentiation (``PrimeOrderGroup/multiExpIsIdentity(_:recurring:candidates:)``).
    /// ``failing()`` does not: such a batch that fails must be decoded in full before naming anything.
    public mutating func add(_ proof: CarriedRangeProof<G>, id: Int, provingMembership: Bool) {
        items.append((id, proof))
        candidateItems.append(provingMembership)
    }

    public var count: Int { items.count }

    /// Whether every proof verifies (each challenge, then one combination); false says nothing about which.
    public func allVerify() -> Bool {
        items.allSatisfy { $0.proof.challengeMatches } && (items.isEmpty || combinationHolds(items.map(\.proof), candidates: candidateItems))
    }

    /// The identifiers of the proofs that fail (empty: all verify), each named once, in order.
    public func failing() -> [Int] {
        var bad: [Int] = []
        var pending: [(id: Int, proof: CarriedRangeProof<G>)] = []
        for item in items {
            if item.proof.challengeMatches { pending.append(item) } else { bad.append(item.id) }
        }
        if !pending.isEmpty && !combinationHolds(pending.map(\.proof)) {
            for item in pending where !item.proof.verify() { bad.append(item.id) }
        }
        var seen = Set<Int>()
        return items.map(\.id).filter { id in bad.contains(id) && seen.insert(id).inserted }
    }

    /// `∏_proofs ∏_j A_j^(z)·g^(−z r_j)·α^(z c_j) · B_j^(z')·pk^(−z' r_j)·β^(z' c_j)·g^(−z' j c_j) = 1`
    /// with independent random 128-bit `z, z'` per equation; the bases g and pk are shared by all
    /// proofs under one key, α and β by the branches of a proof. A product ciphertext's scalars go to
    /// its ``CarriedRangeProof/factors`` (`(∏ α_i)^s = ∏ α_i^s`) when those are the ciphertexts of the
    /// proofs just before it (checked), added to their terms: a contest's sum adds no point.
    /// `candidates[i]` (when given): the i-th proof's α and β also get their membership proved (their
    /// terms are passed as candidates, SPEC §3.1 folded membership).
    func combinationHolds(_ proofs: [CarriedRangeProof<G>], candidates: [Bool] = []) -> Bool {
        let twoTo64 = group.scalarAdd(group.scalar(UInt64.max), group.scalar(1))
        // All weights' random bytes in one CSPRNG call (each call is a system call): two per branch,
        // counted from the challenges present.
        let random = SecureRandom.bytes(16 * 2 * proofs.reduce(0) { $0 + $1.c.count })
        var next = 0
        func weight() -> G.Scalar {
            var hi: UInt64 = 0, lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(random[next + i]); lo = lo << 8 | UInt64(random[next + 8 + i]) }
            next += 16
            return group.scalarAdd(group.scalarMul(group.scalar(hi), twoTo64), group.scalar(lo))
        }
        var terms: [(G.Element, G.Scalar)] = []
        terms.reserveCapacity(proofs.count * 6)
        // Per proof, the index of its α term (β is next), or nil: where a later product's factors are.
        var alphaTerm: [Int?] = []
        alphaTerm.reserveCapacity(proofs.count)
        var gScalar = group.zeroScalar
        var pkScalars: [G.Element: G.Scalar] = [:]
        var candidateTerms: [Int] = []
        for (pi, p) in proofs.enumerated() {
            var alphaScalar = group.zeroScalar, betaScalar = group.zeroScalar, pkScalar = group.zeroScalar
            for k in 0..<p.c.count {
                let z1 = weight(), z2 = weight()
                terms.append((p.commitments[2 * k], z1))
                terms.append((p.commitments[2 * k + 1], z2))
                let z1c = group.scalarMul(z1, p.c[k]), z2c = group.scalarMul(z2, p.c[k])
                alphaScalar = group.scalarAdd(alphaScalar, z1c)
                betaScalar = group.scalarAdd(betaScalar, z2c)
                pkScalar = group.scalarSub(pkScalar, group.scalarMul(z2, p.r[k]))
                // j·z2·c_j with j = lo + k, without a multiplication for j = 0 or 1 (every 0/1 proof).
                let j = p.lo + k
                let z1r = group.scalarMul(z1, p.r[k])
                switch j {
                case 0: gScalar = group.scalarSub(gScalar, z1r)
                case 1: gScalar = group.scalarSub(gScalar, group.scalarAdd(z1r, z2c))
                default: gScalar = group.scalarSub(gScalar, group.scalarAdd(z1r, group.scalarMul(z2c, group.scalar(UInt64(j)))))
                }
            }
            // A product whose factors are the ciphertexts of the proofs just before it (a contest's options,
            // then its range proof): its scalars go onto their terms. Anything else: the product's own terms.
            let m = p.factors.count
            if m > 0, pi >= m, (0..<m).allSatisfy({ t in alphaTerm[pi - m + t] != nil && proofs[pi - m + t].ciphertext == p.factors[t] }) {
                for t in 0..<m {
                    let i = alphaTerm[pi - m + t]!
                    terms[i].1 = group.scalarAdd(terms[i].1, alphaScalar)
                    terms[i + 1].1 = group.scalarAdd(terms[i + 1].1, betaScalar)
                }
                alphaTerm.append(nil)
            } else {
                alphaTerm.append(terms.count)
                if pi < candidates.count && candidates[pi] { candidateTerms += [terms.count, terms.count + 1] }
                terms.append((p.ciphertext.alpha, alphaScalar))
                terms.append((p.ciphertext.beta, betaScalar))
            }
            pkScalars[p.pk.element] = group.scalarAdd(pkScalars[p.pk.element] ?? group.zeroScalar, pkScalar)
        }
        terms.append((group.generator, gScalar))
        // The key recurs in every batch: the Schnorr groups keep a fixed-base table for it.
        return group.multiExpIsIdentity(terms, recurring: pkScalars.map { ($0.key, $0.value) }, candidates: candidateTerms)
    }
}
