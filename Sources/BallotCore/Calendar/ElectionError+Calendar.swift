/// The calendar's refusals: a date, a birthday or a term's calendar settings. Messages say what was
/// wrong and what to do, and contain no personal data (only the dates and settings given).
extension ElectionError {
    static func unknownTimeZone(_ id: String) -> ElectionError {
        ElectionError(.unknownTimeZone, "The time zone \"\(id)\" is not a known IANA time zone. "
            + "Use a region/city name from the tz database, such as \"Europe/Paris\" or \"America/Santiago\" "
            + "(abbreviations like \"CEST\" or offsets like \"GMT+2\" are not accepted; \"UTC\" is).")
    }

    static func endNotAfterStart(start: LocalDate, end: LocalDate) -> ElectionError {
        ElectionError(.endNotAfterStart, "The term ends on \(end.iso), which is not after its start on \(start.iso). "
            + "The end date is exclusive: set it at least one day after the start (typically years later).")
    }

    static func windowLengthOutOfRange(_ days: Int) -> ElectionError {
        ElectionError(.windowLengthOutOfRange,
                      "A voting window of \(days) days is not allowed. Choose between 1 and 31 days (the default is 7).")
    }

    static func invalidDate(year: Int, month: Int, day: Int) -> ElectionError {
        ElectionError(.invalidDate, "There is no day \(pad(day, 2)) in month \(pad(month, 2)) of year \(pad(year, 4)). "
            + "Check the date: months have 28 to 31 days, 29 February exists only in leap years, "
            + "and years run from 0001 to 9999.")
    }

    static func invalidBirthday(month: Int, day: Int) -> ElectionError {
        ElectionError(.invalidBirthday, "\(pad(month, 2))-\(pad(day, 2)) is not a possible birthday. "
            + "Check the month (01 to 12) and the day (for example April has 30 days; 29 February is allowed).")
    }

    static func malformedDate(text: String, expected: String) -> ElectionError {
        ElectionError(.malformedDate, "\"\(text.prefix(40))\" is not a date in the form \(expected). "
            + "Write it with digits and dashes, for example \(expected == "MM-DD" ? "07-14" : "2027-07-14").")
    }

    static func dateOutOfRange(_ date: LocalDate) -> ElectionError {
        ElectionError(.dateOutOfRange, "The date \(date.iso) is too close to the end of the supported calendar (year 9999). "
            + "Use a term that ends by 9998-12-31.")
    }
}
