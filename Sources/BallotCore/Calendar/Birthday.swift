/// A birthday as the roll keeps it: a month and a day, with no year.
///
/// Any day that exists in a leap year is a valid birthday, so `02-29` is accepted and `02-30` or
/// `04-31` are not. Its text (and `Codable`) form is `MM-DD`.
public struct Birthday: Hashable, Sendable {
    /// The month, 1...12.
    public let month: Int
    /// The day of the month.
    public let day: Int

    /// Creates a birthday, checking that the day exists in a leap year.
    ///
    /// - Throws: ``ElectionError`` (`.invalidBirthday`) for a day no year has, such as 30 February.
    public init(month: Int, day: Int) throws(ElectionError) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysInMonth(month, year: 2000) else {
            throw ElectionError.invalidBirthday(month: month, day: day)
        }
        self.month = month
        self.day = day
    }

    /// Parses `MM-DD` (for example `07-14`, `02-29`).
    ///
    /// - Throws: ``ElectionError`` (`.malformedDate`) if the text does not have that shape, or
    ///   (`.invalidBirthday`) for a day no year has.
    public init(iso text: String) throws(ElectionError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: "-"),
              let month = parseDigits(bytes[0..<2]), let day = parseDigits(bytes[3..<5])
        else {
            throw ElectionError.malformedDate(text: text, expected: "MM-DD")
        }
        try self.init(month: month, day: day)
    }

    /// The text form, `MM-DD`.
    public var iso: String { pad(month, 2) + "-" + pad(day, 2) }

    /// Whether this is the leap day, 29 February.
    public var isLeapDay: Bool { month == 2 && day == 29 }

    /// The local day on which this birthday's window opens in `year`: the birthday itself, except
    /// that 29 February becomes 28 February or 1 March in common years, as `policy` says.
    ///
    /// - Precondition: `year` is in ``LocalDate/supportedYears``.
    public func openingDay(in year: Int, policy: LeapDayPolicy) -> LocalDate {
        precondition(LocalDate.supportedYears.contains(year), "year outside 1...9999")
        if isLeapDay && !LocalDate.isLeapYear(year) {
            switch policy {
            case .february28: return LocalDate(unchecked: year, 2, 28)
            case .march1: return LocalDate(unchecked: year, 3, 1)
            }
        }
        return LocalDate(unchecked: year, month, day)
    }

    /// All 366 birthdays, from 01-01 to 12-31, 02-29 included.
    public static let all: [Birthday] = (1...12).flatMap { month in
        (1...LocalDate.daysInMonth(month, year: 2000)).map { day in
            Birthday(unchecked: month, day)
        }
    }

    private init(unchecked month: Int, _ day: Int) {
        self.month = month
        self.day = day
    }
}

extension Birthday: Comparable {
    public static func < (lhs: Birthday, rhs: Birthday) -> Bool {
        (lhs.month, lhs.day) < (rhs.month, rhs.day)
    }
}

extension Birthday: Codable {
    /// Decodes the text form `MM-DD`, validating it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(iso: container.decode(String.self))
    }

    /// Encodes the text form `MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

extension Birthday: CustomStringConvertible {
    /// The text form, `MM-DD`.
    public var description: String { iso }
}
