/// A local time of day to the minute, `HH:MM` from `00:00` to `23:59`.
public struct LocalTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Minutes since local midnight, 0...1439.
    public let minuteOfDay: Int

    init(minuteOfDay: Int) { self.minuteOfDay = minuteOfDay }

    /// Parses exactly `HH:MM` (24-hour clock).
    /// - Throws: ``LedgerError`` (`malformed`) otherwise.
    public init(_ text: String) throws {
        let b = Array(text.utf8)
        func digit(_ x: UInt8) -> Int? { x >= 48 && x <= 57 ? Int(x - 48) : nil }
        guard b.count == 5, b[2] == UInt8(ascii: ":"), let h1 = digit(b[0]), let h2 = digit(b[1]),
              let m1 = digit(b[3]), let m2 = digit(b[4]), h1 * 10 + h2 < 24, m1 * 10 + m2 < 60
        else {
            throw LedgerError(.malformed, check: "LED-0", "A time is written HH:MM on the 24-hour clock, from 00:00 to 23:59 (got \"\(text.prefix(16))\").")
        }
        minuteOfDay = (h1 * 10 + h2) * 60 + m1 * 10 + m2
    }

    public var text: String {
        let h = minuteOfDay / 60, m = minuteOfDay % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }
    public var description: String { text }
    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }
}
