import AuditCurve
import AuditSodium

/// ristretto255 (RFC 9496) through libsodium's `crypto_core_ristretto255_*` and
/// `crypto_scalarmult_ristretto255*`.
///
/// Elements and scalars are kept as their canonical encodings; an ``Ristretto255/Element`` can only be
/// built by decoding with validation (or by a libsodium operation on valid elements), so every
/// libsodium call below receives valid points.
public struct Ristretto255: PrimeOrderGroup {
    public struct Element: Sendable, Hashable {
        public let bytes: [UInt8]
        /// The decoded point, kept when the element was decoded from the record (AuditCurve), so the
        /// batch sums never decode it again; nil for results of libsodium operations.
        let point: audit_point?
        init(bytes: [UInt8], point: audit_point? = nil) {
            self.bytes = bytes
            self.point = point
        }
        public static func == (a: Element, b: Element) -> Bool { a.bytes == b.bytes }
        public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    }
    public struct Scalar: Sendable, Hashable { public let bytes: [UInt8] }

    public let name = "ristretto255"
    public let elementLength = 32
    public let scalarLength = 32
    /// The RFC 9496 generator's encoding.
    public let generator = Ristretto255.generatorElement
    /// The generator with its decoded point, so batch sums never decode it again.
    private static let generatorElement: Element = {
        let bytes = Hex.uncheckedDecode("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
        var point = audit_point()
        precondition(audit_ristretto_decode(&point, bytes) == 1, "the RFC 9496 generator must decode")
        return Element(bytes: bytes, point: point)
    }()
    public let identity = Element(bytes: [UInt8](repeating: 0, count: 32))

    public init() { Sodium.ensure() }

    public func element(_ bytes: [UInt8]) throws(AuditError) -> Element {
        guard bytes.count == 32 else { throw .invalidElement("a ristretto255 element is 32 bytes") }
        // libsodium's decoder accepts the canonical encodings of RFC 9496 §4.3.1, identity included, but
        // 1.0.18 ignores bit 255; RFC 9496 refuses every value ≥ p, so that bit must be clear.
        // Decoded by the audit's own RFC 9496 decoder (AuditCurve), which refuses every value ≥ p.
        if let point = PredecodedPoints.shared.take(bytes) { return Element(bytes: bytes, point: point) }
        var point = audit_point()
        guard audit_ristretto_decode(&point, bytes) == 1 else {
            throw .invalidElement("not a canonical ristretto255 encoding")
        }
        return Element(bytes: bytes, point: point)
    }

    public func encodeElement(_ e: Element) -> [UInt8] { e.bytes }

    public func scalar(_ bytes: [UInt8]) throws(AuditError) -> Scalar {
        guard bytes.count == 32 else { throw .invalidScalar("a ristretto255 scalar is 32 bytes") }
        // Canonical iff reducing it mod q leaves it unchanged.
        var wide = bytes + [UInt8](repeating: 0, count: 32)
        var reduced = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_reduce(&reduced, &wide)
        guard reduced == bytes else { throw .invalidScalar("a ristretto255 scalar must be below the group order") }
        return Scalar(bytes: bytes)
    }

    public func encodeScalar(_ s: Scalar) -> [UInt8] { s.bytes }

    public func scalar(_ n: UInt64) -> Scalar {
        var b = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { b[i] = UInt8(n >> (8 * UInt64(i)) & 0xff) }
        return Scalar(bytes: b)
    }

    public func scalar(fromDigest digest: [UInt8]) -> Scalar {
        precondition(digest.count == 64)
        var d = digest
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_reduce(&out, &d)
        return Scalar(bytes: out)
    }

    public func op(_ a: Element, _ b: Element) -> Element {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = crypto_core_ristretto255_add(&out, a.bytes, b.bytes)
        precondition(rc == 0, "ristretto255 add on a validated element failed")
        return Element(bytes: out)
    }

    public func div(_ a: Element, _ b: Element) -> Element {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = crypto_core_ristretto255_sub(&out, a.bytes, b.bytes)
        precondition(rc == 0, "ristretto255 sub on a validated element failed")
        return Element(bytes: out)
    }

    public func exp(_ a: Element, _ s: Scalar) -> Element {
        var out = [UInt8](repeating: 0, count: 32)
        // Returns -1 exactly when the result is the identity (a is valid by construction): legitimate here.
        _ = crypto_scalarmult_ristretto255(&out, s.bytes, a.bytes)
        return Element(bytes: out)
    }

    public func expG(_ s: Scalar) -> Element {
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_scalarmult_ristretto255_base(&out, s.bytes)
        return Element(bytes: out)
    }

    public func add(_ a: Scalar, _ b: Scalar) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_add(&out, a.bytes, b.bytes)
        return Scalar(bytes: out)
    }

    public func sub(_ a: Scalar, _ b: Scalar) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_sub(&out, a.bytes, b.bytes)
        return Scalar(bytes: out)
    }

    public func mul(_ a: Scalar, _ b: Scalar) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_mul(&out, a.bytes, b.bytes)
        return Scalar(bytes: out)
    }

    public func neg(_ a: Scalar) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_negate(&out, a.bytes)
        return Scalar(bytes: out)
    }

    public func inverse(_ a: Scalar) -> Scalar? {
        var out = [UInt8](repeating: 0, count: 32)
        guard crypto_core_ristretto255_scalar_invert(&out, a.bytes) == 0 else { return nil }
        return Scalar(bytes: out)
    }

    /// The decoded points of `elements`, for ``BatchTerms``.
    func decodedPoints(_ elements: [Element]) -> [audit_point] { points(elements) }

    /// The decoded points of `elements` (decoding only those that carry none).
    private func points(_ elements: some Sequence<Element>) -> [audit_point] {
        elements.map { e in
            if let p = e.point { return p }
            var p = audit_point()
            let ok = audit_ristretto_decode(&p, e.bytes)
            precondition(ok == 1, "AuditCurve refused an element libsodium produced")
            return p
        }
    }

    /// `Σ ±E_i` through AuditCurve.
    func sumAll(_ elements: [Element], negate: [Bool]?) -> Element {
        let pts = points(elements)
        var out = [UInt8](repeating: 0, count: 32)
        if let negate {
            let flags = negate.map { $0 ? UInt8(1) : 0 }
            audit_ristretto_points_add_all(&out, pts, flags, pts.count)
        } else {
            audit_ristretto_points_add_all(&out, pts, nil, pts.count)
        }
        return Element(bytes: out)
    }

    /// `Σ s_i·E_i = identity` through AuditCurve's bucket sum (the batch check of SPEC.md §3.5.1).
    func sumIsIdentity(_ terms: [(Element, Scalar)]) -> Bool {
        let pts = points(terms.lazy.map(\.0))
        var scalars: [UInt8] = []
        scalars.reserveCapacity(32 * terms.count)
        for (_, s) in terms { scalars += s.bytes }
        let rc = audit_ristretto_points_sum_is_identity(pts, scalars, pts.count)
        precondition(rc >= 0, "AuditCurve ran out of memory")
        return rc == 1
    }

    /// As ``sumIsIdentity(_:)`` for the terms of many jobs, given as decoded points.
    static func pointsSumIsIdentity(_ points: [audit_point], scalars: [UInt8]) -> Bool {
        audit_ristretto_points_sum_is_identity(points, scalars, points.count) == 1
    }
}

extension Hex {
    /// Decodes a compile-time constant known to be valid hex.
    static func uncheckedDecode(_ s: String) -> [UInt8] {
        do { return try decode(s) } catch { preconditionFailure("invalid constant hex") }
    }
}
