import BallotCore
import Foundation

/// The engine side of the kiosk: identifies voters and appends their ballots. The state machine
/// (``KioskSession``) calls it; ``NodeKioskBackend`` is the real one over an ``Node``.
public protocol KioskBackend: AnyObject {
    /// The term's title, shown on the welcome screen.
    var termTitle: String { get }
    /// The term's title in English, if the kiosk was given one (else the title is shown as is).
    var termTitleEnglish: String? { get }
    /// The length W of a voting window in days.
    var windowDays: Int { get }
    /// Derives the credential from the code and checks that its window is open now.
    /// - Throws: ``NodeError`` (`.kiosk`) only.
    func identify(_ code: CredentialCode) throws -> KioskVoter
    /// Encrypts the choices into a ballot ready to cast or challenge. Writes nothing.
    /// - Throws: ``NodeError`` (`.kiosk`) only.
    func prepare(for voter: KioskVoter, choices: [ContestChoice]) throws -> PreparedBallot
    /// Appends the ballot, signs a checkpoint and writes the receipt.
    /// - Throws: ``NodeError`` (`.kiosk`) only; then nothing was written.
    func cast(_ ballot: PreparedBallot, by voter: KioskVoter) throws -> CastReport
    /// Appends the challenged ballot with its openings (it never counts): the very ciphertexts of
    /// `ballot`, their proofs bound to the kiosk's device key and the entry signed by that key, so
    /// that nothing in it names the voter (SPEC §4.7, BAL-8). `ballot` must never be cast afterwards.
    /// - Throws: ``NodeError`` (`.kiosk`) only; then nothing was written.
    func challenge(_ ballot: PreparedBallot, choices: [ContestChoice], by voter: KioskVoter) throws -> ChallengeReport
}

extension KioskBackend {
    public var termTitleEnglish: String? { nil }
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

    public init(trackerCode: String, tracker: String, index: UInt64, checkpointSize: UInt64, checkpointRoot: String,
                receiptFile: URL?, replaced: Int?) {
        self.trackerCode = trackerCode; self.tracker = tracker; self.index = index; self.checkpointSize = checkpointSize
        self.checkpointRoot = checkpointRoot; self.receiptFile = receiptFile; self.replaced = replaced
    }
}

/// What the voter sees after challenging a ballot.
public struct ChallengeReport: Sendable, Equatable {
    public struct Contest: Sendable, Equatable {
        public var title: String
        /// The labels of the options the opened ballot selects (empty: blank).
        public var selected: [String]
        /// The revealed plaintext of each selection (1 chosen, 0 not), in option order.
        public var bits: [Int]
        public init(title: String, selected: [String], bits: [Int]) { self.title = title; self.selected = selected; self.bits = bits }
    }
    /// The tracking code of the challenged ballot in the record.
    public var trackerCode: String
    /// The code the voter was shown before challenging (same ciphertexts; the record's entry has its
    /// own code because its proofs are bound to the kiosk, not to the voter).
    public var shownCode: String = ""
    public var index: UInt64
    public var contests: [Contest]

    public init(trackerCode: String, index: UInt64, contests: [Contest]) {
        self.trackerCode = trackerCode; self.index = index; self.contests = contests
    }

    /// The report of `ballot`, shown to `voter`, challenged as `challenged` in entry `index`: each
    /// contest's revealed choices (for the local kiosk and the network kiosk alike).
    public init(opened ballot: PreparedBallot, challenged: PreparedBallot, voter: KioskVoter, index: UInt64) {
        let contests = voter.contests.map { version in
            let bits = ballot.openings.first(where: { $0.contest == version.contest })?.selections.map(\.m) ?? []
            let selected = zip(version.options, bits).filter { $0.1 == 1 }.map { $0.0.label }
            return Contest(title: version.title, selected: selected, bits: bits)
        }
        self.init(trackerCode: challenged.trackerCode, index: index, contests: contests)
        shownCode = ballot.trackerCode
    }
}
