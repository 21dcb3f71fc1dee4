import BallotCore
import CivicLedger
import Foundation
import Testing

@Suite("Local times and instants (SPEC §5.1)")
struct LedgerLocalTimeTests {
    /// The earliest UTC minute whose local reading is at or after `D T`, by brute force.
    static func bruteForce(_ zone: TimeZone, _ date: LocalDate, _ minuteOfDay: Int) -> Int {
        let epoch = try! LocalDate(year: 1970, month: 1, day: 1)
        let local = epoch.distance(to: date) * 86_400 + minuteOfDay * 60
        var t = local - 18 * 3600
        while t + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) < local { t += 60 }
        return t
    }

    @Test(arguments: [("Europe/Paris", "2026-03-29"), ("Europe/Paris", "2026-10-25"), ("Australia/Sydney", "2026-04-05"),
                      ("Australia/Sydney", "2026-10-04"), ("America/Santiago", "2026-09-06"), ("Europe/Paris", "2026-06-10")])
    func instantsFollowTheEarliestReadingRule(zoneName: String, day: String) throws {
        let clock = try ZoneClock(identifier: zoneName)
        let date = try LocalDate(iso: day)
        for minute in stride(from: 0, to: 1440, by: 5) {
            let time = try LocalTime(String(format: "%02d:%02d", minute / 60, minute % 60))
            let expected = Self.bruteForce(clock.zone, date, minute)
            #expect(clock.instant(date, time) == expected, "\(zoneName) \(day) \(time)")
        }
    }

    @Test func localDaysAreTwentyThreeOrTwentyFiveHoursAcrossDST() throws {
        let clock = try ZoneClock(identifier: "Europe/Paris")
        let spring = try LocalDate(iso: "2026-03-29"), autumn = try LocalDate(iso: "2026-10-25")
        #expect(clock.midnight(spring.adding(days: 1)) - clock.midnight(spring) == 23 * 3600)
        #expect(clock.midnight(autumn.adding(days: 1)) - clock.midnight(autumn) == 25 * 3600)
        #expect(clock.localDate(at: clock.midnight(autumn) + 24 * 3600) == autumn)
        #expect(throws: LedgerError.self) {
            try LedgerContext(record: nil, term: "t", officer: "", timeZone: "Mars/Olympus", termStart: spring, termEnd: autumn)
        }
        // One zone check for the calendar and the ledger: an abbreviation is not a zone name.
        #expect(throws: LedgerError.self) {
            try LedgerContext(record: nil, term: "t", officer: "", timeZone: "CET", termStart: spring, termEnd: autumn)
        }
        for bad in ["24:00", "9:00", "12:60", "12h30", ""] { #expect(throws: LedgerError.self) { try LocalTime(bad) } }
    }
}
