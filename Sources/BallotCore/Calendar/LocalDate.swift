/// A day on the proleptic Gregorian calendar, with no time and no time zone: "the 14th of July 2027".
///
/// Perennial evaluates every calendar rule on local dates in the term's time zone; a `LocalDate`
/// becomes an instant only through ``TermCalendar/instant(of:)``. Its text form is ISO 8601
/// `YYYY-MM-DD` (also its `Codable` form), and it supports the years 0001 to 9999.
///
/// Day arithmetic is exact (no time zone is involved): `adding(days:)` and `distance(to:)` count
/// calendar days, so a `LocalDate` is `Strideable` and `start..<end` can be iterated day by day.
public struct LocalDate: Hashable, Sendable {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...28/29/30/31 depending on the month.
    public let day: Int

    /// The years a `LocalDate` can hold.
    public static let supportedYears: ClosedRange<Int> = 1...9999

    /// Creates a date from its parts, checking that the day exists.
    ///
    /// - Parameters:
    ///   - year: 1...9999.
    ///   - month: 1...12.
    ///   - day: 1 up to the length of that month (29 February only in leap years).
    /// - Throws: ``ElectionError`` (`.invalidDate`) if there is no such day.
    public init(year: Int, month: Int, day: Int) throws(ElectionError) {
        guard LocalDate.isValid(year: year, month: month, day: day) else {
            throw ElectionError.invalidDate(year: year, month: month, day: day)
        }
        self.init(unchecked: year, month, day)
    }

    /// Parses an ISO 8601 calendar date, exactly `YYYY-MM-DD` (for example `2027-07-14`).
    ///
    /// - Throws: ``ElectionError`` (`.malformedDate`) if the text does not have that shape, or
    ///   (`.invalidDate`) if it names a day that does not exist, such as `2027-02-29`.
    public init(iso text: String) throws(ElectionError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = parseDigits(bytes[0..<4]), let month = parseDigits(bytes[5..<7]),
              let day = parseDigits(bytes[8..<10])
        else {
            throw ElectionError.malformedDate(text: text, expected: "YYYY-MM-DD")
        }
        try self.init(year: year, month: month, day: day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The ISO 8601 form, `YYYY-MM-DD`.
    public var iso: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Whether the parts name a day that exists (years 1...9999).
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        supportedYears.contains(year) && (1...12).contains(month)
            && day >= 1 && day <= daysInMonth(month, year: year)
    }

    /// Whether `year` is a Gregorian leap year (divisible by 4, except centuries not divisible by 400).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` (1...12) of `year`; 0 for a month outside 1...12.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The date `days` calendar days later (earlier if negative).
    ///
    /// - Precondition: the result lies in the years 0001...9999.
    public func adding(days: Int) -> LocalDate {
        let result = LocalDate(daysSinceEpoch: daysSinceEpoch + days)
        precondition(
            LocalDate.supportedYears.contains(result.year),
            "LocalDate.adding(days:) left the years 0001...9999")
        return result
    }

    /// The day of the week: 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    /// Days since 1970-01-01 (negative before it). Howard Hinnant's `days_from_civil`.
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` after 1970-01-01 (Hinnant's `civil_from_days`); not range-checked.
    init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(unchecked: year, month, day)
    }
}

extension LocalDate: Comparable {
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension LocalDate: Strideable {
    /// The number of calendar days from `self` to `other` (negative if `other` is earlier).
    public func distance(to other: LocalDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Same as ``adding(days:)``.
    public func advanced(by days: Int) -> LocalDate {
        adding(days: days)
    }
}

extension LocalDate: Codable {
    /// Decodes the ISO form `YYYY-MM-DD`, validating it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(iso: container.decode(String.self))
    }

    /// Encodes the ISO form `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

extension LocalDate: CustomStringConvertible {
    /// The ISO form, `YYYY-MM-DD`.
    public var description: String { iso }
}

/// Parses a run of ASCII decimal digits (no sign, no spaces); nil if any byte is not a digit.
func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return bytes.isEmpty ? nil : value
}

/// Left-pads a non-negative number with zeros to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
