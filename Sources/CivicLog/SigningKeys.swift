import CivicCrypto
import Foundation

/// An Ed25519 key pair whose secret half lives only in wiped memory.
final class Ed25519KeyPair: Sendable {
    let publicKey: [UInt8]
    private let key: Ed25519.SigningKey
    private let seed: SecureBytes

    /// - Precondition: `seed` has 32 bytes (``fromSeed(_:role:)`` and the generators check it).
    init(seed: SecureBytes) {
        guard let key = try? Ed25519.SigningKey(seed: seed) else { preconditionFailure("an Ed25519 seed has 32 bytes") }
        self.seed = seed
        self.key = key
        self.publicKey = key.publicKey.rawRepresentation
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
        // crypto_sign_detached returns 0 on every input: a failure would mean a broken libsodium.
        guard let signature = try? key.signature(for: message) else { preconditionFailure("libsodium crypto_sign_detached failed") }
        return signature
    }

    func withSeed<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try seed.withUnsafeBytes(body)
    }

    static func fromSeed(_ raw: some Collection<UInt8>, role: String) throws -> Ed25519KeyPair {
        guard raw.count == LogCrypto.seedBytes else {
            throw LogError(.invalidKey, "A \(role) must be a 32-byte Ed25519 seed, but \(raw.count) bytes were given. Check the key file.")
        }
        return Ed25519KeyPair(seed: SecureBytes(raw))
    }
}

/// The log's own Ed25519 key: it signs checkpoints (SPEC §2.4).
///
/// - Important: the secret seed is kept in memory wiped with `sodium_memzero` when the last copy
///   of the key is released; `description` shows only the public key.
public struct LogSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let pair: Ed25519KeyPair

    /// Loads a key from its 32-byte Ed25519 seed. The caller should wipe its own copy.
    /// - Throws: ``LogError/Code-swift.struct/invalidKey`` if `seed` is not 32 bytes.
    public init(rawRepresentation seed: some Collection<UInt8>) throws {
        pair = try .fromSeed(seed, role: "log signing key")
    }

    /// A fresh random key.
    public static func generate() -> LogSigningKey {
        LogSigningKey(pair: Ed25519KeyPair(seed: LogCrypto.randomSecret(count: LogCrypto.seedBytes)))
    }

    private init(pair: Ed25519KeyPair) { self.pair = pair }

    /// Loads the seed from `file`; never creates one.
    /// - Throws: ``LogError/Code-swift.struct/io`` if the file is missing or unreadable.
    public static func load(keyFile file: URL) throws -> LogSigningKey {
        guard var data = FileManager.default.contents(atPath: file.path) else {
            throw LogError(.io, "The log key file \(file.path) is missing. Restore it from the node's backup; a new key would not match the log.")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        return try LogSigningKey(rawRepresentation: data)
    }

    /// A 32-byte secret derived from this key for `label` (the node authenticates its projection
    /// snapshots with it): SHA-256 of the key's deterministic Ed25519 signature of the label.
    public func derivedSecret(label: String) -> [UInt8] {
        LogCrypto.sha256(pair.sign(Array("perennial-derived-secret-v1\n\(label)".utf8)))
    }

    /// Loads the seed from `file`, or creates a random key and writes its seed there with
    /// owner-only permissions (0600) if the file does not exist.
    /// - Throws: ``LogError/Code-swift.struct/invalidKey`` or ``LogError/Code-swift.struct/io``.
    public static func loadOrCreate(keyFile file: URL) throws -> LogSigningKey {
        let path = file.path
        if FileManager.default.fileExists(atPath: path) {
            guard var data = FileManager.default.contents(atPath: path) else {
                throw LogError(.io, "The log key file at \(path) cannot be read. Check its permissions.")
            }
            defer { data.resetBytes(in: 0..<data.count) }
            return try LogSigningKey(rawRepresentation: data)
        }
        let key = generate()
        var seed = key.pair.withSeed { Data($0) }
        defer { seed.resetBytes(in: 0..<seed.count) }
        guard FileManager.default.createFile(atPath: path, contents: seed, attributes: [.posixPermissions: 0o600]) else {
            throw LogError(.io, "The log key file at \(path) cannot be created. Check that the directory exists and is writable.")
        }
        return key
    }

    /// The 32-byte Ed25519 public key (the record's `log_key`).
    public var publicKey: [UInt8] { pair.publicKey }

    func sign(_ message: [UInt8]) -> [UInt8] { pair.sign(message) }

    public var description: String { "LogSigningKey(public: \(Hex.encode(publicKey)))" }
    public var debugDescription: String { description }
}

/// An entry author's Ed25519 key (credential, registrar, organisation, trustee, participant),
/// used to sign entry payloads (SPEC §2.2).
///
/// Authors whose keys live elsewhere (e.g. CivicCrypto) can sign
/// ``EntryEnvelope/signingInput(payload:)`` themselves and build an ``EntryEnvelope`` directly.
///
/// - Important: the secret seed is wiped from memory when the last copy is released and is never printed.
public struct AuthorSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let pair: Ed25519KeyPair

    /// Loads a key from its 32-byte Ed25519 seed.
    /// - Throws: ``LogError/Code-swift.struct/invalidKey`` if `seed` is not 32 bytes.
    public init(rawRepresentation seed: some Collection<UInt8>) throws {
        pair = try .fromSeed(seed, role: "author key")
    }

    /// A fresh random key.
    public static func generate() -> AuthorSigningKey {
        AuthorSigningKey(pair: Ed25519KeyPair(seed: LogCrypto.randomSecret(count: LogCrypto.seedBytes)))
    }

    private init(pair: Ed25519KeyPair) { self.pair = pair }

    /// The 32-byte Ed25519 public key written as the entry's `author`.
    public var publicKey: [UInt8] { pair.publicKey }

    func sign(_ message: [UInt8]) -> [UInt8] { pair.sign(message) }

    public var description: String { "AuthorSigningKey(public: \(Hex.encode(publicKey)))" }
    public var debugDescription: String { description }
}
