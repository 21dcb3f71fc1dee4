/// A cyclic group of prime order `q` with a fixed generator `g`, written multiplicatively
/// (SPEC §3.1). Proof and ElGamal code is written once, generic over this protocol.
///
/// Instances carry their parameters (a Schnorr group's p, q, g live in the instance), so use the shared
/// instances ``Ristretto255Group/shared``, ``ModPGroup/eg4096``, ``ModPGroup/belenios2048``, or
/// pick one at run time with ``GroupName/accept(_:)``.
///
/// Exponentiation comes in two flavours:
/// - ``exp(_:_:)`` and ``expGenerator(_:)`` are safe for **secret** exponents (keys, encryption
///   randomness, proof nonces): constant time (libsodium; GMP `mpz_powm_sec`).
/// - ``expPublic(_:_:)`` and ``expGeneratorPublic(_:)`` may take time that depends on the exponent and
///   are only for **public** exponents (proof verification: challenges and responses). They are
///   faster for the Schnorr groups and identical for ristretto255. ``doubleExpPublic(_:_:_:_:)`` and
///   ``multiExpPublic(_:)`` compute the products `g^a·h^b` of proof verification in one go (Schnorr
///   groups: simultaneous exponentiation; by default separate exponentiations).
public protocol PrimeOrderGroup: Sendable {
    /// A validated group element.
    associatedtype Element: Sendable, Hashable
    /// An integer modulo `q`.
    associatedtype Scalar: Sendable, Hashable

    /// The group's name as written in the record: `"ristretto255"`, `"eg4096"` or `"belenios2048"`.
    var name: String { get }
    /// The group's name as a value.
    var groupName: GroupName { get }
    /// Length of an element encoding.
    var elementByteCount: Int { get }
    /// Length of a scalar encoding.
    var scalarByteCount: Int { get }
    /// The neutral element.
    var identity: Element { get }
    /// The fixed generator `g`.
    var generator: Element { get }
    /// The prime order `q`, big-endian hex (for display and documentation).
    var orderHex: String { get }

    /// The group operation `a·b`.
    func op(_ a: Element, _ b: Element) -> Element
    /// `a^(-1)`.
    func inverse(_ a: Element) -> Element
    /// `a·b^(-1)`.
    func divide(_ a: Element, _ b: Element) -> Element
    /// `base^s`, constant time in `s` (secret exponents).
    func exp(_ base: Element, _ s: Scalar) -> Element
    /// `g^s`, constant time in `s`, using the fixed-base fast path where the library has one.
    func expGenerator(_ s: Scalar) -> Element
    /// `base^s` for a public `s` (verification).
    func expPublic(_ base: Element, _ s: Scalar) -> Element
    /// `g^s` for a public `s` (verification); the Schnorr groups use a precomputed fixed-base table.
    func expGeneratorPublic(_ s: Scalar) -> Element
    /// `a^s · b^t` for public `s`, `t` (verification: every commitment a proof verifier recomputes
    /// has this shape). Same value as `op(expPublic(a, s), expPublic(b, t))`, usually faster.
    func doubleExpPublic(_ a: Element, _ s: Scalar, _ b: Element, _ t: Scalar) -> Element
    /// `∏ base_i^(s_i)` for public scalars (identity for none). Same value as the product of
    /// ``expPublic(_:_:)``, usually faster.
    func multiExpPublic(_ terms: [(Element, Scalar)]) -> Element
    /// Whether `∏ base_i^(s_i)` is the identity, for public scalars: the one check of a batch
    /// verification (ristretto255: one multi-scalar multiplication, no encoding).
    func multiExpIsIdentity(_ terms: [(Element, Scalar)]) -> Bool
    /// The same for `terms` and `recurring`, whose bases recur from call to call (the election key of
    /// a batch of proofs): a group may keep precomputed tables for those (the Schnorr groups do).
    func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)]) -> Bool
    /// The same, and it also proves the membership of the bases of the terms at `candidates` (indices
    /// into `terms`), decoded by ``decodeMembershipCandidates(_:)``: eg4096 gives each of them the extra
    /// exponent `q·w` with a fresh 128-bit weight `w` (SPEC §3.1, folded membership). The other groups
    /// validated them in full at decoding, so they ignore `candidates`.
    func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)], candidates: [Int]) -> Bool
    /// `a·b` for a running sum read rarely (the encrypted tally): the value of ``op(_:_:)``, which
    /// ristretto255 leaves unencoded until it is read (an encoding costs about one inverse square root).
    func accumulate(_ a: Element, _ b: Element) -> Element
    /// `a·b^(-1)` for a running sum, as ``accumulate(_:_:)`` (the value of ``divide(_:_:)``).
    func deaccumulate(_ a: Element, _ b: Element) -> Element
    /// The product of `elements` (identity for none). ristretto255 adds the points and encodes once.
    func product(_ elements: some Sequence<Element>) -> Element
    /// `g^m` for a small integer `m` (negative allowed: `g^(-|m|)`).
    func elementForSmallInt(_ m: Int) -> Element
    /// Decodes and validates an element from hex (a group may read the text with no byte array between).
    func decodeElement(hex: String) throws -> Element
    /// Decodes a canonical scalar from hex (as ``decodeElement(hex:)``).
    func decodeScalar(hex: String) throws -> Scalar

    /// The scalar `v mod q`.
    func scalar(_ v: UInt64) -> Scalar
    /// `a + b mod q`.
    func scalarAdd(_ a: Scalar, _ b: Scalar) -> Scalar
    /// `a − b mod q`.
    func scalarSub(_ a: Scalar, _ b: Scalar) -> Scalar
    /// `a · b mod q`.
    func scalarMul(_ a: Scalar, _ b: Scalar) -> Scalar
    /// `−a mod q`.
    func scalarNegate(_ a: Scalar) -> Scalar
    /// `a^(-1) mod q`.
    /// - Throws: ``CryptoError/Code/notInvertible`` when `a = 0`.
    func scalarInvert(_ a: Scalar) throws -> Scalar
    /// A uniformly random scalar in `[0, q)` from the CSPRNG.
    func randomScalar() -> Scalar
    /// Whether `s = 0`.
    func isZero(_ s: Scalar) -> Bool

    /// The canonical encoding of an element (SPEC §3.1).
    func encode(_ e: Element) -> [UInt8]
    /// Decodes and **validates** an element: canonical ristretto255 encoding (identity allowed), or
    /// for the Schnorr groups an integer `1 ≤ x < p` with `x^q ≡ 1 (mod p)`.
    /// - Throws: ``CryptoError/Code/invalidLength`` or ``CryptoError/Code/invalidElement``.
    func decodeElement(_ bytes: some Collection<UInt8>) throws -> Element
    /// Decodes and validates many elements at once, as ``decodeElement(_:)`` does one by one (the
    /// default); `eg4096` checks their subgroup membership together (SPEC §3.1, batched membership).
    /// - Throws: ``CryptoError/Code/invalidLength`` or ``CryptoError/Code/invalidElement``.
    func decodeElements(_ encodings: [[UInt8]]) throws -> [Element]
    /// Decodes the carried commitments of range and disjunctive proofs that the caller then verifies
    /// (SPEC §3.5.1, rule 2, in a batch or one by one), where rule 2 itself shows their membership:
    /// eg4096 checks here only their length, range and Jacobi symbol (SPEC §3.1); the default is
    /// ``decodeElements(_:)``. Elements decoded here MUST NOT be used for anything but that verification.
    func decodeCarriedCommitments(_ encodings: [[UInt8]]) throws -> [Element]
    /// Decodes elements whose subgroup membership the caller proves next in one folded multi-
    /// exponentiation (``multiExpIsIdentity(_:recurring:candidates:)``), falling back to
    /// ``decodeElements(_:)`` if it fails: eg4096 checks here only length, range and Jacobi symbol
    /// (SPEC §3.1); the default is ``decodeElements(_:)``. Until that check passes, the elements MUST NOT
    /// be used for anything else.
    func decodeMembershipCandidates(_ encodings: [[UInt8]]) throws -> [Element]
    /// The canonical encoding of a scalar (ristretto255 little-endian, Schnorr groups big-endian).
    func encode(_ s: Scalar) -> [UInt8]
    /// Decodes a canonical scalar `< q`.
    /// - Throws: ``CryptoError/Code/invalidLength`` or ``CryptoError/Code/invalidScalar``.
    func decodeScalar(_ bytes: some Collection<UInt8>) throws -> Scalar
    /// `H(T)` of SPEC §3.2: SHA-512 of the transcript reduced mod `q` (little-endian for
    /// ristretto255, big-endian for the Schnorr groups).
    func hashToScalar(_ transcript: [UInt8]) -> Scalar
}

extension PrimeOrderGroup {
    public func divide(_ a: Element, _ b: Element) -> Element { op(a, inverse(b)) }
    public func accumulate(_ a: Element, _ b: Element) -> Element { op(a, b) }
    public func deaccumulate(_ a: Element, _ b: Element) -> Element { divide(a, b) }
    public func expPublic(_ base: Element, _ s: Scalar) -> Element { exp(base, s) }
    public func expGeneratorPublic(_ s: Scalar) -> Element { expGenerator(s) }
    public func doubleExpPublic(_ a: Element, _ s: Scalar, _ b: Element, _ t: Scalar) -> Element {
        op(a == generator ? expGeneratorPublic(s) : expPublic(a, s), b == generator ? expGeneratorPublic(t) : expPublic(b, t))
    }
    public func multiExpPublic(_ terms: [(Element, Scalar)]) -> Element {
        terms.reduce(identity) { op($0, $1.0 == generator ? expGeneratorPublic($1.1) : expPublic($1.0, $1.1)) }
    }

    public func multiExpIsIdentity(_ terms: [(Element, Scalar)]) -> Bool { multiExpPublic(terms) == identity }
    public func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)]) -> Bool {
        multiExpIsIdentity(terms + recurring)
    }
    public func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)], candidates: [Int]) -> Bool {
        multiExpIsIdentity(terms, recurring: recurring)
    }

    /// Whether `e` is the identity.
    public func isIdentity(_ e: Element) -> Bool { e == identity }

    /// The scalar `v mod q` for a possibly negative integer.
    public func scalar(int v: Int) -> Scalar {
        v >= 0 ? scalar(UInt64(v)) : scalarNegate(scalar(UInt64(v.magnitude)))
    }

    /// The zero scalar.
    public var zeroScalar: Scalar { scalar(0) }

    /// Lowercase hex of an element's encoding (the JSON form, SPEC §3.1).
    public func hex(_ e: Element) -> String { Hex.encode(encode(e)) }
    /// Lowercase hex of a scalar's encoding.
    public func hex(_ s: Scalar) -> String { Hex.encode(encode(s)) }
    public func decodeElements(_ encodings: [[UInt8]]) throws -> [Element] { try encodings.map { try decodeElement($0) } }
    public func decodeCarriedCommitments(_ encodings: [[UInt8]]) throws -> [Element] { try decodeElements(encodings) }
    public func decodeMembershipCandidates(_ encodings: [[UInt8]]) throws -> [Element] { try decodeElements(encodings) }

    /// Decodes and validates an element from hex.
    public func decodeElement(hex: String) throws -> Element { try decodeElement(Hex.decode(hex, what: "The \(name) element")) }
    /// Decodes a canonical scalar from hex.
    public func decodeScalar(hex: String) throws -> Scalar { try decodeScalar(Hex.decode(hex, what: "The \(name) scalar")) }

    /// The product of `elements` (identity for none).
    public func product(_ elements: some Sequence<Element>) -> Element {
        elements.reduce(identity) { op($0, $1) }
    }
}

/// The groups an election may name (SPEC §3.1).
public enum GroupName: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// ristretto255 (RFC 9496): the default, fastest.
    case ristretto255
    /// The ElectionGuard 2.x standard Schnorr group: 4096-bit `p`, `q = 2^256 − 189`.
    case eg4096
    /// Belenios' BELENIOS-2048 Schnorr group: 2048-bit `p`, 256-bit `q`.
    case belenios2048

    public var description: String { rawValue }

    /// Whether range and disjunctive proofs in this group carry their commitments `"t"` (SPEC §3.5.1):
    /// ristretto255 (32-byte elements, so batch verification is worth the bytes) and eg4096 (512-byte
    /// elements, but its membership checks batch too, SPEC §3.1: the ballot's whole check becomes two
    /// multi-exponentiations instead of ~50 exponentiations in a 4096-bit field). belenios2048 keeps the
    /// compact form: its membership checks cannot be batched, so carrying would not pay for its bytes.
    public var carriesCommitments: Bool { self != .belenios2048 }

    /// The names for help texts and errors: `"ristretto255, eg4096 or belenios2048"`.
    public static let choices = "ristretto255, eg4096 or belenios2048"

    /// Group names earlier versions accepted and this one refuses: the RFC 3526 safe-prime groups,
    /// replaced by the Schnorr groups with 256-bit exponents.
    public static let retired: Set<String> = ["modp2048", "modp3072"]

    /// The group named `text`, with a clear error for unknown and retired names.
    /// - Throws: ``CryptoError/Code/invalidParameter``.
    public static func named(_ text: String) throws -> GroupName {
        if let name = GroupName(rawValue: text) { return name }
        if retired.contains(text) {
            throw CryptoError.invalidParameter(
                "The group \"\(text)\" (an RFC 3526 safe-prime group) is no longer supported: it was replaced by the Schnorr "
                    + "groups eg4096 and belenios2048 (SPEC §3.1), and a record naming it cannot be opened by this version.")
        }
        throw CryptoError.invalidParameter("Unknown group \"\(text)\"; use \(choices).")
    }

    /// Calls `visitor` with the concrete group instance for this name: the way to run generic code
    /// over a group chosen at run time (Swift has no generic closures).
    public func accept<V: GroupVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .ristretto255: try visitor.visit(Ristretto255Group.shared)
        case .eg4096: try visitor.visit(ModPGroup.eg4096)
        case .belenios2048: try visitor.visit(ModPGroup.belenios2048)
        }
    }
}

/// Generic code to run over a group picked at run time; see ``GroupName/accept(_:)``.
///
/// ```swift
/// struct CountBytes: GroupVisitor {
///     func visit<G: PrimeOrderGroup>(_ group: G) -> Int { group.elementByteCount }
/// }
/// let n = try GroupName.eg4096.accept(CountBytes())   // 512
/// ```
public protocol GroupVisitor {
    associatedtype Result
    func visit<G: PrimeOrderGroup>(_ group: G) throws -> Result
}

/// Runs `visitor` over the group named `name`; same as `name.accept(visitor)`.
public func withGroup<V: GroupVisitor>(_ name: GroupName, _ visitor: V) throws -> V.Result {
    try name.accept(visitor)
}
