/// Standard base64 (RFC 4648 §4) with padding, decoded strictly: only canonical encodings are
/// accepted (correct padding, zero trailing bits), so each byte string has exactly one text form.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Encodes bytes as padded standard base64.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let v = UInt32(input[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical padded base64.
    /// - Throws: ``AuditError`` on any character outside the alphabet, bad padding or non-zero trailing bits.
    public static func decode<C: Collection>(_ text: C) throws(AuditError) -> [UInt8] where C.Element == UInt8 {
        let s = Array(text)
        guard s.count % 4 == 0 else { throw .malformed("base64 length is not a multiple of 4") }
        var out = [UInt8]()
        out.reserveCapacity(s.count / 4 * 3)
        var i = 0
        let eq = UInt8(ascii: "=")
        while i < s.count {
            let last = i + 4 == s.count
            let pad = last ? (s[i + 3] == eq ? (s[i + 2] == eq ? 2 : 1) : 0) : 0
            var v: UInt32 = 0
            for k in 0..<(4 - pad) {
                let d = table[Int(s[i + k])]
                guard d != 0xff else { throw .malformed("invalid base64 character") }
                v |= UInt32(d) << (18 - 6 * UInt32(k))
            }
            switch pad {
            case 0:
                out.append(UInt8(v >> 16 & 0xff)); out.append(UInt8(v >> 8 & 0xff)); out.append(UInt8(v & 0xff))
            case 1:
                guard v & 0xff == 0 else { throw .malformed("base64 is not canonical (trailing bits)") }
                out.append(UInt8(v >> 16 & 0xff)); out.append(UInt8(v >> 8 & 0xff))
            default:
                guard v & 0xffff == 0 else { throw .malformed("base64 is not canonical (trailing bits)") }
                out.append(UInt8(v >> 16 & 0xff))
            }
            i += 4
        }
        return out
    }

    /// Decodes canonical padded base64 from a string.
    public static func decode(_ text: String) throws(AuditError) -> [UInt8] { try decode(Array(text.utf8)) }
}

/// Big-endian integer and length-prefix helpers of SPEC.md's notation.
public enum Bytes {
    /// `u32be(n)`.
    public static func u32be(_ n: UInt32) -> [UInt8] {
        [UInt8(n >> 24 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
    }
    /// `u64be(n)`.
    public static func u64be(_ n: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(n >> (56 - 8 * UInt64($0)) & 0xff) }
    }
    /// `lp(x) = u32be(len(x)) || x`.
    public static func lp<C: Collection>(_ x: C) -> [UInt8] where C.Element == UInt8 {
        u32be(UInt32(x.count)) + Array(x)
    }
}
