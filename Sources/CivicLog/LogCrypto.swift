import CSodium

// The few libsodium calls CivicLog needs: SHA-256, Ed25519, random bytes.
//
// TEMPORARY: written before CivicCrypto's `SHA256`, `Ed25519` and `SecureBytes` existed; this file
// is to switch to them, and CivicLog's direct CSodium dependency to go away. Everything here is
// `internal`, so the switch changes no public API. Two points to settle first:
// - CivicCrypto's SHA256 is one-shot; leaf and node hashing here stream their parts (no copy of
//   the payload per leaf), so CivicCrypto needs an incremental hasher, or the log accepts copies.
// - CivicCrypto's `Ed25519.PublicKey` rejects points that libsodium's verify alone accepts;
//   entry verification must stay exactly SPEC §2.2's "Ed25519 verify", which an auditor
//   implements with plain `crypto_sign_verify_detached`, unless the SPEC says otherwise.

/// Internal funnel for libsodium: initialisation, return-code checks, hashing, signatures.
enum LogCrypto {
    /// `sodium_init()` runs once; 0 = initialised now, 1 = already initialised, -1 = failure.
    private static let initialised: Bool = sodium_init() >= 0

    /// Traps if libsodium cannot initialise: without it nothing in the log can be trusted.
    static func ensureInitialised() {
        precondition(initialised, "libsodium failed to initialise; the log cannot hash or sign")
    }

    /// The one place a libsodium return code is interpreted: 0 means success.
    static func succeeded(_ returnCode: Int32) -> Bool { returnCode == 0 }

    /// Traps when a libsodium call that cannot fail on valid input reports failure.
    static func check(_ returnCode: Int32, _ operation: StaticString) {
        precondition(succeeded(returnCode), "libsodium \(operation) failed")
    }

    static let sha256Bytes = Int(crypto_hash_sha256_BYTES)
    static let publicKeyBytes = Int(crypto_sign_PUBLICKEYBYTES)
    static let secretKeyBytes = Int(crypto_sign_SECRETKEYBYTES)
    static let seedBytes = Int(crypto_sign_SEEDBYTES)
    static let signatureBytes = Int(crypto_sign_BYTES)

    /// SHA-256 of the concatenation of `parts`.
    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var hasher = SHA256Hasher()
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }

    /// Fills a fresh secret buffer with `count` random bytes.
    static func randomSecret(count: Int) -> SecretBytes {
        ensureInitialised()
        return SecretBytes(count: count) { buffer in randombytes_buf(buffer.baseAddress!, buffer.count) }
    }

    /// Derives an Ed25519 key pair from a 32-byte seed. Returns the public key and the 64-byte secret key.
    static func ed25519KeyPair(seed: SecretBytes) -> (publicKey: [UInt8], secretKey: SecretBytes) {
        ensureInitialised()
        precondition(seed.count == seedBytes)
        var publicKey = [UInt8](repeating: 0, count: publicKeyBytes)
        let secretKey = SecretBytes(count: secretKeyBytes) { secret in
            seed.withUnsafeBytes { seedBuffer in
                publicKey.withUnsafeMutableBufferPointer { pk in
                    check(
                        crypto_sign_seed_keypair(
                            pk.baseAddress!, secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            seedBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)),
                        "crypto_sign_seed_keypair")
                }
            }
        }
        return (publicKey, secretKey)
    }

    /// Ed25519 detached signature of `message` with a 64-byte secret key.
    static func ed25519Sign(_ message: [UInt8], secretKey: SecretBytes) -> [UInt8] {
        ensureInitialised()
        var signature = [UInt8](repeating: 0, count: signatureBytes)
        secretKey.withUnsafeBytes { sk in
            signature.withUnsafeMutableBufferPointer { sig in
                check(
                    crypto_sign_detached(
                        sig.baseAddress!, nil, message, UInt64(message.count),
                        sk.baseAddress!.assumingMemoryBound(to: UInt8.self)),
                    "crypto_sign_detached")
            }
        }
        return signature
    }

    /// Checks an Ed25519 detached signature. Wrong-length inputs are simply invalid.
    static func ed25519Verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        ensureInitialised()
        guard signature.count == signatureBytes, publicKey.count == publicKeyBytes else { return false }
        return succeeded(crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey))
    }
}

/// Incremental SHA-256 (libsodium `crypto_hash_sha256_*`), so leaf and node hashes need no
/// concatenated copies of their inputs.
struct SHA256Hasher {
    private var state = crypto_hash_sha256_state()

    init() {
        LogCrypto.ensureInitialised()
        LogCrypto.check(crypto_hash_sha256_init(&state), "crypto_hash_sha256_init")
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        LogCrypto.check(crypto_hash_sha256_update(&state, base, UInt64(bytes.count)), "crypto_hash_sha256_update")
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0.bindMemory(to: UInt8.self)) }
    }

    mutating func update(u32be value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { update($0.bindMemory(to: UInt8.self)) }
    }

    mutating func update(u64be value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { update($0.bindMemory(to: UInt8.self)) }
    }

    mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: LogCrypto.sha256Bytes)
        out.withUnsafeMutableBufferPointer { buffer in
            LogCrypto.check(crypto_hash_sha256_final(&state, buffer.baseAddress!), "crypto_hash_sha256_final")
        }
        return out
    }
}

/// A heap buffer for secret bytes, wiped with `sodium_memzero` when released and never printed.
///
/// - Important: the contents are written once, inside `init`, and never mutated afterwards.
///   That is why the class can be `@unchecked Sendable`: concurrent readers only ever read.
final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let pointer: UnsafeMutableRawBufferPointer

    /// Allocates `count` bytes and lets `fill` write them once.
    init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count > 0)
        pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0)
        fill(pointer)
    }

    /// Copies `bytes` into a fresh secret buffer. The caller remains responsible for its own copy.
    convenience init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count) { buffer in buffer.copyBytes(from: bytes) }
    }

    deinit {
        sodium_memzero(pointer.baseAddress!, pointer.count)
        pointer.deallocate()
    }

    var count: Int { pointer.count }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(pointer))
    }

    /// Constant-time comparison (`sodium_memcmp`).
    func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return other.withUnsafeBytes { o in sodium_memcmp(pointer.baseAddress!, o.baseAddress!, count) == 0 }
    }

    var description: String { "SecretBytes(\(count) bytes, redacted)" }
    var debugDescription: String { description }
}
