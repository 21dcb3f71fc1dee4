/// Why the ledger refused an entry, a file line or an operation.
///
/// Messages say what was wrong and what to do next, in words a clerk understands. They name
/// organisations, categories, dates and log indices, never a person: the ledger holds no names, and
/// account ids are pseudonyms.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason; `check` is the SPEC §5 rule id (`LED-…`).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            case malformed, notAuthorised, notAccredited, suspended, category, outsideTerm, future
            case duration, overlap, dailyCap, duplicate, reversal, settings, keyFile, csv
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The payload does not have the documented form (LED-0).
        public static let malformed = Reason(.malformed)
        /// The author does not hold the role the entry needs (LED-1, LED-2, LED-3, LED-10).
        public static let notAuthorised = Reason(.notAuthorised)
        /// No accreditation of the organisation is in force on the date (LED-4).
        public static let notAccredited = Reason(.notAccredited)
        /// The organisation is suspended on the date (LED-4).
        public static let suspended = Reason(.suspended)
        /// The category is not among the organisation's accredited categories (LED-4).
        public static let category = Reason(.category)
        /// The date lies outside the term (LED-5).
        public static let outsideTerm = Reason(.outsideTerm)
        /// The time attested has not ended yet at the entry's log time (LED-5).
        public static let future = Reason(.future)
        /// The duration is zero, negative or over the bound (LED-6).
        public static let duration = Reason(.duration)
        /// The time overlaps another contribution of the same account (LED-7).
        public static let overlap = Reason(.overlap)
        /// The account's total for a day would exceed the daily cap (LED-8).
        public static let dailyCap = Reason(.dailyCap)
        /// The attestation was already recorded (LED-9).
        public static let duplicate = Reason(.duplicate)
        /// The reversal is not allowed (LED-10).
        public static let reversal = Reason(.reversal)
        /// The settings entry is not valid (LED-3).
        public static let settings = Reason(.settings)
        /// An organisation key file cannot be read, opened or written.
        public static let keyFile = Reason(.keyFile)
        /// A CSV file cannot be read as a batch of contributions.
        public static let csv = Reason(.csv)

        public var description: String { base.rawValue }
    }

    public let reason: Reason
    /// The SPEC §5 check id, e.g. `LED-7`, when the error is a rule refusal.
    public let check: String?
    public let message: String

    public init(_ reason: Reason, check: String? = nil, _ message: String) {
        self.reason = reason
        self.check = check
        self.message = message
    }

    public var description: String { check.map { "\($0): \(message)" } ?? message }
}
