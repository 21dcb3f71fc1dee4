import CSodium

/// An X25519 key pair for sealed boxes (`crypto_box`), e.g. a trustee's share-transport key.
public struct BoxKeyPair: Sendable, CustomStringConvertible {
    /// The 32-byte public key, to publish.
    public let publicKey: [UInt8]
    /// The 32-byte secret key.
    public let secretKey: SecureBytes

    /// A fresh random key pair (`crypto_box_keypair`).
    public static func generate() throws -> BoxKeyPair {
        Sodium.ensureInitialized()
        var pk = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        let sk = try SecureBytes(count: Int(crypto_box_SECRETKEYBYTES)) { sk in
            try check(crypto_box_keypair(&pk, sk.u8), "crypto_box_keypair")
        }
        return BoxKeyPair(publicKey: pk, secretKey: sk)
    }

    /// The key pair derived from a 32-byte seed (`crypto_box_seed_keypair`).
    public init(seed: SecureBytes) throws {
        Sodium.ensureInitialized()
        try checkLength(seed.count, Int(crypto_box_SEEDBYTES), "A box key seed")
        var pk = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        secretKey = try SecureBytes(count: Int(crypto_box_SECRETKEYBYTES)) { sk in
            try seed.withUnsafeBytes { s in
                try check(
                    crypto_box_seed_keypair(&pk, sk.u8, s.u8),
                    "crypto_box_seed_keypair")
            }
        }
        publicKey = pk
    }

    /// Rebuilds a key pair from its stored secret key (the public key is recomputed).
    public init(secretKey: SecureBytes) throws {
        Sodium.ensureInitialized()
        try checkLength(secretKey.count, Int(crypto_box_SECRETKEYBYTES), "A box secret key")
        var pk = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        try secretKey.withUnsafeBytes { s in
            try check(crypto_scalarmult_base(&pk, s.u8), "crypto_scalarmult_base")
        }
        self.publicKey = pk
        self.secretKey = secretKey
    }

    private init(publicKey: [UInt8], secretKey: SecureBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    public var description: String { "BoxKeyPair(public: \(Hex.encode(publicKey)))" }
}

/// Anonymous public-key encryption (`crypto_box_seal`): anyone can seal to a public key; only the
/// holder of the secret key can open, and any alteration is detected.
public enum SealedBox {
    /// Bytes a sealed box adds to the message.
    public static let overhead = crypto_box_sealbytes()

    /// Seals `message` to `recipientPublicKey`.
    /// - Throws: ``CryptoError/Code/invalidLength`` for a public key that is not 32 bytes.
    public static func seal(_ message: some Collection<UInt8>, to recipientPublicKey: [UInt8]) throws -> [UInt8] {
        Sodium.ensureInitialized()
        try checkLength(recipientPublicKey.count, Int(crypto_box_PUBLICKEYBYTES), "A box public key")
        var out = [UInt8](repeating: 0, count: message.count + overhead)
        let rc = withContiguousBytes(message) { m in
            crypto_box_seal(&out, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count), recipientPublicKey)
        }
        try check(rc, "crypto_box_seal")
        return out
    }

    /// Seals a secret without copying it out of secure memory.
    public static func seal(_ secret: SecureBytes, to recipientPublicKey: [UInt8]) throws -> [UInt8] {
        try secret.withUnsafeBytes { try seal(UnsafeRawBufferPointer($0).bindMemory(to: UInt8.self), to: recipientPublicKey) }
    }

    /// Opens a sealed box; the plaintext is returned in secure memory.
    /// - Throws: ``CryptoError/Code/decryptionFailed`` if the box was altered or is for another key.
    public static func open(_ sealed: some Collection<UInt8>, with keyPair: BoxKeyPair) throws -> SecureBytes {
        Sodium.ensureInitialized()
        guard sealed.count >= overhead else { throw CryptoError.decryptionFailed("the sealed box (too short)") }
        let input = Array(sealed)
        return try SecureBytes(count: input.count - overhead) { out in
            let rc = keyPair.secretKey.withUnsafeBytes { sk in
                crypto_box_seal_open(
                    out.u8, input, UInt64(input.count), keyPair.publicKey,
                    sk.u8)
            }
            try check(rc, "crypto_box_seal_open", or: .decryptionFailed("the sealed box"))
        }
    }
}
