import CivicCrypto

/// The signing key a kiosk derives from a credential code (not part of the record format: only the
/// resulting public key is on the roll).
///
/// `seed = BLAKE2b-256(key: the 20 normalised characters, message: "perennial-credential-v1" || lp(term))`,
/// then Ed25519 from that seed. The code carries 90 bits of secret, far beyond brute force, so no
/// slow password hash is needed; binding the term means one card never signs for another term.
public enum CredentialKey {
    /// Derives the credential's Ed25519 signing key for `term`.
    /// - Important: the key is as secret as the code; wipe both when the voter leaves.
    public static func signingKey(for code: CredentialCode, term: String) -> Ed25519.SigningKey {
        // Unreachable failure: the seed is the 32-byte BLAKE2b output, the only length a seed needs.
        try! Ed25519.SigningKey(seed: seed(for: code, term: term))
    }

    /// The signing keys of many codes, as ``signingKey(for:term:)`` derives each (the registrar's
    /// batch: `Ed25519.SigningKey.keys(seeds:)` shares one field inversion among 32 keys).
    public static func signingKeys(for codes: [CredentialCode], term: String) -> [Ed25519.SigningKey] {
        // Unreachable failure, as above: every seed is a 32-byte BLAKE2b output.
        try! Ed25519.SigningKey.keys(seeds: codes.map { seed(for: $0, term: term) })
    }

    /// `BLAKE2b-256(key: the code's characters, message: "perennial-credential-v1" || lp(term))`, in
    /// secure memory.
    static func seed(for code: CredentialCode, term: String) -> SecureBytes {
        let message = Array("perennial-credential-v1".utf8) + Bytes.lp(term)
        var seed = code.withSecretBytes { raw in
            // BLAKE2b accepts 16–64 byte keys; the 20 characters always fit.
            var key = Array(raw)
            defer { key.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
            return try! BLAKE2b.hash(message, key: key, outputLength: 32)
        }
        defer { seed.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return SecureBytes(seed)
    }
}
