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
    /// An alert above everything (the "still there?" warning before a time-out).
    public var alert: String?
    /// A problem to fix first (shown at the top, after the title).
    public var problem: String?
    /// Lines that stay visible on every page (a question and its rule), after the problem.
    public var header: [String] = []
    /// The body, one paragraph per element ("" for a blank line).
    public var lines: [String]
    public var keys: [Key]
    /// What to type, next to the cursor.
    public var prompt: String

    public init(title: String, problem: String? = nil, lines: [String], keys: [Key], prompt: String = ">") {
        self.title = title; self.problem = problem; self.lines = lines; self.keys = keys; self.prompt = prompt
    }

    /// All the words of the screen (for tests and logs of what was shown).
    public var allText: String { ([title, alert ?? "", problem ?? ""] + header + lines + keys.map { "\($0.key) \($0.label)" } + [prompt]).joined(separator: "\n") }
}
