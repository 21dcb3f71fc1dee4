/// What an amendment changes in a proposal's body.
public enum AmendmentChange: Hashable, Sendable {
    /// Replace the content of the section headed by `heading` (the heading line itself stays) with
    /// `replacement`.
    case section(heading: String, replacement: String)
    /// Replace `count` lines starting at 1-based line `start` with `replacement`. `count` 0 inserts
    /// before line `start`; `start` may be one past the last line to append.
    case lines(start: Int, count: Int, replacement: String)

    /// The body that results from applying this change to `body`.
    ///
    /// A replacement that does not end with a newline gets one when more lines follow it.
    /// - Throws: ``DeliberationError/Code/sectionNotFound``, ``DeliberationError/Code/ambiguousSection``,
    ///   ``DeliberationError/Code/lineRangeOutOfBounds``, or ``DeliberationError/Code/noChange`` when the
    ///   body would stay the same.
    public func apply(to body: String) throws -> String {
        let text = TextLines(body)
        let range: Range<Int>
        let replacement: String
        switch self {
        case .section(let heading, let r):
            range = try MarkdownSections.contentRange(of: heading, in: text)
            replacement = r
        case .lines(let start, let count, let r):
            guard start >= 1, count >= 0, start - 1 + count <= text.count, start <= text.count + 1 else {
                throw DeliberationError(
                    .lineRangeOutOfBounds,
                    "Lines \(start)–\(start + count - 1) are outside the text, which has \(text.count) line(s); "
                        + "line numbers start at 1 and \(text.count + 1) appends.")
            }
            range = (start - 1)..<(start - 1 + count)
            replacement = r
        }
        let result = try text.replacing(range, with: TextLines(replacement)).text
        guard Array(result.utf8) != Array(body.utf8) else {
            throw DeliberationError(.noChange, "The amendment leaves the text unchanged.")
        }
        return result
    }

    /// Expresses the difference between `old` and `new` as one change of the same kind as `self` where
    /// possible (a section change if the section exists once in both texts and only its content
    /// differs), otherwise as the smallest single line-range change.
    func reexpressed(from old: String, to new: String) -> AmendmentChange {
        let oldText = TextLines(old), newText = TextLines(new)
        if case .section(let heading, _) = self,
            let oldRange = try? MarkdownSections.contentRange(of: heading, in: oldText),
            let newRange = try? MarkdownSections.contentRange(of: heading, in: newText)
        {
            let content = newText.slice(newRange).text
            if let applied = try? AmendmentChange.section(heading: heading, replacement: content).apply(to: old),
                Array(applied.utf8) == Array(new.utf8)
            {
                _ = oldRange
                return .section(heading: heading, replacement: content)
            }
        }
        let a = oldText.lines, b = newText.lines
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let replacement = newText.slice(prefix..<(b.count - suffix)).text
        return .lines(start: prefix + 1, count: a.count - suffix - prefix, replacement: replacement)
    }
}
