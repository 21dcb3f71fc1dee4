import BallotCore
import CivicLedger
import Foundation

/// A registrar's roll file: CSV (RFC 4180, as the ledger's importer reads it: `"` quotes, `""` inside
/// a quoted field, a leading byte-order mark allowed), strict UTF-8, with the header
/// `person,birthday,eligible_from,eligible_until`. Blank lines are skipped; line numbers count every
/// line of the file, the header being line 1.
public struct RollImport: Sendable {
    /// One citizen to enrol.
    public struct Row: Sendable, Equatable {
        public let line: Int
        public let person: String
        public let birthday: String
        public let eligibleFrom: String?
        public let eligibleUntil: String?

        public init(line: Int, person: String, birthday: String, eligibleFrom: String?, eligibleUntil: String?) {
            self.line = line; self.person = person; self.birthday = birthday
            self.eligibleFrom = eligibleFrom; self.eligibleUntil = eligibleUntil
        }
    }

    public static let header = ["person", "birthday", "eligible_from", "eligible_until"]

    public let rows: [Row]

    /// Reads and checks the whole file; nothing is enrolled here.
    /// - Parameter name: the file's name, for messages.
    /// - Throws: ``NodeError`` listing every bad line (line numbers as in an editor), or saying why the
    ///   file cannot be read at all.
    public init(data: Data, name: String) throws {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw NodeError("\(name) is not UTF-8 text (line \(Self.lineOfFirstInvalidUTF8(data)) holds a byte that is not UTF-8); save it as UTF-8 and try again. Nothing was enrolled.")
        }
        let records: [ContributionCSV.Record]
        do { records = try ContributionCSV.split(text) } catch let error as LedgerError {
            throw NodeError("\(name): \(error.message) Nothing was enrolled.")
        }
        let nonBlank = records.filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let first = nonBlank.first,
              first.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == Self.header else {
            throw NodeError("The first line of \(name) must be the header \(Self.header.joined(separator: ",")). Nothing was enrolled.")
        }
        var rows: [Row] = []
        var problems: [String] = []
        var firstLineOf: [String: Int] = [:]
        for record in nonBlank.dropFirst() {
            let n = record.line
            let f = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 4 else {
                problems.append("line \(n): \(f.count) fields, expected 4 (person,birthday,eligible_from,eligible_until; quote a field that holds a comma)")
                continue
            }
            guard !f[0].isEmpty else { problems.append("line \(n): the person reference is empty"); continue }
            var ok = true
            if (try? Birthday(iso: f[1])) == nil { problems.append("line \(n): birthday \"\(f[1].prefix(20))\" is not MM-DD"); ok = false }
            let from = f[2].isEmpty ? nil : f[2], until = f[3].isEmpty ? nil : f[3]
            let fromDate = from.flatMap { try? LocalDate(iso: $0) }, untilDate = until.flatMap { try? LocalDate(iso: $0) }
            if from != nil && fromDate == nil { problems.append("line \(n): eligible_from \"\(f[2].prefix(20))\" is not a date YYYY-MM-DD"); ok = false }
            if until != nil && untilDate == nil { problems.append("line \(n): eligible_until \"\(f[3].prefix(20))\" is not a date YYYY-MM-DD"); ok = false }
            if let fromDate, let untilDate, !(fromDate < untilDate) {
                problems.append("line \(n): eligible_from must be before eligible_until"); ok = false
            }
            if let earlier = firstLineOf[f[0]] {
                problems.append("line \(n): person \"\(f[0].prefix(40))\" is already on line \(earlier) of this file"); ok = false
            } else {
                firstLineOf[f[0]] = n
            }
            if ok { rows.append(Row(line: n, person: f[0], birthday: f[1], eligibleFrom: from, eligibleUntil: until)) }
        }
        guard problems.isEmpty else {
            throw NodeError("Nothing was enrolled. Fix these lines of \(name) and try again: " + problems.joined(separator: "; "))
        }
        self.rows = rows
    }

    /// The 1-based line holding the first byte that is not part of valid UTF-8.
    static func lineOfFirstInvalidUTF8(_ data: Data) -> Int {
        let bytes = Array(data)
        var line = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            let length = b < 0x80 ? 1 : (0xC2...0xDF).contains(b) ? 2 : (0xE0...0xEF).contains(b) ? 3 : (0xF0...0xF4).contains(b) ? 4 : 0
            guard length > 0, i + length <= bytes.count,
                  String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil else { return line }
            i += length
        }
        return line
    }
}
