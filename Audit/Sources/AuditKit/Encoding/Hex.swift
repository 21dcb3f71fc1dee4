/// Lowercase hexadecimal without `0x`, as SPEC.md uses everywhere.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        default: return nil
        }
    }

    /// Decodes lowercase hex; uppercase and odd lengths are rejected (SPEC.md: `hex` is lowercase).
    /// - Throws: ``AuditError`` when the text is not lowercase hex, or not `length` bytes when given.
    public static func decode<C: Collection>(_ text: C, length: Int? = nil) throws(AuditError) -> [UInt8]
    where C.Element == UInt8 {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0, length: length) }) { return try result.get() }
        return try Array(text).withUnsafeBufferPointer { decode(buffer: $0, length: length) }.get()
    }

    /// Decodes lowercase hex from a string.
    public static func decode(_ text: String, length: Int? = nil) throws(AuditError) -> [UInt8] {
        var text = text
        return try text.withUTF8 { decode(buffer: $0, length: length) }.get()
    }

    /// Decodes exactly 64 lowercase hex digits into 32 inline bytes (ristretto255 elements and
    /// scalars), allocating nothing; nil for anything else (the caller says what was expected).
    public static func decode32(_ text: String) -> Bytes32? {
        var text = text
        return text.withUTF8 { buffer -> Bytes32? in
            guard buffer.count == 64, let base = buffer.baseAddress else { return nil }
            // Eight bytes (sixteen digits) a word, straight into the words' memory: no bounds checks
            // or per-byte closure calls on the path every ballot element and scalar takes.
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var bad: UInt8 = 0
            withUnsafeMutableBytes(of: &words) { out in
                for k in 0..<32 {
                    let h = nibbleOrBad(base[2 &* k]), l = nibbleOrBad(base[2 &* k &+ 1])
                    bad |= (h | l) & 0xf0
                    out[k] = h << 4 | l
                }
            }
            guard bad == 0 else { return nil }
            return withUnsafeBytes(of: words) { Bytes32(copying: $0.baseAddress!) }
        }
    }

    /// A lowercase hex digit's value, or a value with high bits set (0xff) for anything else.
    @inline(__always)
    private static func nibbleOrBad(_ c: UInt8) -> UInt8 {
        let d = c &- UInt8(ascii: "0")
        if d < 10 { return d }
        let a = c &- UInt8(ascii: "a")
        return a < 6 ? a &+ 10 : 0xff
    }

    // Element fields, keys and signatures are hex: decoded straight from contiguous storage.
    private static func decode(buffer text: UnsafeBufferPointer<UInt8>, length: Int?) -> Result<[UInt8], AuditError> {
        guard text.count % 2 == 0 else { return .failure(.malformed("hex text has an odd number of digits")) }
        if let length, text.count != 2 * length {
            return .failure(.malformed("expected \(length) bytes of hex, found \(text.count / 2)"))
        }
        var valid = true
        let out = [UInt8](unsafeUninitializedCapacity: text.count / 2) { o, initialized in
            for k in 0..<text.count / 2 {
                guard let h = nibble(text[2 * k]), let l = nibble(text[2 * k + 1]) else { valid = false; break }
                o[k] = h << 4 | l
                initialized = k + 1
            }
        }
        return valid ? .success(out) : .failure(.malformed("not lowercase hex"))
    }
}
