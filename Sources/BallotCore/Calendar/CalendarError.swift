/// Why a date, a birthday or a term's calendar settings were refused.
///
/// A struct over a private enum so that reasons can be added without breaking callers; compare
/// ``kind`` to react programmatically, show ``description`` to people. Messages say what was wrong
/// and what to do, and contain no personal data (only the dates and settings given).
public struct CalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of a ``CalendarError``, for programmatic handling.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The time zone is not a known IANA identifier.
        public static let unknownTimeZone = Kind("unknownTimeZone")
        /// The term's end date is not after its start date.
        public static let endNotAfterStart = Kind("endNotAfterStart")
        /// The window length is outside 1...31 days.
        public static let windowLengthOutOfRange = Kind("windowLengthOutOfRange")
        /// The year, month and day do not name a day that exists.
        public static let invalidDate = Kind("invalidDate")
        /// The month and day are not a possible birthday.
        public static let invalidBirthday = Kind("invalidBirthday")
        /// The text does not have the expected date shape.
        public static let malformedDate = Kind("malformedDate")
        /// A date lies too close to the end of the supported calendar.
        public static let dateOutOfRange = Kind("dateOutOfRange")
    }

    enum Reason: Hashable, Sendable {
        case unknownTimeZone(String)
        case endNotAfterStart(start: LocalDate, end: LocalDate)
        case windowLengthOutOfRange(Int)
        case invalidDate(year: Int, month: Int, day: Int)
        case invalidBirthday(month: Int, day: Int)
        case malformedDate(text: String, expected: String)
        case dateOutOfRange(LocalDate)
    }

    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    /// What kind of problem this is.
    public var kind: Kind {
        switch reason {
        case .unknownTimeZone: .unknownTimeZone
        case .endNotAfterStart: .endNotAfterStart
        case .windowLengthOutOfRange: .windowLengthOutOfRange
        case .invalidDate: .invalidDate
        case .invalidBirthday: .invalidBirthday
        case .malformedDate: .malformedDate
        case .dateOutOfRange: .dateOutOfRange
        }
    }

    /// A sentence saying what was wrong and what to do.
    public var description: String {
        switch reason {
        case .unknownTimeZone(let id):
            return "The time zone \"\(id)\" is not a known IANA time zone. "
                + "Use a region/city name from the tz database, such as \"Europe/Paris\" or \"America/Santiago\" "
                + "(abbreviations like \"CEST\" or offsets like \"GMT+2\" are not accepted; \"UTC\" is)."
        case .endNotAfterStart(let start, let end):
            return "The term ends on \(end.iso), which is not after its start on \(start.iso). "
                + "The end date is exclusive: set it at least one day after the start (typically years later)."
        case .windowLengthOutOfRange(let days):
            return "A voting window of \(days) days is not allowed. Choose between 1 and 31 days (the default is 7)."
        case .invalidDate(let year, let month, let day):
            return "There is no day \(pad(day, 2)) in month \(pad(month, 2)) of year \(pad(year, 4)). "
                + "Check the date: months have 28 to 31 days, 29 February exists only in leap years, "
                + "and years run from 0001 to 9999."
        case .invalidBirthday(let month, let day):
            return "\(pad(month, 2))-\(pad(day, 2)) is not a possible birthday. "
                + "Check the month (01 to 12) and the day (for example April has 30 days; 29 February is allowed)."
        case .malformedDate(let text, let expected):
            return "\"\(text.prefix(40))\" is not a date in the form \(expected). "
                + "Write it with digits and dashes, for example \(expected == "MM-DD" ? "07-14" : "2027-07-14")."
        case .dateOutOfRange(let date):
            return "The date \(date.iso) is too close to the end of the supported calendar (year 9999). "
                + "Use a term that ends by 9998-12-31."
        }
    }
}
