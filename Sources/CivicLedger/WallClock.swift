import BallotCore
import Foundation

/// Local wall-clock times of the term's time zone and the instants they denote (SPEC §5.1).
///
/// The instant of a local date and time `D T` is the earliest instant at which the zone's clock
/// reads `D T` or later. So a time skipped by a daylight-saving jump (02:30 on the last Sunday of
/// March in Paris) means the instant of the jump, and a time that occurs twice (02:30 on the last
/// Sunday of October) means its first occurrence. Durations are real elapsed time: 01:30–03:30
/// is one hour on the March night and three on the October night.
public struct WallClock: Sendable {
    public let zone: TimeZone

    /// - Throws: ``LedgerError`` (`malformed`) for an unknown IANA zone name.
    public init(identifier: String) throws {
        guard let zone = TimeZone(identifier: identifier) else {
            throw LedgerError(.malformed, "The time zone \"\(identifier)\" is not an IANA zone name (e.g. Europe/Paris).")
        }
        self.zone = zone
    }

    /// Larger than any UTC offset ever used.
    static let offsetBound = 18 * 3600

    func offset(at utc: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
    }

    /// Local seconds (seconds since 1970-01-01T00:00 as read on the local clock) at a UTC second.
    func localSeconds(at utc: Int) -> Int { utc + offset(at: utc) }

    /// The earliest UTC second whose local reading is `local` or later (offsets change at most once
    /// in the 36 hours searched).
    func firstUTC(atOrAfterLocal local: Int) -> Int {
        let bound = Self.offsetBound
        var earliest: Int?
        for probe in [local - bound, local, local + bound] {
            let candidate = local - offset(at: probe)
            if localSeconds(at: candidate) == local { earliest = min(earliest ?? candidate, candidate) }
        }
        if let earliest { return earliest }
        var low = local - bound
        var high = local + bound
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if localSeconds(at: middle) >= local { high = middle } else { low = middle }
        }
        return high
    }

    /// The instant (UTC seconds) of `time` on `date`.
    public func instant(_ date: LocalDate, _ time: LocalTime) -> Int {
        firstUTC(atOrAfterLocal: LocalDate.epochDays(date) * 86_400 + time.minuteOfDay * 60)
    }

    /// The first instant (UTC seconds) of `date`.
    public func midnight(_ date: LocalDate) -> Int { instant(date, LocalTime(minuteOfDay: 0)) }

    /// The local date at a UTC second.
    public func localDate(at utc: Int) -> LocalDate {
        LocalDate.fromEpochDays(Self.floorDivide(localSeconds(at: utc), 86_400))
    }

    /// The local time (to the minute, rounded down) at a UTC second.
    public func localTime(at utc: Int) -> LocalTime {
        let seconds = localSeconds(at: utc) - Self.floorDivide(localSeconds(at: utc), 86_400) * 86_400
        return LocalTime(minuteOfDay: seconds / 60)
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension LocalDate {
    /// Days since 1970-01-01 (public `LocalDate` arithmetic only).
    static func epochDays(_ date: LocalDate) -> Int {
        // Unreachable failure: 1970-01-01 is a valid date, the only thing the initialiser checks.
        try! LocalDate(year: 1970, month: 1, day: 1).distance(to: date)
    }

    static func fromEpochDays(_ days: Int) -> LocalDate {
        // Unreachable failure: 1970-01-01 is a valid date, the only thing the initialiser checks.
        try! LocalDate(year: 1970, month: 1, day: 1).adding(days: days)
    }
}
