import Foundation

/// The calendar rules of one term of the lifelong election (DESIGN §1), evaluated in the term's
/// IANA time zone with its daylight-saving changes.
///
/// A term runs from local midnight of `start` (inclusive) to local midnight of `end` (exclusive).
/// Each birthday has one window a year: it opens at local midnight of the birthday (29 February
/// becomes 28 February or 1 March in common years, per ``leapDayPolicy``) and lasts ``windowDays``
/// local days, so it closes at local midnight `windowDays` days later whatever the length of those
/// days (23 h or 25 h across a daylight-saving change). A window belongs to the term when its opening
/// day lies in `[start, end)`; it is clipped at the term's end and to the citizen's eligibility.
///
/// Over a term of T whole years (see ``wholeYears``) every always-eligible citizen has exactly T
/// windows, numbered 1...T.
public struct TermCalendar: Sendable, Hashable {
    /// The IANA time zone identifier, as given (for example `Europe/Paris`).
    public let timeZoneIdentifier: String
    /// The first day of the term (inclusive).
    public let start: LocalDate
    /// The day after the last day of the term (exclusive).
    public let end: LocalDate
    /// The length of a voting window in local days, 1...31.
    public let windowDays: Int
    /// Where a 29 February birthday's window opens in common years.
    public let leapDayPolicy: LeapDayPolicy
    /// Local midnight of `start`: the first instant of the term.
    public let termStartInstant: Date
    /// Local midnight of `end`: the first instant after the term.
    public let termEndInstant: Date

    let zone: TimeZone

    /// The window lengths allowed, in days.
    public static let windowDaysRange: ClosedRange<Int> = 1...31
    /// The default window length, in days.
    public static let defaultWindowDays = 7

    /// Builds and checks a term calendar.
    ///
    /// - Parameters:
    ///   - timeZone: an IANA tz database identifier with a region, such as `Europe/Paris`, or `UTC`.
    ///     Abbreviations (`CET`, `PST`) and bare offsets (`GMT+2`) are refused: they do not follow a
    ///     place's daylight-saving rules.
    ///   - start: the first day of the term (inclusive).
    ///   - end: the day after the last day of the term (exclusive); must be after `start`, by 9998-12-31.
    ///   - windowDays: the length of a voting window in local days, 1...31 (default 7).
    ///   - leapDayPolicy: where 29 February windows open in common years (default 28 February).
    /// - Throws: ``ElectionError`` with reason `.unknownTimeZone`, `.endNotAfterStart`,
    ///   `.windowLengthOutOfRange` or `.dateOutOfRange`.
    public init(
        timeZone: String,
        start: LocalDate,
        end: LocalDate,
        windowDays: Int = TermCalendar.defaultWindowDays,
        leapDayPolicy: LeapDayPolicy = .february28
    ) throws(ElectionError) {
        let clock = try ZoneClock(identifier: timeZone)
        let zone = clock.zone
        guard start < end else {
            throw ElectionError.endNotAfterStart(start: start, end: end)
        }
        guard TermCalendar.windowDaysRange.contains(windowDays) else {
            throw ElectionError.windowLengthOutOfRange(windowDays)
        }
        // Windows reach at most 31 days past the last opening day; keep that inside year 9999.
        guard end.year <= 9998 else {
            throw ElectionError.dateOutOfRange(end)
        }
        self.timeZoneIdentifier = timeZone
        self.zone = zone
        self.start = start
        self.end = end
        self.windowDays = windowDays
        self.leapDayPolicy = leapDayPolicy
        self.termStartInstant = clock.firstInstant(of: start)
        self.termEndInstant = clock.firstInstant(of: end)
    }

    // MARK: Local dates and instants

    /// The first instant of a local day in the term's zone: local midnight.
    ///
    /// Where a zone skips midnight (clocks jump from 24:00 to 01:00, as America/Santiago does each
    /// September), this is the first instant that exists on that day: the moment of the jump, whose
    /// local time is 01:00. Where midnight happens twice, it is the earlier one. In general it is
    /// the earliest instant whose local wall-clock time is at or after 00:00 of `date` (for a day a
    /// zone skipped entirely, such as 2011-12-30 in Pacific/Apia, that is midnight of the next day).
    public func instant(of date: LocalDate) -> Date {
        ZoneClock(zone: zone).firstInstant(of: date)
    }

    /// The local date, in the term's zone, at `instant`.
    ///
    /// - Precondition: `instant` falls in the years 0001...9999 locally.
    public func localDate(of instant: Date) -> LocalDate {
        let date = ZoneClock(zone: zone).localDate(of: instant)
        precondition(LocalDate.supportedYears.contains(date.year), "instant outside the years 0001...9999")
        return date
    }

    // MARK: Whole years

    /// T when the term lasts T whole years for every birthday — every always-eligible citizen then has
    /// exactly T windows — otherwise nil.
    ///
    /// That holds when `end` is in year `start.year + T` and both dates split the birthdays the same
    /// way: the same set of birthdays opens before `start` in its year as before `end` in its year.
    /// The same month-day is enough except next to 29 February, where leap and common years split
    /// differently:
    /// - under the 28-February rule, a term starting on 29 February has no whole-year end unless T is a
    ///   multiple of 4 (ending on 28 February skips the 28 February birthdays, ending on 1 March gives
    ///   29 February birthdays two windows in the last year);
    /// - under the 1-March rule, a term from 1 March of a common year to 1 March of a leap year gives
    ///   29 February birthdays T + 1 windows (it must end on 29 February instead), and a term starting
    ///   on 1 March of a leap year has no whole-year end in a common year (ending on 1 March gives
    ///   29 February birthdays T - 1 windows, ending on 2 March gives 1 March birthdays T + 1).
    ///
    /// The calendar does not refuse such terms (a term need not be whole years), but term setup should
    /// check this and use ``wholeYearEnd(start:years:leapDayPolicy:)`` to pick `end`.
    public var wholeYears: Int? {
        let years = end.year - start.year
        guard years >= 1,
              TermCalendar.openingsBefore(start, policy: leapDayPolicy)
                == TermCalendar.openingsBefore(end, policy: leapDayPolicy)
        else { return nil }
        return years
    }

    /// The exclusive end date that makes a term starting on `start` last exactly `years` whole years
    /// (see ``wholeYears``), or nil if no day of that year does.
    ///
    /// It is `start`'s month-day `years` later when that works; otherwise the nearest day of that year
    /// that splits the birthdays as `start` does (for example a term starting 29 February 2024 under
    /// the 1-March rule ends on 1 March 2025 after one year).
    public static func wholeYearEnd(start: LocalDate, years: Int, leapDayPolicy: LeapDayPolicy) -> LocalDate? {
        guard years >= 1, start.year + years <= 9998 else { return nil }
        let year = start.year + years
        let target = openingsBefore(start, policy: leapDayPolicy)
        let day = min(start.day, LocalDate.daysInMonth(start.month, year: year))
        let sameDay = LocalDate(unchecked: year, start.month, day)
        for offset in [0, 1, -1, 2, -2] {
            let candidate = sameDay.adding(days: offset)
            if candidate.year == year, openingsBefore(candidate, policy: leapDayPolicy) == target {
                return candidate
            }
        }
        return nil
    }

    /// How many birthdays (of the 366) open strictly before `date` in `date`'s year. Opening days
    /// never decrease along the birthdays' order (28 Feb ≤ the opening of 29 Feb ≤ 1 Mar), so that set
    /// is always a prefix of ``Birthday/all`` and its size identifies it.
    static func openingsBefore(_ date: LocalDate, policy: LeapDayPolicy) -> Int {
        Birthday.all.reduce(0) { count, birthday in
            count + (birthday.openingDay(in: date.year, policy: policy) < date ? 1 : 0)
        }
    }
}

extension TermCalendar: Codable {
    enum CodingKeys: String, CodingKey {
        case timeZone, start, end, windowDays, leapDayPolicy
    }

    /// Decodes the settings and checks them as ``init(timeZone:start:end:windowDays:leapDayPolicy:)`` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            timeZone: container.decode(String.self, forKey: .timeZone),
            start: container.decode(LocalDate.self, forKey: .start),
            end: container.decode(LocalDate.self, forKey: .end),
            windowDays: container.decodeIfPresent(Int.self, forKey: .windowDays) ?? TermCalendar.defaultWindowDays,
            leapDayPolicy: container.decodeIfPresent(LeapDayPolicy.self, forKey: .leapDayPolicy) ?? .february28)
    }

    /// Encodes the settings (time zone, start, end, window days, leap-day policy).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timeZoneIdentifier, forKey: .timeZone)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(windowDays, forKey: .windowDays)
        try container.encode(leapDayPolicy, forKey: .leapDayPolicy)
    }
}

extension TermCalendar {
    public static func == (lhs: TermCalendar, rhs: TermCalendar) -> Bool {
        lhs.timeZoneIdentifier == rhs.timeZoneIdentifier && lhs.start == rhs.start && lhs.end == rhs.end
            && lhs.windowDays == rhs.windowDays && lhs.leapDayPolicy == rhs.leapDayPolicy
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timeZoneIdentifier)
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(windowDays)
        hasher.combine(leapDayPolicy)
    }
}
