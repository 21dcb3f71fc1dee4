/// Lowercase hexadecimal, as used for every element and scalar in JSON (SPEC §3.1).
public enum Hex {
    /// Encodes bytes as lowercase hex without `0x`.
    ///
    /// Contiguous bytes (arrays, slices) are written straight into the string's storage: the roll's
    /// batch path encodes several keys per entry, and the byte-by-byte generic loop cost more than
    /// the rest of an entry's checks.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: buffer.count * 2) { out in
            var i = 0
            for b in buffer {
                out[i] = digit(b >> 4)
                out[i + 1] = digit(b & 0x0f)
                i += 2
            }
            return i
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

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
