import Foundation

/// Converts between instants and local wall-clock time in one time zone: the one rule for local
/// time of the whole engine (the election's calendar, SPEC §4.3, and the ledger's times, SPEC §5.1).
///
/// It uses only the zone's UTC offset at an instant (`TimeZone.secondsFromGMT(for:)`), so that gaps
/// and repeats around daylight-saving and other offset changes are resolved by the rule stated
/// here rather than by whatever a higher-level API happens to do: the instant of a local date and
/// time `D T` is the **earliest instant at which the zone's clock reads `D T` or later**. So a time
/// skipped by a jump (02:30 on the last Sunday of March in Paris) means the instant of the jump,
/// and a time that occurs twice (02:30 on the last Sunday of October) means its first occurrence.
///
/// Local wall-clock time is represented as "local seconds": seconds since 1970-01-01T00:00 *as read
/// on the local clock*, that is `utcSeconds + offset(utcSeconds)`.
public struct ZoneClock: Sendable {
    public let zone: TimeZone

    init(zone: TimeZone) { self.zone = zone }

    /// The clock of an IANA zone with a region (`Area/Location`), or `UTC`/`GMT`: the one check of a
    /// zone name, for the term's calendar and the ledger alike.
    /// - Throws: ``ElectionError`` (`.unknownTimeZone`) otherwise.
    public init(identifier: String) throws(ElectionError) {
        let plain = identifier == "UTC" || identifier == "GMT"
        guard plain || identifier.contains("/"),
              identifier.unicodeScalars.allSatisfy({ $0.isASCII && !$0.properties.isWhitespace }),
              let zone = TimeZone(identifier: identifier)
        else { throw ElectionError.unknownTimeZone(identifier) }
        self.zone = zone
    }

    /// Larger than any UTC offset a zone has ever used (historic local mean times reach ±15:57).
    static let offsetBound = 18 * 3600

    func offset(at utcSeconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
    }

    func localSeconds(at utcSeconds: Int) -> Int {
        utcSeconds + offset(at: utcSeconds)
    }

    /// The local date at a UTC second.
    public func localDate(at utcSeconds: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: floorDivide(localSeconds(at: utcSeconds), 86_400))
    }

    /// The local date at `instant`.
    func localDate(of instant: Date) -> LocalDate {
        localDate(at: Int(instant.timeIntervalSince1970.rounded(.down)))
    }

    /// The minute of the local day (0…1439, rounded down) at a UTC second.
    public func minuteOfDay(at utcSeconds: Int) -> Int {
        let local = localSeconds(at: utcSeconds)
        return (local - floorDivide(local, 86_400) * 86_400) / 60
    }

    /// The instant (UTC seconds) of `minuteOfDay` on `date`, by the earliest-reading rule.
    public func instant(of date: LocalDate, minuteOfDay: Int = 0) -> Int {
        firstUTCSecond(atOrAfterLocal: date.daysSinceEpoch * 86_400 + minuteOfDay * 60)
    }

    /// The earliest instant whose local time is at or after 00:00 on `date`.
    func firstInstant(of date: LocalDate) -> Date {
        Date(timeIntervalSince1970: TimeInterval(instant(of: date)))
    }

    /// The earliest UTC second whose local time is at or after `local`.
    ///
    /// Offsets change at most once in the 36 hours searched (transitions are months apart), so the
    /// local time `L(t) = t + offset(t)` there is increasing except for one possible backward jump.
    /// If `local` occurs on the clock, it is `t = local - o` for an offset `o` in force around it; the
    /// earliest such `t` is the answer. Otherwise `local` falls in a gap and the answer is the instant
    /// of the jump, found by bisection on `L(t) >= local`, which is monotone across a forward jump.
    func firstUTCSecond(atOrAfterLocal local: Int) -> Int {
        let bound = ZoneClock.offsetBound
        var earliest: Int?
        for probe in [local - bound, local, local + bound] {
            let candidate = local - offset(at: probe)
            if localSeconds(at: candidate) == local {
                earliest = min(earliest ?? candidate, candidate)
            }
        }
        if let earliest { return earliest }
        // Gap: L(low) < local <= L(high) because |offset| < bound.
        var low = local - bound
        var high = local + bound
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if localSeconds(at: middle) >= local { high = middle } else { low = middle }
        }
        return high
    }
}

func floorDivide(_ a: Int, _ b: Int) -> Int {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
