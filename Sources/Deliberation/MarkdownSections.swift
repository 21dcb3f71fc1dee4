/// Finds sections of a Markdown text by their ATX heading (`#` to `######`).
///
/// A section is its heading line plus the lines after it up to the next heading of the same or a
/// higher level (fewer `#`), or the end of the text. Lines inside fenced code blocks (```` ``` ```` or
/// `~~~`) are never headings.
public enum MarkdownSections {
    /// A heading found in the text.
    public struct Heading: Hashable, Sendable {
        /// 0-based line index of the heading.
        public let line: Int
        /// 1 to 6.
        public let level: Int
        /// The heading line as written, e.g. `## Possibles`.
        public let text: String
    }

    /// Every heading of `text`, in order.
    public static func headings(_ text: TextLines) -> [Heading] {
        var result: [Heading] = []
        var fence: [UInt8]? = nil
        for (index, line) in text.lines.enumerated() {
            let bytes = line.bytes
            let trimmed = Array(bytes.drop(while: { $0 == 0x20 }))
            let indent = bytes.count - trimmed.count
            if indent <= 3, trimmed.count >= 3 {
                let marker = trimmed[0]
                if marker == 0x60 || marker == 0x7E {
                    let run = trimmed.prefix(while: { $0 == marker }).count
                    if run >= 3 {
                        if let open = fence {
                            if open[0] == marker, run >= open.count { fence = nil }
                        } else {
                            fence = Array(trimmed.prefix(run))
                        }
                        continue
                    }
                }
            }
            if fence != nil { continue }
            guard indent <= 3 else { continue }
            let hashes = trimmed.prefix(while: { $0 == 0x23 }).count
            guard (1...6).contains(hashes) else { continue }
            if trimmed.count == hashes || trimmed[hashes] == 0x20 || trimmed[hashes] == 0x09 {
                result.append(Heading(line: index, level: hashes, text: line.text))
            }
        }
        return result
    }

    /// The 0-based line range of the *content* of the section headed by `heading` (the lines after the
    /// heading line, up to the next heading of the same or a higher level).
    ///
    /// The heading is matched byte for byte against whole heading lines, ignoring trailing spaces.
    /// - Throws: ``DeliberationError/Code/sectionNotFound`` or ``DeliberationError/Code/ambiguousSection``.
    public static func contentRange(of heading: String, in text: TextLines) throws -> Range<Int> {
        let all = headings(text)
        let wanted = trimmedTrailing(Array(heading.utf8))
        let matches = all.indices.filter { trimmedTrailing(Array(all[$0].text.utf8)) == wanted }
        guard let first = matches.first else {
            let known = all.map { "\"\($0.text)\"" }.joined(separator: ", ")
            throw DeliberationError(
                .sectionNotFound,
                "No section has the heading \"\(heading)\"" + (known.isEmpty ? "; the text has no headings." : "; the headings are \(known)."))
        }
        guard matches.count == 1 else {
            throw DeliberationError(
                .ambiguousSection,
                "\(matches.count) sections have the heading \"\(heading)\" (lines "
                    + matches.map { String(all[$0].line + 1) }.joined(separator: ", ")
                    + "); amend by line range instead.")
        }
        let h = all[first]
        let end = all[(first + 1)...].first(where: { $0.level <= h.level })?.line ?? text.count
        return (h.line + 1)..<end
    }

    private static func trimmedTrailing(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        while let last = b.last, last == 0x20 || last == 0x09 || last == 0x0D { b.removeLast() }
        return b
    }
}
