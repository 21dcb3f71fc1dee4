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
        guard let bytes = Hex.decode(hex), bytes.count == 32 else {
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

/// Lowercase hex encoding as used throughout the record (SPEC notation).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes lowercase hex only (the record's canonical form); returns nil otherwise.
    static func decode(_ text: String) -> [UInt8]? {
        decode(utf8: Array(text.utf8))
    }

    static func decode(utf8: some Collection<UInt8>) -> [UInt8]? {
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for char in utf8 {
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }
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
