import BallotCore
import Foundation

/// The ledger's local times (SPEC §5.1) on the engine's one local-time rule, ``BallotCore/ZoneClock``:
/// the instant of a local date and time is the earliest instant at which the zone's clock reads it
/// or later. Durations are real elapsed time: 01:30–03:30 is one hour on the March night in Paris
/// and three on the October night.
extension ZoneClock {
    /// The instant (UTC seconds) of `time` on `date`.
    public func instant(_ date: LocalDate, _ time: LocalTime) -> Int {
        instant(of: date, minuteOfDay: time.minuteOfDay)
    }

    /// The first instant (UTC seconds) of `date`.
    public func midnight(_ date: LocalDate) -> Int { instant(of: date) }

    /// The local time (to the minute, rounded down) at a UTC second.
    public func localTime(at utc: Int) -> LocalTime {
        LocalTime(minuteOfDay: minuteOfDay(at: utc))
    }
}
