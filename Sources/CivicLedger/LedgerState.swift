import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// The civic time ledger's rules (SPEC §5), as a pure value: feed it the log's ledger entries in
/// order with ``apply(_:)``. The engine (through its log module) and any replay share this code;
/// it does no I/O.
///
/// - Important: ``apply(_:)`` checks an entry completely before changing anything, so a refused entry
///   leaves the state as it was.
public struct LedgerState: Sendable {
    public let context: LedgerContext
    /// Settings entries in log order.
    public internal(set) var settingsEntries: [(index: Int, from: LocalDate, settings: LedgerSettings)] = []
    public internal(set) var organisations: [String: Organisation] = [:]
    /// Organisation id by key (hex): a key belongs to one organisation only.
    public internal(set) var organisationByKey: [String: String] = [:]
    /// Where the contributions and reversals are kept (see ``LedgerRows``); nil: in ``memory``.
    public internal(set) var rows: (any LedgerRows)?
    /// The contributions and reversals held in memory: all of them without ``rows``; with rows, only
    /// those committed to this value but not stored (a copy checking a batch before it is appended).
    var memory = LedgerMemory()
    /// Indices of settings, accreditation and suspension entries, which a snapshot replays.
    var structuralIndices: [Int] = []
    /// The kind of every ledger entry held in memory, by index (with ``rows``, the stored
    /// contributions and reversals are not listed).
    public internal(set) var kinds: [Int: LedgerKind] = [:]

    public init(context: LedgerContext, rows: (any LedgerRows)? = nil) {
        self.context = context
        self.rows = rows
    }

    // MARK: - Settings

    /// The settings in force on `date`: of the settings entries so far, the one with the latest
    /// `from` on or before `date` (the later in the log on a tie), else ``LedgerSettings/defaults``.
    public func settings(on date: LocalDate) -> LedgerSettings {
        var best: (from: LocalDate, settings: LedgerSettings)?
        for s in settingsEntries where s.from <= date {
            if best == nil || s.from >= best!.from { best = (s.from, s.settings) }
        }
        return best?.settings ?? .defaults
    }

    // MARK: - Applying

    /// Checks `entry` against every rule and, if it passes, records it.
    /// - Returns: what changed.
    /// - Throws: ``LedgerError`` with the rule's check id; the state is then unchanged.
    @discardableResult
    public mutating func apply(_ entry: LedgerEntry) throws -> LedgerChange {
        let change = try check(entry)
        commit(change)
        return change
    }

    /// Checks `entry` against every rule without changing anything.
    /// - Returns: the change ``commit(_:)`` makes (so a projection can be written first).
    /// - Throws: ``LedgerError`` with the rule's check id.
    public func check(_ entry: LedgerEntry) throws -> LedgerChange {
        let header: PayloadHeader
        do {
            header = try PayloadHeader.parse(entry.payload)
        } catch {
            throw LedgerError(.malformed, check: "LED-0", "The entry is not a ledger payload (not a JSON object starting with \"kind\" and \"record\").")
        }
        guard let kind = LedgerKind(rawValue: header.kind) else {
            throw LedgerError(.malformed, check: "LED-0", "Unknown ledger entry kind \"\(header.kind.prefix(40))\". The kinds are \(LedgerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let record = context.record, header.record != record {
            throw LedgerError(.malformed, check: "LED-0", "The entry was written for another record than \"\(record)\".")
        }
        try header.requireTerm(context.term) { LedgerError(.malformed, check: "LED-0", $0) }
        let author = Hex.encode(entry.author)
        let change: LedgerChange
        switch kind {
        case .settings: change = try checkSettings(try LedgerSettings.decode(entry.payload), entry, author)
        case .accredit: change = try checkAccredit(try Accreditation.decode(entry.payload), entry, author)
        case .suspend: change = try checkSuspend(try Suspension.decode(entry.payload), entry, author)
        case .contribution: change = try checkContribution(try Contribution.decode(entry.payload), entry, author)
        case .reversal: change = try checkReversal(try Reversal.decode(entry.payload), entry, author)
        }
        return change
    }

    /// Records a change returned by ``check(_:)`` for the next entry (and no other).
    /// - Parameter stored: true when ``rows`` already hold the change's contribution or reversal
    ///   (the node wrote them in the entry's transaction); memory then keeps nothing of it.
    public mutating func commit(_ change: LedgerChange, stored: Bool = false) {
        switch change {
        case .settings(let index, let from, let s):
            settingsEntries.append((index, from, s))
        case .accredit(let a, let period):
            var org = organisations[a.org] ?? Organisation(org: a.org, name: a.name, periods: [], suspensions: [])
            org.name = a.name
            org.periods.append(period)
            organisations[a.org] = org
            organisationByKey[a.key] = a.org
        case .suspend(let index, let s, let from, let until):
            organisations[s.org]?.suspensions.append((index, from, until, s.reason))
        case .contribution(let c):
            if stored { return }
            memory.add(c)
        case .reversal(let r):
            if stored { return }
            memory.add(r)
        }
        kinds[change.index] = change.kind
        switch change {
        case .settings, .accredit, .suspend: structuralIndices.append(change.index)
        case .contribution, .reversal: break
        }
    }

    private func requireOfficer(_ author: String, _ kind: LedgerKind, _ check: String) throws {
        guard author == context.officer else {
            throw LedgerError(.notAuthorised, check: check, "Only the term's officer may write \(kind.rawValue) entries; this one is signed by another key.")
        }
    }

    private func checkSettings(_ s: LedgerSettings, _ entry: LedgerEntry, _ author: String) throws -> LedgerChange {
        try requireOfficer(author, .settings, "LED-3")
        let from = try Form.date(s.from, "from", check: "LED-3")
        func bad(_ message: String) -> LedgerError { LedgerError(.settings, check: "LED-3", message) }
        guard (0...8784).contains(s.obligationHours) else { throw bad("The yearly obligation must be 0 to 8784 hours.") }
        guard (0...1_000_000_000).contains(s.hourValueMinor) else { throw bad("The value of an hour must be 0 to 1000000000 (in cents or the currency's minor unit).") }
        guard s.currency.utf8.count == 3, s.currency.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw bad("The currency is a three-capital ISO 4217 code such as EUR.")
        }
        guard (1...1440).contains(s.dailyCapMinutes) else { throw bad("The daily cap must be 1 to 1440 minutes.") }
        guard (1...1440).contains(s.maxMinutes) else { throw bad("The longest contribution must be 1 to 1440 minutes.") }
        return .settings(index: entry.index, from: from, s)
    }

    private func checkAccredit(_ a: Accreditation, _ entry: LedgerEntry, _ author: String) throws -> LedgerChange {
        try requireOfficer(author, .accredit, "LED-1")
        try Form.slug(a.org, "organisation id", check: "LED-1")
        try Form.text(a.name, "organisation name", max: 200, required: true, check: "LED-1")
        guard a.key.utf8.count == 64, a.key == a.key.lowercased(), (try? Hex.decode(a.key))?.count == 32 else {
            throw LedgerError(.malformed, check: "LED-1", "The organisation key must be 64 lowercase hex digits (an Ed25519 public key).")
        }
        guard a.key != context.officer else {
            throw LedgerError(.notAuthorised, check: "LED-1", "The officer's own key cannot be an organisation's key. Generate one with `perennial ledger org-key`.")
        }
        guard !a.categories.isEmpty, a.categories.count <= 50 else {
            throw LedgerError(.malformed, check: "LED-1", "An accreditation lists 1 to 50 activity categories.")
        }
        for c in a.categories { try Form.slug(c, "category", check: "LED-1") }
        guard zip(a.categories, a.categories.dropFirst()).allSatisfy({ Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) else {
            throw LedgerError(.malformed, check: "LED-1", "The categories must be listed once each, in increasing order.")
        }
        let from = try Form.date(a.validFrom, "valid_from", check: "LED-1")
        let until = try a.validUntil.map { try Form.date($0, "valid_until", check: "LED-1") }
        if let until, until <= from {
            throw LedgerError(.malformed, check: "LED-1", "The accreditation must end (valid_until \(until)) after it starts (valid_from \(from)).")
        }
        if let owner = organisationByKey[a.key], owner != a.org {
            throw LedgerError(.notAuthorised, check: "LED-1", "This key already belongs to the organisation \"\(owner)\"; each organisation needs its own key.")
        }
        if let last = organisations[a.org]?.periods.last, from < last.from {
            throw LedgerError(.malformed, check: "LED-1", "A new accreditation of \"\(a.org)\" cannot start (\(from)) before its current one (\(last.from)); it replaces it from its start date.")
        }
        let period = AccreditationPeriod(index: entry.index, key: a.key, categories: a.categories, from: from, until: until)
        return .accredit(a, period)
    }

    private func checkSuspend(_ s: Suspension, _ entry: LedgerEntry, _ author: String) throws -> LedgerChange {
        try requireOfficer(author, .suspend, "LED-2")
        guard organisations[s.org] != nil else {
            throw LedgerError(.notAccredited, check: "LED-2", "No organisation \"\(s.org.prefix(40))\" was ever accredited; check its id.")
        }
        let from = try Form.date(s.from, "from", check: "LED-2")
        let until = try s.until.map { try Form.date($0, "until", check: "LED-2") }
        if let until, until <= from {
            throw LedgerError(.malformed, check: "LED-2", "A suspension must end (\(until)) after it starts (\(from)).")
        }
        try Form.text(s.reason, "reason", max: 500, required: true, check: "LED-2")
        return .suspend(index: entry.index, s, from: from, until: until)
    }

    /// The interval of a contribution: `(date, start, end, minutes)` from its payload.
    /// - Throws: ``LedgerError`` for a malformed form or an impossible duration.
    public func interval(of c: Contribution) throws -> (date: LocalDate, startUTC: Int, endUTC: Int, minutes: Int) {
        let date = try Form.date(c.date, "date", check: "LED-0")
        let start = try LocalTime(c.start)
        let startUTC = context.clock.instant(date, start)
        let endUTC: Int
        switch (c.end, c.minutes) {
        case (let endText?, nil):
            let end = try LocalTime(endText)
            guard end != start else {
                throw LedgerError(.duration, check: "LED-6", "The start and end times are the same (\(start)); give the time actually given.")
            }
            endUTC = context.clock.instant(end > start ? date : date.adding(days: 1), end)
        case (nil, let minutes?):
            guard minutes > 0 else {
                throw LedgerError(.duration, check: "LED-6", "A contribution lasts at least one minute (got \(minutes)).")
            }
            guard minutes <= 1440 else {
                throw LedgerError(.duration, check: "LED-6", "A contribution lasts at most 1440 minutes (got \(minutes)).")
            }
            endUTC = startUTC + minutes * 60
        default:
            throw LedgerError(.malformed, check: "LED-0", "A contribution gives either an end time or a number of minutes, not both and not neither.")
        }
        let minutes = (endUTC - startUTC) / 60
        guard minutes > 0 else {
            throw LedgerError(.duration, check: "LED-6", "The contribution lasts no time at all on the local clock (a daylight-saving change?). Check its start and end.")
        }
        return (date, startUTC, endUTC, minutes)
    }

    private func checkContribution(_ c: Contribution, _ entry: LedgerEntry, _ author: String) throws -> LedgerChange {
        // LED-0: form.
        let account = try AccountID(canonical: c.account)
        try Form.slug(c.org, "organisation id", check: "LED-0")
        try Form.slug(c.category, "category", check: "LED-0")
        try Form.attestation(c.attestation)
        try Form.text(c.description, "description", max: 500, required: false, check: "LED-0")
        let (date, startUTC, endUTC, minutes) = try interval(of: c)

        // LED-4: accreditation, key, category, suspension.
        guard let org = organisations[c.org] else {
            throw LedgerError(.notAccredited, check: "LED-4", "The organisation \"\(c.org)\" is not accredited. The officer accredits it with `perennial ledger accredit`.")
        }
        guard let period = org.period(on: date) else {
            throw LedgerError(.notAccredited, check: "LED-4", "The organisation \"\(c.org)\" is not accredited on \(date). Only time given while it is accredited can be attested.")
        }
        guard period.key == author else {
            throw LedgerError(.notAuthorised, check: "LED-4", "The entry is not signed with the key of \"\(c.org)\" accredited on \(date). Sign it with the organisation's key file.")
        }
        guard period.categories.contains(c.category) else {
            throw LedgerError(.category, check: "LED-4", "\"\(c.org)\" is not accredited for the category \"\(c.category)\" (its categories: \(period.categories.joined(separator: ", "))).")
        }
        if let s = org.suspension(on: date) {
            throw LedgerError(.suspended, check: "LED-4", "\"\(c.org)\" is suspended from \(s.from)\(s.until.map { " until \($0)" } ?? "") (entry \(s.index)); it cannot attest time on \(date).")
        }

        // LED-5: inside the term, already over.
        guard date >= context.termStart, date < context.termEnd else {
            throw LedgerError(.outsideTerm, check: "LED-5", "\(date) is outside the term (\(context.termStart) to \(context.termEnd), end excluded).")
        }
        guard Int64(endUTC) * 1000 <= Int64(entry.timeMs) else {
            throw LedgerError(.future, check: "LED-5", "The time attested has not ended yet; attest it once it is over.")
        }

        // LED-6: duration bound.
        let inForce = self.settings(on: date)
        guard minutes <= inForce.maxMinutes else {
            throw LedgerError(.duration, check: "LED-6", "The contribution lasts \(Self.hours(minutes)), more than the \(Self.hours(inForce.maxMinutes)) one contribution may last. Split it or check the times.")
        }

        // LED-9: the same attestation twice.
        guard try !hasAttestation(org: c.org, attestation: c.attestation) else {
            throw LedgerError(.duplicate, check: "LED-9", "\"\(c.org)\" already recorded attestation \"\(c.attestation)\". Each attestation is recorded once; a correction is a reversal and a new attestation id.")
        }

        // LED-7: no overlap with the account's counted contributions.
        let mine = try contributions(of: account).filter(\.counts)
        if let other = mine.first(where: { $0.startUTC < endUTC && startUTC < $0.endUTC }) {
            throw LedgerError(.overlap, check: "LED-7", "This time overlaps another contribution of the same account (entry \(other.index), \(other.payload.date) \(other.payload.start)–\(other.payload.end ?? "+\(other.minutes) min")). One person cannot give the same hour twice.")
        }

        // LED-8: daily cap on every local day the time touches.
        var day = date
        while true {
            let dayStart = context.clock.midnight(day)
            let dayEnd = context.clock.midnight(day.adding(days: 1))
            if dayStart >= endUTC { break }
            let share = Self.overlap(startUTC, endUTC, dayStart, dayEnd)
            if share > 0 {
                let before = mine.reduce(0) { $0 + Self.overlap($1.startUTC, $1.endUTC, dayStart, dayEnd) }
                let cap = self.settings(on: day).dailyCapMinutes
                if before + share > cap * 60 {
                    throw LedgerError(.dailyCap, check: "LED-8", "With this contribution the account would give \(Self.hours((before + share) / 60)) on \(day), over the daily cap of \(Self.hours(cap)).")
                }
            }
            day = day.adding(days: 1)
        }

        let recorded = RecordedContribution(
            index: entry.index, timeMs: entry.timeMs, author: author, payload: c, account: account, date: date,
            startUTC: startUTC, endUTC: endUTC, minutes: minutes, reversedBy: nil)
        return .contribution(recorded)
    }

    private func checkReversal(_ r: Reversal, _ entry: LedgerEntry, _ author: String) throws -> LedgerChange {
        try Form.text(r.reason, "reason", max: 500, required: true, check: "LED-10")
        guard r.entry >= 0, r.entry < entry.index else {
            throw LedgerError(.reversal, check: "LED-10", "A reversal names an earlier entry of the log (got \(r.entry)).")
        }
        guard let original = try contribution(at: r.entry) else {
            if try reversal(at: r.entry) != nil {
                throw LedgerError(.reversal, check: "LED-10", "Entry \(r.entry) is itself a reversal; a reversal cannot be reversed. Attest the time again with a new attestation id instead.")
            }
            throw LedgerError(.reversal, check: "LED-10", "Entry \(r.entry) is not a ledger contribution; only contributions can be reversed.")
        }
        guard author == original.author || author == context.officer else {
            throw LedgerError(.notAuthorised, check: "LED-10", "Only the organisation that attested entry \(r.entry), or the officer, may reverse it.")
        }
        if let by = original.reversedBy {
            throw LedgerError(.reversal, check: "LED-10", "Entry \(r.entry) was already reversed by entry \(by); an entry is reversed once.")
        }
        return .reversal(RecordedReversal(index: entry.index, timeMs: entry.timeMs, author: author, entry: r.entry, reason: r.reason))
    }

    static func overlap(_ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Int { max(0, min(a1, b1) - max(a0, b0)) }

    static func hours(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return m == 0 ? "\(h) h" : "\(h) h \(m < 10 ? "0" : "")\(m)"
    }
}
