import CivicLog
import Foundation

/// An organisation's batch of contributions as CSV (RFC 4180: comma-separated, `"` quotes, `""` for a
/// quote inside a quoted field), UTF-8, with a header line naming the columns in any order:
///
/// `account,category,date,start,end,minutes,description,attestation`
///
/// `account`, `category`, `date`, `start` and `attestation` are required; each line has an `end` or
/// a `minutes` value (one of the two columns may be absent); `description` may be absent or empty.
/// Empty lines are skipped. Line numbers in reports count the header as line 1.
public enum ContributionCSV {
    /// The outcome of one data line.
    public struct Line: Sendable {
        /// 1-based line number in the file (the header is line 1).
        public let number: Int
        public let contribution: Contribution?
        public let error: LedgerError?
        public var isValid: Bool { error == nil && contribution != nil }

        public init(number: Int, contribution: Contribution?, error: LedgerError?) {
            self.number = number; self.contribution = contribution; self.error = error
        }
    }

    public static let columns = ["account", "category", "date", "start", "end", "minutes", "description", "attestation"]

    /// Reads the file into contributions of `org`; lines that cannot be read carry their error.
    /// - Throws: ``LedgerError`` (`csv`) when the header is missing or unusable (then no line is read).
    public static func parse(_ text: String, org: String) throws -> [Line] {
        let records = try split(text)
        guard let header = records.first(where: { !$0.fields.allSatisfy(\.isEmpty) }) else {
            throw LedgerError(.csv, "The file is empty. The first line names the columns: \(columns.joined(separator: ",")).")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in names where !columns.contains(name) {
            throw LedgerError(.csv, "Unknown column \"\(name.prefix(30))\" in the header. The columns are \(columns.joined(separator: ",")).")
        }
        for required in ["account", "category", "date", "start", "attestation"] where !names.contains(required) {
            throw LedgerError(.csv, "The header has no \"\(required)\" column. The columns are \(columns.joined(separator: ",")).")
        }
        guard names.contains("end") || names.contains("minutes") else {
            throw LedgerError(.csv, "The header needs an \"end\" or a \"minutes\" column.")
        }
        guard Set(names).count == names.count else { throw LedgerError(.csv, "A column is named twice in the header.") }
        var out: [Line] = []
        for record in records where record.line > header.line && !record.fields.allSatisfy(\.isEmpty) {
            guard record.fields.count == names.count else {
                out.append(Line(number: record.line, contribution: nil, error: LedgerError(.csv, "Line \(record.line) has \(record.fields.count) fields; the header has \(names.count).")))
                continue
            }
            var value: [String: String] = [:]
            for (n, f) in zip(names, record.fields) { value[n] = f.trimmingCharacters(in: .whitespaces) }
            do {
                let account = try AccountID(parsing: value["account"] ?? "")
                let end = value["end"].flatMap { $0.isEmpty ? nil : $0 }
                var minutes: Int?
                if let m = value["minutes"], !m.isEmpty {
                    guard let v = Int(m) else {
                        throw LedgerError(.malformed, check: "LED-0", "minutes must be a whole number (got \"\(m.prefix(10))\").")
                    }
                    minutes = v
                }
                let c = Contribution(
                    org: org, attestation: value["attestation"] ?? "", account: account.text, category: value["category"] ?? "",
                    date: value["date"] ?? "", start: value["start"] ?? "", end: end, minutes: minutes,
                    description: value["description"] ?? "")
                out.append(Line(number: record.line, contribution: c, error: nil))
            } catch let error as LedgerError {
                out.append(Line(number: record.line, contribution: nil, error: error))
            }
        }
        return out
    }

    /// Checks every readable line against the ledger rules, in file order, as if each valid line had
    /// been appended before the next (so lines that overlap each other or repeat an attestation are
    /// caught). Nothing is changed.
    ///
    /// - Parameters:
    ///   - state: the ledger as it stands.
    ///   - author: the organisation's public key (the signer of the batch).
    ///   - record: the log origin; `timeMs`: the log time to check against; `nextIndex`: the log size.
    /// - Returns: the lines with the rule errors filled in.
    public static func check(_ lines: [Line], state: LedgerState, author: [UInt8], record: String, timeMs: UInt64, nextIndex: Int) -> [Line] {
        var scratch = state
        var index = nextIndex
        return lines.map { line in
            guard let c = line.contribution, line.error == nil else { return line }
            let entry = LedgerEntry(index: index, timeMs: timeMs, author: author, payload: c.payloadBytes(record: record, term: state.context.term))
            do {
                try scratch.apply(entry)
                index += 1
                return line
            } catch let error as LedgerError {
                return Line(number: line.number, contribution: c, error: error)
            } catch {
                return Line(number: line.number, contribution: c, error: LedgerError(.csv, "Line \(line.number) cannot be checked."))
            }
        }
    }

    /// One CSV record: the 1-based line it starts on, and its fields (quotes removed).
    public struct Record: Sendable { public let line: Int; public let fields: [String] }

    /// RFC 4180 splitting; `\r\n` and `\n` both end a record; a quoted field may hold line breaks; a
    /// leading byte-order mark is skipped. Shared by every CSV the clerks import.
    public static func split(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        var fieldStarted = false
        while i < scalars.count {
            let s = scalars[i]
            if inQuotes {
                if s == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if s == "\n" { line += 1 }
                    field.unicodeScalars.append(s)
                }
            } else {
                switch s {
                case "\"" where !fieldStarted || field.isEmpty: inQuotes = true; fieldStarted = true
                case ",": fields.append(field); field = ""; fieldStarted = false
                case "\r": break
                case "\n":
                    fields.append(field); records.append(Record(line: recordLine, fields: fields))
                    fields = []; field = ""; fieldStarted = false; line += 1; recordLine = line
                default: field.unicodeScalars.append(s); fieldStarted = true
                }
            }
            i += 1
        }
        if inQuotes { throw LedgerError(.csv, "A quoted field starting on line \(recordLine) is never closed.") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append(Record(line: recordLine, fields: fields)) }
        return records
    }
}
