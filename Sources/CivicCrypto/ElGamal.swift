/// Exponential ElGamal (SPEC §3.4): `(α, β) = (g^r, pk^r · g^m)`.
public enum ElGamal {
    /// Encrypts the integer `m ≥ 0` with randomness `r` under `pk`.
    /// - Important: `randomness` must be fresh and secret (``PrimeOrderGroup/randomScalar()``); it is
    ///   revealed only when a voter challenges a ballot.
    public static func encrypt<G: PrimeOrderGroup>(m: Int, randomness: G.Scalar, pk: ElGamalPublicKey<G>) -> ElGamalCiphertext<G> {
        pk.encrypt(m: m, randomness: randomness)
    }
}

/// An exponential ElGamal ciphertext `(α, β)`; adds and subtracts homomorphically.
///
/// The value carries its group so that `+` and `-` can be written as operators.
public struct ElGamalCiphertext<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The group.
    public let group: G
    /// α = g^r.
    public let alpha: G.Element
    /// β = pk^r · g^m.
    public let beta: G.Element

    /// A ciphertext from validated elements.
    public init(group: G, alpha: G.Element, beta: G.Element) {
        self.group = group
        self.alpha = alpha
        self.beta = beta
    }

    /// Decodes and validates both components (JSON form `{"a":"hex α","b":"hex β"}`).
    public init(group: G, alphaHex: String, betaHex: String) throws {
        self.init(group: group, alpha: try group.decodeElement(hex: alphaHex), beta: try group.decodeElement(hex: betaHex))
    }

    /// `(1, 1)`: the encryption of 0 with randomness 0, the neutral element of `+`.
    public static func zero(in group: G) -> ElGamalCiphertext {
        ElGamalCiphertext(group: group, alpha: group.identity, beta: group.identity)
    }

    /// Encrypts `m` (same as ``ElGamal/encrypt(m:randomness:pk:)``).
    public static func encrypt(m: Int, randomness: G.Scalar, pk: ElGamalPublicKey<G>) -> ElGamalCiphertext {
        pk.encrypt(m: m, randomness: randomness)
    }

    /// Component-wise product: encrypts the sum of the plaintexts.
    public static func + (a: ElGamalCiphertext, b: ElGamalCiphertext) -> ElGamalCiphertext {
        let g = a.group
        return ElGamalCiphertext(group: g, alpha: g.op(a.alpha, b.alpha), beta: g.op(a.beta, b.beta))
    }

    /// Component-wise quotient: encrypts the difference of the plaintexts.
    public static func - (a: ElGamalCiphertext, b: ElGamalCiphertext) -> ElGamalCiphertext {
        let g = a.group
        return ElGamalCiphertext(group: g, alpha: g.divide(a.alpha, b.alpha), beta: g.divide(a.beta, b.beta))
    }

    public static func += (a: inout ElGamalCiphertext, b: ElGamalCiphertext) { a = a + b }
    public static func -= (a: inout ElGamalCiphertext, b: ElGamalCiphertext) { a = a - b }

    /// Hex of α, for JSON `"a"`.
    public var alphaHex: String { group.hex(alpha) }
    /// Hex of β, for JSON `"b"`.
    public var betaHex: String { group.hex(beta) }

    /// `g^m = β / α^s` given `α^s` (e.g. combined from partial decryptions).
    public func plaintextElement(sharedFactor alphaToS: G.Element) -> G.Element { group.divide(beta, alphaToS) }

    /// Equality on the components (the group is part of the type and instance).
    public static func == (a: ElGamalCiphertext, b: ElGamalCiphertext) -> Bool { a.alpha == b.alpha && a.beta == b.beta }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(alpha)
        hasher.combine(beta)
    }
}

/// An ElGamal public key `pk = g^s`.
public struct ElGamalPublicKey<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The group.
    public let group: G
    /// `pk`.
    public let element: G.Element

    /// A public key from a validated element (e.g. the threshold key `Π_i C_{i,0}`).
    public init(group: G, element: G.Element) {
        self.group = group
        self.element = element
    }

    /// Encrypts `m` with randomness `r`: `(g^r, pk^r · g^m)`.
    public func encrypt(m: Int, randomness r: G.Scalar) -> ElGamalCiphertext<G> {
        let alpha = group.expGenerator(r)
        let beta = group.op(group.exp(element, r), group.elementForSmallInt(m))
        return ElGamalCiphertext(group: group, alpha: alpha, beta: beta)
    }

    public static func == (a: Self, b: Self) -> Bool { a.element == b.element }
    public func hash(into hasher: inout Hasher) { hasher.combine(element) }
}

/// An ElGamal secret key `s` (for single-key use and tests; elections use threshold shares).
public struct ElGamalSecretKey<G: PrimeOrderGroup>: Sendable, CustomStringConvertible {
    /// The group.
    public let group: G
    /// `s`.
    public let scalar: G.Scalar

    /// Wraps an existing secret scalar.
    public init(group: G, scalar: G.Scalar) {
        self.group = group
        self.scalar = scalar
    }

    /// A fresh random key.
    public static func generate(in group: G) -> ElGamalSecretKey {
        ElGamalSecretKey(group: group, scalar: group.randomScalar())
    }

    /// `g^s`.
    public var publicKey: ElGamalPublicKey<G> { ElGamalPublicKey(group: group, element: group.expGenerator(scalar)) }

    /// `g^m = β / α^s`.
    public func decryptToElement(_ c: ElGamalCiphertext<G>) -> G.Element {
        group.divide(c.beta, group.exp(c.alpha, scalar))
    }

    /// Decrypts and solves the discrete logarithm with `solver`.
    /// - Throws: ``CryptoError/Code/logarithmNotFound`` if `m` is outside the solver's range.
    public func decrypt(_ c: ElGamalCiphertext<G>, using solver: DiscreteLogSolver<G>) throws -> Int {
        try solver.solve(decryptToElement(c))
    }

    public var description: String { "ElGamalSecretKey(\(group.name), redacted)" }
}

/// Finds `m ∈ [0, max]` from `g^m` by baby-step giant-step: a table of `g^j` for `j < B` keyed by
/// element, then at most `⌈(max+1)/B⌉` giant steps of `·g^(−B)`, with `B ≈ √(max+1)`.
/// Memory and set-up are `O(√max)`; fine up to `max ≈ 10^9`.
public struct DiscreteLogSolver<G: PrimeOrderGroup>: Sendable {
    /// The group.
    public let group: G
    /// The largest value searched.
    public let max: Int
    private let babySteps: [G.Element: Int]
    private let stride: Int
    private let giantStep: G.Element  // g^(−stride)

    /// Builds the baby-step table for `[0, max]`.
    /// - Throws: ``CryptoError/Code/invalidParameter`` if `max < 0`.
    public init(group: G, max: Int) throws {
        guard max >= 0 else { throw CryptoError.invalidParameter("The decryption bound must not be negative.") }
        self.group = group
        self.max = max
        var b = Int(Double(max + 1).squareRoot().rounded(.up))
        b = Swift.max(1, b)
        stride = b
        var table: [G.Element: Int] = [:]
        table.reserveCapacity(b)
        var current = group.identity
        for j in 0..<b {
            table[current] = j
            current = group.op(current, group.generator)
        }
        babySteps = table
        giantStep = group.inverse(current)  // current = g^b
    }

    /// The `m ∈ [0, max]` with `g^m = target`.
    /// - Throws: ``CryptoError/Code/logarithmNotFound`` if there is none.
    public func solve(_ target: G.Element) throws -> Int {
        var gamma = target
        var i = 0
        while i * stride <= max {
            if let j = babySteps[gamma] {
                let m = i * stride + j
                if m <= max { return m }
                break
            }
            gamma = group.op(gamma, giantStep)
            i += 1
        }
        throw CryptoError.logarithmNotFound(bound: max)
    }
}
