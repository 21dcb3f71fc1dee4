import CSodium

/// A secret encrypted at rest under a passphrase: Argon2id (`crypto_pwhash`, with its salt and cost
/// parameters stored beside the ciphertext) derives a key, and `crypto_secretbox` (XSalsa20-Poly1305)
/// encrypts and authenticates the secret.
///
/// The value is `Codable` (byte fields as lowercase hex) so it can be written to a file.
/// - Important: opening with a wrong passphrase, or after any byte was altered, fails with
///   ``CryptoError/Code/decryptionFailed`` and reveals nothing else.
public struct PassphraseSeal: Codable, Sendable, Hashable {
    /// Argon2id cost parameters.
    public struct Cost: Codable, Sendable, Hashable {
        /// `opslimit`: number of passes.
        public var operations: UInt64
        /// `memlimit`: bytes of memory.
        public var memoryBytes: UInt64

        public init(operations: UInt64, memoryBytes: UInt64) {
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        /// libsodium's interactive preset (about 64 MiB, a fraction of a second).
        public static var interactive: Cost {
            Cost(operations: UInt64(crypto_pwhash_opslimit_interactive()), memoryBytes: UInt64(crypto_pwhash_memlimit_interactive()))
        }
        /// libsodium's moderate preset (about 256 MiB) — the default for trustee secrets.
        public static var moderate: Cost {
            Cost(operations: UInt64(crypto_pwhash_opslimit_moderate()), memoryBytes: UInt64(crypto_pwhash_memlimit_moderate()))
        }
        /// The smallest Argon2id parameters libsodium accepts. For tests only: it offers little protection.
        public static var minimumForTesting: Cost {
            Cost(operations: UInt64(crypto_pwhash_opslimit_min()), memoryBytes: UInt64(crypto_pwhash_memlimit_min()))
        }
    }

    /// Format version, currently 1.
    public var version: Int
    /// `"argon2id13+xsalsa20poly1305"`.
    public var algorithm: String
    /// The Argon2id parameters used.
    public var cost: Cost
    /// Argon2id salt (16 bytes), hex.
    public var salt: String
    /// secretbox nonce (24 bytes), hex.
    public var nonce: String
    /// secretbox ciphertext (secret + 16-byte tag), hex.
    public var ciphertext: String

    static let currentAlgorithm = "argon2id13+xsalsa20poly1305"

    /// Encrypts `secret` under `passphrase`.
    /// - Parameters:
    ///   - secret: the bytes to protect.
    ///   - passphrase: the passphrase's bytes (e.g. UTF-8).
    ///   - cost: Argon2id parameters; defaults to ``Cost/moderate``.
    /// - Throws: ``CryptoError`` if key derivation fails (e.g. not enough memory).
    public static func seal(_ secret: SecureBytes, passphrase: SecureBytes, cost: Cost = .moderate) throws -> PassphraseSeal {
        Sodium.ensureInitialized()
        let salt = SecureRandom.bytes(Int(crypto_pwhash_SALTBYTES))
        let nonce = SecureRandom.bytes(Int(crypto_secretbox_NONCEBYTES))
        let key = try deriveKey(passphrase: passphrase, salt: salt, cost: cost)
        var box = [UInt8](repeating: 0, count: secret.count + Int(crypto_secretbox_MACBYTES))
        let rc = secret.withUnsafeBytes { m in
            key.withUnsafeBytes { k in
                crypto_secretbox_easy(
                    &box, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count), nonce, k.u8)
            }
        }
        try check(rc, "crypto_secretbox_easy")
        return PassphraseSeal(
            version: 1, algorithm: currentAlgorithm, cost: cost, salt: Hex.encode(salt), nonce: Hex.encode(nonce),
            ciphertext: Hex.encode(box))
    }

    /// Convenience: the passphrase as text (its UTF-8 bytes are used).
    public static func seal(_ secret: SecureBytes, passphrase: String, cost: Cost = .moderate) throws -> PassphraseSeal {
        try seal(secret, passphrase: SecureBytes(Array(passphrase.utf8)), cost: cost)
    }

    /// Decrypts the secret.
    /// - Throws: ``CryptoError/Code/decryptionFailed`` for a wrong passphrase or altered data;
    ///   ``CryptoError/Code/invalidParameter`` for an unknown format.
    public func open(passphrase: SecureBytes) throws -> SecureBytes {
        Sodium.ensureInitialized()
        guard version == 1, algorithm == Self.currentAlgorithm else {
            throw CryptoError.invalidParameter("This sealed secret uses an unknown format (version \(version)).")
        }
        let salt = try Hex.decode(salt, what: "The salt")
        let nonce = try Hex.decode(nonce, what: "The nonce")
        let box = try Hex.decode(ciphertext, what: "The ciphertext")
        try checkLength(salt.count, Int(crypto_pwhash_SALTBYTES), "The salt")
        try checkLength(nonce.count, Int(crypto_secretbox_NONCEBYTES), "The nonce")
        guard box.count >= Int(crypto_secretbox_MACBYTES) else { throw CryptoError.decryptionFailed("the sealed secret (too short)") }
        let key = try Self.deriveKey(passphrase: passphrase, salt: salt, cost: cost)
        return try SecureBytes(count: box.count - Int(crypto_secretbox_MACBYTES)) { out in
            let rc = key.withUnsafeBytes { k in
                crypto_secretbox_open_easy(
                    out.u8, box, UInt64(box.count), nonce, k.u8)
            }
            try check(rc, "crypto_secretbox_open_easy", or: .decryptionFailed("the sealed secret"))
        }
    }

    /// Convenience: the passphrase as text.
    public func open(passphrase: String) throws -> SecureBytes {
        try open(passphrase: SecureBytes(Array(passphrase.utf8)))
    }

    private static func deriveKey(passphrase: SecureBytes, salt: [UInt8], cost: Cost) throws -> SecureBytes {
        guard cost.operations >= UInt64(crypto_pwhash_opslimit_min()), cost.memoryBytes >= UInt64(crypto_pwhash_memlimit_min()),
            cost.operations <= UInt64(crypto_pwhash_opslimit_max()), cost.memoryBytes <= UInt64(crypto_pwhash_memlimit_max())
        else { throw CryptoError.invalidParameter("The Argon2id cost parameters are outside libsodium's limits.") }
        return try SecureBytes(count: Int(crypto_secretbox_KEYBYTES)) { key in
            try passphrase.withUnsafeBytes { p in
                try check(
                    crypto_pwhash(
                        key.u8, UInt64(key.count),
                        UnsafeRawPointer(p.u8).assumingMemoryBound(to: CChar.self), UInt64(p.count), salt,
                        cost.operations, Int(cost.memoryBytes), crypto_pwhash_alg_argon2id13()),
                    "crypto_pwhash (out of memory?)")
            }
        }
    }
}

/// The name used in the design notes for secrets at rest under a passphrase; same type as ``PassphraseSeal``.
public typealias SecretStore = PassphraseSeal
