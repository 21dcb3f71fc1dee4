import CRistretto
import CSodium

/// ristretto255 (RFC 9496). Element arithmetic is our own C target `CRistretto` (51-bit limbs,
/// constant-time scalar multiplication for secret scalars, Straus/Pippenger multi-scalar
/// multiplication for public ones); scalar arithmetic mod q is libsodium's
/// `crypto_core_ristretto255_scalar_*`.
///
/// An ``Element`` carries both its canonical encoding (equality, hashing, transcripts) and its decoded
/// point, so a value is decoded once (at validation) and encoded once (when it is made).
///
/// Secret exponents: ``exp(_:_:)`` and ``expGenerator(_:)`` are constant time (signed radix-16 with
/// conditional-move table reads). The `…Public` variants use variable-time wNAF/Straus and are only
/// for verification.
public struct Ristretto255Group: PrimeOrderGroup, Hashable {
    /// A validated ristretto255 element: its canonical 32-byte encoding and its point.
    ///
    /// A running sum (``Ristretto255Group/accumulate(_:_:)``, the encrypted tally) keeps only its point:
    /// its encoding is computed when it is read (equality, hashing, `encode`), not after every addition.
    public struct Element: Sendable, Hashable, CustomStringConvertible {
        /// The canonical encoding; nil for an unencoded running sum.
        private var knownBytes: SIMD32<UInt8>?
        var point: cr_point
        /// The canonical encoding (computed on each read for an unencoded running sum).
        var bytes: SIMD32<UInt8> { knownBytes ?? Self.encoding(of: point) }
        init(bytes: SIMD32<UInt8>, point: cr_point) {
            self.knownBytes = bytes
            self.point = point
        }
        /// Encodes `point` (a computed element gets its bytes once, here).
        init(point: cr_point) { self.init(bytes: Self.encoding(of: point), point: point) }
        /// A running sum whose encoding is deferred to its reads.
        init(unencoded point: cr_point) {
            self.knownBytes = nil
            self.point = point
        }
        private static func encoding(of point: cr_point) -> SIMD32<UInt8> {
            var p = point
            var out = SIMD32<UInt8>.zero
            withUnsafeMutableBytes(of: &out) { o in cr_point_encode(o.u8, &p) }
            return out
        }
        public var description: String { "ristretto255(\(Hex.encode(encoded)))" }
        var encoded: [UInt8] { withUnsafeBytes(of: bytes) { Array($0) } }
        public static func == (a: Element, b: Element) -> Bool { a.bytes == b.bytes }
        public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
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
    public var identity: Element { Self.identityElement }
    public var generator: Element { Self.generatorElement }
    /// q = 2^252 + 27742317777372353535851937790883648493.
    public var orderHex: String { "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed" }

    /// q, little-endian, for canonical-scalar checks.
    private static let orderLE: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]

    private static let identityElement: Element = {
        var p = cr_point()
        cr_point_identity(&p)
        return Element(point: p)
    }()

    private static let generatorElement: Element = {
        var p = cr_point()
        cr_point_generator(&p)
        return Element(point: p)
    }()

    // MARK: Elements

    public func op(_ a: Element, _ b: Element) -> Element { Element(point: Self.sum(a, b)) }

    public func divide(_ a: Element, _ b: Element) -> Element { Element(point: Self.difference(a, b)) }

    /// `a·b` left unencoded: the encrypted tally adds every ballot's ciphertexts and is read at term end.
    public func accumulate(_ a: Element, _ b: Element) -> Element { Element(unencoded: Self.sum(a, b)) }

    /// `a·b^(-1)` left unencoded (a superseded ballot leaves the tally).
    public func deaccumulate(_ a: Element, _ b: Element) -> Element { Element(unencoded: Self.difference(a, b)) }

    private static func sum(_ a: Element, _ b: Element) -> cr_point {
        var x = a.point, y = b.point, out = cr_point()
        cr_point_add(&out, &x, &y)
        return out
    }

    private static func difference(_ a: Element, _ b: Element) -> cr_point {
        var x = a.point, y = b.point, out = cr_point()
        cr_point_sub(&out, &x, &y)
        return out
    }

    /// Adds the points and encodes only the result (an encoding costs about one inverse square root).
    public func product(_ elements: some Sequence<Element>) -> Element {
        var acc = cr_point()
        cr_point_identity(&acc)
        for e in elements {
            var p = e.point, sum = cr_point()
            cr_point_add(&sum, &acc, &p)
            acc = sum
        }
        return Element(point: acc)
    }

    public func inverse(_ a: Element) -> Element {
        var x = a.point, out = cr_point()
        cr_point_neg(&out, &x)
        return Element(point: out)
    }

    public func exp(_ base: Element, _ s: Scalar) -> Element {
        var p = base.point, n = s.bytes, out = cr_point()
        withUnsafeBytes(of: &n) { k in cr_scalarmult(&out, k.u8, &p) }
        return Element(point: out)
    }

    public func expGenerator(_ s: Scalar) -> Element {
        var n = s.bytes, out = cr_point()
        withUnsafeBytes(of: &n) { k in cr_scalarmult_base(&out, k.u8) }
        return Element(point: out)
    }

    public func expPublic(_ base: Element, _ s: Scalar) -> Element {
        doubleExpPublic(base, s, generator, zeroScalar)
    }

    public func expGeneratorPublic(_ s: Scalar) -> Element { expGenerator(s) }

    /// `a^s · b^t` in one Straus pass (the generator's half from a fixed wNAF table).
    public func doubleExpPublic(_ a: Element, _ s: Scalar, _ b: Element, _ t: Scalar) -> Element {
        var out = cr_point()
        var s = s.bytes, t = t.bytes
        if b == generator || a == generator {
            var (p, ps, gs) = b == generator ? (a.point, s, t) : (b.point, t, s)
            withUnsafeBytes(of: &ps) { x in withUnsafeBytes(of: &gs) { y in cr_double_scalarmult_base_vartime(&out, x.u8, &p, y.u8) } }
        } else {
            var p = a.point, q = b.point
            withUnsafeBytes(of: &s) { x in withUnsafeBytes(of: &t) { y in cr_double_scalarmult_vartime(&out, x.u8, &p, y.u8, &q) } }
        }
        return Element(point: out)
    }

    /// `∏ base_i^(s_i)`: Straus below ``Ristretto255Group/pippengerThreshold`` terms, Pippenger above;
    /// the generator's terms are merged into one fixed-base term.
    public func multiExpPublic(_ terms: [(Element, Scalar)]) -> Element {
        Element(point: multiScalarPoint(terms))
    }

    /// Whether `∏ base_i^(s_i)` is the identity: the check of a batch verification (no encoding needed).
    public func multiExpIsIdentity(_ terms: [(Element, Scalar)]) -> Bool {
        var p = multiScalarPoint(terms)
        return cr_point_is_identity(&p) == 1
    }

    /// Terms from which the two multi-scalar algorithms switch (C `CR_PIPPENGER_THRESHOLD`).
    public static var pippengerThreshold: Int { Int(CR_PIPPENGER_THRESHOLD) }

    private func multiScalarPoint(_ terms: [(Element, Scalar)]) -> cr_point {
        var baseScalar = zeroScalar
        var hasBase = false
        var points: [cr_point] = []
        var scalars: [UInt8] = []
        points.reserveCapacity(terms.count)
        scalars.reserveCapacity(32 * terms.count)
        for (e, s) in terms {
            if e == generator {
                baseScalar = hasBase ? scalarAdd(baseScalar, s) : s
                hasBase = true
            } else {
                points.append(e.point)
                withUnsafeBytes(of: s.bytes) { scalars.append(contentsOf: $0) }
            }
        }
        var out = cr_point()
        var b = baseScalar.bytes
        let rc = withUnsafeBytes(of: &b) { base in
            scalars.withUnsafeBufferPointer { sc in
                points.withUnsafeBufferPointer { pts in
                    cr_multiscalarmult_vartime(&out, sc.baseAddress, pts.baseAddress, pts.count, hasBase ? base.u8 : nil)
                }
            }
        }
        precondition(rc == 0, "CRistretto: out of memory in a multi-scalar multiplication of \(terms.count) terms")
        return out
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
        return try element(encoding: Self.simd32(bytes))  // the identity (32 zero bytes) is valid (SPEC §3.1)
    }

    /// The 64 hex digits of an element or scalar read straight into its 32 bytes (a ballot has about
    /// 140 of them); any other text takes the general path, with its errors.
    public func decodeElement(hex: String) throws -> Element {
        if let value = Self.hex32(hex) { return try element(encoding: value) }
        return try decodeElement(Hex.decode(hex, what: "The \(name) element"))
    }

    public func decodeScalar(hex: String) throws -> Scalar {
        if let value = Self.hex32(hex) { return try scalar(encoding: value) }
        return try decodeScalar(Hex.decode(hex, what: "The \(name) scalar"))
    }

    /// Exactly 64 hex digits (either case, as ``Hex/decode(_:what:)`` accepts) as 32 bytes, else nil.
    private static func hex32(_ text: String) -> SIMD32<UInt8>? {
        var text = text
        return text.withUTF8 { utf8 -> SIMD32<UInt8>? in
            guard utf8.count == 64 else { return nil }
            var value = SIMD32<UInt8>.zero
            for i in 0..<32 {
                guard let hi = nibble(utf8[2 * i]), let lo = nibble(utf8[2 * i + 1]) else { return nil }
                value[i] = hi << 4 | lo
            }
            return value
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// A decoded element from its 32 bytes.
    private func element(encoding value: SIMD32<UInt8>) throws -> Element {
        var point = cr_point()
        let rc = withUnsafeBytes(of: value) { cr_point_decode(&point, $0.u8) }
        guard rc == 0 else { throw CryptoError.invalidElement(name, "not a canonical RFC 9496 encoding") }
        return Element(bytes: value, point: point)
    }

    private func scalar(encoding value: SIMD32<UInt8>) throws -> Scalar {
        guard Self.isCanonical(value) else { throw CryptoError.invalidScalar(name, "not reduced below the group order") }
        return Scalar(bytes: value)
    }

    public func encode(_ s: Scalar) -> [UInt8] { withUnsafeBytes(of: s.bytes) { Array($0) } }

    public func decodeScalar(_ bytes: some Collection<UInt8>) throws -> Scalar {
        try checkLength(bytes.count, 32, "A ristretto255 scalar")
        return try scalar(encoding: Self.simd32(bytes))
    }

    /// 32 bytes (the caller checked the count) as a SIMD value, copied in one go when contiguous.
    private static func simd32(_ bytes: some Collection<UInt8>) -> SIMD32<UInt8> {
        var value = SIMD32<UInt8>.zero
        let copied = bytes.withContiguousStorageIfAvailable { src in
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(src)) }
        }
        if copied == nil { for (i, b) in bytes.enumerated() { value[i] = b } }
        return value
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

    /// The RFC 9496 element derivation from 64 uniform bytes (§4.3.4).
    public func elementFromUniformBytes(_ bytes: some Collection<UInt8>) throws -> Element {
        try checkLength(bytes.count, 64, "Uniform bytes for hash-to-group")
        let input = Array(bytes)
        var out = cr_point()
        input.withUnsafeBytes { cr_point_from_uniform(&out, $0.u8) }
        return Element(point: out)
    }
}
