import CivicLog

/// The one error type of the Perennial module: a clear, secret-free error from the node.
///
/// Its ``message`` says what was wrong and what to do. A refusal at a kiosk (`.kiosk`) also
/// carries what the voter reads (``refusal``, which the kiosk words in the voter's language) and a
/// short machine reason for metrics and logs (``kioskReason``).
public struct NodeError: Error, Sendable, CustomStringConvertible {
    /// What kind of error this is. A struct over a private enum (as swift-nio does), so that a reason
    /// can be added without breaking a caller's `switch` (which therefore keeps a `default`).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case failed, kiosk
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The reason's stable name (e.g. `"kiosk"`).
        public var rawValue: String { base.rawValue }
        public var description: String { base.rawValue }

        /// The node refused or could not do an operation: the message says why and what to do.
        public static let failed = Reason(.failed)
        /// Voting at a kiosk is not possible now: ``NodeError/refusal`` says why, in the voter's terms.
        public static let kiosk = Reason(.kiosk)
    }

    public let reason: Reason
    public let message: String
    /// For `.kiosk`: why voting is not possible, in terms a voter understands (never internals).
    public let refusal: KioskRefusal?
    /// For `.kiosk`: a short machine reason for metrics and logs — an engine reason (`outsideWindow`,
    /// `badProof`…), `malformed`, `wrong-kind`, `bad-signature`, `log-<code>`, `node` or `internal`;
    /// nil when the refusal says it all.
    public let kioskReason: String?
    /// For `.kiosk`: the node's own error behind a technical refusal, for the server's log.
    public let detail: String?

    public init(_ message: String) {
        self.init(.failed, message, refusal: nil, kioskReason: nil, detail: nil)
    }

    private init(_ reason: Reason, _ message: String, refusal: KioskRefusal?, kioskReason: String?, detail: String?) {
        self.reason = reason
        self.message = message
        self.refusal = refusal
        self.kioskReason = kioskReason
        self.detail = detail
    }

    /// A refusal at a kiosk: `refusal` is what the voter reads; `reason` (for metrics and logs) and
    /// `detail` (for the server's log) say what lies behind it. The message is the refusal's own
    /// sentence (``KioskRefusal/summary``): the detail may name internals the voter never sees.
    public static func kiosk(_ refusal: KioskRefusal, reason: String? = nil, detail: String? = nil) -> NodeError {
        NodeError(.kiosk, refusal.summary, refusal: refusal, kioskReason: reason, detail: detail)
    }

    public var description: String { message }
}

extension NodeError {
    /// The node's files disagree with themselves: it must be restored from a backup.
    public static func damaged(_ what: String) -> NodeError {
        NodeError("This node's database is damaged: \(what). Stop using it and restore the data directory from a backup (the public record can be checked with perennial-audit).")
    }

    /// A hand-set clock on a node created for a real term.
    public static let realClock = NodeError(
        "This node runs a real term: its clock cannot be set by hand (--at, --now). Only a node created with `perennial term setup --simulation` accepts them.")

    /// Runs `body`, reporting SQLite corruption as a damaged node.
    static func readingDamage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LogError where error.code == .damaged {
            throw NodeError.damaged("SQLite reports corruption")
        }
    }
}
