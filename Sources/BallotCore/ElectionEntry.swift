import Foundation

/// One log entry as the election sees it: where the log put it, when, who signed it, and the exact
/// signed payload bytes. (The log has already checked the signature.)
public struct ElectionEntry: Sendable {
    public var index: Int
    public var timeMs: Int64
    public var author: [UInt8]
    public var payload: [UInt8]
    public init(index: Int, timeMs: Int64, author: [UInt8], payload: [UInt8]) {
        self.index = index; self.timeMs = timeMs; self.author = author; self.payload = payload
    }
    public var date: Date { Date(timeIntervalSince1970: Double(timeMs) / 1000) }
}

/// What applying an entry did, for callers that report it (the kiosk, the command line).
public enum ElectionEffect: Sendable, Equatable {
    case setup, ceremony, electionKey, roll, contest
    /// A counted ballot; `superseded` is the index of the ballot it replaced in the same window.
    case ballotCounted(window: Int, superseded: Int?)
    case ballotSpoiled(window: Int)
    case closed, share, result
    /// A kiosk device enrolled or revoked.
    case device
}
