/// The header of every payload (SPEC §2.3): `"kind"`, then `"record"`, then — for every entry of a
/// term — `"term"`. The one place a payload's header is read: the log parses it when it checks an
/// entry, and the node routes and checks the term with it, once per entry.
///
/// Parsing validates the whole payload as one RFC 8259 JSON object in UTF-8 (nothing but
/// whitespace after it), and reads string values with all escapes decoded.
public struct PayloadHeader: Equatable, Sendable {
    public let kind: String
    public let record: String
    /// The third member's value when it is `"term"` with a string value; nil otherwise.
    public let term: String?

    static let maximumDepth = 128

    public init(kind: String, record: String, term: String?) {
        self.kind = kind; self.record = record; self.term = term
    }

    /// Parses and validates `bytes`.
    /// - Throws: ``LogError`` (`malformedPayload`) naming what is wrong.
    public static func parse(_ bytes: [UInt8]) throws -> PayloadHeader {
        var parser = JSONValidator(bytes: bytes)
        do {
            return try parser.parsePayload()
        } catch let failure as JSONValidator.Failure {
            throw LogError(.malformedPayload, "The entry's payload is not a JSON object starting with \"kind\" and then \"record\" (\(failure.reason)). Have the author rebuild the entry.")
        }
    }

    /// The one term check of every module: the entry must name `term` as its third member.
    /// - Parameter refusal: the module's error for a message.
    public func requireTerm(_ term: String, refusal: (String) -> any Error) throws {
        guard self.term == term else {
            throw refusal("The entry names term \"\(self.term ?? "")\", but this log holds term \"\(term)\".")
        }
    }
}

/// A strict JSON grammar checker that can also return string values.
struct JSONValidator {
    struct Failure: Error { let reason: String }

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parsePayload() throws -> PayloadHeader {
        skipWhitespace()
        try expect(UInt8(ascii: "{"), "it does not start with {")
        skipWhitespace()
        let key1 = try parseString()
        guard key1 == "kind" else { throw Failure(reason: "the first key is not \"kind\"") }
        try colon()
        guard peek() == UInt8(ascii: "\"") else { throw Failure(reason: "\"kind\" is not a string") }
        let kind = try parseString()
        guard !kind.isEmpty else { throw Failure(reason: "\"kind\" is empty") }
        skipWhitespace()
        try expect(UInt8(ascii: ","), "there is no second key")
        skipWhitespace()
        let key2 = try parseString()
        guard key2 == "record" else { throw Failure(reason: "the second key is not \"record\"") }
        try colon()
        guard peek() == UInt8(ascii: "\"") else { throw Failure(reason: "\"record\" is not a string") }
        let record = try parseString()
        var term: String?
        // The rest of the object.
        var member = 2
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; break }
            try expect(UInt8(ascii: ","), "members are not separated by commas")
            skipWhitespace()
            let key = try parseString()
            try colon()
            if member == 2, key == "term", peek() == UInt8(ascii: "\"") {
                term = try parseString()
            } else {
                try parseValue(depth: 1)
            }
            member += 1
        }
        skipWhitespace()
        guard position == bytes.count else { throw Failure(reason: "there is text after the object") }
        return PayloadHeader(kind: kind, record: record, term: term)
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func expect(_ byte: UInt8, _ reason: String) throws {
        guard peek() == byte else { throw Failure(reason: reason) }
        position += 1
    }

    mutating func colon() throws {
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "a key is not followed by :")
        skipWhitespace()
    }

    mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 { position += 1 }
    }

    private mutating func parseValue(depth: Int) throws {
        skipWhitespace()
        guard let b = peek() else { throw Failure(reason: "it ends too early") }
        // The payload object is level 1; a container value at `depth` is level depth + 1.
        if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
            guard depth < PayloadHeader.maximumDepth else { throw Failure(reason: "it is nested more than 128 levels deep") }
        }
        switch b {
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return }
            while true {
                skipWhitespace()
                _ = try parseString()
                try colon()
                try parseValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { position += 1; return }
                try expect(UInt8(ascii: ","), "object members are not separated by commas")
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { position += 1; return }
            while true {
                try parseValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { position += 1; return }
                try expect(UInt8(ascii: ","), "array items are not separated by commas")
            }
        case UInt8(ascii: "\""):
            _ = try parseString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try parseNumber()
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let text = word.withUTF8Buffer { Array($0) }
        guard position + text.count <= bytes.count, Array(bytes[position..<(position + text.count)]) == text else {
            throw Failure(reason: "it contains an unknown literal")
        }
        position += text.count
    }

    mutating func digits() -> Int {
        let start = position
        while let b = peek(), b >= 0x30 && b <= 0x39 { position += 1 }
        return position - start
    }

    private mutating func parseNumber() throws {
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            guard let b = peek(), b >= 0x31 && b <= 0x39 else { throw Failure(reason: "it contains an invalid value") }
            _ = digits()
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw Failure(reason: "it contains an invalid number") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw Failure(reason: "it contains an invalid number") }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw Failure(reason: "it contains a bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw Failure(reason: "it contains a bad \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Parses a string at the current position, validating UTF-8 and escapes; returns its value.
    mutating func parseString() throws -> String {
        try expect(UInt8(ascii: "\""), "a key or string is not quoted")
        // Fast path (keys, hex values): a run of printable ASCII without escapes becomes the String in one
        // go; anything else continues below, scalar by scalar, from where the run stopped.
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") else { break }
            position += 1
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            defer { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(decoding: bytes[start..<position], as: UTF8.self).unicodeScalars)
        while true {
            guard let b = peek() else { throw Failure(reason: "a string is not closed") }
            if b == UInt8(ascii: "\"") {
                position += 1
                return String(scalars)
            }
            if b < 0x20 { throw Failure(reason: "a string contains a raw control character") }
            if b == UInt8(ascii: "\\") {
                position += 1
                guard let e = peek() else { throw Failure(reason: "a string is not closed") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw Failure(reason: "a string contains a lone surrogate")
                        }
                        position += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw Failure(reason: "a string contains a lone surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if code >= 0xDC00 && code < 0xE000 {
                        throw Failure(reason: "a string contains a lone surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw Failure(reason: "a string contains a bad \\u escape") }
                    scalars.append(scalar)
                default:
                    throw Failure(reason: "a string contains an unknown escape")
                }
                continue
            }
            // UTF-8 sequence.
            let (scalar, length) = try decodeUTF8(at: position)
            scalars.append(scalar)
            position += length
        }
    }

    private func decodeUTF8(at i: Int) throws -> (Unicode.Scalar, Int) {
        let b0 = bytes[i]
        let bad = Failure(reason: "it is not valid UTF-8")
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: throw bad
        }
        guard i + length <= bytes.count else { throw bad }
        for j in 1..<length {
            let b = bytes[i + j]
            guard b & 0xC0 == 0x80 else { throw bad }
            value = value << 6 | UInt32(b & 0x3F)
        }
        // Reject overlong forms, surrogates and values beyond U+10FFFF.
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value),
            let scalar = Unicode.Scalar(value)
        else { throw bad }
        return (scalar, length)
    }
}
