/// Applying an amendment's change to a proposal body (SPEC.md §6.5).
enum MarkdownChange {
    struct Line: Equatable { var bytes: ArraySlice<UInt8>; var newline: Bool }

    static func split(_ body: [UInt8]) -> [Line] {
        var out: [Line] = []
        var start = 0
        for (i, b) in body.enumerated() where b == 0x0a {
            out.append(Line(bytes: body[start..<i], newline: true))
            start = i + 1
        }
        if start < body.count { out.append(Line(bytes: body[start...], newline: false)) }
        return out
    }

    static func join(_ lines: [Line]) -> [UInt8] {
        var out: [UInt8] = []
        for l in lines { out += l.bytes; if l.newline { out.append(0x0a) } }
        return out
    }

    /// Heading level of each line (nil when not a heading), with fenced blocks skipped.
    static func headingLevels(_ lines: [Line]) -> [Int?] {
        var fence: (char: UInt8, run: Int)? = nil
        var out: [Int?] = []
        for l in lines {
            let b = Array(l.bytes)
            var i = 0
            while i < b.count, b[i] == 0x20 { i += 1 }
            let t = b[i...]
            if i <= 3, let c = t.first, c == 0x60 || c == 0x7e {
                let run = t.prefix { $0 == c }.count
                if run >= 3 {
                    if let f = fence {
                        if f.char == c && run >= f.run { fence = nil }
                    } else {
                        fence = (c, run)
                    }
                    out.append(nil)
                    continue
                }
            }
            if fence != nil || i > 3 { out.append(nil); continue }
            let hashes = t.prefix { $0 == 0x23 }.count
            if (1...6).contains(hashes) {
                let after = t.dropFirst(hashes).first
                if after == nil || after == 0x20 || after == 0x09 { out.append(hashes); continue }
            }
            out.append(nil)
        }
        return out
    }

    static func trimTrailing(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var e = b.endIndex
        while e > b.startIndex, [0x20, 0x09, 0x0d].contains(b[e - 1]) { e -= 1 }
        return b[b.startIndex..<e]
    }

    /// The body after the change, or the reason it does not apply.
    static func apply(body: [UInt8], section heading: String?, start: Int?, count: Int?, replacement: [UInt8]) -> Result<[UInt8], AuditError> {
        let lines = split(body)
        let range: Range<Int>
        if let heading {
            let levels = headingLevels(lines)
            let wanted = trimTrailing(ArraySlice(Array(heading.utf8)))
            let matches = lines.indices.filter { levels[$0] != nil && trimTrailing(lines[$0].bytes).elementsEqual(wanted) }
            guard matches.count == 1 else { return .failure(.malformed("the heading must appear exactly once in the current body (found \(matches.count))")) }
            let h = matches[0]
            let level = levels[h]!
            var end = h + 1
            while end < lines.count, !(levels[end].map { $0 <= level } ?? false) { end += 1 }
            range = (h + 1)..<end
        } else {
            guard let start, let count, start >= 1, count >= 0, start <= lines.count + 1, start - 1 + count <= lines.count else {
                return .failure(.malformed("the line range does not fit the current body (\(lines.count) lines)"))
            }
            range = (start - 1)..<(start - 1 + count)
        }
        var result = Array(lines[..<range.lowerBound]) + split(replacement) + Array(lines[range.upperBound...])
        for i in result.indices.dropLast() { result[i].newline = true }
        let out = join(result)
        guard out != body else { return .failure(.malformed("the change leaves the body unchanged")) }
        return .success(out)
    }
}
