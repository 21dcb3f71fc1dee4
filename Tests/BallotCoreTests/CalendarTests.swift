import Foundation
import Testing
@testable import BallotCore

// MARK: Helpers (independent oracles: Foundation's parser and calendar, hand-computed instants)

/// An instant from an ISO 8601 UTC timestamp such as `2026-06-14T10:00:00Z`.
func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad timestamp in test: \(text)") }
    return date
}

func day(_ iso: String) -> LocalDate {
    do { return try LocalDate(iso: iso) } catch { fatalError("bad date in test: \(iso)") }
}

func birthday(_ iso: String) -> Birthday {
    do { return try Birthday(iso: iso) } catch { fatalError("bad birthday in test: \(iso)") }
}

func term(
    _ zone: String, _ start: String, _ end: String, windowDays: Int = 7, policy: LeapDayPolicy = .february28
) throws -> TermCalendar {
    try TermCalendar(timeZone: zone, start: day(start), end: day(end), windowDays: windowDays, leapDayPolicy: policy)
}

func hours(_ window: VotingWindow) -> Double { window.duration / 3600 }

/// Foundation's Gregorian calendar in a zone, used only as an oracle.
func foundationCalendar(_ zone: String) -> Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    return calendar
}

// MARK: LocalDate

@Suite("LocalDate")
struct LocalDateTests {
    @Test(arguments: [("1970-01-01", 3), ("2026-12-01", 1), ("2024-02-29", 3), ("1969-12-28", 6), ("2027-03-15", 0)])
    func weekdays(text: String, weekday: Int) throws {
        #expect(try LocalDate(iso: text).weekday == weekday)
    }

    @Test(arguments: ["2027-07-14", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "1970-01-01", "2026-12-31"])
    func isoRoundTrip(text: String) throws {
        let date = try LocalDate(iso: text)
        #expect(date.iso == text)
        #expect(date.description == text)
        let parts = text.split(separator: "-").map { Int($0)! }
        #expect([date.year, date.month, date.day] as [Int] == parts)
    }

    @Test(arguments: ["2027-7-14", "2027/07/14", "27-07-14", "2027-07-14 ", " 2027-07-14", "+027-07-14", "2027-07-1a",
                      "", "2027-07-14T00:00", "２０２７-07-14", "-027-07-14"])
    func malformedTextIsRefused(text: String) {
        #expect(throws: ElectionError.self) { try LocalDate(iso: text) }
        do { _ = try LocalDate(iso: text) } catch let error as ElectionError {
            #expect(error.reason == .malformedDate)
            #expect(error.description.contains("YYYY-MM-DD"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: ["2027-02-29", "1900-02-29", "2100-02-29", "2027-04-31", "2027-06-31", "2027-13-01",
                      "2027-00-10", "2027-01-00", "2027-01-32", "0000-01-01"])
    func impossibleDatesAreRefused(text: String) {
        do {
            _ = try LocalDate(iso: text)
            Issue.record("\(text) was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .invalidDate)
            #expect(error.description.contains("29 February exists only in leap years"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func leapYears() {
        #expect(LocalDate.isLeapYear(2024))
        #expect(LocalDate.isLeapYear(2000))
        #expect(!LocalDate.isLeapYear(1900))
        #expect(!LocalDate.isLeapYear(2100))
        #expect(!LocalDate.isLeapYear(2027))
        #expect(LocalDate.daysInMonth(2, year: 2024) == 29)
        #expect(LocalDate.daysInMonth(2, year: 2100) == 28)
    }

    /// Day arithmetic against Foundation's Gregorian calendar in UTC (years after 1582, where
    /// Foundation stops using the Julian calendar).
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func arithmeticMatchesFoundation(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let calendar = foundationCalendar("UTC")
        for _ in 0..<300 {
            let year = Int.random(in: 1600...9000, using: &generator)
            let month = Int.random(in: 1...12, using: &generator)
            let dayOfMonth = Int.random(in: 1...LocalDate.daysInMonth(month, year: year), using: &generator)
            let offset = Int.random(in: -200_000...200_000, using: &generator)
            let date = try LocalDate(year: year, month: month, day: dayOfMonth)
            let base = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))!
            let shifted = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: offset, to: base)!)
            guard (1600...9999).contains(shifted.year!) else { continue }
            let result = date.adding(days: offset)
            #expect([result.year, result.month, result.day] as [Int] == [shifted.year!, shifted.month!, shifted.day!])
            #expect(date.distance(to: result) == offset)
            #expect(result.adding(days: -offset) == date)
        }
    }

    @Test func epochAndOrdering() {
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("2000-03-01").daysSinceEpoch == 11_017)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
        #expect(day("2027-07-14") < day("2027-07-15"))
        #expect(day("2026-12-31") < day("2027-01-01"))
        #expect(day("2027-02-28").adding(days: 1) == day("2027-03-01"))
        #expect(day("2028-02-28").adding(days: 1) == day("2028-02-29"))
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
    }

    @Test(arguments: [2024, 2025, 2100, 2000])
    func strideWalksEveryDayOfTheYear(year: Int) throws {
        let days = Array(try LocalDate(year: year, month: 1, day: 1)..<LocalDate(year: year + 1, month: 1, day: 1))
        #expect(days.count == (LocalDate.isLeapYear(year) ? 366 : 365))
        for (previous, next) in zip(days, days.dropFirst()) {
            #expect(previous < next)
            #expect(LocalDate.isValid(year: next.year, month: next.month, day: next.day))
        }
        #expect(days.last == (try LocalDate(year: year, month: 12, day: 31)))
    }

    @Test func codableUsesTheISOForm() throws {
        let data = try JSONEncoder().encode([day("2027-07-14")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2027-07-14"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [day("2027-07-14")])
        #expect(throws: ElectionError.self) {
            try JSONDecoder().decode([LocalDate].self, from: Data(#"["2027-02-30"]"#.utf8))
        }
    }
}

// MARK: Birthday

@Suite("Birthday")
struct BirthdayTests {
    @Test func allBirthdaysAreTheDaysOfALeapYear() throws {
        #expect(Birthday.all.count == 366)
        #expect(Birthday.all == Birthday.all.sorted())
        #expect(Set(Birthday.all).count == 366)
        let leapYear = Array(try LocalDate(year: 2024, month: 1, day: 1)..<LocalDate(year: 2025, month: 1, day: 1))
        #expect(Birthday.all.map(\.iso) == leapYear.map { String($0.iso.dropFirst(5)) })
        for birthday in Birthday.all {
            #expect(try Birthday(iso: birthday.iso) == birthday)
        }
    }

    @Test(arguments: ["02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "00-10", "13-01", "01-00", "01-32"])
    func impossibleBirthdaysAreRefused(text: String) {
        do {
            _ = try Birthday(iso: text)
            Issue.record("\(text) was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .invalidBirthday)
            #expect(error.description.hasPrefix("\(text) is not a possible birthday"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: ["2-29", "02/29", "0229", "02-29-2024", "", "ab-cd"])
    func malformedBirthdaysAreRefused(text: String) {
        do {
            _ = try Birthday(iso: text)
            Issue.record("\(text) was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .malformedDate)
            #expect(error.description.contains("MM-DD"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func leapDayOpensPerPolicy() {
        let leapDay = birthday("02-29")
        #expect(leapDay.isLeapDay)
        #expect(leapDay.openingDay(in: 2024, policy: .february28) == day("2024-02-29"))
        #expect(leapDay.openingDay(in: 2024, policy: .march1) == day("2024-02-29"))
        #expect(leapDay.openingDay(in: 2025, policy: .february28) == day("2025-02-28"))
        #expect(leapDay.openingDay(in: 2025, policy: .march1) == day("2025-03-01"))
        #expect(leapDay.openingDay(in: 2100, policy: .march1) == day("2100-03-01"))
        #expect(birthday("02-28").openingDay(in: 2025, policy: .march1) == day("2025-02-28"))
        #expect(LeapDayPolicy(rawValue: "feb28") == .february28)
        #expect(LeapDayPolicy(rawValue: "mar1") == .march1)
    }

    @Test func codableUsesTheMonthDayForm() throws {
        let data = try JSONEncoder().encode([birthday("02-29")])
        #expect(String(decoding: data, as: UTF8.self) == #"["02-29"]"#)
        #expect(throws: ElectionError.self) { try JSONDecoder().decode([Birthday].self, from: Data(#"["04-31"]"#.utf8)) }
    }
}

/// SplitMix64: a small seeded generator so tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: TermCalendar settings

@Suite("TermCalendar settings")
struct TermCalendarSettingsTests {
    @Test(arguments: ["Mars/Olympus", "GMT+2", "GMT+0200", "europe/paris", "", "Europe/Paris ", "PST", "CEST", "Foo/Bar"])
    func unknownZonesAreRefused(zone: String) {
        do {
            _ = try term(zone, "2026-01-01", "2032-01-01")
            Issue.record("\(zone) was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .unknownTimeZone)
            #expect(error.description.contains("\"\(zone)\" is not a known IANA time zone"))
            #expect(error.description.contains("Europe/Paris"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: ["Europe/Paris", "America/Santiago", "Australia/Sydney", "Pacific/Kiritimati", "UTC",
                      "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT-14"])
    func knownZonesAreAccepted(zone: String) throws {
        let calendar = try term(zone, "2026-01-01", "2032-01-01")
        #expect(calendar.timeZoneIdentifier == zone)
    }

    @Test(arguments: [("2026-01-01", "2026-01-01"), ("2026-01-02", "2026-01-01"), ("2032-01-01", "2026-01-01")])
    func endMustBeAfterStart(start: String, end: String) {
        do {
            _ = try term("Europe/Paris", start, end)
            Issue.record("accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .endNotAfterStart)
            #expect(error.description == "The term ends on \(end), which is not after its start on \(start). "
                + "The end date is exclusive: set it at least one day after the start (typically years later).")
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: [0, -1, 32, 365])
    func windowLengthMustBeOneToThirtyOneDays(days: Int) {
        do {
            _ = try term("Europe/Paris", "2026-01-01", "2032-01-01", windowDays: days)
            Issue.record("accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .windowLengthOutOfRange)
            #expect(error.description.contains("\(days) days is not allowed. Choose between 1 and 31 days"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: [1, 7, 31])
    func windowLengthsInRangeAreAccepted(days: Int) throws {
        #expect(try term("Europe/Paris", "2026-01-01", "2032-01-01", windowDays: days).windowDays == days)
    }

    @Test func termsMustEndBeforeTheLastSupportedYear() throws {
        do {
            _ = try term("Europe/Paris", "9990-01-01", "9999-01-01")
            Issue.record("accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .dateOutOfRange)
            #expect(error.description.contains("9999-01-01 is too close to the end of the supported calendar"))
        }
        let last = try term("Europe/Paris", "9990-01-01", "9998-12-31", windowDays: 31)
        #expect(last.windows(for: birthday("12-30")).last?.closes == last.termEndInstant)
    }

    @Test func defaultsAndCodable() throws {
        let calendar = try TermCalendar(timeZone: "Europe/Paris", start: day("2026-03-01"), end: day("2032-03-01"))
        #expect(calendar.windowDays == 7)
        #expect(calendar.leapDayPolicy == .february28)
        let data = try JSONEncoder().encode(calendar)
        #expect(try JSONDecoder().decode(TermCalendar.self, from: data) == calendar)
        let bad = #"{"timeZone":"Europe/Nancy","start":"2026-03-01","end":"2032-03-01"}"#
        #expect(throws: ElectionError.self) { try JSONDecoder().decode(TermCalendar.self, from: Data(bad.utf8)) }
    }

    @Test func termInstantsAreLocalMidnights() throws {
        let calendar = try term("Europe/Paris", "2026-03-01", "2032-03-01")
        #expect(calendar.termStartInstant == utc("2026-02-28T23:00:00Z"))
        #expect(calendar.termEndInstant == utc("2032-02-29T23:00:00Z"))
    }
}

// MARK: Local midnight and local dates

@Suite("Local midnight")
struct LocalMidnightTests {
    @Test(arguments: [
        ("Europe/Paris", "2026-01-15", "2026-01-14T23:00:00Z"),
        ("Europe/Paris", "2026-07-15", "2026-07-14T22:00:00Z"),
        ("Europe/Paris", "2026-03-29", "2026-03-28T23:00:00Z"),   // spring-forward day (at 02:00)
        ("Europe/Paris", "2026-03-30", "2026-03-29T22:00:00Z"),
        ("Pacific/Kiritimati", "2026-06-15", "2026-06-14T10:00:00Z"),
        ("Australia/Sydney", "2026-01-15", "2026-01-14T13:00:00Z"),
        ("Australia/Sydney", "2026-07-15", "2026-07-14T14:00:00Z"),
        ("America/Santiago", "2026-09-05", "2026-09-05T04:00:00Z"),
        ("America/Santiago", "2026-09-06", "2026-09-06T04:00:00Z"), // 00:00 skipped: first instant is 01:00 -03
        ("America/Santiago", "2026-09-07", "2026-09-07T03:00:00Z"),
        ("America/Santiago", "2026-04-04", "2026-04-04T03:00:00Z"), // 25-hour day: 24:00 -03 -> 23:00 -04
        ("America/Santiago", "2026-04-05", "2026-04-05T04:00:00Z"),
        ("America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00Z"), // Brazil's last midnight gap
        ("UTC", "2026-06-15", "2026-06-15T00:00:00Z"),
    ])
    func instantOfLocalMidnight(zone: String, date: String, expected: String) throws {
        let calendar = try term(zone, "2000-01-01", "2040-01-01")
        #expect(calendar.instant(of: day(date)) == utc(expected))
        #expect(calendar.localDate(of: utc(expected)) == day(date))
        #expect(calendar.localDate(of: utc(expected) - 1) == day(date).adding(days: -1))
    }

    @Test func kiritimatiIsFourteenHoursAhead() throws {
        let calendar = try term("Pacific/Kiritimati", "2026-01-01", "2027-01-01")
        #expect(calendar.localDate(of: utc("2026-06-14T09:59:59Z")) == day("2026-06-14"))
        #expect(calendar.localDate(of: utc("2026-06-14T10:00:00Z")) == day("2026-06-15"))
        #expect(calendar.termStartInstant == utc("2025-12-31T10:00:00Z"))
    }

    @Test func aSkippedDayStartsWithTheNextDay() throws {
        // Samoa moved across the date line: 2011-12-29 was followed by 2011-12-31.
        let calendar = try term("Pacific/Apia", "2011-01-01", "2013-01-01")
        #expect(calendar.instant(of: day("2011-12-30")) == calendar.instant(of: day("2011-12-31")))
        #expect(calendar.instant(of: day("2011-12-31")) == utc("2011-12-30T10:00:00Z"))
        #expect(calendar.localDate(of: utc("2011-12-30T09:59:59Z")) == day("2011-12-29"))
    }

    /// Against Foundation's `startOfDay(for: local noon)`, for every day of 2017-2028, in zones with DST
    /// at 02:00/03:00, at midnight (Santiago, Havana, Beirut, São Paulo), in the south, and at UTC+14.
    @Test(arguments: ["Europe/Paris", "America/Santiago", "Australia/Sydney", "Pacific/Kiritimati", "America/Havana",
                      "Asia/Beirut", "America/Sao_Paulo", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe"])
    func midnightsMatchFoundation(zone: String) throws {
        let calendar = try term(zone, "2017-01-01", "2029-01-01")
        let oracle = foundationCalendar(zone)
        for date in day("2017-01-01")..<day("2029-01-01") {
            let noon = oracle.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!
            let expected = oracle.startOfDay(for: noon)
            #expect(calendar.instant(of: date) == expected, "\(zone) \(date)")
            #expect(calendar.localDate(of: expected) == date)
            #expect(calendar.localDate(of: calendar.instant(of: date.adding(days: 1)) - 1) == date)
        }
    }
}
