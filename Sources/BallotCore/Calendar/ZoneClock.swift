import Foundation

/// Converts between instants and local wall-clock time in one time zone, using only the zone's
/// UTC offset at an instant (`TimeZone.secondsFromGMT(for:)`), so that gaps and repeats around
/// daylight-saving and other offset changes are resolved by rules stated here rather than by
/// whatever a higher-level API happens to do.
///
/// Local wall-clock time is represented as "local seconds": seconds since 1970-01-01T00:00 *as read
/// on the local clock*, that is `utcSeconds + offset(utcSeconds)`.
struct ZoneClock {
    let zone: TimeZone

    /// Larger than any UTC offset a zone has ever used (historic local mean times reach ±15:57).
    static let offsetBound = 18 * 3600

    func offset(at utcSeconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
    }

    func localSeconds(at utcSeconds: Int) -> Int {
        utcSeconds + offset(at: utcSeconds)
    }

    /// The local date at `instant`.
    func localDate(of instant: Date) -> LocalDate {
        let utc = Int(instant.timeIntervalSince1970.rounded(.down))
        let local = localSeconds(at: utc)
        return LocalDate(daysSinceEpoch: floorDivide(local, 86_400))
    }

    /// The earliest instant whose local time is at or after 00:00 on `date`.
    func firstInstant(of date: LocalDate) -> Date {
        Date(timeIntervalSince1970: TimeInterval(firstUTCSecond(atOrAfterLocal: date.daysSinceEpoch * 86_400)))
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
