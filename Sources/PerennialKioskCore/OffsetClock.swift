import CivicLog
import Foundation

/// A clock that starts at a chosen instant and then runs at the system clock's pace: what the
/// kiosk's `--now` uses to simulate a date while idle time-outs and log times still advance.
public struct OffsetClock: LogClock {
    private let offsetMilliseconds: Int64

    /// - Parameter start: the instant the clock reads now.
    public init(start: Date) {
        offsetMilliseconds = Int64((start.timeIntervalSince1970 * 1000).rounded()) - Int64(SystemClock().nowMilliseconds())
    }

    public func nowMilliseconds() -> UInt64 {
        UInt64(max(0, Int64(SystemClock().nowMilliseconds()) + offsetMilliseconds))
    }
}
