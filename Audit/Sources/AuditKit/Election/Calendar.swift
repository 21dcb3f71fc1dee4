import Foundation

/// A local calendar date (proleptic Gregorian), as SPEC.md writes `YYYY-MM-DD`.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2d, u[7] == 0x2d else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard u[i] >= 48, u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date of a day number (`civil_from_days`).
    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    public var description: String {
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// A birthday `MM-DD` (02-29 allowed).
public struct Birthday: Sendable, Hashable {
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 5, u[2] == 0x2d, u.enumerated().allSatisfy({ $0.offset == 2 || ($0.element >= 48 && $0.element <= 57) }) else { return nil }
        let m = Int(u[0] - 48) * 10 + Int(u[1] - 48)
        let d = Int(u[3] - 48) * 10 + Int(u[4] - 48)
        guard (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(year: 2024, month: m) else { return nil }
        month = m
        day = d
    }

    /// The birthday day in year `y` (SPEC.md §4.3), with the term's rule for 29 February.
    public func day(in y: Int, leapDayMarch1: Bool) -> LocalDate {
        if month == 2 && day == 29 && !LocalDate.isLeap(y) {
            return leapDayMarch1 ? LocalDate(year: y, month: 3, day: 1)! : LocalDate(year: y, month: 2, day: 28)!
        }
        return LocalDate(year: y, month: month, day: day)!
    }
}

/// Local midnights in the term's IANA time zone, cached by day (the only place the audit needs
/// time-zone rules; Foundation supplies them).
public final class TermClock {
    private var calendar: Calendar
    private var cache: [Int: Int64] = [:]

    /// - Returns: nil if `zone` is not an IANA zone name Foundation knows.
    public init?(zone: String) {
        guard let tz = TimeZone(identifier: zone) else { return nil }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = tz
        calendar = c
    }

    /// `instant(D, T)` of SPEC.md §5.1 in ms: the earliest instant at which the local clock reads
    /// `D T` or later (a skipped time gives the instant of the jump, a repeated one its first occurrence).
    public func instant(_ date: LocalDate, minutes: Int) -> Int64 {
        let local = Int64(date.dayNumber) * 86_400 + Int64(minutes) * 60  // the wall reading, in "local seconds"
        let tz = calendar.timeZone
        // The offset is constant between transitions: collect those within two days of the reading.
        var bounds: [Int64] = [local - 2 * 86_400]
        var cursor = Date(timeIntervalSince1970: TimeInterval(local - 2 * 86_400))
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), Int64(next.timeIntervalSince1970) < local + 2 * 86_400 {
            bounds.append(Int64(next.timeIntervalSince1970))
            cursor = next
        }
        bounds.append(local + 2 * 86_400)
        var best: Int64? = nil
        for k in 0..<(bounds.count - 1) {
            let offset = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(bounds[k]))))
            let t = max(bounds[k], local - offset)
            if t < bounds[k + 1] { best = min(best ?? t, t) }
        }
        return (best ?? local) * 1000
    }

    /// Log time (ms) of local midnight of `date`, or of the first instant of that day when midnight
    /// does not exist (a daylight-saving jump at midnight).
    public func midnight(_ date: LocalDate) -> Int64 {
        let n = date.dayNumber
        if let v = cache[n] { return v }
        let noon = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!
        let ms = Int64((calendar.startOfDay(for: noon).timeIntervalSince1970 * 1000).rounded())
        cache[n] = ms
        return ms
    }
}
