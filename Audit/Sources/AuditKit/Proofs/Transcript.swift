/// The Fiat–Shamir transcript of SPEC.md §3.3:
/// `"perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding) || lp(e1) || …`.
public struct Transcript: Sendable {
    public static let prefix: [UInt8] = Array("perennial-proof-v1".utf8)
    public private(set) var bytes: [UInt8]

    public init(protocol name: String, group: String, context: [UInt8], binding: [UInt8]) {
        bytes = Transcript.prefix
        bytes.reserveCapacity(256 + context.count + binding.count)
        append(name.utf8)
        append(group.utf8)
        append(context)
        append(binding)
    }

    /// Appends `lp(encoding)`, in place (no temporary arrays: this runs for every element of every proof).
    public mutating func append(_ encoding: some Collection<UInt8>) {
        appendLength(encoding.count)
        bytes.append(contentsOf: encoding)
    }

    /// Appends `lp(encode(e))` for an element of `group`.
    public mutating func append<G: PrimeOrderGroup>(element e: G.Element, in group: G) {
        let lengthAt = bytes.count
        appendLength(0)
        group.appendEncoding(of: e, to: &bytes)
        let n = UInt32(bytes.count - lengthAt - 4)
        for k in 0..<4 { bytes[lengthAt + k] = UInt8(truncatingIfNeeded: n >> (24 - 8 * UInt32(k))) }
    }

    /// Appends `lp(u32be(n))`.
    public mutating func append(u32 n: UInt32) {
        appendLength(4)
        appendU32(n)
    }

    private mutating func appendLength(_ n: Int) { appendU32(UInt32(n)) }

    private mutating func appendU32(_ n: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: n >> 24))
        bytes.append(UInt8(truncatingIfNeeded: n >> 16))
        bytes.append(UInt8(truncatingIfNeeded: n >> 8))
        bytes.append(UInt8(truncatingIfNeeded: n))
    }

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
