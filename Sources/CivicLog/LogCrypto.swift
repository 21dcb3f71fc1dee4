import CivicCrypto

/// The cryptography CivicLog needs — SHA-256, Ed25519, random seeds — all through CivicCrypto, the
/// engine's one door to libsodium.
enum LogCrypto {
    static let publicKeyBytes = 32
    static let seedBytes = Ed25519.seedByteCount
    static let signatureBytes = Ed25519.signatureByteCount

    /// SHA-256 of the concatenation of `parts`.
    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var hasher = SHA256.Hasher()
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }

    /// A fresh random seed in secure memory.
    static func randomSecret(count: Int) -> SecureBytes {
        SecureBytes.random(count: count)
    }

    /// Checks an Ed25519 detached signature with libsodium's verify alone (SPEC §2.2). Wrong-length
    /// inputs are simply invalid.
    static func ed25519Verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Ed25519.verify(signature: signature, message: message, rawPublicKey: publicKey)
    }
}
