/// Lowercase hexadecimal, as used for every element and scalar in JSON (SPEC §3.1).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex without `0x`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case) to bytes.
    /// - Throws: ``CryptoError/Code/invalidHex`` for odd length or a non-hex character.
    public static func decode(_ text: String, what: @autoclosure () -> String = "The value") throws(CryptoError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw CryptoError.invalidHex(what()) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { throw CryptoError.invalidHex(what()) }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Decodes the record's canonical form only: lowercase hex of even length (SPEC §2.3); nil otherwise.
    public static func decodeCanonical(_ text: String) -> [UInt8]? {
        decodeCanonical(utf8: Array(text.utf8))
    }

    /// ``decodeCanonical(_:)`` over UTF-8 bytes.
    public static func decodeCanonical(utf8: some Collection<UInt8>) -> [UInt8]? {
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for char in utf8 {
            guard char < UInt8(ascii: "A") || char > UInt8(ascii: "F"), let value = nibble(char) else { return nil }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
