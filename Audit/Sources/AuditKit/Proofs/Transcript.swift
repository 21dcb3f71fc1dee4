/// The Fiat–Shamir transcript of SPEC.md §3.3:
/// `"perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding) || lp(e1) || …`.
public struct Transcript: Sendable {
    public static let prefix: [UInt8] = Array("perennial-proof-v1".utf8)
    public private(set) var bytes: [UInt8]

    public init(protocol name: String, group: String, context: [UInt8], binding: [UInt8]) {
        bytes = Transcript.prefix
        bytes += Bytes.lp(Array(name.utf8))
        bytes += Bytes.lp(Array(group.utf8))
        bytes += Bytes.lp(context)
        bytes += Bytes.lp(binding)
    }

    /// Appends `lp(encoding)`.
    public mutating func append(_ encoding: [UInt8]) { bytes += Bytes.lp(encoding) }

    /// Appends `lp(u32be(n))`.
    public mutating func append(u32 n: UInt32) { bytes += Bytes.lp(Bytes.u32be(n)) }

    /// `H(T)` in `group`.
    public func challenge<G: PrimeOrderGroup>(in group: G) -> G.Scalar {
        group.scalar(fromDigest: Hash.sha512(bytes))
    }
}

/// The caller-defined bytes that every proof's hash binds (SPEC.md §3.3).
public struct ProofBinding: Sendable, Equatable {
    public var context: [UInt8]
    public var binding: [UInt8]
    public init(context: [UInt8], binding: [UInt8]) {
        self.context = context
        self.binding = binding
    }
}
