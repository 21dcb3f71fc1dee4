import BallotCore
import CivicCrypto
import Foundation

/// A voter whose window is open, as the kiosk holds them during one session.
///
/// - Important: holds the credential's signing key. The session keeps one value of this type and
///   drops it when the session ends (cast, cancel, time-out), so the key's memory is wiped; never
///   copy it elsewhere.
public struct KioskVoter {
    /// The credential's signing key (class-backed secure memory, wiped when the last copy goes).
    package let signingKey: Ed25519.SigningKey
    /// The birthday on the roll (shown so the voter sees the card is theirs).
    public let birthday: Birthday
    /// The open window.
    public let window: VotingWindow
    /// The last local day of the window (inclusive).
    public let lastDay: LocalDate
    /// The contests in force for this window, in ballot order.
    public let contests: [ContestVersion]
    /// The log index of the ballot already counted for this voter in this window, if any: casting
    /// again replaces it.
    public let earlierBallot: Int?
    /// The voter's lineage on the roll (the first credential of their card chain), so that a ballot
    /// cast meanwhile at another kiosk is still announced as replaced.
    public let lineage: String?

    public init(signingKey: Ed25519.SigningKey, birthday: Birthday, window: VotingWindow, lastDay: LocalDate, contests: [ContestVersion],
                earlierBallot: Int?, lineage: String? = nil) {
        self.lineage = lineage
        self.signingKey = signingKey
        self.birthday = birthday
        self.window = window
        self.lastDay = lastDay
        self.contests = contests
        self.earlierBallot = earlierBallot
    }

    /// The public credential (safe to show or log).
    public var credential: [UInt8] { signingKey.publicKey.rawRepresentation }
}
