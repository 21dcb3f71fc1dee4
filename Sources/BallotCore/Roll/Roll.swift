/// The public roll as it stands at some point of the log: credential keys, birthdays and eligibility
/// intervals, never names (`Audit/SPEC.md` §4.5).
public struct Roll: Sendable {
    /// One credential on the roll.
    public struct Record: Sendable, Equatable {
        public var birthday: Birthday
        public var eligibleFrom: LocalDate?
        public var eligibleUntil: LocalDate?
        /// The first credential of this voter's chain of replacements.
        public var lineage: String
        /// The credential that replaced this one, if any.
        public var replacedBy: String?
    }

    public private(set) var records: [String: Record] = [:]

    public init() {}

    init(records: [String: Record]) { self.records = records }

    public var count: Int { records.count }

    public subscript(credential: String) -> Record? { records[credential] }

    static func interval(from: String?, until: String?) throws -> (LocalDate?, LocalDate?) {
        let f = try from.map { try LocalDate(iso: $0) }
        let u = try until.map { try LocalDate(iso: $0) }
        if let f, let u, !(f < u) {
            throw ElectionError(.roll, "The eligibility interval is empty: \"eligible_from\" (\(f.iso)) must be before \"eligible_until\" (\(u.iso)).")
        }
        return (f, u)
    }

    /// Checks a `roll.enrol` and returns the record to add.
    func checkEnrol(_ e: RollEnrol) throws -> Record {
        guard records[e.credential] == nil else {
            throw ElectionError(.roll, "This credential is already on the roll; issue a new credential instead.")
        }
        let birthday: Birthday
        do { birthday = try Birthday(iso: e.birthday) } catch {
            throw ElectionError(.roll, "The birthday \"\(e.birthday)\" is not a valid month and day (MM-DD).")
        }
        let (f, u) = try Self.interval(from: e.eligibleFrom, until: e.eligibleUntil)
        return Record(birthday: birthday, eligibleFrom: f, eligibleUntil: u, lineage: e.credential, replacedBy: nil)
    }

    mutating func enrol(_ credential: String, _ record: Record) { records[credential] = record }

    /// Checks a `roll.update` and returns the updated record.
    func checkUpdate(_ u: RollUpdate) throws -> Record {
        guard var record = records[u.credential] else {
            throw ElectionError(.unknownCredential, "This credential is not on the roll; enrol it first.")
        }
        guard record.replacedBy == nil else {
            throw ElectionError(.roll, "This credential was replaced; update its replacement instead.")
        }
        guard RollUpdate.reasons.contains(u.reason) else {
            throw ElectionError(.roll, "Unknown reason \"\(u.reason)\"; use one of \(RollUpdate.reasons.sorted().joined(separator: ", ")).")
        }
        (record.eligibleFrom, record.eligibleUntil) = try Self.interval(from: u.eligibleFrom, until: u.eligibleUntil)
        return record
    }

    mutating func update(_ credential: String, _ record: Record) { records[credential] = record }

    /// Checks a `roll.replace` and returns the updated old record and the new one.
    func checkReplace(_ r: RollReplace) throws -> (old: Record, new: Record) {
        guard var old = records[r.old] else {
            throw ElectionError(.unknownCredential, "The credential to replace is not on the roll.")
        }
        guard old.replacedBy == nil else {
            throw ElectionError(.roll, "This credential was already replaced; replace its newest credential instead.")
        }
        guard records[r.new] == nil else {
            throw ElectionError(.roll, "The new credential is already on the roll; issue a fresh one.")
        }
        guard RollReplace.reasons.contains(r.reason) else {
            throw ElectionError(.roll, "Unknown reason \"\(r.reason)\"; use one of \(RollReplace.reasons.sorted().joined(separator: ", ")).")
        }
        let date: LocalDate
        do { date = try LocalDate(iso: r.date) } catch {
            throw ElectionError(.roll, "The replacement date \"\(r.date)\" is not a date (YYYY-MM-DD).")
        }
        let previousUntil = old.eligibleUntil
        old.eligibleUntil = previousUntil.map { Swift.min($0, date) } ?? date
        old.replacedBy = r.new
        let newFrom = old.eligibleFrom.map { Swift.max($0, date) } ?? date
        if let u = previousUntil, !(newFrom < u) {
            throw ElectionError(.roll, "The replacement date is after the end of this voter's eligibility; nothing to replace.")
        }
        let new = Record(birthday: old.birthday, eligibleFrom: newFrom, eligibleUntil: previousUntil,
                         lineage: old.lineage, replacedBy: nil)
        return (old, new)
    }
}
