import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// What the ledger needs to know about the term: its record, id, officer and calendar.
public struct LedgerContext: Sendable {
    /// The log origin every payload names (nil: not checked here, the log already does).
    public let record: String?
    public let term: String
    /// The officer's Ed25519 public key, hex: accredits, suspends, sets the settings.
    public let officer: String
    /// The term's zone (the engine's one local-time rule).
    public let clock: ZoneClock
    /// Contributions are dated in `[termStart, termEnd)`.
    public let termStart: LocalDate
    public let termEnd: LocalDate

    public init(record: String?, term: String, officer: String, timeZone: String, termStart: LocalDate, termEnd: LocalDate) throws {
        self.record = record
        self.term = term
        self.officer = officer.lowercased()
        do { self.clock = try ZoneClock(identifier: timeZone) } catch {
            throw LedgerError(.malformed, "The time zone \"\(timeZone)\" is not an IANA zone name (e.g. Europe/Paris).")
        }
        self.termStart = termStart
        self.termEnd = termEnd
    }

    /// The context of a term set up by `term.setup`.
    public init(record: String?, setup: TermSetup) throws {
        guard let start = try? LocalDate(iso: setup.start), let end = try? LocalDate(iso: setup.end) else {
            throw LedgerError(.malformed, "The term's start or end date is not a valid YYYY-MM-DD date.")
        }
        try self.init(record: record, term: setup.term, officer: setup.officer, timeZone: setup.timeZone, termStart: start, termEnd: end)
    }
}

/// One log entry as the ledger sees it.
public struct LedgerEntry: Sendable {
    public let index: Int
    /// Log time, ms since 1970-01-01T00:00:00Z.
    public let timeMs: UInt64
    /// The author's Ed25519 public key (32 bytes). The log has already checked the signature.
    public let author: [UInt8]
    public let payload: [UInt8]

    public init(index: Int, timeMs: UInt64, author: [UInt8], payload: [UInt8]) {
        self.index = index; self.timeMs = timeMs; self.author = author; self.payload = payload
    }

    public init(_ entry: LogEntry) {
        self.init(index: Int(entry.index), timeMs: entry.timeMs, author: entry.envelope.author, payload: entry.envelope.payload)
    }
}

/// What an accepted entry changed (for projections).
public enum LedgerChange: Sendable {
    case settings(index: Int, from: LocalDate, LedgerSettings)
    case accredit(Accreditation, AccreditationPeriod)
    case suspend(index: Int, Suspension, from: LocalDate, until: LocalDate?)
    case contribution(RecordedContribution)
    case reversal(RecordedReversal)

    /// The log index of the entry.
    public var index: Int {
        switch self {
        case .settings(let index, _, _), .suspend(let index, _, _, _): index
        case .accredit(_, let period): period.index
        case .contribution(let c): c.index
        case .reversal(let r): r.index
        }
    }

    public var kind: LedgerKind {
        switch self {
        case .settings: .settings
        case .accredit: .accredit
        case .suspend: .suspend
        case .contribution: .contribution
        case .reversal: .reversal
        }
    }
}

/// An accreditation period of an organisation.
public struct AccreditationPeriod: Sendable, Equatable {
    public let index: Int
    public let key: String
    public let categories: [String]
    public let from: LocalDate
    /// Exclusive; nil for open.
    public let until: LocalDate?
}

/// An organisation as accredited so far.
public struct Organisation: Sendable, Equatable {
    public let org: String
    /// The name of its latest accreditation.
    public internal(set) var name: String
    /// In log order; `from` never decreases. A period ends where the next one starts.
    public internal(set) var periods: [AccreditationPeriod]
    /// `(index, from, until)` of each suspension.
    public internal(set) var suspensions: [(index: Int, from: LocalDate, until: LocalDate?, reason: String)]

    public static func == (lhs: Organisation, rhs: Organisation) -> Bool {
        lhs.org == rhs.org && lhs.name == rhs.name && lhs.periods == rhs.periods && lhs.suspensions.map(\.index) == rhs.suspensions.map(\.index)
    }

    /// The accreditation period in force on `date` (the latest one starting on or before it, if it
    /// has not ended).
    public func period(on date: LocalDate) -> AccreditationPeriod? {
        guard let p = periods.last(where: { $0.from <= date }) else { return nil }
        if let until = p.until, date >= until { return nil }
        return p
    }

    /// The suspension covering `date`, if any.
    public func suspension(on date: LocalDate) -> (index: Int, from: LocalDate, until: LocalDate?, reason: String)? {
        suspensions.first { $0.from <= date && ($0.until.map { date < $0 } ?? true) }
    }
}

/// A contribution accepted into the ledger.
public struct RecordedContribution: Sendable, Equatable {
    public let index: Int
    public let timeMs: UInt64
    /// The organisation key that signed it, hex.
    public let author: String
    public let payload: Contribution
    public let account: AccountID
    public let date: LocalDate
    /// Instants in UTC seconds, `[startUTC, endUTC)`.
    public let startUTC: Int
    public let endUTC: Int
    /// Whole minutes of `[startUTC, endUTC)`.
    public let minutes: Int
    /// The index of its `ledger.reversal`, if reversed.
    public internal(set) var reversedBy: Int?

    public var counts: Bool { reversedBy == nil }
}

/// A reversal accepted into the ledger.
public struct RecordedReversal: Sendable, Equatable {
    public let index: Int
    public let timeMs: UInt64
    public let author: String
    public let entry: Int
    public let reason: String
}
