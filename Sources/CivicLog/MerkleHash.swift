import CivicCrypto
import Foundation

/// A 32-byte SHA-256 value in the log's Merkle tree: a leaf hash, an interior node or a root.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 hash bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes.
    /// - Throws: ``LogError/Code-swift.struct/malformedHash`` if `bytes` is not exactly 32 bytes long.
    public init(_ bytes: some Collection<UInt8>) throws {
        guard bytes.count == 32 else {
            throw LogError(.malformedHash, "A hash must be 32 bytes but this one has \(bytes.count). Check that the whole value was copied.")
        }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) {
        assert(bytes.count == 32)
        self.bytes = bytes
    }

    /// Parses 64 lowercase hex digits.
    /// - Throws: ``LogError/Code-swift.struct/malformedHash`` if the text is not 64 lowercase hex digits.
    public init(hex: String) throws {
        guard let bytes = Hex.decodeCanonical(hex), bytes.count == 32 else {
            throw LogError(.malformedHash, "A hash must be written as 64 lowercase hex digits. Check that the whole value was copied.")
        }
        self.bytes = bytes
    }

    /// Parses standard padded base64 (RFC 4648 §4) of 32 bytes.
    /// - Throws: ``LogError/Code-swift.struct/malformedHash`` if the text is not canonical base64 of 32 bytes.
    public init(base64: String) throws {
        guard let bytes = Base64.decodeCanonical(base64), bytes.count == 32 else {
            throw LogError(.malformedHash, "A hash must be written as base64 of 32 bytes. Check that the whole value was copied.")
        }
        self.bytes = bytes
    }

    /// Lowercase hex, 64 digits.
    public var hex: String { Hex.encode(bytes) }
    /// Standard padded base64, 44 characters.
    public var base64: String { Base64.encode(bytes) }
    public var description: String { hex }

    /// The root of the empty tree, `SHA-256("")`.
    public static let emptyTreeRoot = MerkleHash(unchecked: LogCrypto.sha256([]))
}

/// Standard padded base64 (RFC 4648 §4).
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes base64 and accepts it only if re-encoding gives the same text (canonical form).
    static func decodeCanonical(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
