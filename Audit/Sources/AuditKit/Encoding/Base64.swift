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
        // Payloads are most of a record's bytes: decode straight from contiguous storage.
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return try result.get() }
        return try Array(text).withUnsafeBufferPointer { decode(buffer: $0) }.get()
    }

    private static func decode(buffer s: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], AuditError> {
        let n = s.count
        guard n % 4 == 0 else { return .failure(.malformed("base64 length is not a multiple of 4")) }
        guard n > 0 else { return .success([]) }
        let eq = UInt8(ascii: "=")
        let pad = s[n - 1] == eq ? (s[n - 2] == eq ? 2 : 1) : 0
        var failure: AuditError? = nil
        let out = [UInt8](unsafeUninitializedCapacity: n / 4 * 3) { o, initialized in
            table.withUnsafeBufferPointer { t in
                var i = 0, j = 0
                var seen: UInt8 = 0                        // OR of every digit: bit 7 set iff one was invalid
                while i < n - 4 {
                    let d0 = t[Int(s[i])], d1 = t[Int(s[i + 1])], d2 = t[Int(s[i + 2])], d3 = t[Int(s[i + 3])]
                    seen |= d0 | d1 | d2 | d3
                    let v = UInt32(d0) << 18 | UInt32(d1) << 12 | UInt32(d2) << 6 | UInt32(d3)
                    o[j] = UInt8(truncatingIfNeeded: v >> 16)
                    o[j + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    o[j + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4
                    j += 3
                }
                // The last group, with its padding.
                var v: UInt32 = 0
                for k in 0..<(4 - pad) {
                    let d = t[Int(s[i + k])]
                    seen |= d
                    v |= UInt32(d) << (18 - 6 * UInt32(k))
                }
                if seen & 0x80 != 0 {
                    failure = .malformed("invalid base64 character")
                } else if (pad == 1 && v & 0xff != 0) || (pad == 2 && v & 0xffff != 0) {
                    failure = .malformed("base64 is not canonical (trailing bits)")
                } else {
                    for k in 0..<(3 - pad) { o[j + k] = UInt8(truncatingIfNeeded: v >> (16 - 8 * UInt32(k))) }
                    j += 3 - pad
                }
                initialized = j
            }
        }
        if let failure { return .failure(failure) }
        return .success(out)
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
