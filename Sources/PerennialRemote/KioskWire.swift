import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// `GET /kiosk/v1/term`.
public struct TermInfo: Codable, Sendable, Equatable {
    public var title: String
    public var term: String
    public var record: String
    public var windowDays: Int
    /// The log's Ed25519 public key (hex): receipts must be signed by it.
    public var logKey: String
    public init(title: String, term: String, record: String, windowDays: Int, logKey: String) {
        self.title = title; self.term = term; self.record = record; self.windowDays = windowDays; self.logKey = logKey
    }
}

/// `POST /kiosk/v1/voter`: the voter's public credential (the code never leaves the kiosk).
public struct VoterRequest: Codable, Sendable {
    public var credential: String
    public init(credential: String) { self.credential = credential }
}

/// One contest version as the kiosk shows it and encrypts for it.
public struct ContestWire: Codable, Sendable, Equatable {
    public var contest: String
    public var version: Int
    public var title: String
    public var titleEn: String?
    public var year: Int?
    public var options: [ContestOption]
    public var min: Int
    public var max: Int

    public init(_ v: ContestVersion) {
        contest = v.contest; version = v.version; title = v.title; titleEn = v.titleEn; year = v.year; options = v.options
        min = v.min; max = v.max
    }
    public var contestVersion: ContestVersion {
        ContestVersion(contest: contest, version: version, title: title, titleEn: titleEn, year: year, options: options, min: min, max: max)
    }
}

/// The answer to `POST /kiosk/v1/voter`: the voter's open window and what the kiosk needs to
/// encrypt their ballot itself.
public struct VoterInfo: Codable, Sendable {
    public var birthday: Birthday
    public var window: VotingWindow
    public var lastDay: LocalDate
    public var contests: [ContestWire]
    public var earlierBallot: Int?
    /// The group name (SPEC §3.1), record, term and election public key (hex).
    public var group: String
    public var record: String
    public var term: String
    public var electionKey: String

    public init(_ voter: KioskDesk.Voter, context: KioskDesk.BallotContext) {
        birthday = voter.birthday; window = voter.window; lastDay = voter.lastDay
        contests = voter.contests.map(ContestWire.init); earlierBallot = voter.earlierBallot
        group = context.group; record = context.record; term = context.term; electionKey = context.electionKey
    }
}

/// A log entry's envelope on the wire: payload in base64, author and signature in hex.
public struct EnvelopeWire: Codable, Sendable, Equatable {
    public var payload: String
    public var author: String
    public var signature: String

    public init(_ envelope: EntryEnvelope) {
        payload = Data(envelope.payload).base64EncodedString()
        author = Hex.encode(envelope.author)
        signature = Hex.encode(envelope.signature)
    }

    /// The envelope, or `.malformedEnvelope` if the payload is not base64, a field is not hex, or a
    /// key or signature has the wrong length.
    public func envelope() throws(RemoteError) -> EntryEnvelope {
        guard let bytes = Data(base64Encoded: payload) else {
            throw RemoteError(.malformedEnvelope, "The envelope's payload is not base64.")
        }
        do {
            return try EntryEnvelope(payload: Array(bytes), author: try Hex.decode(author, what: "The author key"),
                                     signature: try Hex.decode(signature, what: "The signature"))
        } catch {
            throw RemoteError(.malformedEnvelope, "\(error)")
        }
    }
}

/// The answer to `POST /kiosk/v1/ballots`.
public struct CastReceipt: Codable, Sendable {
    public var index: UInt64
    /// True when the same payload was already in the log (a resubmission): nothing was appended.
    public var duplicate: Bool
    /// The receipt (``Receipt/json()``), with the tracker (hex SHA-256 of the payload).
    public var receipt: String
    /// The earlier ballot of the same card in the same window that this one replaces (nil on a resubmission).
    public var replaced: Int?
    public init(index: UInt64, duplicate: Bool, receipt: String, replaced: Int?) {
        self.index = index; self.duplicate = duplicate; self.receipt = receipt; self.replaced = replaced
    }
}

/// The answer to `POST /kiosk/v1/challenges`.
public struct ChallengeReceipt: Codable, Sendable {
    public var index: UInt64
    public var duplicate: Bool
    public init(index: UInt64, duplicate: Bool) { self.index = index; self.duplicate = duplicate }
}

/// A refusal the voter reads (HTTP 422): the ``KioskRefusal`` case and its details.
public struct RefusalWire: Codable, Sendable, Equatable {
    /// `notOnRoll`, `outsideWindow`, `replaced`, `closed`, `notOpenYet`, `noContests`,
    /// `contestsChanged`, `windowJustClosed` or `technical`.
    public var refusal: String
    public var nextFirst: LocalDate?
    public var nextLast: LocalDate?
    public var start: LocalDate?
    /// The engine's machine reason (e.g. `outsideWindow`, `badProof`), for logs.
    public var reason: String?

    public init(_ refusal: KioskRefusal, reason: String? = nil) {
        self.reason = reason
        switch refusal {
        case .notOnRoll: self.refusal = "notOnRoll"
        case .outsideWindow(let next): self.refusal = "outsideWindow"; nextFirst = next?.first; nextLast = next?.last
        case .replaced: self.refusal = "replaced"
        case .closed: self.refusal = "closed"
        case .notOpenYet(let start): self.refusal = "notOpenYet"; self.start = start
        case .noContests: self.refusal = "noContests"
        case .contestsChanged: self.refusal = "contestsChanged"
        case .windowJustClosed: self.refusal = "windowJustClosed"
        case .technical: self.refusal = "technical"
        }
    }

    public var kioskRefusal: KioskRefusal {
        switch refusal {
        case "notOnRoll": .notOnRoll
        case "outsideWindow": .outsideWindow(next: nextFirst.flatMap { first in nextLast.map { DaySpan(first: first, last: $0) } })
        case "replaced": .replaced
        case "closed": .closed
        case "notOpenYet": .notOpenYet(start: start)
        case "noContests": .noContests
        case "contestsChanged": .contestsChanged
        case "windowJustClosed": .windowJustClosed
        default: .technical
        }
    }
}

/// Any other error (400, 401, 403, 404, 503): one line saying what was wrong and what to do.
public struct ErrorWire: Codable, Sendable, Equatable {
    public var error: String
    /// A short machine reason (`unknown-device`, `revoked-device`, `bad-signature`, `stale-time`,
    /// `replayed-nonce`, `malformed`, `stopping`, …).
    public var reason: String
    public init(error: String, reason: String) { self.error = error; self.reason = reason }
}
