/// A trustee's secret polynomial `f(z) = a_0 + a_1 z + … + a_{t−1} z^{t−1}` over the scalars
/// (SPEC §3.6).
///
/// - Important: the coefficients are secrets; `description` is redacted.
public struct Polynomial<G: PrimeOrderGroup>: Sendable, CustomStringConvertible {
    /// The group.
    public let group: G
    /// `a_0 … a_{t−1}`.
    public let coefficients: [G.Scalar]

    /// A polynomial with the given coefficients (`a_0` first).
    /// - Throws: ``CryptoError/Code/invalidParameter`` for no coefficients.
    public init(group: G, coefficients: [G.Scalar]) throws {
        guard !coefficients.isEmpty else { throw CryptoError.invalidParameter("A polynomial needs at least one coefficient.") }
        self.group = group
        self.coefficients = coefficients
    }

    /// A random polynomial of degree `threshold − 1`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if `threshold < 1`.
    public static func random(threshold: Int, group: G) throws -> Polynomial {
        guard threshold >= 1 else { throw CryptoError.invalidParameter("The threshold must be at least 1.") }
        return try Polynomial(group: group, coefficients: (0..<threshold).map { _ in group.randomScalar() })
    }

    /// The threshold `t` (number of coefficients).
    public var threshold: Int { coefficients.count }

    /// `f(index)` by Horner's rule. Trustee indices are `1 … n`; `f(0) = a_0` is the secret itself.
    public func evaluate(at index: Int) -> G.Scalar {
        let z = group.scalar(int: index)
        var acc = group.zeroScalar
        for a in coefficients.reversed() { acc = group.scalarAdd(group.scalarMul(acc, z), a) }
        return acc
    }

    /// The Feldman commitments `C_k = g^(a_k)`.
    public var commitments: FeldmanCommitments<G> {
        FeldmanCommitments(group: group, elements: coefficients.map { group.expGenerator($0) })
    }

    public var description: String { "Polynomial(\(group.name), degree \(threshold - 1), redacted)" }
}

/// Feldman commitments `C_k = g^(a_k)`, `k = 0 … t−1`, to one trustee's polynomial (public).
public struct FeldmanCommitments<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The group.
    public let group: G
    /// `C_0 … C_{t−1}`.
    public let elements: [G.Element]

    public init(group: G, elements: [G.Element]) {
        self.group = group
        self.elements = elements
    }

    /// `Π_k C_k^(j^k)` = `g^(f(j))`: what a correct share for trustee `j` must exponentiate to.
    public func expectedShareImage(index j: Int) -> G.Element {
        let z = group.scalar(int: j)
        var power = group.scalar(1)
        var terms: [(G.Element, G.Scalar)] = []
        for C in elements {
            terms.append((C, power))
            power = group.scalarMul(power, z)
        }
        return group.multiExpPublic(terms)
    }

    /// Whether `share` is `f(j)` for the committed polynomial: `g^share = Π_k C_k^(j^k)`.
    public func verifyShare(_ share: G.Scalar, index j: Int) -> Bool {
        group.expGenerator(share) == expectedShareImage(index: j)
    }

    public static func == (a: Self, b: Self) -> Bool { a.elements == b.elements }
    public func hash(into hasher: inout Hasher) { hasher.combine(elements) }
}

/// A trustee's partial decryption `D_j = α^(s_j)` with its Chaum–Pedersen proof that
/// `log_g(P_j) = log_α(D_j)` (SPEC §3.6).
public struct PartialDecryption<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The trustee index `j` (1-based).
    public let index: Int
    /// `D_j`.
    public let share: G.Element
    /// The proof.
    public let proof: ChaumPedersenProof<G>

    public init(index: Int, share: G.Element, proof: ChaumPedersenProof<G>) {
        self.index = index
        self.share = share
        self.proof = proof
    }

    /// Computes `D_j = α^(s_j)` and its proof.
    /// - Parameters:
    ///   - ciphertext: the (tally) ciphertext.
    ///   - secretShare: `s_j`.
    ///   - index: `j`.
    ///   - verificationKey: `P_j = g^(s_j)` (computed if omitted).
    public static func create(
        ciphertext: ElGamalCiphertext<G>, secretShare: G.Scalar, index: Int, verificationKey: G.Element? = nil,
        context: [UInt8], binding: [UInt8]
    ) -> PartialDecryption {
        let group = ciphertext.group
        let P = verificationKey ?? group.expGenerator(secretShare)
        let D = group.exp(ciphertext.alpha, secretShare)
        let proof = ChaumPedersenProof.prove(
            secret: secretShare, X: P, h: ciphertext.alpha, Y: D, group: group, context: context, binding: binding)
        return PartialDecryption(index: index, share: D, proof: proof)
    }

    /// Whether the proof shows `D_j` was computed with the share behind `verificationKey`.
    public func verify(ciphertext: ElGamalCiphertext<G>, verificationKey: G.Element, context: [UInt8], binding: [UInt8]) -> Bool {
        proof.verify(X: verificationKey, h: ciphertext.alpha, Y: share, group: ciphertext.group, context: context, binding: binding)
    }
}

/// Threshold key and decryption helpers (SPEC §3.6).
public enum Threshold {
    /// Checks `1 ≤ t ≤ n`.
    public static func validate(threshold t: Int, trustees n: Int) throws {
        guard n >= 1, t >= 1, t <= n else { throw CryptoError.invalidParameter("The threshold must be between 1 and the number of trustees.") }
    }

    /// Whether `share` (sent by the trustee who published `commitments`) is correct for trustee `index`.
    public static func verifyShare<G: PrimeOrderGroup>(_ share: G.Scalar, index: Int, commitments: FeldmanCommitments<G>) -> Bool {
        commitments.verifyShare(share, index: index)
    }

    /// The election public key `pk = Π_i C_{i,0}`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if there are no commitments or one is empty.
    public static func publicKey<G: PrimeOrderGroup>(group: G, commitments: [FeldmanCommitments<G>]) throws -> ElGamalPublicKey<G> {
        guard !commitments.isEmpty, commitments.allSatisfy({ !$0.elements.isEmpty }) else {
            throw CryptoError.invalidParameter("Every trustee must publish at least one commitment.")
        }
        return ElGamalPublicKey(group: group, element: group.product(commitments.map { $0.elements[0] }))
    }

    /// Trustee `j`'s public verification key `P_j = Π_i Π_k C_{i,k}^(j^k)`.
    public static func verificationKey<G: PrimeOrderGroup>(index j: Int, group: G, commitments: [FeldmanCommitments<G>]) -> G.Element {
        group.product(commitments.map { $0.expectedShareImage(index: j) })
    }

    /// Trustee `j`'s combined secret share `s_j = Σ_i f_i(j)` from the shares it received.
    public static func combineShares<G: PrimeOrderGroup>(_ shares: [G.Scalar], group: G) -> G.Scalar {
        shares.reduce(group.zeroScalar) { group.scalarAdd($0, $1) }
    }

    /// `λ_j = Π_{k∈S, k≠j} k / (k − j) mod q`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if `j ∉ S`, indices are not positive, or repeat.
    public static func lagrangeCoefficientAtZero<G: PrimeOrderGroup>(index j: Int, subset: [Int], group: G) throws -> G.Scalar {
        guard subset.contains(j), subset.allSatisfy({ $0 >= 1 }), Set(subset).count == subset.count else {
            throw CryptoError.invalidParameter("Trustee indices must be distinct, positive, and include the trustee.")
        }
        var numerator = group.scalar(1)
        var denominator = group.scalar(1)
        for k in subset where k != j {
            numerator = group.scalarMul(numerator, group.scalar(int: k))
            denominator = group.scalarMul(denominator, group.scalar(int: k - j))
        }
        return group.scalarMul(numerator, try group.scalarInvert(denominator))
    }

    /// Combines partial decryptions from a set `S` of at least `t` trustees into `α^s =
    /// Π_{j∈S} D_j^(λ_j)` and returns `g^m = β / α^s`. Proofs must have been verified first.
    /// - Throws: ``CryptoError/Code/invalidParameter`` for fewer than `threshold` partials or repeated indices.
    public static func combine<G: PrimeOrderGroup>(
        _ partials: [PartialDecryption<G>], ciphertext: ElGamalCiphertext<G>, threshold: Int
    ) throws -> G.Element {
        let group = ciphertext.group
        let subset = partials.map(\.index)
        guard partials.count >= threshold else {
            throw CryptoError.invalidParameter("At least \(threshold) trustees must take part; \(partials.count) did.")
        }
        var terms: [(G.Element, G.Scalar)] = []
        for p in partials {
            terms.append((p.share, try lagrangeCoefficientAtZero(index: p.index, subset: subset, group: group)))
        }
        let alphaToS = group.multiExpPublic(terms)
        return ciphertext.plaintextElement(sharedFactor: alphaToS)
    }
}
