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
        /// The canonical encoding, inline (``Bytes32``): copying an element allocates nothing.
        let encoding: Bytes32
        /// The decoded point, kept when the element was decoded from the record (AuditCurve), so the
        /// batch sums never decode it again; nil for results of libsodium operations.
        let point: audit_point?
        init(encoding: Bytes32, point: audit_point? = nil) {
            self.encoding = encoding
            self.point = point
        }
        /// The encoding as an array.
        public var bytes: [UInt8] { encoding.array }
        public static func == (a: Element, b: Element) -> Bool { a.encoding == b.encoding }
        public func hash(into hasher: inout Hasher) { hasher.combine(encoding) }
    }
    public struct Scalar: Sendable, Hashable {
        /// The canonical little-endian encoding, inline (``Bytes32``).
        let encoding: Bytes32
        /// The encoding as an array.
        public var bytes: [UInt8] { encoding.array }
    }

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
        return Element(encoding: Bytes32(bytes), point: point)
    }()
    public let identity = Element(encoding: .zero)

    public init() { Sodium.ensure() }

    public func element(_ bytes: [UInt8]) throws(AuditError) -> Element {
        guard bytes.count == 32 else { throw .invalidElement("a ristretto255 element is 32 bytes") }
        return try element(encoding: Bytes32(bytes))
    }

    /// Decodes 32 bytes (the path of ``element(_:)`` and ``element(hex:)``).
    func element(encoding: Bytes32) throws(AuditError) -> Element {
        // libsodium's decoder accepts the canonical encodings of RFC 9496 §4.3.1, identity included, but
        // 1.0.18 ignores bit 255; RFC 9496 refuses every value ≥ p, so that bit must be clear.
        // Decoded by the audit's own RFC 9496 decoder (AuditCurve), which refuses every value ≥ p.
        if let point = PredecodedPoints.shared.take(encoding) { return Element(encoding: encoding, point: point) }
        var point = audit_point()
        guard encoding.withBytes({ audit_ristretto_decode(&point, $0) }) == 1 else {
            throw .invalidElement("not a canonical ristretto255 encoding")
        }
        return Element(encoding: encoding, point: point)
    }

    /// As the protocol's default (same checks, same messages), without an intermediate array.
    public func element(hex: String) throws(AuditError) -> Element {
        guard let encoding = Hex.decode32(hex) else {
            throw .invalidElement("a \(name) element must be \(elementLength) bytes of lowercase hex")
        }
        return try element(encoding: encoding)
    }

    /// Every ristretto255 element is fully checked when decoded: nothing waits for the batch.
    public func elementCandidate(hex: String) throws(AuditError) -> Element { try element(hex: hex) }

    public func encodeElement(_ e: Element) -> [UInt8] { e.bytes }

    /// Appends the 32 bytes of `e`'s encoding, without an intermediate array.
    public func appendEncoding(of e: Element, to out: inout [UInt8]) { e.encoding.append(to: &out) }

    public func scalar(_ bytes: [UInt8]) throws(AuditError) -> Scalar {
        guard bytes.count == 32 else { throw .invalidScalar("a ristretto255 scalar is 32 bytes") }
        return try scalar(encoding: Bytes32(bytes))
    }

    /// Refuses a non-canonical scalar: canonical iff reducing it mod q leaves it unchanged.
    func scalar(encoding: Bytes32) throws(AuditError) -> Scalar {
        // The 64-byte input of the reduction on the stack: this runs for every scalar of every ballot.
        let reduced = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { wide in
            wide.initialize(repeating: 0)
            encoding.withBytes { p in for k in 0..<32 { wide[k] = p[k] } }
            return Bytes32 { crypto_core_ristretto255_scalar_reduce($0, wide.baseAddress!) }
        }
        guard reduced == encoding else { throw .invalidScalar("a ristretto255 scalar must be below the group order") }
        return Scalar(encoding: encoding)
    }

    /// As the protocol's default (same checks, same messages), without an intermediate array.
    public func scalar(hex: String) throws(AuditError) -> Scalar {
        guard let encoding = Hex.decode32(hex) else {
            throw .invalidScalar("a \(name) scalar must be \(scalarLength) bytes of lowercase hex")
        }
        return try scalar(encoding: encoding)
    }

    public func encodeScalar(_ s: Scalar) -> [UInt8] { s.bytes }

    public func scalar(_ n: UInt64) -> Scalar {
        Scalar(encoding: Bytes32 { b in for i in 0..<8 { b[i] = UInt8(n >> (8 * UInt64(i)) & 0xff) } })
    }

    /// `high·2^64 + low` < 2^128 < q is its own little-endian encoding: `low`, then `high`, then zeros.
    public func weight(high: UInt64, low: UInt64, two64: Scalar) -> Scalar {
        Scalar(encoding: Bytes32 { b in
            for i in 0..<8 {
                b[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i)))
                b[8 + i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i)))
            }
        })
    }

    public func scalar(fromDigest digest: [UInt8]) -> Scalar {
        precondition(digest.count == 64)
        var d = digest
        return Scalar(encoding: Bytes32 { crypto_core_ristretto255_scalar_reduce($0, &d) })
    }

    public func op(_ a: Element, _ b: Element) -> Element {
        var rc: Int32 = 0
        let out = Bytes32 { o in a.encoding.withBytes { pa in b.encoding.withBytes { pb in rc = crypto_core_ristretto255_add(o, pa, pb) } } }
        precondition(rc == 0, "ristretto255 add on a validated element failed")
        return Element(encoding: out)
    }

    public func div(_ a: Element, _ b: Element) -> Element {
        var rc: Int32 = 0
        let out = Bytes32 { o in a.encoding.withBytes { pa in b.encoding.withBytes { pb in rc = crypto_core_ristretto255_sub(o, pa, pb) } } }
        precondition(rc == 0, "ristretto255 sub on a validated element failed")
        return Element(encoding: out)
    }

    public func exp(_ a: Element, _ s: Scalar) -> Element {
        // Returns -1 exactly when the result is the identity (a is valid by construction): legitimate here.
        Element(encoding: Bytes32 { o in s.encoding.withBytes { ps in a.encoding.withBytes { pa in _ = crypto_scalarmult_ristretto255(o, ps, pa) } } })
    }

    public func expG(_ s: Scalar) -> Element {
        Element(encoding: Bytes32 { o in s.encoding.withBytes { ps in _ = crypto_scalarmult_ristretto255_base(o, ps) } })
    }

    public func add(_ a: Scalar, _ b: Scalar) -> Scalar {
        Scalar(encoding: Bytes32 { o in a.encoding.withBytes { pa in b.encoding.withBytes { pb in crypto_core_ristretto255_scalar_add(o, pa, pb) } } })
    }

    public func sub(_ a: Scalar, _ b: Scalar) -> Scalar {
        Scalar(encoding: Bytes32 { o in a.encoding.withBytes { pa in b.encoding.withBytes { pb in crypto_core_ristretto255_scalar_sub(o, pa, pb) } } })
    }

    public func mul(_ a: Scalar, _ b: Scalar) -> Scalar {
        Scalar(encoding: Bytes32 { o in a.encoding.withBytes { pa in b.encoding.withBytes { pb in crypto_core_ristretto255_scalar_mul(o, pa, pb) } } })
    }

    public func neg(_ a: Scalar) -> Scalar {
        Scalar(encoding: Bytes32 { o in a.encoding.withBytes { pa in crypto_core_ristretto255_scalar_negate(o, pa) } })
    }

    public func inverse(_ a: Scalar) -> Scalar? {
        var rc: Int32 = 0
        let out = Bytes32 { o in a.encoding.withBytes { pa in rc = crypto_core_ristretto255_scalar_invert(o, pa) } }
        return rc == 0 ? Scalar(encoding: out) : nil
    }


    /// The decoded points of `elements` (decoding only those that carry none).
    private func points(_ elements: some Sequence<Element>) -> [audit_point] {
        elements.map { e in
            if let p = e.point { return p }
            var p = audit_point()
            let ok = e.encoding.withBytes { audit_ristretto_decode(&p, $0) }
            precondition(ok == 1, "AuditCurve refused an element libsodium produced")
            return p
        }
    }

    /// `Σ ±E_i` through AuditCurve.
    func sumAll(_ elements: [Element], negate: [Bool]?) -> Element {
        let pts = points(elements)
        guard let negate else { return Element(encoding: Bytes32 { out in audit_ristretto_points_add_all(out, pts, nil, pts.count) }) }
        // AuditCurve reads one flag per point: a shorter array would be read past its end.
        precondition(negate.count == pts.count, "one negate flag per element")
        let flags = negate.map { $0 ? UInt8(1) : 0 }
        return Element(encoding: Bytes32 { out in audit_ristretto_points_add_all(out, pts, flags, pts.count) })
    }

    /// `Σ s_i·E_i = identity` through AuditCurve's bucket sum (the batch check of SPEC.md §3.5.1).
    func sumIsIdentity(_ terms: [(Element, Scalar)]) -> Bool {
        let (pts, scalars) = batchInputs(terms)
        let rc = audit_ristretto_points_sum_is_identity(pts, scalars, pts.count)
        precondition(rc >= 0, "AuditCurve ran out of memory")
        return rc == 1
    }

    /// The decoded points of the terms' elements and their scalars' 32 bytes each, end to end: the
    /// inputs of AuditCurve's bucket sum (and of ``BatchTerms``).
    func batchInputs(_ terms: [(Element, Scalar)]) -> (points: [audit_point], scalars: [UInt8]) {
        let pts = points(terms.lazy.map(\.0))
        var scalars: [UInt8] = []
        scalars.reserveCapacity(32 * terms.count)
        for (_, s) in terms { s.encoding.append(to: &scalars) }
        precondition(scalars.count == 32 * pts.count, "AuditCurve reads 32 scalar bytes per point")
        return (pts, scalars)
    }

    /// As ``sumIsIdentity(_:)`` for the terms of many jobs, given as decoded points.
    /// `BatchTerms` can be built with any arrays: AuditCurve reads 32 scalar bytes per point, so a
    /// mismatch stops here instead of reading past the end of `scalars`.
    static func pointsSumIsIdentity(_ points: [audit_point], scalars: [UInt8]) -> Bool {
        precondition(scalars.count == 32 * points.count, "AuditCurve reads 32 scalar bytes per point")
        return audit_ristretto_points_sum_is_identity(points, scalars, points.count) == 1
    }
}

extension Hex {
    /// Decodes a compile-time constant known to be valid hex.
    static func uncheckedDecode(_ s: String) -> [UInt8] {
        do { return try decode(s) } catch { preconditionFailure("invalid constant hex") }
    }
}
