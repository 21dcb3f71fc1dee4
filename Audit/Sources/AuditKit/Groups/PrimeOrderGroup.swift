/// A prime-order group as SPEC.md §3.1 describes it, written multiplicatively. The proof verifiers
/// are written once against this protocol.
public protocol PrimeOrderGroup: Sendable {
    associatedtype Element: Sendable & Equatable & Hashable
    associatedtype Scalar: Sendable & Equatable

    /// The group's name in the record (`ristretto255`, `eg4096`, `belenios2048`).
    var name: String { get }
    /// Encoded element length in bytes.
    var elementLength: Int { get }
    /// Encoded scalar length in bytes.
    var scalarLength: Int { get }
    var generator: Element { get }
    var identity: Element { get }

    /// Decodes an element, refusing non-canonical encodings and anything outside the group.
    func element(_ bytes: [UInt8]) throws(AuditError) -> Element
    /// Decodes an element given as hex (a requirement, so a group can decode without an intermediate
    /// array; the default goes through ``element(_:)``).
    func element(hex: String) throws(AuditError) -> Element
    /// As ``element(hex:)``, but the subgroup membership may wait for an ``ElementBatch``.
    func elementCandidate(hex: String) throws(AuditError) -> Element
    func encodeElement(_ e: Element) -> [UInt8]
    /// Appends ``encodeElement(_:)`` of `e` to `out` (a group may do it without an intermediate array).
    func appendEncoding(of e: Element, to out: inout [UInt8])
    /// Decodes a scalar, refusing values `≥ q`.
    func scalar(_ bytes: [UInt8]) throws(AuditError) -> Scalar
    /// Decodes a scalar given as hex (a requirement for the same reason as ``element(hex:)``).
    func scalar(hex: String) throws(AuditError) -> Scalar
    func encodeScalar(_ s: Scalar) -> [UInt8]
    /// The scalar `n mod q`.
    func scalar(_ n: UInt64) -> Scalar
    /// `H(T)`: SHA-512 digest (64 bytes) read as an integer in the group's byte order, reduced mod q.
    func scalar(fromDigest digest: [UInt8]) -> Scalar

    /// The group operation `a·b`.
    func op(_ a: Element, _ b: Element) -> Element
    /// `a / b = a·b^(-1)`.
    func div(_ a: Element, _ b: Element) -> Element
    /// `a^s`.
    func exp(_ a: Element, _ s: Scalar) -> Element
    /// `g^s`.
    func expG(_ s: Scalar) -> Element
    /// `a^s · b^t`, the shape of every commitment the verifiers recompute (a group may compute it in
    /// one pass; the default is two exponentiations).
    func exp2(_ a: Element, _ s: Scalar, _ b: Element, _ t: Scalar) -> Element

    /// The 128-bit batch weight `high·2^64 + low` (SPEC.md §3.5.1); `two64` is the scalar 2^64. A
    /// requirement so a group can build it without arithmetic (the default multiplies and adds).
    func weight(high: UInt64, low: UInt64, two64: Scalar) -> Scalar

    func add(_ a: Scalar, _ b: Scalar) -> Scalar
    func sub(_ a: Scalar, _ b: Scalar) -> Scalar
    func mul(_ a: Scalar, _ b: Scalar) -> Scalar
    func neg(_ a: Scalar) -> Scalar
    /// `a^(-1) mod q`, or nil for zero.
    func inverse(_ a: Scalar) -> Scalar?
}

extension PrimeOrderGroup {
    /// Decodes an element given as hex (SPEC.md §3.1: JSON carries hex of the encoding).
    public func element(hex: String) throws(AuditError) -> Element {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, length: elementLength) } catch {
            throw .invalidElement("a \(name) element must be \(elementLength) bytes of lowercase hex")
        }
        return try element(bytes)
    }

    /// An element whose membership may wait for an ``ElementBatch`` (``elementCandidate(_:)``), from hex.
    public func elementCandidate(hex: String) throws(AuditError) -> Element {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, length: elementLength) } catch {
            throw .invalidElement("a \(name) element must be \(elementLength) bytes of lowercase hex")
        }
        return try elementCandidate(bytes)
    }

    public func appendEncoding(of e: Element, to out: inout [UInt8]) { out += encodeElement(e) }

    /// Decodes a scalar given as hex.
    public func scalar(hex: String) throws(AuditError) -> Scalar {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, length: scalarLength) } catch {
            throw .invalidScalar("a \(name) scalar must be \(scalarLength) bytes of lowercase hex")
        }
        return try scalar(bytes)
    }

    /// `a^s · b^t` by two exponentiations (`g` through ``expG(_:)``).
    public func exp2(_ a: Element, _ s: Scalar, _ b: Element, _ t: Scalar) -> Element {
        op(a == generator ? expG(s) : exp(a, s), b == generator ? expG(t) : exp(b, t))
    }

    public func weight(high: UInt64, low: UInt64, two64: Scalar) -> Scalar { add(mul(scalar(high), two64), scalar(low)) }

    public var zeroScalar: Scalar { scalar(0) }
    public var oneScalar: Scalar { scalar(1) }

    /// Whether range and disjunctive proofs in this group carry their commitments `"t"` (SPEC.md §3.5.1).
    public var carriesCommitments: Bool { name != "belenios2048" }

    /// `∏ e_i^(±1)` (divided where `negate[i]`): ristretto255 through AuditCurve, each element decoded
    /// once; otherwise one group operation at a time.
    public func sum(_ elements: [Element], negate: [Bool]? = nil) -> Element {
        if let r = self as? Ristretto255 {
            return r.sumAll(elements.map { $0 as! Ristretto255.Element }, negate: negate) as! Element
        }
        var acc = identity
        for (i, e) in elements.enumerated() { acc = negate?[i] == true ? div(acc, e) : op(acc, e) }
        return acc
    }

    /// Whether `∏ e_i^(s_i)` is the identity, computed in one multi-scalar sum, or nil when the group
    /// has no such routine (the proofs are then checked one at a time).
    public func productIsIdentity(_ terms: [(Element, Scalar)]) -> Bool? {
        if let m = self as? ModpGroup { return m.productIsOne(terms.map { ($0.0 as! BigNum, $0.1 as! BigNum) }) }
        return (self as? Ristretto255).map { r in r.sumIsIdentity(terms.map { ($0.0 as! Ristretto255.Element, $0.1 as! Ristretto255.Scalar) }) }
    }

    /// An element whose subgroup membership may be left to an ``ElementBatch`` (eg4096, SPEC.md §3.1);
    /// every other group decodes it in full at once.
    public func elementCandidate(_ bytes: [UInt8]) throws(AuditError) -> Element {
        if let m = self as? ModpGroup { return try m.elementCandidate(bytes) as! Element }
        return try element(bytes)
    }

    /// The position of the first candidate outside the group (nil: all members), SPEC.md §3.1.
    public func firstNonMember(_ candidates: [Element]) -> Int? {
        (self as? ModpGroup).flatMap { m in m.firstNonMember(candidates.map { $0 as! BigNum }) }
    }
}

/// The group named in a record, opened at run time.
public enum AnyGroup: Sendable {
    case ristretto255(Ristretto255)
    case modp(ModpGroup)

    /// Opens a group by its SPEC.md name.
    /// - Throws: ``AuditError`` if the name is not one of SPEC.md §3.1.
    public init(name: String) throws(AuditError) {
        switch name {
        case "ristretto255": self = .ristretto255(Ristretto255())
        case "eg4096": self = .modp(.eg4096)
        case "belenios2048": self = .modp(.belenios2048)
        case "modp2048", "modp3072":
            throw .malformed("group \"\(name)\" (RFC 3526) is retired: SPEC.md §3.1 names ristretto255, eg4096, belenios2048")
        default: throw .malformed("unknown group \"\(name)\" (SPEC.md §3.1 names ristretto255, eg4096, belenios2048)")
        }
    }

    public var name: String {
        switch self {
        case let .ristretto255(g): return g.name
        case let .modp(g): return g.name
        }
    }
}
