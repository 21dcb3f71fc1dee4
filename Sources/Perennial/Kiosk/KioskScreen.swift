import Foundation

/// One screen of the kiosk, as data: what ``KioskSession/screen`` shows, before any terminal.
///
/// Nothing in it depends on colour or position alone: a problem starts with a words prefix, a chosen
/// answer is marked with words, every key is spelled out with what it does.
public struct KioskScreen: Sendable, Equatable {
    /// A key the voter can type, and what it does.
    public struct Key: Sendable, Equatable {
        public var key: String
        public var label: String
        public init(_ key: String, _ label: String) { self.key = key; self.label = label }
    }

    public var title: String
    /// A problem to fix first (shown at the top, after the title).
    public var problem: String?
    /// The body, one paragraph per element ("" for a blank line).
    public var lines: [String]
    public var keys: [Key]
    /// What to type, next to the cursor.
    public var prompt: String

    public init(title: String, problem: String? = nil, lines: [String], keys: [Key], prompt: String = ">") {
        self.title = title; self.problem = problem; self.lines = lines; self.keys = keys; self.prompt = prompt
    }

    /// All the words of the screen (for tests and logs of what was shown).
    public var allText: String { ([title, problem ?? ""] + lines + keys.map { "\($0.key) \($0.label)" } + [prompt]).joined(separator: "\n") }
}

/// Turns screens into terminal text: a full-screen mode (cleared, framed, wrapped to the width) and a
/// plain line-by-line mode for screen readers and braille displays (no control sequences, no
/// frames, each line printed once).
public struct KioskRenderer: Sendable {
    public var plain: Bool
    public var width: Int
    public var text: KioskText

    /// ANSI: cursor home, clear screen, clear scrollback (so the previous voter's screens are gone).
    public static let clearSequence = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

    public init(plain: Bool, width: Int = 80, text: KioskText) {
        self.plain = plain
        self.width = max(40, width)
        self.text = text
    }

    public func render(_ screen: KioskScreen) -> String {
        plain ? renderPlain(screen) : renderFull(screen)
    }

    func renderPlain(_ s: KioskScreen) -> String {
        var out = ["", "== \(s.title) =="]
        if let problem = s.problem { out.append("\(text.problemPrefix) \(problem)") }
        out += s.lines.filter { !$0.isEmpty }
        if !s.keys.isEmpty {
            out.append(text.keysHeading)
            out += s.keys.map { "  \($0.key) : \($0.label)" }
        }
        return out.joined(separator: "\n") + "\n" + s.prompt + " "
    }

    func renderFull(_ s: KioskScreen) -> String {
        let inner = width - 4
        var out = [String(repeating: "=", count: width - 1)]
        out.append("  " + text.kioskName.uppercased() + "  |  " + s.title.uppercased())
        out.append(String(repeating: "=", count: width - 1))
        out.append("")
        if let problem = s.problem {
            out.append("  " + String(repeating: "!", count: inner - 2))
            out += Self.wrap("\(text.problemPrefix) \(problem)", width: inner - 2).map { "  ! " + $0 }
            out.append("  " + String(repeating: "!", count: inner - 2))
            out.append("")
        }
        for line in s.lines {
            if line.isEmpty { out.append(""); continue }
            let indent = String(line.prefix(while: { $0 == " " }))
            out += Self.wrap(String(line.dropFirst(indent.count)), width: inner - indent.count).map { "  " + indent + $0 }
        }
        if !s.keys.isEmpty {
            out.append("")
            out.append(String(repeating: "-", count: width - 1))
            out.append("  " + text.keysHeading)
            let keyWidth = s.keys.map(\.key.count).max() ?? 1
            for key in s.keys {
                let head = "    [ \(key.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0)) ]  "
                let wrapped = Self.wrap(key.label, width: max(20, inner - head.count))
                out.append(head + (wrapped.first ?? ""))
                out += wrapped.dropFirst().map { String(repeating: " ", count: head.count) + $0 }
            }
            out.append(String(repeating: "-", count: width - 1))
        }
        return Self.clearSequence + out.joined(separator: "\n") + "\n\n  " + s.prompt + " "
    }

    /// Splits a paragraph into lines of at most `width` characters, at spaces where possible.
    static func wrap(_ paragraph: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(word)
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
