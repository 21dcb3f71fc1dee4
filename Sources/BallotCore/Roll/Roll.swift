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

    /// The records, when the roll is kept in memory (no ``rows``).
    public private(set) var records: [String: Record] = [:]
    /// The node's stored rows, when it has them (then ``records`` stays empty).
    var rows: (any ElectionRows)?
    /// How many credentials are on the roll (replaced ones included).
    public private(set) var count = 0

    public init() {}

    init(records: [String: Record], count: Int, rows: (any ElectionRows)?) {
        self.records = records
        self.count = count
        self.rows = rows
    }

    public subscript(credential: String) -> Record? {
        if let rows { return rows.rollRecord(credential) }
        return records[credential]
    }

    /// Stores `record` for `credential`, written by the entry at `entry`.
    private mutating func put(_ credential: String, _ record: Record, entry: Int) {
        if let rows { rows.putRollRecord(record, credential: credential, entry: entry) } else { records[credential] = record }
    }

    static func interval(from: String?, until: String?) throws(ElectionError) -> (LocalDate?, LocalDate?) {
        let f: LocalDate?, u: LocalDate?
        do {
            f = try from.map { try LocalDate(iso: $0) }
            u = try until.map { try LocalDate(iso: $0) }
        } catch {
            // The calendar's own sentence (what was wrong, how to write the date), under the roll's reason.
            throw ElectionError(.roll, "\(error)")
        }
        if let f, let u, !(f < u) {
            throw ElectionError(.roll, "The eligibility interval is empty: \"eligible_from\" (\(f.iso)) must be before \"eligible_until\" (\(u.iso)).")
        }
        return (f, u)
    }

    /// Checks a `roll.enrol` and returns the record to add.
    func checkEnrol(_ e: RollEnrol) throws(ElectionError) -> Record {
        guard self[e.credential] == nil else {
            throw ElectionError(.roll, "This credential is already on the roll; issue a new credential instead.")
        }
        let birthday: Birthday
        do { birthday = try Birthday(iso: e.birthday) } catch {
            throw ElectionError(.roll, "The birthday \"\(e.birthday)\" is not a valid month and day (MM-DD).")
        }
        let (f, u) = try Self.interval(from: e.eligibleFrom, until: e.eligibleUntil)
        return Record(birthday: birthday, eligibleFrom: f, eligibleUntil: u, lineage: e.credential, replacedBy: nil)
    }

    mutating func enrol(_ credential: String, _ record: Record, entry: Int) {
        put(credential, record, entry: entry)
        count += 1
    }

    /// Checks a `roll.update` and returns the updated record.
    func checkUpdate(_ u: RollUpdate) throws(ElectionError) -> Record {
        guard var record = self[u.credential] else {
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

    mutating func update(_ credential: String, _ record: Record, entry: Int) { put(credential, record, entry: entry) }

    /// Checks a `roll.replace` and returns the updated old record and the new one.
    func checkReplace(_ r: RollReplace) throws(ElectionError) -> (old: Record, new: Record) {
        guard var old = self[r.old] else {
            throw ElectionError(.unknownCredential, "The credential to replace is not on the roll.")
        }
        guard old.replacedBy == nil else {
            throw ElectionError(.roll, "This credential was already replaced; replace its newest credential instead.")
        }
        guard self[r.new] == nil else {
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
