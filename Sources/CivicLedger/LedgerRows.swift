import BallotCore
import CivicLog

/// Where a ledger keeps what grows with the term: every contribution and every reversal.
///
/// Without rows (`LedgerState.rows == nil`) the state keeps them in memory, as a value. A node gives
/// its ledger rows in SQLite instead, written in the same transaction as the entry that records
/// them, so that neither opening a node nor its snapshot holds every contribution, and a statement
/// reads only the account's rows.
///
/// Rows are versioned by the index of the entry that wrote them, and every read is *as of*
/// ``asOf`` (rows written by later entries are invisible, and so is a reversal written later), so a
/// state restored from an older snapshot replays the entries after it against exactly the rows it
/// would have had. Reads throw when a row cannot be read or was altered (the node reports damage).
public protocol LedgerRows: AnyObject, Sendable {
    /// Rows written by entries after this index are invisible to reads.
    var asOf: Int { get set }

    /// The contribution recorded by entry `index`, with its reversal if any.
    func contribution(at index: Int) throws -> RecordedContribution?
    /// The account's contributions, in log order, with their reversals.
    func contributions(of account: AccountID) throws -> [RecordedContribution]
    /// Every contribution, in log order, with their reversals.
    func allContributions() throws -> [RecordedContribution]
    /// True if `org` already recorded `attestation`.
    func hasAttestation(org: String, attestation: String) throws -> Bool
    /// The reversal recorded by entry `index`.
    func reversal(at index: Int) throws -> RecordedReversal?
    /// How many contributions and reversals are recorded.
    func counts() throws -> (contributions: Int, reversals: Int)
}

/// A contribution in the compact binary form of ``CivicLog/SnapshotWriter``, without its reversal
/// (for snapshots and stored rows).
extension RecordedContribution: SnapshotEncodable {
    public func encode(into w: inout SnapshotWriter) {
        w.int(index)
        w.int(Int(timeMs))
        w.string(author)
        let p = payload
        for field in [p.org, p.attestation, p.account, p.category, p.date, p.start, p.description] { w.string(field) }
        w.optionalString(p.end)
        w.optionalInt(p.minutes)
        w.int(startUTC)
        w.int(endUTC)
        w.int(minutes)
    }

    /// Reads back ``encoded``.
    /// - Throws: ``CivicLog/LogError/damagedSnapshot`` (or a form error) if the bytes are not such a contribution.
    public init(encoded bytes: [UInt8], reversedBy: Int?) throws {
        self = try SnapshotReader.whole(bytes) { r in try Self(reading: &r, reversedBy: reversedBy) }
    }

    init(reading r: inout SnapshotReader, reversedBy: Int?) throws {
        let index = try r.int(), timeMs = try r.int(), author = try r.string()
        guard timeMs >= 0 else { throw LogError.damagedSnapshot }
        var fields: [String] = []
        for _ in 0..<7 { fields.append(try r.string()) }
        let payload = Contribution(org: fields[0], attestation: fields[1], account: fields[2], category: fields[3],
                                   date: fields[4], start: fields[5], end: try r.optionalString(), minutes: try r.optionalInt(),
                                   description: fields[6])
        self.init(index: index, timeMs: UInt64(timeMs), author: author, payload: payload,
                  account: try AccountID(canonical: payload.account), date: try LocalDate(iso: payload.date),
                  startUTC: try r.int(), endUTC: try r.int(), minutes: try r.int(), reversedBy: reversedBy)
    }
}

/// A reversal in the compact binary form of ``CivicLog/SnapshotWriter``.
extension RecordedReversal: SnapshotEncodable {
    public func encode(into w: inout SnapshotWriter) {
        w.int(index)
        w.int(Int(timeMs))
        w.string(author)
        w.int(entry)
        w.string(reason)
    }

    /// Reads back ``encoded``.
    /// - Throws: ``CivicLog/LogError/damagedSnapshot`` if the bytes are not such a reversal.
    public init(encoded bytes: [UInt8]) throws {
        self = try SnapshotReader.whole(bytes) { r in try Self(reading: &r) }
    }

    init(reading r: inout SnapshotReader) throws {
        let index = try r.int(), timeMs = try r.int()
        guard timeMs >= 0 else { throw LogError.damagedSnapshot }
        self.init(index: index, timeMs: UInt64(timeMs), author: try r.string(), entry: try r.int(), reason: try r.string())
    }
}
