/// The Fiat–Shamir transcript of SPEC §3.3:
///
/// ```
/// T = "perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding)
///     || lp(e1) || lp(e2) || …      (statement, then commitments)
/// ```
/// with `lp(x) = u32be(len(x)) || x`. The challenge is ``PrimeOrderGroup/hashToScalar(_:)`` of the bytes.
public struct Transcript: Sendable, Hashable {
    /// The domain-separation prefix.
    public static let prefix: [UInt8] = Array("perennial-proof-v1".utf8)

    /// The protocol names of SPEC §3.3.
    public enum ProtocolName: String, Sendable {
        case schnorr
        case chaumPedersen = "chaum-pedersen"
        case disjunctive
        case range
    }

    /// The bytes so far.
    public private(set) var bytes: [UInt8]

    /// Starts a transcript.
    /// - Parameters:
    ///   - protocolName: which proof.
    ///   - group: the group name as written in the record.
    ///   - context: caller-defined bytes (which record, term, contest version, option — SPEC §4).
    ///   - binding: caller-defined bytes (who proves — SPEC §4).
    public init(protocol protocolName: ProtocolName, group: String, context: [UInt8], binding: [UInt8]) {
        bytes = Self.prefix
        bytes.reserveCapacity(256)
        appendLengthPrefixed(Array(protocolName.rawValue.utf8))
        appendLengthPrefixed(Array(group.utf8))
        appendLengthPrefixed(context)
        appendLengthPrefixed(binding)
    }

    /// Appends `lp(x)`.
    public mutating func appendLengthPrefixed(_ x: some Collection<UInt8>) {
        precondition(x.count <= Int(UInt32.max), "transcript item too long")
        appendU32(UInt32(x.count))
        bytes.append(contentsOf: x)
    }

    /// Appends `lp(encode(e))`.
    public mutating func append<G: PrimeOrderGroup>(_ e: G.Element, in group: G) {
        appendLengthPrefixed(group.encode(e))
    }

    /// Appends a statement integer: `lp(u32be(n))`.
    public mutating func appendInteger(_ n: UInt32) {
        appendU32(4)
        appendU32(n)
    }

    private mutating func appendU32(_ n: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: n >> 24))
        bytes.append(UInt8(truncatingIfNeeded: n >> 16))
        bytes.append(UInt8(truncatingIfNeeded: n >> 8))
        bytes.append(UInt8(truncatingIfNeeded: n))
    }

    /// `H(T)` in `group`.
    public func challenge<G: PrimeOrderGroup>(in group: G) -> G.Scalar { group.hashToScalar(bytes) }
}
