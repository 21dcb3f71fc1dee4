import Foundation

/// Why the election refused an entry or an operation. Messages say what was wrong and what to do,
/// in words a clerk (or, through the kiosk, a voter) understands; they never contain credential codes,
/// trustee secrets or ballot contents.
public struct ElectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason (used by tests, the kiosk and `--json`).
    public enum Reason: String, Sendable {
        case malformed, notAuthorised, termSetup, sealed, ceremony, roll, unknownCredential
        case notEligible, outsideWindow, wrongWindow, contests, staleContest, badProof, replay
        case noElectionKey, closed, notClosed, tally, device
    }
    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    public static func malformed(_ message: String) -> ElectionError { ElectionError(.malformed, message) }
}
