import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// A citizen account's yearly statement (SPEC §5.5): every contribution dated in the calendar year,
/// the reversals, hours by category and by organisation, and the position against the time tax.
public struct AccountStatement: Sendable {
    /// One contribution dated in the year.
    public struct Line: Sendable, Equatable {
        public let index: Int
        public let org: String
        public let orgName: String
        public let category: String
        public let date: String
        public let start: String
        /// Local end time; `+1` is appended when it falls on a later day.
        public let end: String
        public let minutes: Int
        public let description: String
        public let attestation: String
        /// The reversal that cancelled it, if any (then it does not count).
        public let reversedBy: Int?
        public let reversalReason: String?
        /// The log receipt (SPEC §2.6), when a checkpoint covers the entry.
        public let receipt: Receipt?
        public var counts: Bool { reversedBy == nil }
    }

    public let account: AccountID
    public let year: Int
    /// In date then start order.
    public let lines: [Line]
    /// `(category, minutes)` of counted lines, by category id.
    public let byCategory: [(category: String, minutes: Int)]
    /// `(org, name, minutes)` of counted lines, by organisation id.
    public let byOrganisation: [(org: String, name: String, minutes: Int)]
    public let totalMinutes: Int
    /// The settings in force on 1 January of the year.
    public let settings: LedgerSettings

    public var obligationMinutes: Int { settings.obligationHours * 60 }
    /// Minutes still owed (0 when the obligation is met).
    public var owedMinutes: Int { max(0, obligationMinutes - totalMinutes) }
    /// Value of the counted time, in the currency's minor unit (rounded down to the unit).
    public var valueMinor: Int { totalMinutes * settings.hourValueMinor / 60 }

    /// The statement as JSON (keys in a fixed order, no spaces).
    public func json() -> String {
        let lineJSON: [OrderedJSON] = lines.map { l in
            var fields: [(String, OrderedJSON)] = [
                ("entry", .int(l.index)), ("org", .string(l.org)), ("org_name", .string(l.orgName)), ("category", .string(l.category)),
                ("date", .string(l.date)), ("start", .string(l.start)), ("end", .string(l.end)), ("minutes", .int(l.minutes)),
                ("description", .string(l.description)), ("attestation", .string(l.attestation)), ("counts", .bool(l.counts)),
                ("reversed_by", .optional(l.reversedBy)), ("reversal_reason", .optional(l.reversalReason)),
            ]
            fields.append(("receipt", l.receipt.map(Self.json(receipt:)) ?? .null))
            return .object(fields)
        }
        let object = OrderedJSON.object([
            ("format", .string("perennial-ledger-statement")), ("version", .int(1)),
            ("account", .string(account.text)), ("year", .int(year)),
            ("total_minutes", .int(totalMinutes)),
            ("by_category", .array(byCategory.map { .object([("category", .string($0.category)), ("minutes", .int($0.minutes))]) })),
            ("by_organisation", .array(byOrganisation.map { .object([("org", .string($0.org)), ("name", .string($0.name)), ("minutes", .int($0.minutes))]) })),
            ("obligation_minutes", .int(obligationMinutes)), ("owed_minutes", .int(owedMinutes)),
            ("hour_value_minor", .int(settings.hourValueMinor)), ("currency", .string(settings.currency)),
            ("value_minor", .int(valueMinor)),
            ("entries", .array(lineJSON)),
        ])
        return String(decoding: object.serialized(), as: UTF8.self)
    }

    /// A receipt as a JSON object with the keys of SPEC §2.6.
    static func json(receipt r: Receipt) -> OrderedJSON {
        var fields: [(String, OrderedJSON)] = [
            ("format", .string("perennial-receipt")), ("version", .int(1)), ("origin", .string(r.origin)),
            ("log_key", .string(Hex.encode(r.logKey))), ("index", .int(Int(r.index))), ("leaf_hash", .string(r.leafHash.hex)),
            ("checkpoint", .string(r.checkpoint.note)), ("inclusion", .array(r.inclusion.map { .string($0.hex) })),
        ]
        if let tracker = r.tracker { fields.append(("tracker", .string(tracker))) }
        return .object(fields)
    }

    /// The statement as printable text (the full receipts are in the JSON form).
    public func text() -> String {
        var out: [String] = []
        out.append("Civic time statement — account \(account.text) — year \(year)")
        out.append(String(repeating: "=", count: 60))
        out.append("Time given: \(LedgerState.hours(totalMinutes))   obligation: \(settings.obligationHours) h   still owed: \(LedgerState.hours(owedMinutes))")
        out.append("Value: \(Self.money(valueMinor, settings.currency)) at \(Self.money(settings.hourValueMinor, settings.currency)) an hour")
        out.append("")
        out.append("By category:")
        for c in byCategory { out.append("  \(c.category.padding(toLength: 28, withPad: " ", startingAt: 0)) \(LedgerState.hours(c.minutes))") }
        if byCategory.isEmpty { out.append("  (none)") }
        out.append("By organisation:")
        for o in byOrganisation { out.append("  \(o.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(LedgerState.hours(o.minutes))") }
        if byOrganisation.isEmpty { out.append("  (none)") }
        out.append("")
        out.append("Entries (log index, date, time, category, organisation):")
        for l in lines {
            var line = "  #\(l.index)  \(l.date) \(l.start)–\(l.end)  \(LedgerState.hours(l.minutes).padding(toLength: 8, withPad: " ", startingAt: 0)) \(l.category)  \(l.orgName)  [\(l.attestation)]"
            if let by = l.reversedBy { line += "  REVERSED by #\(by): \(l.reversalReason ?? "")" }
            out.append(line)
            if !l.description.isEmpty { out.append("        \(l.description)") }
            if let r = l.receipt {
                out.append("        receipt: leaf \(r.leafHash.hex.prefix(16))…, proved in the signed checkpoint of \(r.checkpoint.size) entries")
            } else {
                out.append("        receipt: not yet covered by a signed checkpoint")
            }
        }
        if lines.isEmpty { out.append("  (no contribution this year)") }
        return out.joined(separator: "\n") + "\n"
    }

    static func money(_ minor: Int, _ currency: String) -> String {
        let cents = minor % 100
        return "\(minor / 100).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }
}

/// The city's totals (SPEC §5.5): counted minutes by month (of the contribution's date) and category.
public struct CityTotals: Sendable {
    public struct Row: Sendable, Equatable {
        /// `YYYY-MM`.
        public let month: String
        public let category: String
        public let minutes: Int
        public let contributions: Int
        public let accounts: Int
    }
    /// The calendar year, or nil for the whole term.
    public let year: Int?
    /// Ordered by month, then category.
    public let rows: [Row]
    public let byCategory: [(category: String, minutes: Int)]
    public let byMonth: [(month: String, minutes: Int)]
    public let totalMinutes: Int
    public let contributions: Int
    public let accounts: Int
    /// Contributions dated in the period that were reversed (not counted).
    public let reversed: Int

    public func json() -> String {
        let object = OrderedJSON.object([
            ("format", .string("perennial-ledger-totals")), ("version", .int(1)), ("year", .optional(year)),
            ("total_minutes", .int(totalMinutes)), ("contributions", .int(contributions)), ("accounts", .int(accounts)),
            ("reversed", .int(reversed)),
            ("by_category", .array(byCategory.map { .object([("category", .string($0.category)), ("minutes", .int($0.minutes))]) })),
            ("by_month", .array(byMonth.map { .object([("month", .string($0.month)), ("minutes", .int($0.minutes))]) })),
            ("rows", .array(rows.map {
                .object([("month", .string($0.month)), ("category", .string($0.category)), ("minutes", .int($0.minutes)),
                         ("contributions", .int($0.contributions)), ("accounts", .int($0.accounts))])
            })),
        ])
        return String(decoding: object.serialized(), as: UTF8.self)
    }

    public func text() -> String {
        var out: [String] = []
        out.append("Civic time — city totals\(year.map { " for \($0)" } ?? " for the term")")
        out.append("Total: \(LedgerState.hours(totalMinutes)) in \(contributions) contributions by \(accounts) accounts (\(reversed) reversed, not counted)")
        out.append("By category:")
        for c in byCategory { out.append("  \(c.category.padding(toLength: 28, withPad: " ", startingAt: 0)) \(LedgerState.hours(c.minutes))") }
        out.append("By month:")
        for m in byMonth { out.append("  \(m.month)  \(LedgerState.hours(m.minutes))") }
        out.append("By month and category:")
        for r in rows { out.append("  \(r.month)  \(r.category.padding(toLength: 28, withPad: " ", startingAt: 0)) \(LedgerState.hours(r.minutes).padding(toLength: 9, withPad: " ", startingAt: 0)) \(r.contributions) entries, \(r.accounts) accounts") }
        return out.joined(separator: "\n") + "\n"
    }
}

extension LedgerState {
    /// The yearly statement of `account` for calendar year `year` (contributions whose `date` lies in it).
    /// - Parameter receipt: the receipt JSON of a log index, if one can be made.
    /// - Throws: ``LedgerError`` (`malformed`) for a year no calendar date has (outside 1…9999).
    public func statement(account: AccountID, year: Int, receipt: (Int) -> Receipt? = { _ in nil }) throws -> AccountStatement {
        guard LocalDate.supportedYears.contains(year) else {
            throw LedgerError(.malformed, "The year \(year) is not a calendar year; give a year such as 2027.")
        }
        let mine = try contributions(of: account).filter { $0.date.year == year }
            .sorted { ($0.startUTC, $0.index) < ($1.startUTC, $1.index) }
        var lines: [AccountStatement.Line] = []
        var byCategory: [String: Int] = [:]
        var byOrg: [String: Int] = [:]
        var total = 0
        for c in mine {
            let endDate = context.clock.localDate(at: c.endUTC)
            var end = context.clock.localTime(at: c.endUTC).text
            let extraDays = c.date.distance(to: endDate)
            if extraDays > 0 && !(extraDays == 1 && end == "00:00") { end += " +\(extraDays)" }
            let reversal = try c.reversedBy.flatMap { try self.reversal(at: $0) }
            lines.append(AccountStatement.Line(
                index: c.index, org: c.payload.org, orgName: organisations[c.payload.org]?.name ?? c.payload.org,
                category: c.payload.category, date: c.payload.date, start: c.payload.start, end: end, minutes: c.minutes,
                description: c.payload.description, attestation: c.payload.attestation, reversedBy: c.reversedBy,
                reversalReason: reversal?.reason, receipt: receipt(c.index)))
            if c.counts {
                byCategory[c.payload.category, default: 0] += c.minutes
                byOrg[c.payload.org, default: 0] += c.minutes
                total += c.minutes
            }
        }
        let firstDay = try LocalDate(year: year, month: 1, day: 1)
        return AccountStatement(
            account: account, year: year, lines: lines,
            byCategory: byCategory.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            byOrganisation: byOrg.sorted { $0.key < $1.key }.map { ($0.key, organisations[$0.key]?.name ?? $0.key, $0.value) },
            totalMinutes: total, settings: settings(on: firstDay))
    }

    /// The city's totals for a calendar year (or the whole term when `year` is nil).
    /// - Throws: the rows' error if a stored row cannot be read or was altered.
    public func cityTotals(year: Int? = nil) throws -> CityTotals {
        struct Cell { var minutes = 0; var count = 0; var accounts: Set<AccountID> = [] }
        var cells: [String: [String: Cell]] = [:]
        var byCategory: [String: Int] = [:]
        var byMonth: [String: Int] = [:]
        var accounts: Set<AccountID> = []
        var total = 0, count = 0, reversed = 0
        for c in try allContributions() where year == nil || c.date.year == year {
            guard c.counts else { reversed += 1; continue }
            let month = String(c.payload.date.prefix(7))
            cells[month, default: [:]][c.payload.category, default: Cell()].minutes += c.minutes
            cells[month]![c.payload.category]!.count += 1
            cells[month]![c.payload.category]!.accounts.insert(c.account)
            byCategory[c.payload.category, default: 0] += c.minutes
            byMonth[month, default: 0] += c.minutes
            accounts.insert(c.account)
            total += c.minutes
            count += 1
        }
        var rows: [CityTotals.Row] = []
        for month in cells.keys.sorted() {
            for (category, cell) in cells[month]!.sorted(by: { $0.key < $1.key }) {
                rows.append(CityTotals.Row(month: month, category: category, minutes: cell.minutes, contributions: cell.count, accounts: cell.accounts.count))
            }
        }
        return CityTotals(
            year: year, rows: rows, byCategory: byCategory.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            byMonth: byMonth.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            totalMinutes: total, contributions: count, accounts: accounts.count, reversed: reversed)
    }
}
