import BallotCore
import CivicCrypto
import Foundation

/// The languages of the kiosk. French is the default (the kiosk was asked for by the Grand Nancy
/// workshops); English is available on the welcome screen or with `--lang en`.
public enum KioskLanguage: String, Sendable, CaseIterable {
    case french = "fr"
    case english = "en"
}

/// Two local days, first and last inclusive, as a voter reads a window: "from Monday 14 March to
/// Sunday 20 March".
public struct DaySpan: Sendable, Equatable {
    public var first: LocalDate
    public var last: LocalDate
    public init(first: LocalDate, last: LocalDate) { self.first = first; self.last = last }
}

/// Why voting is not possible, in terms a voter understands. Never carries internals (error
/// messages, paths, keys): only what the voter needs to know and what to do next.
public enum KioskRefusal: Error, Sendable, Equatable {
    /// The code checks out but is not on this term's roll.
    case notOnRoll
    /// No window is open today; `next` is the next one in this term, if any.
    case outsideWindow(next: DaySpan?)
    /// This card was replaced by a new card.
    case replaced
    /// The term has ended: voting is closed.
    case closed
    /// Voting has not opened yet (the term has not started, or the key ceremony is not finished).
    case notOpenYet(start: LocalDate?)
    /// There is nothing to vote on for this window.
    case noContests
    /// The questions changed while the voter was voting (a candidate entered or withdrew).
    case contestsChanged
    /// The window closed while the voter was voting (midnight passed).
    case windowJustClosed
    /// Anything else: a technical problem the voter cannot fix.
    case technical
}

/// A voter whose window is open, as the kiosk holds them during one session.
///
/// - Important: holds the credential's signing key. The session keeps one value of this type and
///   drops it when the session ends (cast, cancel, time-out), so the key's memory is wiped; never
///   copy it elsewhere.
public struct KioskVoter {
    /// The credential's signing key (class-backed secure memory, wiped when the last copy goes).
    let signingKey: Ed25519.SigningKey
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

    public init(signingKey: Ed25519.SigningKey, birthday: Birthday, window: VotingWindow, lastDay: LocalDate, contests: [ContestVersion],
                earlierBallot: Int?) {
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

/// What the voter sees after casting.
public struct CastReport: Sendable, Equatable {
    /// The tracker as the voter reads it (groups of four).
    public var trackerCode: String
    /// The full tracker (hex), as in the receipt file.
    public var tracker: String
    public var index: UInt64
    public var checkpointSize: UInt64
    public var checkpointRoot: String
    /// The receipt file, or nil if it could not be written (the vote is recorded all the same).
    public var receiptFile: URL?
    /// The earlier ballot of this window that this one replaces.
    public var replaced: Int?
}

/// What the voter sees after challenging a ballot.
public struct ChallengeReport: Sendable, Equatable {
    public struct Contest: Sendable, Equatable {
        public var title: String
        /// The labels of the options the opened ballot selects (empty: blank).
        public var selected: [String]
        /// The revealed plaintext of each selection (1 chosen, 0 not), in option order.
        public var bits: [Int]
    }
    public var trackerCode: String
    public var index: UInt64
    public var contests: [Contest]
}

/// The engine side of the kiosk: identifies voters and appends their ballots. The state machine
/// (``KioskSession``) calls it; ``NodeKioskBackend`` is the real one over an ``ElectionNode``.
public protocol KioskBackend: AnyObject {
    /// The term's title, shown on the welcome screen.
    var termTitle: String { get }
    /// The length W of a voting window in days.
    var windowDays: Int { get }
    /// Derives the credential from the code and checks that its window is open now.
    /// - Throws: ``KioskRefusal`` only.
    func identify(_ code: CredentialCode) throws -> KioskVoter
    /// Encrypts the choices into a ballot ready to cast or challenge. Writes nothing.
    /// - Throws: ``KioskRefusal`` only.
    func prepare(for voter: KioskVoter, choices: [ContestChoice]) throws -> PreparedBallot
    /// Appends the ballot, signs a checkpoint and writes the receipt.
    /// - Throws: ``KioskRefusal`` only; then nothing was written.
    func cast(_ ballot: PreparedBallot, by voter: KioskVoter) throws -> CastReport
    /// Appends the challenged ballot with its openings (it never counts).
    /// - Throws: ``KioskRefusal`` only; then nothing was written.
    func challenge(_ ballot: PreparedBallot, by voter: KioskVoter) throws -> ChallengeReport
}
