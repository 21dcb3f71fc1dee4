/// The checks of SPEC.md §5 (the civic time ledger), under the ids SPEC.md gives them.
extension Check {
    public static let ledgerForm = Check("LED-0", "ledger entries well-formed")
    public static let ledgerAccredit = Check("LED-1", "organisation accreditations")
    public static let ledgerSuspend = Check("LED-2", "organisation suspensions")
    public static let ledgerSettings = Check("LED-3", "time-tax settings")
    public static let ledgerOrganisation = Check("LED-4", "contribution by an accredited organisation")
    public static let ledgerTermAndTime = Check("LED-5", "contribution within the term and past")
    public static let ledgerDuration = Check("LED-6", "contribution duration")
    public static let ledgerOverlap = Check("LED-7", "no overlapping contributions")
    public static let ledgerDailyCap = Check("LED-8", "daily cap")
    public static let ledgerOnce = Check("LED-9", "attestation recorded once")
    public static let ledgerReversal = Check("LED-10", "reversals")

    public static let ledgerChecks: [Check] = [
        .ledgerForm, .ledgerAccredit, .ledgerSuspend, .ledgerSettings, .ledgerOrganisation, .ledgerTermAndTime,
        .ledgerDuration, .ledgerOverlap, .ledgerDailyCap, .ledgerOnce, .ledgerReversal,
    ]
}

/// Replays the ledger entries (SPEC.md §5) in log order against the state of §5.3 and checks §5.4.
public final class LedgerChecker: KindChecker {
    public var kinds: [String] { ["ledger.settings", "ledger.accredit", "ledger.suspend", "ledger.contribution", "ledger.reversal"] }
    public var checks: [Check] { Check.ledgerChecks }

    private let election: ElectionChecker

    struct Settings { let from: LocalDate; let obligationHours: Int; let hourValueMinor: Int; let dailyCapMinutes: Int; let maxMinutes: Int }
    struct Accreditation { let key: [UInt8]; let categories: [String]; let validFrom: LocalDate; let validUntil: LocalDate? }
    struct Organisation { var accreditations: [Accreditation] = []; var suspensions: [(from: LocalDate, until: LocalDate?)] = [] }
    struct Contribution { let author: [UInt8]; let account: String; let date: LocalDate; let start: Int64; let end: Int64; let minutes: Int; var reversed = false }

    private var settings: [Settings] = []
    private var organisations: [String: Organisation] = [:]
    private var keyOwner: [[UInt8]: String] = [:]
    private var contributions: [UInt64: Contribution] = [:]
    private var byAccount: [String: [UInt64]] = [:]
    private var attestations: Set<String> = []
    private var countedMinutes = 0
    private var reversedCount = 0

    /// - Parameter election: the election checker, which reads `term.setup` (officer, term, time zone).
    public init(election: ElectionChecker) { self.election = election }

    func settingsInForce(_ d: LocalDate) -> (dailyCap: Int, maxMinutes: Int) {
        // The greatest `from ≤ D`, the later in the log on a tie.
        var best: Settings? = nil
        for s in settings where s.from <= d {
            if best == nil || !(s.from < best!.from) { best = s }
        }
        return best.map { ($0.dailyCapMinutes, $0.maxMinutes) } ?? (720, 720)
    }

    func accreditationInForce(_ org: Organisation, on d: LocalDate) -> Accreditation? {
        guard let a = org.accreditations.last(where: { $0.validFrom <= d }) else { return nil }
        if let until = a.validUntil, !(d < until) { return nil }
        return a
    }

    public func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        guard let (setup, clock) = election.term else {
            report.record(.ledgerForm, loc, failure: "\(entry.payload.kind) before a valid term.setup")
            return []
        }
        let members = entry.payload.json.objectMembers ?? []
        guard members.count >= 3, members[2].0 == "term", members[2].1.stringValue == setup.term else {
            report.record(.ledgerForm, loc, failure: "\(entry.payload.kind): the third key must be \"term\":\"\(setup.term)\"")
            return []
        }
        do throws(AuditError) {
            let f = try Fields(entry.payload.json, kind: entry.payload.kind)
            switch entry.payload.kind {
            case "ledger.settings": try settingsEntry(entry, f, setup, &report)
            case "ledger.accredit": try accredit(entry, f, setup, &report)
            case "ledger.suspend": try suspend(entry, f, setup, &report)
            case "ledger.contribution": try contribution(entry, f, setup, clock, &report)
            default: try reversal(entry, f, setup, &report)
            }
        } catch {
            report.record(.ledgerForm, loc, failure: error.message)
        }
        return []
    }

    public func finish(report: inout Report) -> [ProofJob] {
        if !contributions.isEmpty {
            report.setFact("ledger", "\(contributions.count) contributions, \(reversedCount) reversed, \(countedMinutes) minutes counted")
        }
        return []
    }

    // MARK: Incremental state

    public func saveState() -> JSON {
        func d(_ x: LocalDate?) -> JSON { x.map { .string($0.description) } ?? .null }
        return .object([
            ("settings", .array(settings.map { .object([("from", d($0.from)), ("obligation_hours", .int($0.obligationHours)),
                                                         ("hour_value_minor", .int($0.hourValueMinor)), ("daily_cap", .int($0.dailyCapMinutes)),
                                                         ("max_minutes", .int($0.maxMinutes))]) })),
            ("organisations", .object(organisations.sorted { byteOrder($0.key, $1.key) }.map { id, o in
                (id, .object([
                    ("accreditations", .array(o.accreditations.map { .object([("key", .string(Hex.encode($0.key))),
                        ("categories", .array($0.categories.map { .string($0) })), ("from", d($0.validFrom)), ("until", d($0.validUntil))]) })),
                    ("suspensions", .array(o.suspensions.map { .object([("from", d($0.from)), ("until", d($0.until))]) })),
                ]))
            })),
            ("contributions", .array(contributions.sorted { $0.key < $1.key }.map { i, c in
                .object([("index", .int(i)), ("author", .string(Hex.encode(c.author))), ("account", .string(c.account)),
                         ("date", d(c.date)), ("start", .number(String(c.start))), ("end", .number(String(c.end))),
                         ("minutes", .int(c.minutes)), ("reversed", .bool(c.reversed))])
            })),
            ("attestations", .array(attestations.sorted().map { .string($0) })),
            ("counted_minutes", .int(countedMinutes)), ("reversed", .int(reversedCount)),
        ])
    }

    public func restoreState(_ s: JSON) throws(AuditError) {
        func bad() -> AuditError { .malformed("saved ledger state is not usable") }
        func date(_ j: JSON?) -> LocalDate? { j?.stringValue.flatMap(LocalDate.init) }
        for x in s["settings"]?.arrayValue ?? [] {
            guard let from = date(x["from"]), let o = x["obligation_hours"]?.intValue, let v = x["hour_value_minor"]?.intValue,
                  let c = x["daily_cap"]?.intValue, let m = x["max_minutes"]?.intValue else { throw bad() }
            settings.append(Settings(from: from, obligationHours: o, hourValueMinor: v, dailyCapMinutes: c, maxMinutes: m))
        }
        for (id, o) in s["organisations"]?.objectMembers ?? [] {
            var org = Organisation()
            for a in o["accreditations"]?.arrayValue ?? [] {
                guard let k = a["key"]?.stringValue, let key = try? Hex.decode(k, length: 32), let from = date(a["from"]) else { throw bad() }
                org.accreditations.append(Accreditation(key: key, categories: (a["categories"]?.arrayValue ?? []).compactMap(\.stringValue),
                                                        validFrom: from, validUntil: date(a["until"])))
                keyOwner[key] = id
            }
            for x in o["suspensions"]?.arrayValue ?? [] {
                guard let from = date(x["from"]) else { throw bad() }
                org.suspensions.append((from, date(x["until"])))
            }
            organisations[id] = org
        }
        for c in s["contributions"]?.arrayValue ?? [] {
            guard let i = c["index"]?.uint64Value, let a = c["author"]?.stringValue, let author = try? Hex.decode(a, length: 32),
                  let account = c["account"]?.stringValue, let d = date(c["date"]), let st = c["start"]?.int64Value,
                  let en = c["end"]?.int64Value, let m = c["minutes"]?.intValue else { throw bad() }
            contributions[i] = Contribution(author: author, account: account, date: d, start: st, end: en, minutes: m,
                                            reversed: c["reversed"]?.boolValue ?? false)
            byAccount[account, default: []].append(i)
        }
        attestations = Set((s["attestations"]?.arrayValue ?? []).compactMap(\.stringValue))
        countedMinutes = s["counted_minutes"]?.intValue ?? 0
        reversedCount = s["reversed"]?.intValue ?? 0
    }

    // MARK: Entries

    private func settingsEntry(_ e: VerifiedEntry, _ f: Fields, _ setup: TermSetup, _ report: inout Report) throws(AuditError) {
        try f.finish(["from", "obligation_hours", "hour_value_minor", "currency", "daily_cap_minutes", "max_minutes"])
        let from = try LedgerValues.date(f, "from")
        let obligation = try LedgerValues.integer(f, "obligation_hours")
        let value = try LedgerValues.integer(f, "hour_value_minor")
        let currency = try f.string("currency")
        let cap = try LedgerValues.integer(f, "daily_cap_minutes")
        let maxMinutes = try LedgerValues.integer(f, "max_minutes")
        report.record(.ledgerForm, .entry(e.index), failure: nil)
        var problem: String? = nil
        if e.author != setup.officer { problem = "ledger.settings must be written by the officer" }
        else if !(0...8784).contains(obligation) { problem = "obligation_hours must be 0…8784" }
        else if !(0...1_000_000_000).contains(value) { problem = "hour_value_minor must be 0…10^9" }
        else if currency.utf8.count != 3 || !currency.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) { problem = "currency must be three capitals A–Z" }
        else if !(1...1440).contains(cap) { problem = "daily_cap_minutes must be 1…1440" }
        else if !(1...1440).contains(maxMinutes) { problem = "max_minutes must be 1…1440" }
        report.record(.ledgerSettings, .entry(e.index), failure: problem)
        guard problem == nil else { return }
        settings.append(Settings(from: from, obligationHours: obligation, hourValueMinor: value, dailyCapMinutes: cap, maxMinutes: maxMinutes))
    }

    private func accredit(_ e: VerifiedEntry, _ f: Fields, _ setup: TermSetup, _ report: inout Report) throws(AuditError) {
        try f.finish(["org", "name", "key", "categories", "valid_from", "valid_until"])
        let org = try LedgerValues.slug(f, "org")
        _ = try LedgerValues.text(f, "name", max: 200, nonEmpty: true)
        let key = try f.hex("key", length: 32)
        var categories: [String] = []
        for c in try f.array("categories") {
            guard let s = c.stringValue, LedgerValues.isSlug(s) else { throw .malformed("ledger.accredit: categories must be slugs") }
            categories.append(s)
        }
        let from = try LedgerValues.date(f, "valid_from")
        let until = try LedgerValues.optionalDate(f, "valid_until")
        report.record(.ledgerForm, .entry(e.index), failure: nil)
        var problem: String? = nil
        if e.author != setup.officer { problem = "ledger.accredit must be written by the officer" }
        else if key == setup.officer { problem = "an organisation's key must not be the officer's" }
        else if let owner = keyOwner[key], owner != org { problem = "the key already belongs to organisation \"\(owner)\"" }
        else if !(1...50).contains(categories.count) { problem = "1 to 50 categories are needed" }
        else if !zip(categories, categories.dropFirst()).allSatisfy({ byteOrder($0, $1) }) { problem = "categories must be in increasing byte order without repeats" }
        else if let until, !(from < until) { problem = "valid_from must be before valid_until" }
        else if let current = organisations[org]?.accreditations.last, from < current.validFrom {
            problem = "valid_from is earlier than that of the organisation's current accreditation"
        }
        report.record(.ledgerAccredit, .entry(e.index), failure: problem)
        guard problem == nil else { return }
        organisations[org, default: Organisation()].accreditations.append(Accreditation(key: key, categories: categories, validFrom: from, validUntil: until))
        keyOwner[key] = org
    }

    private func suspend(_ e: VerifiedEntry, _ f: Fields, _ setup: TermSetup, _ report: inout Report) throws(AuditError) {
        try f.finish(["org", "from", "until", "reason"])
        let org = try LedgerValues.slug(f, "org")
        let from = try LedgerValues.date(f, "from")
        let until = try LedgerValues.optionalDate(f, "until")
        _ = try LedgerValues.text(f, "reason", max: 500, nonEmpty: true)
        report.record(.ledgerForm, .entry(e.index), failure: nil)
        var problem: String? = nil
        if e.author != setup.officer { problem = "ledger.suspend must be written by the officer" }
        else if organisations[org] == nil { problem = "organisation \"\(org)\" was never accredited" }
        else if let until, !(from < until) { problem = "from must be before until" }
        report.record(.ledgerSuspend, .entry(e.index), failure: problem)
        guard problem == nil else { return }
        organisations[org]!.suspensions.append((from, until))
    }

    private func contribution(_ e: VerifiedEntry, _ f: Fields, _ setup: TermSetup, _ clock: TermClock, _ report: inout Report) throws(AuditError) {
        let loc = Location.entry(e.index)
        try f.finish(["org", "attestation", "account", "category", "date", "start", "end", "minutes", "description"])
        let org = try LedgerValues.slug(f, "org")
        let attestation = try f.string("attestation")
        guard LedgerValues.isAttestation(attestation) else { throw .malformed("ledger.contribution: attestation must be 1–64 of A-Z a-z 0-9 . _ : / -") }
        let account = try f.string("account")
        guard LedgerValues.isAccount(account) else { throw .malformed("ledger.contribution: account is not a valid account id (format or check symbol)") }
        let category = try LedgerValues.slug(f, "category")
        let date = try LedgerValues.date(f, "date")
        let start = try LedgerValues.time(try f.string("start"), "start")
        let end = try f.optionalString("end").map { (s: String) throws(AuditError) -> Int in try LedgerValues.time(s, "end") }
        let minutes = try f.optionalCount("minutes")
        _ = try LedgerValues.text(f, "description", max: 500, nonEmpty: false)
        guard (end == nil) != (minutes == nil) else { throw .malformed("ledger.contribution: exactly one of end and minutes must be null") }
        report.record(.ledgerForm, loc, failure: nil)

        // LED-4: the organisation.
        var orgProblem: String? = nil
        if let o = organisations[org], let a = accreditationInForce(o, on: date) {
            if a.key != e.author { orgProblem = "not signed by the key of \"\(org)\"'s accreditation in force on \(date)" }
            else if !a.categories.contains(category) { orgProblem = "\"\(org)\" is not accredited for category \"\(category)\"" }
            else if o.suspensions.contains(where: { $0.from <= date && ($0.until.map { date < $0 } ?? true) }) { orgProblem = "\"\(org)\" is suspended on \(date)" }
        } else {
            orgProblem = "no accreditation of \"\(org)\" is in force on \(date)"
        }
        report.record(.ledgerOrganisation, loc, failure: orgProblem)

        // Interval and length.
        let s = clock.instant(date, minutes: start)
        let eMs: Int64
        if let end {
            eMs = end > start ? clock.instant(date, minutes: end) : clock.instant(LocalDate(dayNumber: date.dayNumber + 1), minutes: end)
        } else {
            eMs = s + Int64(minutes!) * 60_000
        }
        let length = Int((eMs - s) / 60_000)

        // LED-5: within the term, and over.
        var termProblem: String? = nil
        if !(setup.start <= date && date < setup.end) { termProblem = "date \(date) is outside the term [\(setup.start), \(setup.end))" }
        else if eMs > Int64(e.time) { termProblem = "the contribution ends after the entry's log time" }
        report.record(.ledgerTermAndTime, loc, failure: termProblem)

        // LED-6: duration.
        let limits = settingsInForce(date)
        var durationProblem: String? = nil
        if let minutes, !(1...1440).contains(minutes) { durationProblem = "minutes must be 1…1440" }
        else if let end, end == start { durationProblem = "end must differ from start" }
        else if length < 1 { durationProblem = "the contribution lasts less than a minute" }
        else if length > limits.maxMinutes { durationProblem = "\(length) minutes exceed max_minutes \(limits.maxMinutes)" }
        report.record(.ledgerDuration, loc, failure: durationProblem)

        // LED-7 and LED-8 against the account's counting contributions.
        let others = (byAccount[account] ?? []).compactMap { contributions[$0] }.filter { !$0.reversed }
        let overlap = others.first { s < $0.end && $0.start < eMs }
        report.record(.ledgerOverlap, loc, failure: overlap == nil ? nil : "the account already gave time during part of this interval")
        var capProblem: String? = nil
        var day = date.dayNumber
        while clock.midnight(LocalDate(dayNumber: day)) < eMs {
            let d0 = clock.midnight(LocalDate(dayNumber: day)), d1 = clock.midnight(LocalDate(dayNumber: day + 1))
            func within(_ a: Int64, _ b: Int64) -> Int64 { max(0, min(b, d1) - max(a, d0)) }
            let total = within(s, eMs) + others.reduce(Int64(0)) { $0 + within($1.start, $1.end) }
            let cap = Int64(settingsInForce(LocalDate(dayNumber: day)).dailyCap) * 60_000
            if total > cap { capProblem = "more than the daily cap on \(LocalDate(dayNumber: day))"; break }
            day += 1
        }
        report.record(.ledgerDailyCap, loc, failure: capProblem)

        // LED-9: the attestation once.
        let pair = org + "\u{0}" + attestation
        let repeated = attestations.contains(pair)
        report.record(.ledgerOnce, loc, failure: repeated ? "attestation \"\(attestation)\" of \"\(org)\" was already recorded" : nil)

        guard orgProblem == nil, termProblem == nil, durationProblem == nil, overlap == nil, capProblem == nil, !repeated else { return }
        attestations.insert(pair)
        contributions[e.index] = Contribution(author: e.author, account: account, date: date, start: s, end: eMs, minutes: length)
        byAccount[account, default: []].append(e.index)
        countedMinutes += length
    }

    private func reversal(_ e: VerifiedEntry, _ f: Fields, _ setup: TermSetup, _ report: inout Report) throws(AuditError) {
        try f.finish(["entry", "reason"])
        guard let target = try f.value("entry").uint64Value else { throw .malformed("ledger.reversal: entry must be a log index") }
        _ = try LedgerValues.text(f, "reason", max: 500, nonEmpty: true)
        report.record(.ledgerForm, .entry(e.index), failure: nil)
        var problem: String? = nil
        if let c = contributions[target] {
            if c.reversed { problem = "entry \(target) is already reversed" }
            else if e.author != c.author && e.author != setup.officer { problem = "only the contribution's author or the officer may reverse it" }
        } else {
            problem = "entry \(target) is not an earlier accepted ledger.contribution"
        }
        report.record(.ledgerReversal, .entry(e.index), failure: problem)
        guard problem == nil else { return }
        contributions[target]!.reversed = true
        countedMinutes -= contributions[target]!.minutes
        reversedCount += 1
    }
}

/// Value forms of SPEC.md §5.1.
enum LedgerValues {
    static func isSlug(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return (1...40).contains(u.count) && u[0] != 0x2d && u.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    static func slug(_ f: Fields, _ key: String) throws(AuditError) -> String {
        let s = try f.string(key)
        guard isSlug(s) else { throw .malformed("\(f.kind): \"\(key)\" must be 1–40 of a-z 0-9 - (not starting with -)") }
        return s
    }

    static func isAttestation(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return (1...64).contains(u.count) && u.allSatisfy {
            ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || [0x2e, 0x5f, 0x3a, 0x2f, 0x2d].contains($0)
        }
    }

    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `XXXX-XXXX-XXXX-XXXX` in Crockford base32 with a Luhn mod 32 check symbol.
    static func isAccount(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 19, u[4] == 0x2d, u[9] == 0x2d, u[14] == 0x2d else { return false }
        var values: [Int] = []
        for (i, c) in u.enumerated() where i != 4 && i != 9 && i != 14 {
            guard let v = crockford.firstIndex(of: c) else { return false }
            values.append(v)
        }
        var sum = 0
        for (k, v) in values.reversed().enumerated() {
            var p = k % 2 == 1 ? v * 2 : v
            p = p / 32 + p % 32
            sum += p
        }
        return sum % 32 == 0
    }

    static func date(_ f: Fields, _ key: String) throws(AuditError) -> LocalDate {
        guard let d = LocalDate(try f.string(key)) else { throw .malformed("\(f.kind): \"\(key)\" must be an existing YYYY-MM-DD date") }
        return d
    }

    static func optionalDate(_ f: Fields, _ key: String) throws(AuditError) -> LocalDate? {
        guard let s = try f.optionalString(key) else { return nil }
        guard let d = LocalDate(s) else { throw .malformed("\(f.kind): \"\(key)\" must be an existing YYYY-MM-DD date or null") }
        return d
    }

    /// `HH:MM` → minutes since midnight.
    static func time(_ s: String, _ key: String) throws(AuditError) -> Int {
        let u = Array(s.utf8)
        guard u.count == 5, u[2] == 0x3a, [0, 1, 3, 4].allSatisfy({ u[$0] >= 48 && u[$0] <= 57 }) else {
            throw .malformed("\"\(key)\" must be HH:MM")
        }
        let h = Int(u[0] - 48) * 10 + Int(u[1] - 48), m = Int(u[3] - 48) * 10 + Int(u[4] - 48)
        guard h <= 23, m <= 59 else { throw .malformed("\"\(key)\" must be 00:00…23:59") }
        return h * 60 + m
    }

    static func integer(_ f: Fields, _ key: String) throws(AuditError) -> Int {
        guard let n = try f.value(key).uint64Value, n <= 1 << 40 else { throw .malformed("\(f.kind): \"\(key)\" must be a non-negative integer") }
        return Int(n)
    }

    /// One line of text: no U+0000–U+001F, no U+007F, at most `max` scalars; not empty nor only spaces when `nonEmpty`.
    static func text(_ f: Fields, _ key: String, max: Int, nonEmpty: Bool) throws(AuditError) -> String {
        let s = try f.string(key)
        guard s.unicodeScalars.count <= max, s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) else {
            throw .malformed("\(f.kind): \"\(key)\" must be one line of at most \(max) characters")
        }
        if nonEmpty && s.unicodeScalars.allSatisfy({ $0 == " " }) { throw .malformed("\(f.kind): \"\(key)\" must not be empty") }
        return s
    }
}

/// Test access to the account-id rule.
public enum LedgerTestHooks {
    public static func isAccount(_ s: String) -> Bool { LedgerValues.isAccount(s) }
}
