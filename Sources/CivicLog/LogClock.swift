import Foundation

/// The source of log time, injected so tests and simulations control it.
///
/// The log never lets time go backwards: if the clock reads earlier than the previous entry's (or
/// checkpoint's) time, the log uses that previous time again. A clock that jumps back therefore
/// only stalls log time until it catches up.
public protocol LogClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    func nowMilliseconds() -> UInt64
}

/// The operating system's wall clock.
public struct SystemClock: LogClock {
    public init() {}

    public func nowMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

/// A clock that reads whatever it was last set to: for tests and simulations.
///
/// `@unchecked Sendable` is safe: the only state, `current`, is read and written under `lock`.
public final class ManualClock: LogClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: UInt64

    /// A clock reading `milliseconds`.
    public init(milliseconds: UInt64 = 0) {
        current = milliseconds
    }

    public func nowMilliseconds() -> UInt64 {
        lock.withLock { current }
    }

    /// Sets the reading (it may go backwards; the log will not).
    public func set(milliseconds: UInt64) {
        lock.withLock { current = milliseconds }
    }

    /// Moves the reading forward by `milliseconds`.
    public func advance(by milliseconds: UInt64) {
        lock.withLock { current += milliseconds }
    }
}
