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
            case unknownTimeZone, endNotAfterStart, windowLengthOutOfRange, invalidDate, invalidBirthday
            case malformedDate, dateOutOfRange
            case credentialCodeLength, credentialCodeCharacter, credentialCodeChecksum, credentialSecretLength
            case trackingCodeLength, trackingCodeCharacter, trackingCodeChecksum
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

        // Calendar (dates, birthdays, a term's calendar settings): ``ElectionError+Calendar.swift``.
        /// The time zone is not a known IANA identifier.
        public static let unknownTimeZone = Reason(.unknownTimeZone)
        /// The term's end date is not after its start date.
        public static let endNotAfterStart = Reason(.endNotAfterStart)
        /// The window length is outside 1...31 days.
        public static let windowLengthOutOfRange = Reason(.windowLengthOutOfRange)
        /// The year, month and day do not name a day that exists.
        public static let invalidDate = Reason(.invalidDate)
        /// The month and day are not a possible birthday.
        public static let invalidBirthday = Reason(.invalidBirthday)
        /// The text does not have the expected date shape.
        public static let malformedDate = Reason(.malformedDate)
        /// A date lies too close to the end of the supported calendar.
        public static let dateOutOfRange = Reason(.dateOutOfRange)

        // Typed credential codes: ``ElectionError+CredentialCode.swift``.
        /// The credential code does not have 20 characters (not counting spaces and dashes).
        public static let credentialCodeLength = Reason(.credentialCodeLength)
        /// A character that cannot appear in a credential code was typed (see ``ElectionError/position``).
        public static let credentialCodeCharacter = Reason(.credentialCodeCharacter)
        /// The two check characters do not match the other 18: a character is probably mistyped.
        public static let credentialCodeChecksum = Reason(.credentialCodeChecksum)
        /// The random bytes given to make a new credential code are not exactly 12.
        public static let credentialSecretLength = Reason(.credentialSecretLength)

        // Typed tracking codes: ``TrackingCode``.
        /// The tracking code does not have 13 characters (not counting separators).
        public static let trackingCodeLength = Reason(.trackingCodeLength)
        /// A character that cannot appear in a tracking code was typed (see ``ElectionError/position``).
        public static let trackingCodeCharacter = Reason(.trackingCodeCharacter)
        /// Every character is valid but the check fails: a typo or two swapped characters.
        public static let trackingCodeChecksum = Reason(.trackingCodeChecksum)
    }
    public let reason: Reason
    public let message: String
    /// For `.credentialCodeCharacter` and `.trackingCodeCharacter`: the 1-based position of the
    /// character that cannot appear (so a kiosk can highlight it); nil otherwise. A credential code
    /// counts it in the text as typed (spaces and dashes included), a tracking code without separators.
    public let position: Int?

    public init(_ reason: Reason, _ message: String) {
        self.init(reason, message, position: nil)
    }

    init(_ reason: Reason, _ message: String, position: Int?) {
        self.reason = reason
        self.message = message
        self.position = position
    }

    public var description: String { message }

    public static func malformed(_ message: String) -> ElectionError { ElectionError(.malformed, message) }
}
