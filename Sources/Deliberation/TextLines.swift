/// A text as a list of lines, compared byte for byte.
///
/// Lines are split on `\n` (0x0A) only; a `\r` stays part of its line. Each line remembers whether it
/// ended with `\n`: only the last line may not. Lines compare by their UTF-8 bytes, not by Swift
/// `String` equality, which treats "é" and "e" + U+0301 as equal: a diff must show such a change.
public struct TextLines: Hashable, Sendable {
    /// One line: its bytes without the newline, and whether a newline followed.
    public struct Line: Hashable, Sendable {
        public var bytes: [UInt8]
        public var terminated: Bool
        public init(bytes: [UInt8], terminated: Bool) {
            self.bytes = bytes
            self.terminated = terminated
        }
        /// The line's text without its newline.
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    public private(set) var lines: [Line]

    /// Splits `text` into lines. The empty text has no lines; `"\n"` has one empty line.
    public init(_ text: String) {
        var lines: [Line] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            if byte == 0x0A {
                lines.append(Line(bytes: current, terminated: true))
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(Line(bytes: current, terminated: false)) }
        self.lines = lines
    }

    init(lines: [Line]) {
        self.lines = lines
    }

    /// The number of lines.
    public var count: Int { lines.count }

    /// The text back, byte for byte.
    public var text: String {
        var out: [UInt8] = []
        for line in lines {
            out.append(contentsOf: line.bytes)
            if line.terminated { out.append(0x0A) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Replaces `range` (0-based line indices) with `replacement`, keeping the text well formed: a line
    /// that is followed by another line always ends with a newline.
    ///
    /// - Throws: ``DeliberationError/Code/lineRangeOutOfBounds`` if `range` is not within `0...count`.
    public func replacing(_ range: Range<Int>, with replacement: TextLines) throws -> TextLines {
        guard range.lowerBound >= 0, range.upperBound <= lines.count else {
            throw DeliberationError(
                .lineRangeOutOfBounds,
                "Lines \(range.lowerBound + 1)–\(range.upperBound) are outside the text, which has \(lines.count) line(s).")
        }
        var result = Array(lines[..<range.lowerBound])
        result.append(contentsOf: replacement.lines)
        let tail = lines[range.upperBound...]
        result.append(contentsOf: tail)
        for i in result.indices.dropLast() where !result[i].terminated {
            result[i].terminated = true
        }
        return TextLines(lines: result)
    }

    /// A slice of lines as its own text.
    func slice(_ range: Range<Int>) -> TextLines { TextLines(lines: Array(lines[range])) }
}
