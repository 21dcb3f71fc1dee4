/// A JSON value (RFC 8259) that keeps object keys in their written order and numbers as their
/// written text, because SPEC.md makes key order normative (a payload's first keys are `kind`,
/// `record`) and integers must be read exactly.
public indirect enum JSON: Sendable, Equatable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
    /// - Throws: ``AuditError`` with the byte offset of the first problem.
    public static func parse<C: Collection>(_ bytes: C) throws(AuditError) -> JSON where C.Element == UInt8 {
        let buffer = Array(bytes)
        var parser = JSONParser(bytes: buffer)
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.pos == buffer.count else { throw .malformed("unexpected text after the JSON value at byte \(parser.pos)") }
        return value
    }

    /// Parses a JSON text given as a string.
    public static func parse(_ text: String) throws(AuditError) -> JSON { try parse(Array(text.utf8)) }

    // MARK: Accessors

    /// The members of an object, in order, or nil.
    public var objectMembers: [(String, JSON)]? { if case let .object(m) = self { return m }; return nil }
    /// The first member named `key` of an object.
    public subscript(key: String) -> JSON? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var arrayValue: [JSON]? { if case let .array(a) = self { return a }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    /// A non-negative integer written without fraction, exponent or leading zeros.
    public var uint64Value: UInt64? {
        guard case let .number(text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if text.count > 1 && text.hasPrefix("0") { return nil }
        return UInt64(text)
    }
    /// A (possibly negative) integer.
    public var int64Value: Int64? {
        guard case let .number(text) = self else { return nil }
        if text.hasPrefix("-") {
            guard let m = JSON.number(String(text.dropFirst())).uint64Value, m <= UInt64(Int64.max) else { return nil }
            return -Int64(m)
        }
        guard let v = uint64Value, v <= UInt64(Int64.max) else { return nil }
        return Int64(v)
    }
    public var intValue: Int? { int64Value.map { Int($0) } }

    // MARK: Serialisation

    /// Compact serialisation (no spaces), keys in order; strings escaped minimally as RFC 8259 requires.
    public var compactText: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case let .object(members):
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(k, into: &out)
                out += ":"
                v.write(into: &out)
            }
            out += "}"
        case let .array(items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case let .string(s): JSON.writeString(s, into: &out)
        case let .number(n): out += n
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    let h = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// Builds JSON objects for reports and test records.
extension JSON {
    public static func int<I: BinaryInteger>(_ v: I) -> JSON { .number(String(v)) }
}

struct JSONParser {
    let bytes: [UInt8]
    var pos = 0
    /// Deep enough for anything the engine writes (it refuses more than 128 levels), shallow enough
    /// for a worker thread's stack.
    static let maxDepth = 256

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0a || bytes[pos] == 0x0d || bytes[pos] == 0x09 {
            pos += 1
        }
    }

    func fail(_ what: String) -> AuditError { .malformed("invalid JSON at byte \(pos): \(what)") }

    mutating func parseValue(depth: Int) throws(AuditError) -> JSON {
        guard depth < JSONParser.maxDepth else { throw fail("nested too deeply") }
        guard pos < bytes.count else { throw fail("unexpected end") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(String, JSON)] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try parseString()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                pos += 1
                skipSpace()
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end in object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSON] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end in array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try parseNumber())
        }
    }

    mutating func literal(_ word: StaticString) throws(AuditError) {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard pos + w.count <= bytes.count, bytes[pos..<pos + w.count].elementsEqual(w) else { throw fail("bad literal") }
        pos += w.count
    }

    mutating func parseNumber() throws(AuditError) -> String {
        let start = pos
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("expected a value") }
        if bytes[pos] == UInt8(ascii: "0") { pos += 1 } else { while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 } }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("bad fraction") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("bad exponent") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    mutating func hex4() throws(AuditError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    mutating func parseString() throws(AuditError) -> String {
        pos += 1  // opening quote
        // Nearly every string (hex, base64, names) has no escape and no control character: found in
        // one pass over the raw buffer, noting whether it is ASCII. Anything else (an escape, a
        // control character, no closing quote) takes the loop below from the same position, which
        // reads it as before and reports the same error.
        let first = pos
        let fast = bytes.withUnsafeBufferPointer { b -> (text: String, end: Int)? in
            var i = first
            var bits: UInt8 = 0
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(rebasing: b[first..<i])
                    // ASCII is valid UTF-8 as it stands: `String(decoding:)` skips the generic validation.
                    if bits < 0x80 { return (String(decoding: text, as: UTF8.self), i) }
                    return String(validating: text, as: UTF8.self).map { ($0, i) }
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                bits |= c
                i += 1
            }
            return nil
        }
        if let fast {
            pos = fast.end + 1
            return fast.text
        }
        var out = [UInt8]()
        var escaped = false
        var start = pos
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                if !escaped {
                    // Most strings (hex, base64, names) hold no escape: validated straight from the input.
                    pos += 1
                    let range = start..<pos - 1
                    let validated = bytes.withUnsafeBufferPointer { all -> String? in
                        let text = UnsafeBufferPointer(rebasing: all[range])
                        // ASCII (hex, base64, names: nearly every string) is valid UTF-8 as it stands;
                        // `String(decoding:)` then builds it without the generic validating path.
                        if text.allSatisfy({ $0 < 0x80 }) { return String(decoding: text, as: UTF8.self) }
                        return String(validating: text, as: UTF8.self)
                    }
                    guard let s = validated else { throw fail("string is not UTF-8") }
                    return s
                }
                out.append(contentsOf: bytes[start..<pos])
                pos += 1
                break
            }
            if c < 0x20 { throw fail("control character in string") }
            if c == UInt8(ascii: "\\") {
                escaped = true
                out.append(contentsOf: bytes[start..<pos])
                pos += 1
                guard pos < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard pos + 2 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate")
                        }
                        pos += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw fail("bad surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw fail("lone surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("bad code point") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("bad escape")
                }
                start = pos
                continue
            }
            pos += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not UTF-8") }
        return s
    }
}
