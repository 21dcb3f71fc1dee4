import Foundation

/// Turns screens into terminal text.
///
/// **Full screen** (default): cleared, fitted to the terminal's columns and rows. The title, the
/// alert, the problem and the screen's header (a question and its rule) are on every page; the body
/// is split into pages when it does not fit ("Page 1 of 3 — more: Enter"); the keys and the prompt
/// close every page. Words are never cut (a word longer than the line, which no text of the kiosk
/// has at 30 columns, is the only exception). Below 30 columns or 12 rows the screen says so, plainly.
///
/// **Plain** (`--plain`, for screen readers and braille displays): each screen once, line by line,
/// never a control sequence, no frames or arrows to be read aloud, no paging.
public struct KioskRenderer: Sendable {
    public var plain: Bool
    public var width: Int
    public var height: Int
    public var text: KioskText

    /// The smallest terminal a screen is drawn on.
    public static let minimumColumns = 30
    public static let minimumRows = 12

    /// ANSI: cursor home, clear screen, clear scrollback (so the previous voter's screens are gone).
    public static let clearSequence = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

    public init(plain: Bool, width: Int = 80, height: Int = 24, text: KioskText) {
        self.plain = plain
        self.width = width
        self.height = height
        self.text = text
    }

    public var tooSmall: Bool { !plain && (width < Self.minimumColumns || height < Self.minimumRows) }

    /// How many pages `screen` takes (1 in plain mode).
    public func pageCount(_ screen: KioskScreen) -> Int {
        plain || tooSmall ? 1 : layout(screen).pages.count
    }

    /// The text of page `page` (0-based, clamped) of `screen`.
    public func render(_ screen: KioskScreen, page: Int = 0) -> String {
        if plain { return renderPlain(screen) }
        if tooSmall {
            let lines = Self.wrap(text.tooSmall(width, height), width: max(1, width - 1)).prefix(max(1, height - 1))
            return Self.clearSequence + lines.joined(separator: "\n")
        }
        return renderFull(screen, page: page)
    }

    func renderPlain(_ s: KioskScreen) -> String {
        var out = ["", s.title]
        if let alert = s.alert { out.append(alert) }
        if let problem = s.problem { out.append("\(text.problemPrefix) \(problem)") }
        out += s.header
        out += s.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.trimmingCharacters(in: .whitespaces) }
        if !s.keys.isEmpty {
            out.append(text.keysHeading)
            out += s.keys.map { "\($0.key) : \($0.label)" }
        }
        // A bare ">" would be read aloud as "greater than": a worded prompt only.
        let prompt = s.prompt == ">" ? "" : s.prompt + " "
        return out.joined(separator: "\n") + "\n" + prompt
    }

    /// The text column: one space of margin from 30 columns, two from 60; the last column stays
    /// free so that no terminal wraps a full line by itself.
    var margin: Int { width >= 60 ? 2 : 1 }
    var inner: Int { max(10, width - 1 - margin) }

    struct Layout {
        var top: [String]
        var pages: [[String]]
        var bottom: [String]
        /// True when even one line of body has no room: the screen says it is too small.
        var overflows = false
    }

    /// Lays `s` out; when the fixed parts leave fewer than 3 rows for the body, a compact form drops
    /// the rules and headings and pages the keys with the body.
    func layout(_ s: KioskScreen) -> Layout {
        let full = layout(s, compact: false)
        if !full.overflows { return full }
        return layout(s, compact: true)
    }

    func layout(_ s: KioskScreen, compact: Bool) -> Layout {
        let pad = String(repeating: " ", count: margin)
        func para(_ line: String) -> [String] {
            if line.isEmpty { return [""] }
            let indent = min(String(line.prefix(while: { $0 == " " })).count, inner / 3)
            let body = line.drop(while: { $0 == " " })
            return Self.wrap(String(body), width: inner - indent).map { pad + String(repeating: " ", count: indent) + $0 }
        }
        let rule = String(repeating: "=", count: width - 1)
        let heading = Self.wrap((compact ? "" : text.kioskName.uppercased() + " | ") + s.title.uppercased(), width: inner).map { pad + $0 }
        var top = compact ? heading : [rule] + heading + [rule]
        if let alert = s.alert { top += Self.wrap(">> " + alert, width: inner).map { pad + $0 } + (compact ? [] : [""]) }
        if let problem = s.problem { top += Self.wrap("\(text.problemPrefix) \(problem)", width: inner).map { pad + $0 } + (compact ? [] : [""]) }
        for line in s.header { top += para(line) }
        if !s.header.isEmpty && !compact { top.append("") }
        var keys: [String] = []
        if !s.keys.isEmpty {
            if !compact {
                keys.append(String(repeating: "-", count: width - 1))
                keys.append(pad + text.keysHeading)
            }
            let keyWidth = s.keys.map(\.key.count).max() ?? 1
            for key in s.keys {
                let head = "[\(key.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0))] "
                let wrapped = Self.wrap(key.label, width: max(8, inner - head.count))
                keys.append(pad + head + (wrapped.first ?? ""))
                keys += wrapped.dropFirst().map { pad + String(repeating: " ", count: head.count) + $0 }
            }
        }
        var body: [String] = []
        for line in s.lines { body += para(line) }
        while body.last == "" { body.removeLast() }
        if compact {
            // The keys are paged with the body: each page then ends on what can be typed, or "more".
            body += [""] + keys
            keys = []
        }
        // Rows: top, body page, the page lines when paged, keys, the prompt line.
        let pageLine = Self.wrap("(" + text.pageOf(99, 99) + ") - " + text.pageMore, width: inner).count
        let available = height - top.count - keys.count - 1
        var pages: [[String]] = []
        if body.count <= available {
            pages = [body]
        } else {
            let perPage = available - pageLine
            if perPage < (compact ? 1 : 3) { return Layout(top: top, pages: [[]], bottom: keys, overflows: true) }
            var rest = body[...]
            while !rest.isEmpty {
                while rest.first == "" { rest = rest.dropFirst() }
                if rest.isEmpty { break }
                pages.append(Array(rest.prefix(perPage)))
                rest = rest.dropFirst(perPage)
            }
            if pages.isEmpty { pages = [[]] }
        }
        return Layout(top: top, pages: pages, bottom: keys)
    }

    func renderFull(_ s: KioskScreen, page: Int) -> String {
        let l = layout(s)
        if l.overflows {
            let lines = Self.wrap(text.tooSmall(width, height), width: max(1, width - 1)).prefix(max(1, height - 1))
            return Self.clearSequence + lines.joined(separator: "\n")
        }
        let p = min(max(0, page), l.pages.count - 1)
        var out = l.top + l.pages[p]
        if l.pages.count > 1 {
            let more = p + 1 < l.pages.count ? " - " + text.pageMore : ""
            out += Self.wrap("(" + text.pageOf(p + 1, l.pages.count) + ")" + more, width: inner).map { String(repeating: " ", count: margin) + $0 }
        }
        let usedRows = out.count + l.bottom.count + 1
        out += Array(repeating: "", count: max(0, height - usedRows))
        out += l.bottom
        return Self.clearSequence + out.joined(separator: "\n") + "\n" + String(repeating: " ", count: margin) + s.prompt + " "
    }

    /// Splits a paragraph into lines of at most `width` characters, at spaces; only a word longer
    /// than a whole line is cut.
    public static func wrap(_ paragraph: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        var current = ""
        // French puts a space before : ; ! ? and inside « »: keep such marks with their word.
        var words: [String] = []
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
            if let last = words.last, [":", ";", "!", "?", "»"].contains(word) { words[words.count - 1] = last + " " + word }
            else if words.last == "«" { words[words.count - 1] = "« " + word }
            else { words.append(String(word)) }
        }
        for word in words {
            var word = word
            while word.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty { current = word } else if current.count + 1 + word.count <= width { current += " " + word } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
