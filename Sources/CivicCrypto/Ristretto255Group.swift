import CSodium

/// ristretto255 (RFC 9496) over libsodium's `crypto_core_ristretto255_*` and
/// `crypto_scalarmult_ristretto255*`.
///
/// All libsodium ristretto255 functions used here are constant time, so the `…Public` variants of the
/// protocol are the same functions.
///
/// Identity handling: libsodium returns -1 from `crypto_scalarmult_ristretto255{,_base}` when the result
/// is the identity (e.g. scalar 0, which exponential ElGamal hits for `m = 0`). Every element passed in
/// has already been validated (elements are only made by this type), so -1 there means exactly
/// "identity result" and the identity (32 zero bytes) is returned. `crypto_core_ristretto255_add/sub`
/// accept the identity encoding; their -1 (an invalid input) cannot occur for validated elements.
public struct Ristretto255Group: PrimeOrderGroup, Hashable {
    /// A validated ristretto255 element: its canonical 32-byte encoding.
    public struct Element: Sendable, Hashable, CustomStringConvertible {
        var bytes: SIMD32<UInt8>
        init(bytes: SIMD32<UInt8>) { self.bytes = bytes }
        public var description: String { "ristretto255(\(Hex.encode(encoded)))" }
        var encoded: [UInt8] { withUnsafeBytes(of: bytes) { Array($0) } }
    }

    /// A scalar modulo `q`: its canonical 32-byte little-endian encoding.
    ///
    /// - Important: scalars are plain values (they may be secret keys or randomness); long-lived secrets
    ///   should be kept at rest in ``SecureBytes`` / ``PassphraseSeal``. `description` is redacted.
    public struct Scalar: Sendable, Hashable, CustomStringConvertible {
        var bytes: SIMD32<UInt8>
        init(bytes: SIMD32<UInt8>) { self.bytes = bytes }
        public var description: String { "ristretto255.Scalar(redacted)" }
    }

    /// The one instance.
    public static let shared = Ristretto255Group()
    private init() {}

    public var name: String { "ristretto255" }
    public var groupName: GroupName { .ristretto255 }
    public var elementByteCount: Int { 32 }
    public var scalarByteCount: Int { 32 }
    public var identity: Element { Element(bytes: .zero) }
    public var generator: Element { Self.generatorElement }
    /// q = 2^252 + 27742317777372353535851937790883648493.
    public var orderHex: String { "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed" }

    /// q, little-endian, for canonical-scalar checks.
    private static let orderLE: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]

    private static let generatorElement: Element = {
        Sodium.ensureInitialized()
        var one = SIMD32<UInt8>.zero
        one[0] = 1
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: one) { n in crypto_scalarmult_ristretto255_base(o.u8, n.u8) }
        }
        checkInfallible(rc, "crypto_scalarmult_ristretto255_base(1)")
        return Element(bytes: out)
    }()

    // MARK: Elements

    public func op(_ a: Element, _ b: Element) -> Element {
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: a.bytes) { x in withUnsafeBytes(of: b.bytes) { y in crypto_core_ristretto255_add(o.u8, x.u8, y.u8) } }
        }
        checkInfallible(rc, "crypto_core_ristretto255_add on validated elements")
        return Element(bytes: out)
    }

    public func divide(_ a: Element, _ b: Element) -> Element {
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: a.bytes) { x in withUnsafeBytes(of: b.bytes) { y in crypto_core_ristretto255_sub(o.u8, x.u8, y.u8) } }
        }
        checkInfallible(rc, "crypto_core_ristretto255_sub on validated elements")
        return Element(bytes: out)
    }

    public func inverse(_ a: Element) -> Element { divide(identity, a) }

    public func exp(_ base: Element, _ s: Scalar) -> Element {
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: s.bytes) { n in withUnsafeBytes(of: base.bytes) { p in crypto_scalarmult_ristretto255(o.u8, n.u8, p.u8) } }
        }
        // -1: the result is the identity (base is validated, so nothing else can fail).
        return rc == 0 ? Element(bytes: out) : identity
    }

    public func expGenerator(_ s: Scalar) -> Element {
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: s.bytes) { n in crypto_scalarmult_ristretto255_base(o.u8, n.u8) }
        }
        // -1: s ≡ 0 (mod q), the result is the identity.
        return rc == 0 ? Element(bytes: out) : identity
    }

    public func elementForSmallInt(_ m: Int) -> Element {
        if m >= 0, m < Self.smallMultiples.count { return Self.smallMultiples[m] }
        return expGenerator(scalar(int: m))
    }

    /// g^0 … g^63 by repeated addition: plaintexts of single selections and small ranges.
    private static let smallMultiples: [Element] = {
        var out = [shared.identity]
        for _ in 1..<64 { out.append(shared.op(out[out.count - 1], shared.generator)) }
        return out
    }()

    // MARK: Scalars

    public func scalar(_ v: UInt64) -> Scalar {
        var bytes = SIMD32<UInt8>.zero
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        return Scalar(bytes: bytes)  // < 2^64 < q
    }

    private func scalarBinary(
        _ a: Scalar, _ b: Scalar,
        _ f: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void
    ) -> Scalar {
        var out = SIMD32<UInt8>.zero
        withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: a.bytes) { x in withUnsafeBytes(of: b.bytes) { y in f(o.u8, x.u8, y.u8) } }
        }
        return Scalar(bytes: out)
    }

    public func scalarAdd(_ a: Scalar, _ b: Scalar) -> Scalar { scalarBinary(a, b, crypto_core_ristretto255_scalar_add) }
    public func scalarSub(_ a: Scalar, _ b: Scalar) -> Scalar { scalarBinary(a, b, crypto_core_ristretto255_scalar_sub) }
    public func scalarMul(_ a: Scalar, _ b: Scalar) -> Scalar { scalarBinary(a, b, crypto_core_ristretto255_scalar_mul) }

    public func scalarNegate(_ a: Scalar) -> Scalar {
        var out = SIMD32<UInt8>.zero
        withUnsafeMutableBytes(of: &out) { o in withUnsafeBytes(of: a.bytes) { x in crypto_core_ristretto255_scalar_negate(o.u8, x.u8) } }
        return Scalar(bytes: out)
    }

    public func scalarInvert(_ a: Scalar) throws -> Scalar {
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in
            withUnsafeBytes(of: a.bytes) { x in crypto_core_ristretto255_scalar_invert(o.u8, x.u8) }
        }
        try check(rc, "crypto_core_ristretto255_scalar_invert", or: .notInvertible("The scalar"))
        return Scalar(bytes: out)
    }

    public func randomScalar() -> Scalar {
        Sodium.ensureInitialized()
        var out = SIMD32<UInt8>.zero
        withUnsafeMutableBytes(of: &out) { crypto_core_ristretto255_scalar_random($0.u8) }
        return Scalar(bytes: out)
    }

    public func isZero(_ s: Scalar) -> Bool { s.bytes == .zero }

    // MARK: Encodings

    public func encode(_ e: Element) -> [UInt8] { e.encoded }

    public func decodeElement(_ bytes: some Collection<UInt8>) throws -> Element {
        try checkLength(bytes.count, 32, "A ristretto255 element")
        var value = SIMD32<UInt8>.zero
        for (i, b) in bytes.enumerated() { value[i] = b }
        if value == .zero { return identity }  // the identity encoding, valid (SPEC §3.1)
        Sodium.ensureInitialized()
        let valid = withUnsafeBytes(of: value) { crypto_core_ristretto255_is_valid_point($0.u8) } == 1
        guard valid else { throw CryptoError.invalidElement(name, "not a canonical RFC 9496 encoding") }
        return Element(bytes: value)
    }

    public func encode(_ s: Scalar) -> [UInt8] { withUnsafeBytes(of: s.bytes) { Array($0) } }

    public func decodeScalar(_ bytes: some Collection<UInt8>) throws -> Scalar {
        try checkLength(bytes.count, 32, "A ristretto255 scalar")
        var value = SIMD32<UInt8>.zero
        for (i, b) in bytes.enumerated() { value[i] = b }
        guard Self.isCanonical(value) else { throw CryptoError.invalidScalar(name, "not reduced below the group order") }
        return Scalar(bytes: value)
    }

    /// Whether a little-endian 32-byte value is `< q`.
    private static func isCanonical(_ v: SIMD32<UInt8>) -> Bool {
        for i in stride(from: 31, through: 0, by: -1) {
            if v[i] < orderLE[i] { return true }
            if v[i] > orderLE[i] { return false }
        }
        return false  // equal to q
    }

    public func hashToScalar(_ transcript: [UInt8]) -> Scalar {
        let digest = SHA512.hash(transcript)
        var out = SIMD32<UInt8>.zero
        withUnsafeMutableBytes(of: &out) { o in digest.withUnsafeBytes { crypto_core_ristretto255_scalar_reduce(o.u8, $0.u8) } }
        return Scalar(bytes: out)
    }

    /// Reduces 64 bytes (little-endian) mod q (`crypto_core_ristretto255_scalar_reduce`).
    public func scalarReducing(wide bytes: some Collection<UInt8>) throws -> Scalar {
        try checkLength(bytes.count, 64, "A wide scalar")
        let input = Array(bytes)
        var out = SIMD32<UInt8>.zero
        withUnsafeMutableBytes(of: &out) { o in input.withUnsafeBytes { crypto_core_ristretto255_scalar_reduce(o.u8, $0.u8) } }
        return Scalar(bytes: out)
    }

    /// The RFC 9496 element derivation from 64 uniform bytes (`crypto_core_ristretto255_from_hash`).
    public func elementFromUniformBytes(_ bytes: some Collection<UInt8>) throws -> Element {
        try checkLength(bytes.count, 64, "Uniform bytes for hash-to-group")
        let input = Array(bytes)
        var out = SIMD32<UInt8>.zero
        let rc = withUnsafeMutableBytes(of: &out) { o in input.withUnsafeBytes { crypto_core_ristretto255_from_hash(o.u8, $0.u8) } }
        try check(rc, "crypto_core_ristretto255_from_hash")
        return Element(bytes: out)
    }
}
