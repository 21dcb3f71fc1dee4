/// The members of a payload written in its plainest form: one JSON object, no whitespace, every value
/// a string of printable ASCII without escapes, or `null` — the form ``OrderedJSON`` writes for flat
/// kinds such as `roll.enrol`. Read in one pass (the same fast string run as ``PayloadHeader``'s), so
/// that a decoder can take such a payload without the general parser.
///
/// It is only a fast path: any other form (whitespace, an escape, a number, a nested value, bytes
/// after the object) returns nil, and the caller then decodes with its general, strict path — which
/// accepts every payload read here and gives the same values, so the two never disagree.
public enum FlatPayload {
    /// The members in order (a null value as nil), or nil if `bytes` are not in the plain form.
    public static func members(_ bytes: [UInt8]) -> [(key: String, value: String?)]? {
        var members: [(key: String, value: String?)] = []
        members.reserveCapacity(8)
        var i = 0
        let n = bytes.count
        guard n >= 2, bytes[0] == UInt8(ascii: "{") else { return nil }
        i = 1
        if bytes[1] == UInt8(ascii: "}") { return n == 2 ? members : nil }
        while true {
            guard let key = string(bytes, &i), i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard i < n else { return nil }
            let value: String?
            if bytes[i] == UInt8(ascii: "n") {
                guard i + 4 <= n, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "l"),
                      bytes[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                value = nil
            } else {
                guard let text = string(bytes, &i) else { return nil }
                value = text
            }
            members.append((key, value))
            guard i < n else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return i + 1 == n ? members : nil }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    /// A string at `i` made only of printable ASCII other than `"` and `\`; moves `i` past it. The one
    /// string run of the engine's fast payload readers (this one and `BallotCastReader`).
    @inlinable
    public static func string<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ i: inout Int) -> String?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        while j < bytes.endIndex {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") {
                i = j + 1
                return String(decoding: bytes[start..<j], as: UTF8.self)
            }
            guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
            j += 1
        }
        return nil
    }
}
