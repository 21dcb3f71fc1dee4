/// A minimal JSON value whose objects keep their key order, so that entry payloads are written
/// byte for byte as `Audit/SPEC.md` shows them (first key `kind`, second `record`, …).
///
/// Payloads are *written* with this type and *read* with `JSONDecoder`: the signed bytes are the
/// ones produced here, and readers never re-serialise.
public indirect enum OrderedJSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// The compact UTF-8 serialisation (no spaces, keys in the given order).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .int(let v): out.append(contentsOf: Array(String(v).utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .null: out.append(contentsOf: Array("null".utf8))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 string escaping: `"` `\` and control characters; everything else as UTF-8.
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension OrderedJSON {
    /// `.string` or `.null` for an optional string.
    public static func optional(_ s: String?) -> OrderedJSON { s.map(OrderedJSON.string) ?? .null }
    /// `.int` or `.null` for an optional integer.
    public static func optional(_ v: Int?) -> OrderedJSON { v.map(OrderedJSON.int) ?? .null }
}

extension OrderedJSON {
    /// The exact bytes an author signs for an entry of a term: `{"kind":…,"record":…,"term":…,<fields>}`
    /// with no spaces (`Audit/SPEC.md` §2.3). Every module's payloads are written through this.
    public static func payload(kind: String, record: String, term: String, fields: [(String, OrderedJSON)]) -> [UInt8] {
        object([("kind", .string(kind)), ("record", .string(record)), ("term", .string(term))] + fields).serialized()
    }

    /// A short description of a `JSONDecoder` error that names the offending field but never its value.
    public static func describe(decoding error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let ctx):
            ctx.codingPath.isEmpty ? "not valid JSON" : "bad value at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "unreadable"
        }
    }
}
