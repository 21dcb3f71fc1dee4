import CRistretto
import CSodium

/// Ed25519 signatures (RFC 8032): made by ``Ed25519Signing`` (CRistretto, libsodium's hashes and
/// scalar arithmetic), verified by libsodium `crypto_sign_verify_detached`.
public enum Ed25519 {
    /// Signature length in bytes.
    public static let signatureByteCount = Int(crypto_sign_BYTES)
    /// Seed (RFC 8032 "secret key") length in bytes.
    public static let seedByteCount = Int(crypto_sign_SEEDBYTES)

    /// An Ed25519 public key: 32 bytes.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The 32-byte encoding.
        public let rawRepresentation: [UInt8]

        /// Validates the length and the point (canonical, on the curve, not of small order —
        /// `crypto_core_ed25519_is_valid_point`).
        /// - Throws: ``CryptoError/Code/invalidLength`` or ``CryptoError/Code/invalidElement``.
        public init(rawRepresentation: some Collection<UInt8>) throws {
            Sodium.ensureInitialized()
            try checkLength(rawRepresentation.count, Int(crypto_sign_PUBLICKEYBYTES), "An Ed25519 public key")
            let bytes = Array(rawRepresentation)
            guard crypto_core_ed25519_is_valid_point(bytes) == 1 else {
                throw CryptoError.invalidElement("Ed25519", "not a valid public key")
            }
            self.rawRepresentation = bytes
        }

        /// A public key libsodium just derived from a seed (`[s]B` for a clamped scalar `s`): a valid
        /// point of the main subgroup by construction, so not checked again — the check is a scalar
        /// multiplication, the costliest step of making a key (the registrar makes one per citizen).
        init(derived bytes: [UInt8]) {
            rawRepresentation = bytes
        }

        public var description: String { "Ed25519.PublicKey(\(Hex.encode(rawRepresentation)))" }

        /// Whether `signature` is a valid signature of `message` under this key.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            Ed25519.verify(signature: signature, message: message, publicKey: self)
        }
    }

    /// An Ed25519 signing key. Its secrets are held in ``SecureBytes`` (wiped when released): the seed
    /// and its SHA-512 expansion (the clamped scalar a, then the nonce prefix), expanded once here
    /// rather than at every signature as `crypto_sign_detached` does.
    ///
    /// Keys and signatures are made by ``Ed25519Signing`` (CRistretto's constant-time fixed-base
    /// multiplication), byte for byte libsodium's `crypto_sign_seed_keypair` / `crypto_sign_detached`.
    public struct SigningKey: Sendable, CustomStringConvertible {
        /// seed (32 bytes) ‖ clamped scalar a (32) ‖ nonce prefix (32).
        private let secret: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// Derives the key pair from a 32-byte seed (RFC 8032 §5.1.5, as `crypto_sign_seed_keypair`).
        /// - Throws: ``CryptoError/Code/invalidLength`` if the seed is not 32 bytes.
        public init(seed: SecureBytes) throws {
            Sodium.ensureInitialized()
            try checkLength(seed.count, Ed25519.seedByteCount, "An Ed25519 seed")
            var pk = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
            secret = SecureBytes(count: Ed25519Signing.secretByteCount) { buffer in
                seed.withUnsafeBytes { s in Ed25519Signing.expand(seed: s, into: buffer, publicKey: &pk) }
            }
            publicKey = PublicKey(derived: pk)
        }

        private init(secret: SecureBytes, publicKey: [UInt8]) {
            self.secret = secret
            self.publicKey = PublicKey(derived: publicKey)
        }

        /// The key pairs of many 32-byte seeds, as ``init(seed:)`` makes them one by one, with one field
        /// inversion per 32 public keys (`cr_ed25519_scalarmult_base_batch`).
        /// - Throws: ``CryptoError/Code/invalidLength`` if a seed is not 32 bytes.
        public static func keys(seeds: [SecureBytes]) throws -> [SigningKey] {
            Sodium.ensureInitialized()
            for seed in seeds { try checkLength(seed.count, Ed25519.seedByteCount, "An Ed25519 seed") }
            guard !seeds.isEmpty else { return [] }
            let secrets = seeds.map { seed in
                SecureBytes(count: Ed25519Signing.secretByteCount) { buffer in
                    seed.withUnsafeBytes { Ed25519Signing.expandOnly(seed: $0, into: buffer) }
                }
            }
            var publicKeys = [UInt8](repeating: 0, count: 32 * seeds.count)
            // The clamped scalars side by side (secret: in a SecureBytes, wiped with it).
            let scalars = SecureBytes(count: 32 * seeds.count) { out in
                for (i, secret) in secrets.enumerated() {
                    secret.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[(32 * i)..<(32 * i + 32)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[32..<64])) }
                }
            }
            scalars.withUnsafeBytes { s in
                publicKeys.withUnsafeMutableBufferPointer { cr_ed25519_scalarmult_base_batch($0.baseAddress!, s.u8, seeds.count) }
            }
            return secrets.indices.map { SigningKey(secret: secrets[$0], publicKey: Array(publicKeys[(32 * $0)..<(32 * $0 + 32)])) }
        }

        /// Derives the key pair from a 32-byte seed given as plain bytes (copied into secure memory).
        public init(seed: some Collection<UInt8>) throws {
            try self.init(seed: SecureBytes(seed))
        }

        /// The key from its stored form, the 32-byte seed (same as `init(seed:)`).
        public init(rawRepresentation: SecureBytes) throws {
            try self.init(seed: rawRepresentation)
        }

        /// A fresh random key.
        public static func generate() -> SigningKey {
            // A 32-byte random seed always has the right length.
            try! SigningKey(seed: SecureBytes.random(count: Ed25519.seedByteCount))
        }

        /// The 32-byte seed, in secure memory (for sealing at rest).
        public var seed: SecureBytes {
            secret.withUnsafeBytes { sk in SecureBytes(count: Ed25519.seedByteCount) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: sk[0..<32])) } }
        }

        /// Signs `message` (RFC 8032 §5.1.6, as `crypto_sign_detached`); deterministic.
        public func signature(for message: some Collection<UInt8>) throws -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
            withContiguousBytes(message) { m in
                secret.withUnsafeBytes { sk in
                    publicKey.rawRepresentation.withUnsafeBytes { pk in
                        sig.withUnsafeMutableBytes { out in Ed25519Signing.sign(m, expanded: sk, publicKey: pk, into: out) }
                    }
                }
            }
            return sig
        }

        /// The signatures of many messages, each as ``signature(for:)`` makes it, with one field inversion
        /// per 32 nonce points R (`cr_ed25519_scalarmult_base_batch`).
        public func signatures(for messages: [[UInt8]]) -> [[UInt8]] {
            guard !messages.isEmpty else { return [] }
            let n = messages.count
            var rs = [UInt8](repeating: 0, count: 32 * n)
            let nonces = secret.withUnsafeBytes { sk in
                SecureBytes(count: 32 * n) { out in
                    for (i, message) in messages.enumerated() {
                        message.withUnsafeBytes { Ed25519Signing.nonce($0, expanded: sk, into: out.u8 + 32 * i) }
                    }
                }
            }
            nonces.withUnsafeBytes { r in rs.withUnsafeMutableBufferPointer { cr_ed25519_scalarmult_base_batch($0.baseAddress!, r.u8, n) } }
            return secret.withUnsafeBytes { sk in
                publicKey.rawRepresentation.withUnsafeBytes { pk in
                    nonces.withUnsafeBytes { r in
                        messages.enumerated().map { i, message in
                            var sig = Array(rs[(32 * i)..<(32 * i + 32)]) + [UInt8](repeating: 0, count: 32)   // R, then S
                            message.withUnsafeBytes { m in
                                sig.withUnsafeMutableBytes { out in Ed25519Signing.finish(m, expanded: sk, publicKey: pk, nonce: r.u8 + 32 * i, into: out) }
                            }
                            return sig
                        }
                    }
                }
            }
        }

        /// Same as ``signature(for:)``.
        public func sign(_ message: some Collection<UInt8>) throws -> [UInt8] { try signature(for: message) }

        public var description: String { "Ed25519.SigningKey(public: \(Hex.encode(publicKey.rawRepresentation)))" }
    }

    /// Verifies a detached signature against a public key given as raw bytes, with libsodium's
    /// `crypto_sign_verify_detached` alone (the verification rule of SPEC §2.2 for log entries and
    /// checkpoints). Wrong lengths are simply invalid.
    public static func verify(signature: [UInt8], message: [UInt8], rawPublicKey: [UInt8]) -> Bool {
        Sodium.ensureInitialized()
        guard signature.count == signatureByteCount, rawPublicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), rawPublicKey) == 0
    }

    /// Verifies a detached signature (`crypto_sign_verify_detached`). Wrong lengths are simply invalid.
    public static func verify(signature: some Collection<UInt8>, message: some Collection<UInt8>, publicKey: PublicKey) -> Bool {
        Sodium.ensureInitialized()
        guard signature.count == signatureByteCount else { return false }
        let sig = Array(signature)
        return withContiguousBytes(message) { m in
            crypto_sign_verify_detached(
                sig, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count), publicKey.rawRepresentation) == 0
        }
    }
}
