/// The key structure of a payload, read strictly as SPEC §2.3 requires of every payload value: no
/// object holds the same key twice (at any depth), and every number is an integer written `0`,
/// `[1-9][0-9]*` or the same with a leading `-` (never `422.0`, `4.22e2`, `0422` or `-0`).
///
/// A decoder compares the shape of the bytes it was given with the shape of the payload it re-encodes
/// (``unknownKey(comparedWith:)``), so that a key its kind does not define is refused too.
public indirect enum PayloadShape: Equatable, Sendable {
    case object([String: PayloadShape])
    case array([PayloadShape])
    case scalar

    /// Parses `bytes` (one JSON value, whitespace around it allowed).
    /// - Throws: ``LogError`` (`malformedPayload`) whose description names what is wrong in a few
    ///   words, never a value: a clause made to be quoted in the decoding module's own sentence
    ///   (which says what to do).
    public static func parse(_ bytes: [UInt8]) throws(LogError) -> PayloadShape {
        var parser = JSONValidator(bytes: bytes)
        do {
            parser.skipWhitespace()
            let shape = try parser.parseShape(depth: 0)
            parser.skipWhitespace()
            guard parser.position == bytes.count else { throw JSONValidator.Failure(reason: "there is text after the object") }
            return shape
        } catch {
            // The validator throws only its `Failure`.
            throw LogError(.malformedPayload, (error as? JSONValidator.Failure)?.reason ?? "it is not valid JSON")
        }
    }

    /// The shape of a value as ``OrderedJSON`` would write it, without writing it (a decoder's canonical
    /// shape). A key listed twice keeps its first value (the kinds never list one twice).
    public init(_ json: OrderedJSON) {
        switch json {
        case .object(let members): self = .object(Dictionary(members.map { ($0.0, PayloadShape($0.1)) }, uniquingKeysWith: { a, _ in a }))
        case .array(let items): self = .array(items.map(PayloadShape.init))
        case .string, .int, .bool, .null: self = .scalar
        }
    }

    /// The path of the first key of `self` that `canonical` (the same payload as its kind writes it)
    /// does not have, e.g. `contests[0].extra`; nil when every key is known.
    public func unknownKey(comparedWith canonical: PayloadShape, path: String = "") -> String? {
        // Every accepted payload passes here: look first without sorting keys or building paths.
        hasUnknownKey(comparedWith: canonical) ? firstUnknownKey(comparedWith: canonical, path: path) : nil
    }

    private func hasUnknownKey(comparedWith canonical: PayloadShape) -> Bool {
        switch (self, canonical) {
        case let (.object(mine), .object(known)):
            for (key, value) in mine {
                guard let expected = known[key] else { return true }
                if value.hasUnknownKey(comparedWith: expected) { return true }
            }
            return false
        case let (.array(mine), .array(known)):
            for (a, b) in zip(mine, known) where a.hasUnknownKey(comparedWith: b) { return true }
            return false
        default:
            return false
        }
    }

    /// The first unknown key in key order, depth first (the path the error names).
    private func firstUnknownKey(comparedWith canonical: PayloadShape, path: String) -> String? {
        switch (self, canonical) {
        case let (.object(mine), .object(known)):
            for (key, value) in mine.sorted(by: { $0.key < $1.key }) {
                let at = path.isEmpty ? key : "\(path).\(key)"
                guard let expected = known[key] else { return at }
                if let deeper = value.firstUnknownKey(comparedWith: expected, path: at) { return deeper }
            }
            return nil
        case let (.array(mine), .array(known)):
            for (i, (a, b)) in zip(mine, known).enumerated() {
                if let deeper = a.firstUnknownKey(comparedWith: b, path: "\(path)[\(i)]") { return deeper }
            }
            return nil
        default:
            return nil
        }
    }
}

extension JSONValidator {
    mutating func parseShape(depth: Int) throws -> PayloadShape {
        skipWhitespace()
        guard let b = peek() else { throw Failure(reason: "it ends too early") }
        if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
            guard depth < PayloadHeader.maximumDepth else { throw Failure(reason: "it is nested more than 128 levels deep") }
        }
        switch b {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: PayloadShape] = [:]
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                let key = try parseString()
                try colon()
                let value = try parseShape(depth: depth + 1)
                guard members.updateValue(value, forKey: key) == nil else {
                    throw Failure(reason: "an object holds the key \"\(key.prefix(40))\" twice")
                }
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
                try expect(UInt8(ascii: ","), "object members are not separated by commas")
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [PayloadShape] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                items.append(try parseShape(depth: depth + 1))
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { position += 1; return .array(items) }
                try expect(UInt8(ascii: ","), "array items are not separated by commas")
            }
        case UInt8(ascii: "\""): _ = try parseString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try parseInteger()
        }
        return .scalar
    }

    /// `-?(0|[1-9][0-9]*)`, not `-0`, and nothing of a fraction or an exponent.
    private mutating func parseInteger() throws {
        let negative = peek() == UInt8(ascii: "-")
        if negative { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
            guard !negative else { throw Failure(reason: "a number is -0, which is not an integer") }
        } else {
            guard let b = peek(), b >= 0x31 && b <= 0x39 else { throw Failure(reason: "it contains an invalid value") }
            _ = digits()
        }
        if let b = peek(), b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || (b >= 0x30 && b <= 0x39) {
            throw Failure(reason: "a number is not an integer written without fraction, exponent or leading zero")
        }
    }
}
