import AuditSodium

/// One range or disjunctive proof with carried commitments, as the batch check of SPEC.md §3.5.1 takes it.
public struct CarriedRange<G: PrimeOrderGroup>: Sendable {
    public var pk: G.Element
    public var ciphertext: Ciphertext<G>
    public var lo: UInt32
    public var hi: UInt32
    public var proof: RangeProof<G>
    public var binding: ProofBinding
    public var protocolName: String

    public init(pk: G.Element, ciphertext: Ciphertext<G>, lo: UInt32, hi: UInt32, proof: RangeProof<G>, binding: ProofBinding,
                protocolName: String) {
        self.pk = pk
        self.ciphertext = ciphertext
        self.lo = lo
        self.hi = hi
        self.proof = proof
        self.binding = binding
        self.protocolName = protocolName
    }
}

/// SPEC.md §3.5.1 batch verification: each proof's challenge sum against the hash of its statement
/// and carried commitments, then all commitment equations at once under independent random 128-bit
/// weights, as one multi-scalar sum that must be the identity.
public enum BatchVerifier {
    /// True iff every proof passes (a false proof passes with probability ≤ 2^-128). Returns nil when the
    /// group has no multi-scalar routine or a proof carries no commitments: the caller checks one by one.
    public static func allVerify<G: PrimeOrderGroup>(_ group: G, _ items: [CarriedRange<G>]) -> Bool? {
        guard items.allSatisfy({ $0.proof.t != nil }) else { return nil }
        guard let terms = terms(group, items) else { return false }
        return group.productIsIdentity(terms)
    }

    /// The terms whose product must be the identity, after every proof's challenge check; nil if a
    /// proof is malformed, carries no commitments, or fails its challenge check.
    public static func terms<G: PrimeOrderGroup>(_ group: G, _ items: [CarriedRange<G>]) -> [(G.Element, G.Scalar)]? {
        var terms: [(G.Element, G.Scalar)] = []
        terms.reserveCapacity(items.count * 6 + 2)
        var gScalar = group.zeroScalar
        var pkScalars: [G.Element: G.Scalar] = [:]
        let two64 = group.add(group.scalar(UInt64.max), group.oneScalar)
        // Every weight's 16 random bytes in one CSPRNG call (two weights per branch).
        // (Counted from the challenges present, so a forged range width cannot make this allocation large.)
        let weightCount = items.reduce(0) { $0 + 2 * $1.proof.c.count }
        var random = [UInt64](repeating: 0, count: max(2, 2 * weightCount))
        random.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        var nextRandom = 0
        func nextWeight() -> G.Scalar {
            defer { nextRandom += 2 }
            return group.weight(high: random[nextRandom], low: random[nextRandom + 1], two64: two64)
        }
        for item in items {
            guard let t = item.proof.t else { return nil }
            let width = Int(item.hi) - Int(item.lo) + 1
            guard item.lo <= item.hi, item.proof.c.count == width, item.proof.r.count == width, t.count == 2 * width else { return nil }
            // Fiat–Shamir: Σ c_j = H(statement, A_lo, B_lo, …).
            var tr = Transcript(protocol: item.protocolName, group: group.name, context: item.binding.context, binding: item.binding.binding)
            tr.append(element: group.generator, in: group)
            tr.append(element: item.pk, in: group)
            tr.append(element: item.ciphertext.alpha, in: group)
            tr.append(element: item.ciphertext.beta, in: group)
            tr.append(u32: item.lo)
            tr.append(u32: item.hi)
            for e in t { tr.append(element: e, in: group) }
            let sum = item.proof.c.reduce(group.zeroScalar) { group.add($0, $1) }
            guard tr.challenge(in: group) == sum else { return nil }
            // A_j^z · g^(−z r_j) · α^(z c_j) = 1 and B_j^z' · pk^(−z' r_j) · β^(z' c_j) · g^(−z' j c_j) = 1.
            var alphaS = group.zeroScalar, betaS = group.zeroScalar, pkS = group.zeroScalar
            for k in 0..<width {
                let z1 = nextWeight(), z2 = nextWeight()
                let c = item.proof.c[k], r = item.proof.r[k]
                terms.append((t[2 * k], z1))
                terms.append((t[2 * k + 1], z2))
                alphaS = group.add(alphaS, group.mul(z1, c))
                let z2c = group.mul(z2, c)
                betaS = group.add(betaS, z2c)
                pkS = group.sub(pkS, group.mul(z2, r))
                // z1·r + z2·c·j, without multiplying by j = 0 or 1 (every selection's disjunctive proof).
                let j = Int(item.lo) + k
                let z1r = group.mul(z1, r)
                let gTerm = j == 0 ? z1r : group.add(z1r, j == 1 ? z2c : group.mul(z2c, group.scalar(UInt64(j))))
                gScalar = group.sub(gScalar, gTerm)
            }
            terms.append((item.ciphertext.alpha, alphaS))
            terms.append((item.ciphertext.beta, betaS))
            pkScalars[item.pk] = group.add(pkScalars[item.pk] ?? group.zeroScalar, pkS)
        }
        terms.append((group.generator, gScalar))
        for (pk, s) in pkScalars { terms.append((pk, s)) }
        return terms
    }
}
