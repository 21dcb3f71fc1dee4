import CivicCrypto

/// What an author submits to the log: the exact payload bytes, the author's public key and the
/// author's Ed25519 signature over `"perennial-entry-v1\n" || payload` (SPEC §2.2).
///
/// Building an envelope only checks sizes; ``verify(origin:)`` (run by ``LogStore`` on every
/// append) checks the signature and the payload header.
public struct EntryEnvelope: Hashable, Sendable {
    /// The domain-separation prefix signed before the payload.
    public static let signaturePrefix: [UInt8] = Array("perennial-entry-v1\n".utf8)

    /// The exact payload bytes (a UTF-8 JSON object, SPEC §2.3).
    public let payload: [UInt8]
    /// The author's 32-byte Ed25519 public key.
    public let author: [UInt8]
    /// The author's 64-byte Ed25519 signature over ``signingInput(payload:)``.
    public let signature: [UInt8]

    /// Wraps an already signed payload.
    /// - Throws: ``LogError/Code-swift.struct/malformedEnvelope`` unless `author` is 32 bytes and `signature` 64.
    public init(payload: [UInt8], author: [UInt8], signature: [UInt8]) throws {
        guard author.count == 32 else {
            throw LogError(.malformedEnvelope, "An entry's author key must be 32 bytes but is \(author.count). Send the Ed25519 public key itself.")
        }
        guard signature.count == 64 else {
            throw LogError(.malformedEnvelope, "An entry's signature must be 64 bytes but is \(signature.count). Send the Ed25519 signature itself.")
        }
        guard payload.count <= Int(UInt32.max) else {
            throw LogError(.payloadTooLarge, "An entry's payload cannot exceed 4 GiB.")
        }
        self.payload = payload
        self.author = author
        self.signature = signature
    }

    /// Signs `payload` with `key` (over ``signingInput(payload:)``).
    public static func sign(payload: [UInt8], with key: AuthorSigningKey) -> EntryEnvelope {
        // Unreachable failure: the initialiser checks only the lengths, and a key's public key (32
        // bytes) and signature (64 bytes) always have them.
        try! EntryEnvelope(payload: payload, author: key.publicKey, signature: key.sign(signingInput(payload: payload)))
    }

    /// The bytes an author signs: `"perennial-entry-v1\n" || payload`.
    public static func signingInput(payload: [UInt8]) -> [UInt8] {
        signaturePrefix + payload
    }

    /// Whether the signature verifies under the author key. Checks nothing else.
    public var hasValidSignature: Bool {
        LogCrypto.ed25519Verify(signature: signature, message: Self.signingInput(payload: payload), publicKey: author)
    }

    /// Checks the signature, then (only then) that the payload is a JSON object whose first key is
    /// `"kind"` (a string) and whose second is `"record"` equal to `origin` (SPEC §2.3).
    /// - Returns: the payload's kind.
    /// - Throws: ``LogError`` with code `badSignature`, `malformedPayload` or `wrongRecord`.
    @discardableResult
    public func verify(origin: String) throws -> String {
        guard hasValidSignature else {
            throw LogError(.badSignature, "The entry's signature does not match its payload and author key. The entry was altered or signed with another key; have the author sign it again.")
        }
        return try verifyHeader(origin: origin)
    }

    /// The checks of ``verify(origin:)`` after the signature's, for an envelope whose signature was
    /// already verified (in a batch, ``ParallelVerification/firstBadSignature(_:)``).
    /// - Returns: the payload's kind.
    @discardableResult
    func verifyHeader(origin: String) throws -> String {
        let header = try PayloadHeader.parse(payload)
        guard header.record == origin else {
            throw LogError(.wrongRecord, "The entry was written for another record than this log's origin \"\(origin)\". Entries cannot be moved between records; have the author write it for this one.")
        }
        return header.kind
    }

    /// The leaf data of SPEC §2.2 for this envelope at `timeMs`:
    /// `0x01 || u64be(time) || author || signature || u32be(len) || payload`.
    public func leafData(timeMs: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 + 8 + 32 + 64 + 4 + payload.count)
        out.append(0x01)
        withUnsafeBytes(of: timeMs.bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: author)
        out.append(contentsOf: signature)
        withUnsafeBytes(of: UInt32(payload.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: payload)
        return out
    }

    /// The leaf hash `SHA-256(0x00 || leafData(timeMs))`, computed without copying the payload.
    public func leafHash(timeMs: UInt64) -> MerkleHash {
        var hasher = SHA256.Hasher()
        hasher.update(byte: 0x00)
        hasher.update(byte: 0x01)
        hasher.update(u64be: timeMs)
        hasher.update(author)
        hasher.update(signature)
        hasher.update(u32be: UInt32(payload.count))
        hasher.update(payload)
        return MerkleHash(unchecked: hasher.finalize())
    }
}

/// An entry as stored in the log: its envelope plus what the log assigned.
public struct LogEntry: Hashable, Sendable {
    /// 0-based position in the log.
    public let index: UInt64
    /// Log time in milliseconds since 1970-01-01T00:00:00Z; never decreases along the log.
    public let timeMs: UInt64
    /// The author's signed envelope.
    public let envelope: EntryEnvelope
    /// `SHA-256(0x00 || leaf)` as in SPEC §2.2.
    public let leafHash: MerkleHash
}

/// What an append acknowledges: the index, log time and leaf hash it assigned, and the envelope.
/// The projection closure of ``LogStore/append(_:project:)`` receives it before commit.
public typealias AppendedEntry = LogEntry
