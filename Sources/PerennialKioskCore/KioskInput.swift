/// One key as the kiosk understands it, decoded from the raw bytes of a terminal in raw mode (or a
/// pipe): the terminal itself turns no key into a signal, so Ctrl-C, Ctrl-\, Ctrl-Z and Ctrl-D
/// arrive here as bytes and end the voter's session instead of the program.
public enum KioskKey: Sendable, Equatable {
    /// A printable character.
    case character(Character)
    /// Enter (CR, LF or CR LF).
    case enter
    /// Backspace or Delete: erase the last character typed.
    case backspace
    /// Ctrl-U: erase the whole line typed so far.
    case eraseLine
    /// Ctrl-C, Ctrl-\, Ctrl-Z, Ctrl-D: end the voter's session now.
    case interrupt
    /// Anything else (arrows, function keys, other control characters): activity, nothing more.
    case other
}

/// Decodes bytes into ``KioskKey``s, across reads: UTF-8 sequences and escape sequences may be split
/// between two reads.
public struct KioskKeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var lastWasCR = false
    private var inEscape = false
    private var escapeLength = 0

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [KioskKey] {
        var keys: [KioskKey] = []
        for byte in bytes {
            if inEscape {
                // ESC [ … final byte (0x40–0x7E), or ESC O x, or ESC x: swallow it whole.
                escapeLength += 1
                if escapeLength == 1 && byte != 0x5B && byte != 0x4F { inEscape = false }
                else if escapeLength > 1 && (0x40...0x7E).contains(byte) { inEscape = false }
                else if escapeLength > 16 { inEscape = false }
                continue
            }
            if !pending.isEmpty || byte >= 0x80 {
                pending.append(byte)
                if let s = String(validating: pending, as: UTF8.self), let c = s.first {
                    keys.append(.character(c))
                    pending.removeAll()
                } else if pending.count >= 4 {
                    pending.removeAll()
                    keys.append(.other)
                }
                continue
            }
            defer { lastWasCR = byte == 0x0D }
            switch byte {
            case 0x0A where lastWasCR: continue
            case 0x0D, 0x0A: keys.append(.enter)
            case 0x7F, 0x08: keys.append(.backspace)
            case 0x15: keys.append(.eraseLine)
            case 0x03, 0x1C, 0x1A, 0x04: keys.append(.interrupt)
            case 0x1B:
                inEscape = true
                escapeLength = 0
                keys.append(.other)
            case 0x20...0x7E: keys.append(.character(Character(Unicode.Scalar(byte))))
            default: keys.append(.other)
            }
        }
        return keys
    }
}

/// The line being typed, key by key, with what to echo: the kiosk sees every key (so each one counts
/// as activity) and submits the line on Enter.
public struct KioskLineEditor: Sendable {
    public enum Action: Sendable, Equatable {
        /// Show this text after the prompt (nothing when echo is off).
        case echo(String)
        /// Erase `count` characters before the cursor.
        case erase(Int)
        /// The line is complete.
        case submit(String)
        case interrupt
        case none
    }

    private var typed: [Character] = []
    /// The longest line kept (a code with separators is about 30 characters).
    public static let maxLength = 200

    public init() {}

    /// Characters typed so far (for tests).
    public var count: Int { typed.count }

    /// What was typed so far, to show again after the screen is redrawn under the voter's hands
    /// (the idle warning, a resize), so that a half-typed line is neither lost nor hidden.
    public var pending: String { String(typed) }

    /// Applies a key; `echo` false hides what is typed (the credential code in `--plain` mode).
    public mutating func apply(_ key: KioskKey, echo: Bool) -> Action {
        switch key {
        case .character(let c):
            guard typed.count < Self.maxLength else { return .none }
            typed.append(c)
            return echo ? .echo(String(c)) : .none
        case .backspace:
            guard !typed.isEmpty else { return .none }
            typed.removeLast()
            return echo ? .erase(1) : .none
        case .eraseLine:
            let n = typed.count
            clear()
            return echo && n > 0 ? .erase(n) : .none
        case .enter:
            let line = String(typed)
            clear()
            return .submit(line)
        case .interrupt:
            clear()
            return .interrupt
        case .other:
            return .none
        }
    }

    /// Forgets what was typed (overwriting the characters first).
    public mutating func clear() {
        for i in typed.indices { typed[i] = " " }
        typed.removeAll()
    }
}
