import CivicLog
import BallotCore
import Foundation

/// The entry kinds of the civic time ledger (`Audit/SPEC.md` §5).
public enum LedgerKind: String, Sendable, CaseIterable {
    case settings = "ledger.settings"
    case accredit = "ledger.accredit"
    case suspend = "ledger.suspend"
    case contribution = "ledger.contribution"
    case reversal = "ledger.reversal"

    /// The prefix every ledger kind starts with.
    public static let prefix = "ledger."
}

/// A ledger payload: written with ``OrderedJSON`` in the documented key order, read with `JSONDecoder`.
public protocol LedgerPayload: TermPayload {
    static var kind: LedgerKind { get }
}

extension LedgerPayload {
    public static var kindName: String { kind.rawValue }
    /// ``LedgerError`` (`malformed`, LED-0) naming the offending field, never its value.
    public static func malformed(_ detail: String) -> Error {
        LedgerError(.malformed, check: "LED-0", "The \(kind.rawValue) entry does not have the documented form (\(detail)). Rebuild it with `perennial ledger`.")
    }
}


/// `ledger.settings` (officer): the time-tax settings in force from a date on.
public struct LedgerSettings: LedgerPayload, Equatable {
    public static let kind = LedgerKind.settings
    /// First local date the settings apply to.
    public var from: String
    /// Hours each account owes per calendar year.
    public var obligationHours: Int
    /// The value of one hour, in the currency's minor unit (cents for EUR).
    public var hourValueMinor: Int
    /// ISO 4217 code, e.g. `EUR`.
    public var currency: String
    /// At most this many minutes per account and local day.
    public var dailyCapMinutes: Int
    /// At most this many minutes in one contribution.
    public var maxMinutes: Int

    /// The settings in force before any `ledger.settings` entry: no obligation, no value, 12 h a day,
    /// 12 h per contribution.
    public static let defaults = LedgerSettings(from: "0001-01-01", obligationHours: 0, hourValueMinor: 0, currency: "EUR",
                                                dailyCapMinutes: 720, maxMinutes: 720)

    enum CodingKeys: String, CodingKey {
        case from, currency
        case obligationHours = "obligation_hours", hourValueMinor = "hour_value_minor"
        case dailyCapMinutes = "daily_cap_minutes", maxMinutes = "max_minutes"
    }

    public init(from: String, obligationHours: Int, hourValueMinor: Int, currency: String, dailyCapMinutes: Int, maxMinutes: Int) {
        self.from = from; self.obligationHours = obligationHours; self.hourValueMinor = hourValueMinor
        self.currency = currency; self.dailyCapMinutes = dailyCapMinutes; self.maxMinutes = maxMinutes
    }

    public var fields: [(String, OrderedJSON)] {
        [("from", .string(from)), ("obligation_hours", .int(obligationHours)), ("hour_value_minor", .int(hourValueMinor)),
         ("currency", .string(currency)), ("daily_cap_minutes", .int(dailyCapMinutes)), ("max_minutes", .int(maxMinutes))]
    }
}

/// `ledger.accredit` (officer): an organisation may attest hours in some categories, from a date.
public struct Accreditation: LedgerPayload, Equatable {
    public static let kind = LedgerKind.accredit
    /// The organisation's short id (`[a-z0-9-]`, 1–40, starting with a letter or digit).
    public var org: String
    /// Its public name.
    public var name: String
    /// Its Ed25519 public key, hex.
    public var key: String
    /// The activity categories it may attest, in increasing byte order.
    public var categories: [String]
    public var validFrom: String
    /// Exclusive; `nil` (JSON `null`) for no end.
    public var validUntil: String?

    enum CodingKeys: String, CodingKey { case org, name, key, categories, validFrom = "valid_from", validUntil = "valid_until" }

    /// Every key is required; `valid_until` may be `null` but not absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        org = try c.decode(String.self, forKey: .org); name = try c.decode(String.self, forKey: .name)
        key = try c.decode(String.self, forKey: .key); categories = try c.decode([String].self, forKey: .categories)
        validFrom = try c.decode(String.self, forKey: .validFrom); validUntil = try c.decode(String?.self, forKey: .validUntil)
    }

    public init(org: String, name: String, key: String, categories: [String], validFrom: String, validUntil: String?) {
        self.org = org; self.name = name; self.key = key; self.categories = categories
        self.validFrom = validFrom; self.validUntil = validUntil
    }

    public var fields: [(String, OrderedJSON)] {
        [("org", .string(org)), ("name", .string(name)), ("key", .string(key)),
         ("categories", .array(categories.map(OrderedJSON.string))), ("valid_from", .string(validFrom)),
         ("valid_until", .optional(validUntil))]
    }
}

/// `ledger.suspend` (officer): the organisation may not attest time on these dates.
public struct Suspension: LedgerPayload, Equatable {
    public static let kind = LedgerKind.suspend
    public var org: String
    public var from: String
    /// Exclusive; `nil` for until further notice.
    public var until: String?
    public var reason: String

    public init(org: String, from: String, until: String?, reason: String) {
        self.org = org; self.from = from; self.until = until; self.reason = reason
    }

    enum CodingKeys: String, CodingKey { case org, from, until, reason }

    /// Every key is required; `until` may be `null` but not absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        org = try c.decode(String.self, forKey: .org); from = try c.decode(String.self, forKey: .from)
        until = try c.decode(String?.self, forKey: .until); reason = try c.decode(String.self, forKey: .reason)
    }

    public var fields: [(String, OrderedJSON)] {
        [("org", .string(org)), ("from", .string(from)), ("until", .optional(until)), ("reason", .string(reason))]
    }
}

/// `ledger.contribution` (the organisation): an account gave time.
public struct Contribution: LedgerPayload, Equatable {
    public static let kind = LedgerKind.contribution
    public var org: String
    /// The organisation's own id for this attestation, unique for the organisation.
    public var attestation: String
    /// The citizen's pseudonymous account (``AccountID`` canonical form).
    public var account: String
    public var category: String
    /// Local date the time starts on.
    public var date: String
    /// Local start time `HH:MM`.
    public var start: String
    /// Local end time `HH:MM` (on the next day when not after `start`), or `nil` with ``minutes``.
    public var end: String?
    /// Length in minutes, or `nil` with ``end``.
    public var minutes: Int?
    public var description: String

    public init(org: String, attestation: String, account: String, category: String, date: String, start: String,
                end: String?, minutes: Int?, description: String) {
        self.org = org; self.attestation = attestation; self.account = account; self.category = category
        self.date = date; self.start = start; self.end = end; self.minutes = minutes; self.description = description
    }

    enum CodingKeys: String, CodingKey { case org, attestation, account, category, date, start, end, minutes, description }

    /// Every key is required; `end` and `minutes` may be `null` but not absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        org = try c.decode(String.self, forKey: .org); attestation = try c.decode(String.self, forKey: .attestation)
        account = try c.decode(String.self, forKey: .account); category = try c.decode(String.self, forKey: .category)
        date = try c.decode(String.self, forKey: .date); start = try c.decode(String.self, forKey: .start)
        end = try c.decode(String?.self, forKey: .end); minutes = try c.decode(Int?.self, forKey: .minutes)
        description = try c.decode(String.self, forKey: .description)
    }

    public var fields: [(String, OrderedJSON)] {
        [("org", .string(org)), ("attestation", .string(attestation)), ("account", .string(account)),
         ("category", .string(category)), ("date", .string(date)), ("start", .string(start)),
         ("end", .optional(end)), ("minutes", .optional(minutes)), ("description", .string(description))]
    }
}

/// `ledger.reversal` (the attesting organisation or the officer): a contribution no longer counts.
public struct Reversal: LedgerPayload, Equatable {
    public static let kind = LedgerKind.reversal
    /// The log index of the `ledger.contribution` reversed.
    public var entry: Int
    public var reason: String

    public init(entry: Int, reason: String) { self.entry = entry; self.reason = reason }

    public var fields: [(String, OrderedJSON)] { [("entry", .int(entry)), ("reason", .string(reason))] }
}
