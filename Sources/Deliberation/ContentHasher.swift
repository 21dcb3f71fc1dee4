/// Computes SHA-256 for content hashes.
///
/// Injected rather than hard-wired so that this module stays free of C imports: the engine passes
/// the CivicCrypto (libsodium) implementation, tests may pass their own.
///
/// - Important: the implementation MUST be SHA-256 (FIPS 180-4): content hashes are recomputed by
///   the independent audit from `Audit/SPEC.md`.
public protocol ContentHasher: Sendable {
    /// Returns the 32-byte SHA-256 digest of `bytes`.
    func sha256(_ bytes: [UInt8]) -> [UInt8]
}

/// Builds the length-prefixed byte strings that content hashes are computed over
/// (`Audit/SPEC.md`, "Deliberation entries": `lp(x) = u32be(len(x)) || x`).
struct CanonicalBytes {
    private(set) var bytes: [UInt8] = []

    init(domain: String) {
        bytes.append(contentsOf: Array(domain.utf8))
        bytes.append(0x0A)
    }

    mutating func append(_ text: String) {
        appendLength(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(list: [String]) {
        appendLength(list.count)
        for item in list { append(item) }
    }

    private mutating func appendLength(_ n: Int) {
        let v = UInt32(truncatingIfNeeded: n)
        bytes.append(contentsOf: [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)])
    }

    func hash(with hasher: any ContentHasher) -> ContentHash {
        let digest = hasher.sha256(bytes)
        precondition(digest.count == 32, "ContentHasher must return a 32-byte SHA-256 digest")
        // The precondition above makes this initialiser infallible.
        return try! ContentHash(bytes: digest)
    }
}
