import CivicCrypto

/// The production ``ContentHasher``: SHA-256 from libsodium through CivicCrypto.
public struct LibsodiumContentHasher: ContentHasher {
    public init() {}
    public func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256.hash(bytes) }
}

extension ContentHasher where Self == LibsodiumContentHasher {
    /// SHA-256 from libsodium.
    public static var sha256: LibsodiumContentHasher { LibsodiumContentHasher() }
}
