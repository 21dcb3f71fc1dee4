/// A proposal as a Markdown file with front matter, the form kept in `Proposals/`.
///
/// The format (a strict subset of YAML front matter, so ordinary tools can read it):
/// ```
/// ---
/// id: amap-de-la-donnee
/// title: Vers une AMAP de la donnée
/// track: savoirs partagés
/// status: open
/// author: moments-invention-2016
/// facets:
///   enjeux:
///     - …
///   paradoxes: []
///   possibles:
///     - …
/// ---
/// <Markdown body, byte for byte>
/// ```
/// Keys come in exactly this order. A value is written plain unless YAML would misread it, and then
/// in double quotes with `\"`, `\\`, `\n`, `\t` and `\uXXXX` escapes. An empty facet is `[]`.
///
/// Parsing is strict: a file is accepted only if rendering what was read gives back the same bytes,
/// so that import → export is byte-identical for every accepted file.
public struct ProposalDocument: Hashable, Sendable {
    public var id: ProposalID
    public var content: ProposalContent
    public var status: ProposalStatus
    public var author: ParticipantID

    public init(id: ProposalID, content: ProposalContent, status: ProposalStatus, author: ParticipantID) {
        self.id = id
        self.content = content
        self.status = status
        self.author = author
    }

    /// Reads a proposal file.
    /// - Parameter text: the whole file.
    /// - Throws: ``DeliberationError/Code/malformedDocument`` naming the line that cannot be read, or
    ///   ``DeliberationError/Code/nonCanonicalDocument`` naming the first line that differs from the
    ///   canonical form (and showing that form), or the errors of invalid identifiers, tracks, statuses.
    public init(parsing text: String) throws {
        var reader = FrontMatterReader(text: text)
        try reader.expectLine("---")
        let id = try ProposalID(reader.value(for: "id"))
        let title = try reader.value(for: "title")
        let track = try Track(name: reader.value(for: "track"))
        let status = try ProposalStatus(text: reader.value(for: "status"))
        let author = try ParticipantID(reader.value(for: "author"))
        try reader.expectLine("facets:")
        let enjeux = try reader.list(for: "enjeux")
        let paradoxes = try reader.list(for: "paradoxes")
        let possibles = try reader.list(for: "possibles")
        try reader.expectLine("---")
        let body = reader.rest
        let content = ProposalContent(
            title: title, track: track, facets: Facets(enjeux: enjeux, paradoxes: paradoxes, possibles: possibles), body: body)
        do {
            try content.validate()
        } catch let error as DeliberationError {
            throw DeliberationError(.malformedDocument, "In proposal \(id.rawValue): \(error.message)")
        }
        self.init(id: id, content: content, status: status, author: author)
        let rendered = self.text
        if Array(rendered.utf8) != Array(text.utf8) {
            throw Self.nonCanonical(text, rendered)
        }
    }

    /// The file's exact text.
    public var text: String {
        var out = "---\n"
        out += "id: \(Self.scalar(id.rawValue))\n"
        out += "title: \(Self.scalar(content.title))\n"
        out += "track: \(Self.scalar(content.track.rawValue))\n"
        out += "status: \(Self.scalar(status.text))\n"
        out += "author: \(Self.scalar(author.rawValue))\n"
        out += "facets:\n"
        for (name, items) in [("enjeux", content.facets.enjeux), ("paradoxes", content.facets.paradoxes), ("possibles", content.facets.possibles)] {
            if items.isEmpty {
                out += "  \(name): []\n"
            } else {
                out += "  \(name):\n"
                for item in items { out += "    - \(Self.scalar(item))\n" }
            }
        }
        out += "---\n"
        out += content.body
        return out
    }

    /// The canonical form of a file that parses but is not canonical (for a `format` command).
    /// - Throws: what ``init(parsing:)`` throws, except ``DeliberationError/Code/nonCanonicalDocument``.
    public static func canonicalText(of text: String) throws -> String {
        do {
            return try ProposalDocument(parsing: text).text
        } catch let error as DeliberationError where error.code == .nonCanonicalDocument {
            return try ProposalDocument(lenient: text).text
        }
    }

    private init(lenient text: String) throws {
        var reader = FrontMatterReader(text: text)
        try reader.expectLine("---")
        let id = try ProposalID(reader.value(for: "id"))
        let title = try reader.value(for: "title")
        let track = try Track(name: reader.value(for: "track"))
        let status = try ProposalStatus(text: reader.value(for: "status"))
        let author = try ParticipantID(reader.value(for: "author"))
        try reader.expectLine("facets:")
        let facets = Facets(enjeux: try reader.list(for: "enjeux"), paradoxes: try reader.list(for: "paradoxes"), possibles: try reader.list(for: "possibles"))
        try reader.expectLine("---")
        self.init(id: id, content: ProposalContent(title: title, track: track, facets: facets, body: reader.rest), status: status, author: author)
    }

    private static func nonCanonical(_ given: String, _ canonical: String) -> DeliberationError {
        let a = TextLines(given).lines, b = TextLines(canonical).lines
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        let expected = i < b.count ? "\"\(b[i].text)\"" + (b[i].terminated ? "" : " without a final newline") : "the end of the file"
        return DeliberationError(
            .nonCanonicalDocument,
            "Line \(i + 1) is not in the canonical form, so the file would not export back byte for byte; write it as \(expected).")
    }

    // MARK: - Scalars

    static func scalar(_ s: String) -> String {
        needsQuotes(s) ? quoted(s) : s
    }

    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return true }
        if " \t".unicodeScalars.contains(first) || " \t".unicodeScalars.contains(last) { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return true }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return true }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFEFF || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 }) { return true }
        let lower = s.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(lower) { return true }
        if Double(s) != nil || Int(s) != nil || s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix(".") { return true }
        return false
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0xFEFF || u.value == 0x2028 || u.value == 0x2029 {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// Reads the front matter line by line.
struct FrontMatterReader {
    private let lines: [TextLines.Line]
    private var index = 0

    init(text: String) {
        lines = TextLines(text).lines
    }

    /// Everything after the current line, byte for byte.
    var rest: String { TextLines(lines: Array(lines[index...])).text }

    private func fail(_ message: String) -> DeliberationError {
        DeliberationError(.malformedDocument, "Line \(index + 1): \(message)")
    }

    private mutating func next(_ expecting: String) throws -> String {
        guard index < lines.count else { throw fail("the file ends where \(expecting) was expected.") }
        guard lines[index].terminated else { throw fail("the front matter must end each line with a newline.") }
        let text = lines[index].text
        index += 1
        return text
    }

    mutating func expectLine(_ line: String) throws {
        let got = try next("\"\(line)\"")
        guard Array(got.utf8) == Array(line.utf8) else {
            index -= 1
            if got.utf8.last == 0x0D {
                throw fail("the file uses Windows line ends (CR LF); save it with LF line ends.")
            }
            throw fail("expected \"\(line)\"" + (line == "---" && index == 0 ? " (a proposal file starts with front matter between two \"---\" lines)." : "."))
        }
    }

    /// Reads `key: value`.
    mutating func value(for key: String) throws -> String {
        let line = try next("\"\(key): …\"")
        let prefix = key + ": "
        guard line.hasPrefix(prefix) else {
            index -= 1
            throw fail("expected \"\(key): …\"; the keys are, in order: id, title, track, status, author, facets.")
        }
        return try parseScalar(String(line.dropFirst(prefix.count)))
    }

    /// Reads `  key: []` or `  key:` followed by `    - item` lines.
    mutating func list(for key: String) throws -> [String] {
        let line = try next("\"  \(key):\"")
        if line == "  \(key): []" { return [] }
        guard line == "  \(key):" else {
            index -= 1
            throw fail("expected \"  \(key):\" (or \"  \(key): []\" when empty); the facets are, in order: enjeux, paradoxes, possibles.")
        }
        var items: [String] = []
        while index < lines.count, lines[index].text.hasPrefix("    - ") {
            let item = try next("an item")
            items.append(try parseScalar(String(item.dropFirst(6))))
        }
        guard !items.isEmpty else { throw fail("the facet \(key) has no items; write \"  \(key): []\" when it is empty.") }
        return items
    }

    private func parseScalar(_ raw: String) throws -> String {
        guard raw.hasPrefix("\"") else {
            guard !raw.isEmpty else { throw fail("a value is missing.") }
            return raw
        }
        var out = String.UnicodeScalarView()
        var it = raw.unicodeScalars.dropFirst().makeIterator()
        while let u = it.next() {
            switch u {
            case "\"":
                guard it.next() == nil else { throw fail("text follows the closing quote.") }
                return String(out)
            case "\\":
                guard let e = it.next() else { throw fail("the quoted value ends inside an escape.") }
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "u":
                    var hex = ""
                    for _ in 0..<4 { if let h = it.next() { hex.unicodeScalars.append(h) } }
                    guard hex.count == 4, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                        throw fail("\\u must be followed by four hexadecimal digits.")
                    }
                    out.append(scalar)
                default: throw fail("unknown escape \\\(e) in a quoted value.")
                }
            default:
                out.append(u)
            }
        }
        throw fail("the quoted value has no closing quote.")
    }
}
