import Foundation

/// Why the election refused an entry or an operation. Messages say what was wrong and what to do,
/// in words a clerk (or, through the kiosk, a voter) understands; they never contain credential codes,
/// trustee secrets or ballot contents.
public struct ElectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason (used by tests, the kiosk and `--json`). A struct over a private
    /// enum (as swift-nio does), so that a reason can be added without breaking a caller's `switch`
    /// (which therefore keeps a `default`).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformed, notAuthorised, termSetup, sealed, ceremony, roll, unknownCredential
            case notEligible, outsideWindow, wrongWindow, contests, staleContest, badProof, replay
            case noElectionKey, closed, notClosed, tally, device
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The reason's stable name, as written in `--json` and the kiosk API (e.g. `"outsideWindow"`).
        public var rawValue: String { base.rawValue }
        public var description: String { base.rawValue }

        /// The entry or payload does not have the documented form.
        public static let malformed = Reason(.malformed)
        /// The author does not hold the role the entry kind requires.
        public static let notAuthorised = Reason(.notAuthorised)
        /// `term.setup` is missing, repeated or invalid.
        public static let termSetup = Reason(.termSetup)
        /// Results are sealed: the term has not ended or is not closed.
        public static let sealed = Reason(.sealed)
        /// A rule of the trustees' key ceremony.
        public static let ceremony = Reason(.ceremony)
        /// A rule of the roll (enrolment, update, replacement).
        public static let roll = Reason(.roll)
        /// The credential is not on the roll.
        public static let unknownCredential = Reason(.unknownCredential)
        /// The credential was replaced or is not eligible.
        public static let notEligible = Reason(.notEligible)
        /// No voting window of the credential is open at that time.
        public static let outsideWindow = Reason(.outsideWindow)
        /// The ballot names another window than the open one.
        public static let wrongWindow = Reason(.wrongWindow)
        /// The ballot does not answer the contests in force.
        public static let contests = Reason(.contests)
        /// The ballot used a contest version that has since changed.
        public static let staleContest = Reason(.staleContest)
        /// A proof does not verify, or an element is not valid.
        public static let badProof = Reason(.badProof)
        /// The same ballot (or a challenged ciphertext) was already recorded.
        public static let replay = Reason(.replay)
        /// The election key is not published yet: voting has not opened.
        public static let noElectionKey = Reason(.noElectionKey)
        /// The term is closed.
        public static let closed = Reason(.closed)
        /// The term is not closed yet.
        public static let notClosed = Reason(.notClosed)
        /// A rule of the close, the decryption shares or the result.
        public static let tally = Reason(.tally)
        /// A rule of kiosk devices (SPEC §4.9).
        public static let device = Reason(.device)
    }
    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    public static func malformed(_ message: String) -> ElectionError { ElectionError(.malformed, message) }
}
