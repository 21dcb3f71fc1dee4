import Foundation
import Testing
@testable import BallotCore

// MARK: Every birthday, leap and common years, both 29-February policies

@Suite("Voting windows of every birthday")
struct EveryBirthdayTests {
    static let years: [(Int, LeapDayPolicy)] = [(2024, .february28), (2024, .march1), (2025, .february28), (2025, .march1)]

    /// A one-calendar-year term in Paris: each birthday has exactly one window, opening at local
    /// midnight of the birthday (or 28 Feb / 1 Mar), computed here with Foundation as the oracle.
    @Test(arguments: Birthday.all, years)
    func oneWindowPerCalendarYear(birthday: Birthday, setting: (year: Int, policy: LeapDayPolicy)) throws {
        let (year, policy) = setting
        let calendar = try TermCalendar(
            timeZone: "Europe/Paris", start: LocalDate(year: year, month: 1, day: 1),
            end: LocalDate(year: year + 1, month: 1, day: 1), leapDayPolicy: policy)
        let windows = calendar.windows(for: birthday)
        try #require(windows.count == 1)
        let window = windows[0]

        var expectedMonth = birthday.month
        var expectedDay = birthday.day
        if birthday.month == 2 && birthday.day == 29 && year == 2025 {
            (expectedMonth, expectedDay) = policy == .february28 ? (2, 28) : (3, 1)
        }
        let oracle = foundationCalendar("Europe/Paris")
        let opens = oracle.date(from: DateComponents(year: year, month: expectedMonth, day: expectedDay))!
        let nominalClose = oracle.date(byAdding: .day, value: 7, to: opens)!
        let termEnd = oracle.date(from: DateComponents(year: year + 1, month: 1, day: 1))!

        #expect(window.number == 1)
        #expect(window.openingDay == (try LocalDate(year: year, month: expectedMonth, day: expectedDay)))
        #expect(window.opens == opens)
        #expect(window.closes == min(nominalClose, termEnd))
        #expect(calendar.window(containing: opens, birthday: birthday) == window)
        #expect(calendar.window(containing: opens - 1, birthday: birthday) == nil)
    }
}

// MARK: Term boundaries

@Suite("Term boundaries")
struct TermBoundaryTests {
    let calendar: TermCalendar

    init() throws {
        calendar = try term("Europe/Paris", "2026-03-10", "2028-03-10")
    }

    @Test func aBirthdayJustBeforeTheStartHasNoWindowThatYear() {
        let windows = calendar.windows(for: birthday("03-09"))
        #expect(windows.map(\.openingDay) == [day("2027-03-09"), day("2028-03-09")])
        #expect(windows.map(\.number) == [1, 2])
        // Its 2026 window would be open on the start day, but it opened before the term.
        #expect(calendar.window(containing: calendar.termStartInstant, birthday: birthday("03-09")) == nil)
        #expect(calendar.window(containing: calendar.instant(of: day("2026-03-12")), birthday: birthday("03-09")) == nil)
    }

    @Test func aBirthdayOnTheStartOpensWithTheTerm() {
        let windows = calendar.windows(for: birthday("03-10"))
        #expect(windows.map(\.openingDay) == [day("2026-03-10"), day("2027-03-10")])
        #expect(windows.map(\.number) == [1, 2])
        #expect(windows[0].opens == calendar.termStartInstant)
        #expect(calendar.window(containing: calendar.termStartInstant, birthday: birthday("03-10"))?.number == 1)
    }

    @Test func windowsAreClippedAtTheEnd() {
        let windows = calendar.windows(for: birthday("03-05"))
        #expect(windows.map(\.number) == [1, 2])
        #expect(windows.map(\.openingDay) == [day("2027-03-05"), day("2028-03-05")])
        #expect(windows[1].closes == calendar.termEndInstant)
        #expect(hours(windows[1]) == 5 * 24)
        #expect(hours(windows[0]) == 7 * 24)
        // The last day of the term gives a one-day window; the end day itself opens nothing.
        #expect(calendar.windows(for: birthday("03-09")).last.map(hours) == 24)
        #expect(calendar.windows(for: birthday("03-10")).map(\.openingDay).last == day("2027-03-10"))
        #expect(calendar.window(containing: calendar.termEndInstant - 1, birthday: birthday("03-05"))?.number == 2)
        #expect(calendar.window(containing: calendar.termEndInstant, birthday: birthday("03-05")) == nil)
    }
}

// MARK: Daylight-saving changes

@Suite("Daylight saving")
struct DaylightSavingTests {
    /// Europe/Paris 2026: summer time from 29 March (23-hour day) to 25 October (25-hour day).
    /// Every birthday's 7-day window lasts 168 h, minus 1 if it contains 29 March, plus 1 if 25 October,
    /// unless clipped at the end of the term.
    @Test(arguments: Birthday.all)
    func parisWindowDurations(birthday: Birthday) throws {
        let calendar = try term("Europe/Paris", "2026-01-01", "2027-01-01")
        let window = try #require(calendar.windows(for: birthday).first)
        let lastDay = window.openingDay.adding(days: 6)
        let contains = { (date: LocalDate) in window.openingDay <= date && date <= lastDay }
        var expected = 168.0
        if contains(day("2026-03-29")) { expected -= 1 }
        if contains(day("2026-10-25")) { expected += 1 }
        if lastDay >= day("2027-01-01") { expected = Double(window.openingDay.distance(to: day("2027-01-01")) * 24) }
        #expect(hours(window) == expected)
    }

    @Test func parisWindowsAcrossTheChanges() throws {
        let calendar = try term("Europe/Paris", "2026-01-01", "2027-01-01")
        let spring = try #require(calendar.windows(for: birthday("03-27")).first)
        #expect(spring.opens == utc("2026-03-26T23:00:00Z"))
        #expect(spring.closes == utc("2026-04-02T22:00:00Z"))
        #expect(hours(spring) == 7 * 24 - 1)
        let autumn = try #require(calendar.windows(for: birthday("10-20")).first)
        #expect(autumn.opens == utc("2026-10-19T22:00:00Z"))
        #expect(autumn.closes == utc("2026-10-26T23:00:00Z"))
        #expect(hours(autumn) == 7 * 24 + 1)
        // One-day windows on the change days themselves.
        let short = try term("Europe/Paris", "2026-01-01", "2027-01-01", windowDays: 1)
        #expect(short.windows(for: birthday("03-29")).map(hours) == [23])
        #expect(short.windows(for: birthday("10-25")).map(hours) == [25])
        #expect(short.windows(for: birthday("10-26")).map(hours) == [24])
    }

    /// Australia/Sydney 2026: summer time ends 5 April (25-hour day), starts 4 October (23-hour day).
    @Test func sydneyWindowsAcrossTheChanges() throws {
        let calendar = try term("Australia/Sydney", "2026-01-01", "2027-01-01")
        let april = try #require(calendar.windows(for: birthday("04-01")).first)
        #expect(april.opens == utc("2026-03-31T13:00:00Z"))
        #expect(april.closes == utc("2026-04-07T14:00:00Z"))
        #expect(hours(april) == 7 * 24 + 1)
        let october = try #require(calendar.windows(for: birthday("10-01")).first)
        #expect(october.opens == utc("2026-09-30T14:00:00Z"))
        #expect(october.closes == utc("2026-10-07T13:00:00Z"))
        #expect(hours(october) == 7 * 24 - 1)
    }

    /// America/Santiago changes at midnight: on 6 September 2026 00:00 does not exist (24:00 -> 01:00),
    /// and 4 April 2026 lasts 25 hours (24:00 -> 23:00).
    @Test func santiagoWindowsAcrossMidnightChanges() throws {
        let calendar = try term("America/Santiago", "2026-01-01", "2027-01-01")
        let gapDay = try #require(calendar.windows(for: birthday("09-06")).first)
        #expect(gapDay.opens == utc("2026-09-06T04:00:00Z"))  // 01:00 -03, the first instant of the day
        #expect(gapDay.closes == utc("2026-09-13T03:00:00Z"))
        #expect(hours(gapDay) == 7 * 24 - 1)
        #expect(calendar.window(containing: utc("2026-09-06T03:59:59Z"), birthday: birthday("09-06")) == nil)
        #expect(calendar.window(containing: utc("2026-09-06T04:00:00Z"), birthday: birthday("09-06"))?.openingDay == day("2026-09-06"))
        let across = try #require(calendar.windows(for: birthday("09-01")).first)
        #expect(across.opens == utc("2026-09-01T04:00:00Z"))
        #expect(across.closes == utc("2026-09-08T03:00:00Z"))
        #expect(hours(across) == 7 * 24 - 1)
        let before = try #require(calendar.windows(for: birthday("08-30")).first)
        #expect(before.closes == utc("2026-09-06T04:00:00Z"))
        #expect(hours(before) == 7 * 24)
        let april = try #require(calendar.windows(for: birthday("04-01")).first)
        #expect(april.opens == utc("2026-04-01T03:00:00Z"))
        #expect(april.closes == utc("2026-04-08T04:00:00Z"))
        #expect(hours(april) == 7 * 24 + 1)
    }

    /// Pacific/Kiritimati is UTC+14: a window opens at 10:00 UTC the day before.
    @Test func kiritimatiWindowsOpenTheUTCDayBefore() throws {
        let calendar = try term("Pacific/Kiritimati", "2026-01-01", "2027-01-01")
        let window = try #require(calendar.windows(for: birthday("06-15")).first)
        #expect(window.opens == utc("2026-06-14T10:00:00Z"))
        #expect(window.closes == utc("2026-06-21T10:00:00Z"))
        #expect(calendar.window(containing: utc("2026-06-14T09:59:59Z"), birthday: birthday("06-15")) == nil)
        #expect(calendar.window(containing: utc("2026-06-14T10:00:00Z"), birthday: birthday("06-15")) == window)
        #expect(calendar.window(containing: utc("2026-06-21T09:59:59Z"), birthday: birthday("06-15")) == window)
        #expect(calendar.window(containing: utc("2026-06-21T10:00:00Z"), birthday: birthday("06-15")) == nil)
        // 1 January 2026 begins at 10:00 UTC on 31 December 2025.
        let newYear = try #require(calendar.windows(for: birthday("01-01")).first)
        #expect(newYear.opens == utc("2025-12-31T10:00:00Z"))
    }
}

// MARK: window(containing:) and nextWindow(after:)

@Suite("Finding windows")
struct FindingWindowTests {
    @Test(arguments: ["Europe/Paris", "America/Santiago", "Pacific/Kiritimati"])
    func openingInstantIsInsideClosingInstantIsOutside(zone: String) throws {
        let calendar = try term(zone, "2026-01-01", "2032-01-01")
        for window in calendar.windows(for: birthday("04-04")) {
            #expect(calendar.window(containing: window.opens, birthday: birthday("04-04")) == window)
            #expect(calendar.window(containing: window.closes - 0.001, birthday: birthday("04-04")) == window)
            #expect(calendar.window(containing: window.closes, birthday: birthday("04-04")) == nil)
            #expect(calendar.window(containing: window.opens - 0.001, birthday: birthday("04-04")) == nil)
        }
    }

    /// `window(containing:)` agrees with a linear search of `windows(for:)` at every hour of a term,
    /// including windows that cross New Year and 31-day windows, with and without eligibility limits.
    @Test(arguments: ["01-01", "02-29", "04-04", "09-06", "12-28", "12-31"])
    func containingAgreesWithTheList(birthdayText: String) throws {
        let calendar = try term("America/Santiago", "2026-02-15", "2028-06-15", windowDays: 31, policy: .march1)
        let birthday = birthday(birthdayText)
        for (from, until) in [(nil, nil), (day("2026-12-30"), day("2028-03-15")), (day("2027-01-15"), nil)] as [(LocalDate?, LocalDate?)] {
            let windows = calendar.windows(for: birthday, eligibleFrom: from, eligibleUntil: until)
            var instant = calendar.termStartInstant - 86_400
            var found = Set<Int>()
            while instant < calendar.termEndInstant + 86_400 {
                let expected = windows.first { $0.contains(instant) }
                let actual = calendar.window(containing: instant, birthday: birthday, eligibleFrom: from, eligibleUntil: until)
                #expect(actual == expected, "\(birthdayText) at \(instant)")
                if let actual { found.insert(actual.number) }
                instant += 3600
            }
            #expect(found == Set(windows.map(\.number)))
        }
    }

    @Test func nextWindowForTheKiosk() throws {
        let calendar = try term("Europe/Paris", "2026-03-01", "2029-03-01")
        let windows = calendar.windows(for: birthday("07-14"))
        #expect(windows.map(\.number) == [1, 2, 3])
        #expect(calendar.nextWindow(after: utc("2020-01-01T00:00:00Z"), birthday: birthday("07-14")) == windows[0])
        #expect(calendar.nextWindow(after: windows[0].opens - 1, birthday: birthday("07-14")) == windows[0])
        #expect(calendar.nextWindow(after: windows[0].opens, birthday: birthday("07-14")) == windows[1])
        #expect(calendar.nextWindow(after: windows[0].closes, birthday: birthday("07-14")) == windows[1])
        #expect(calendar.nextWindow(after: windows[2].opens, birthday: birthday("07-14")) == nil)
        #expect(calendar.nextWindow(after: calendar.termEndInstant, birthday: birthday("07-14")) == nil)
        // A citizen who comes of age on 1 January 2028 is told about their first eligible window.
        let next = calendar.nextWindow(after: windows[0].opens, birthday: birthday("07-14"), eligibleFrom: day("2028-01-01"))
        #expect(next == windows[2])
        // A window that opened before eligibility starts opens again, for them, on the eligibility day.
        let late = calendar.nextWindow(after: windows[1].opens, birthday: birthday("07-14"), eligibleFrom: day("2028-07-16"))
        #expect(late?.number == 3)
        #expect(late?.opens == calendar.instant(of: day("2028-07-16")))
    }
}

// MARK: Terms of T whole years

@Suite("Whole-year terms")
struct WholeYearTermTests {
    static let starts = ["2026-01-01", "2026-03-01", "2024-02-29", "2024-03-01", "2027-07-14", "2025-12-31", "2028-02-28",
                         "2025-02-28"]

    /// For T = 1...7, every always-eligible citizen has exactly T windows numbered 1...T, one per year.
    /// A term starting on 29 February under the 28-February rule, or on 1 March of a leap year under the
    /// 1-March rule, has no whole-year end unless T is a multiple of 4; every other start has one.
    @Test(arguments: starts, LeapDayPolicy.allCases)
    func everyCitizenHasExactlyTWindows(startText: String, policy: LeapDayPolicy) throws {
        let start = day(startText)
        for years in 1...7 {
            guard let end = TermCalendar.wholeYearEnd(start: start, years: years, leapDayPolicy: policy) else {
                let leapStartWithoutEnd = (startText == "2024-02-29" && policy == .february28)
                    || (startText == "2024-03-01" && policy == .march1)
                #expect(leapStartWithoutEnd && years % 4 != 0, "no end for \(startText) + \(years)")
                continue
            }
            #expect(end.year == start.year + years)
            #expect(abs(end.month * 31 + end.day - (start.month * 31 + start.day)) <= 2 * 31)
            let calendar = try TermCalendar(timeZone: "Europe/Paris", start: start, end: end, leapDayPolicy: policy)
            #expect(calendar.wholeYears == years)
            for birthday in Birthday.all {
                let windows = calendar.windows(for: birthday)
                #expect(windows.map(\.number) == Array(1...years), "\(birthday) in \(startText)..<\(end)")
                for (earlier, later) in zip(windows, windows.dropFirst()) {
                    #expect(later.openingDay.year == earlier.openingDay.year + 1)
                    #expect(earlier.closes <= later.opens)
                }
            }
        }
    }

    @Test(arguments: LeapDayPolicy.allCases)
    func leapDayBirthdaysOverASixYearTerm(policy: LeapDayPolicy) throws {
        let calendar = try term("Europe/Paris", "2026-06-01", "2032-06-01", policy: policy)
        let common = policy == .february28 ? "02-28" : "03-01"
        let expected = ["2027-\(common)", "2028-02-29", "2029-\(common)", "2030-\(common)", "2031-\(common)", "2032-02-29"]
        let windows = calendar.windows(for: birthday("02-29"))
        #expect(windows.map(\.openingDay.iso) == expected)
        #expect(windows.map(\.number) == [1, 2, 3, 4, 5, 6])
        for window in windows {
            #expect(window.opens == calendar.instant(of: window.openingDay))
            #expect(window.closes == calendar.instant(of: window.openingDay.adding(days: 7)))
        }
    }

    @Test func sameMonthDayIsTheWholeYearEndAwayFromTheLeapDay() {
        #expect(TermCalendar.wholeYearEnd(start: day("2026-03-15"), years: 6, leapDayPolicy: .february28) == day("2032-03-15"))
        #expect(TermCalendar.wholeYearEnd(start: day("2026-03-01"), years: 6, leapDayPolicy: .february28) == day("2032-03-01"))
        // Under the 1-March rule a 1 March start ends on 29 February in a leap year.
        #expect(TermCalendar.wholeYearEnd(start: day("2026-03-01"), years: 2, leapDayPolicy: .march1) == day("2028-02-29"))
        #expect(TermCalendar.wholeYearEnd(start: day("2024-02-29"), years: 1, leapDayPolicy: .march1) == day("2025-03-01"))
        #expect(TermCalendar.wholeYearEnd(start: day("2024-02-29"), years: 4, leapDayPolicy: .february28) == day("2028-02-29"))
        #expect(TermCalendar.wholeYearEnd(start: day("2024-02-29"), years: 1, leapDayPolicy: .february28) == nil)
        #expect(TermCalendar.wholeYearEnd(start: day("2024-03-01"), years: 1, leapDayPolicy: .march1) == nil)
        #expect(TermCalendar.wholeYearEnd(start: day("2024-03-01"), years: 4, leapDayPolicy: .march1) == day("2028-03-01"))
    }

    /// Why `wholeYears` matters: a six-year term from 1 March to 1 March under the 1-March rule
    /// gives 29 February birthdays seven windows.
    @Test func unevenTermsAreDetected() throws {
        let uneven = try term("Europe/Paris", "2026-03-01", "2032-03-01", policy: .march1)
        #expect(uneven.wholeYears == nil)
        #expect(uneven.windows(for: birthday("02-29")).count == 7)
        #expect(uneven.windows(for: birthday("03-01")).count == 6)
        let halfYear = try term("Europe/Paris", "2026-01-01", "2031-07-01")
        #expect(halfYear.wholeYears == nil)
        #expect(halfYear.windows(for: birthday("03-01")).count == 6)
        #expect(halfYear.windows(for: birthday("09-01")).count == 5)
        let even = try term("Europe/Paris", "2026-03-01", "2032-03-01", policy: .february28)
        #expect(even.wholeYears == 6)
    }
}

// MARK: Eligibility

@Suite("Eligibility")
struct EligibilityTests {
    let calendar: TermCalendar
    let citizen = birthday("05-10")

    init() throws {
        calendar = try term("Europe/Paris", "2026-01-01", "2032-01-01")
    }

    @Test func comingOfAgeOnTheBirthdayGivesTheWholeWindow() {
        let windows = calendar.windows(for: citizen, eligibleFrom: day("2028-05-10"))
        #expect(windows.map(\.number) == [3, 4, 5, 6])
        #expect(windows[0].opens == calendar.instant(of: day("2028-05-10")))
        #expect(hours(windows[0]) == 7 * 24)
    }

    @Test func comingOfAgeMidWindowClipsItsStart() {
        let windows = calendar.windows(for: citizen, eligibleFrom: day("2028-05-12"))
        #expect(windows.map(\.number) == [3, 4, 5, 6])
        #expect(windows[0].openingDay == day("2028-05-10"))
        #expect(windows[0].opens == calendar.instant(of: day("2028-05-12")))
        #expect(windows[0].closes == calendar.instant(of: day("2028-05-17")))
        #expect(calendar.window(containing: calendar.instant(of: day("2028-05-11")), birthday: citizen,
                                eligibleFrom: day("2028-05-12")) == nil)
        #expect(calendar.window(containing: calendar.instant(of: day("2028-05-12")), birthday: citizen,
                                eligibleFrom: day("2028-05-12"))?.number == 3)
    }

    @Test func movingOutClipsTheEndAndDropsLaterWindows() {
        let windows = calendar.windows(for: citizen, eligibleUntil: day("2029-05-12"))
        #expect(windows.map(\.number) == [1, 2, 3, 4])
        #expect(windows[3].closes == calendar.instant(of: day("2029-05-12")))
        #expect(hours(windows[3]) == 2 * 24)
        #expect(calendar.window(containing: calendar.instant(of: day("2029-05-12")), birthday: citizen,
                                eligibleUntil: day("2029-05-12")) == nil)
        // Leaving on the birthday itself: that window is entirely outside eligibility.
        #expect(calendar.windows(for: citizen, eligibleUntil: day("2029-05-10")).map(\.number) == [1, 2, 3])
    }

    @Test func aShortEligibilityKeepsTermWideNumbers() {
        let windows = calendar.windows(for: citizen, eligibleFrom: day("2027-05-15"), eligibleUntil: day("2030-05-11"))
        #expect(windows.map(\.number) == [2, 3, 4, 5])
        #expect(hours(windows[0]) == 2 * 24)
        #expect(hours(windows[3]) == 24)
        #expect(calendar.windows(for: citizen, eligibleFrom: day("2030-01-01"), eligibleUntil: day("2029-01-01")).isEmpty)
        #expect(calendar.windows(for: citizen, eligibleFrom: day("2027-05-17"), eligibleUntil: day("2028-05-10")).isEmpty)
    }
}
