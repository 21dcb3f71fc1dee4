import CivicLog

/// Where an election keeps what grows with the term: each credential's roll record, each voter's
/// counted ballot per window, and the hash of every ballot seen.
///
/// Without rows (`ElectionState.rows == nil`) the state keeps them in memory, as a value. A node
/// gives its election rows in SQLite instead, written in the same transaction as the entry that
/// changes them, so that opening a node does not load them: it reads only the rows it needs.
///
/// Rows are versioned by the index of the entry that wrote them, and every read is *as of*
/// ``asOf`` (rows written by later entries are invisible), so a state restored from an older
/// snapshot replays the entries after it against exactly the rows it would have had.
///
/// Reads do not throw, to keep the rules readable: an implementation that fails to read records
/// the failure (``failure``) and answers nil; its owner must check ``failure`` after every apply
/// and refuse the entry if it is set.
public protocol ElectionRows: AnyObject, Sendable {
    /// Rows written by entries after this index are invisible to reads.
    var asOf: Int { get set }
    /// False while replaying entries whose rows are already stored: writes are then skipped.
    var writable: Bool { get set }
    /// The first read or write failure since it was last cleared.
    var failure: (any Error)? { get set }

    func rollRecord(_ credential: String) -> Roll.Record?
    func putRollRecord(_ record: Roll.Record, credential: String, entry: Int)
    /// The index of the ballot counted for `slot` (lineage and window), if any.
    func countedBallot(slot: String) -> Int?
    func putCountedBallot(slot: String, entry: Int)
    func hasSeen(_ payloadHash: [UInt8]) -> Bool
    func putSeen(_ payloadHash: [UInt8], entry: Int)
}

extension Roll {
    /// The key under which a voter's counted ballot of a window is kept: the voter's lineage (first
    /// credential) and the window number.
    public static func ballotSlot(lineage: String, window: Int) -> String { lineage + "#\(window)" }
}

/// A roll record in the compact binary form of ``CivicLog/SnapshotWriter`` (in the snapshot of an
/// election kept in memory, and as a node's stored row).
extension Roll.Record: SnapshotEncodable {
    public func encode(into w: inout SnapshotWriter) {
        w.int(birthday.month)
        w.int(birthday.day)
        w.optionalInt(eligibleFrom?.daysSinceEpoch)
        w.optionalInt(eligibleUntil?.daysSinceEpoch)
        w.string(lineage)
        w.optionalString(replacedBy)
    }

    /// Reads back ``encoded``.
    /// - Throws: ``CivicLog/LogError/damagedSnapshot`` if the bytes are not such a record.
    public init(encoded bytes: [UInt8]) throws {
        self = try SnapshotReader.whole(bytes) { r in try Self(reading: &r) }
    }

    /// Reads what ``encode(into:)`` wrote.
    /// - Throws: ``CivicLog/LogError/damagedSnapshot`` if the bytes are not such a record.
    init(reading r: inout SnapshotReader) throws(LogError) {
        let birthday: Birthday
        do { birthday = try Birthday(month: r.int(), day: r.int()) } catch { throw LogError.damagedSnapshot }
        self.init(birthday: birthday, eligibleFrom: try r.optionalInt().map(LocalDate.init(daysSinceEpoch:)),
                  eligibleUntil: try r.optionalInt().map(LocalDate.init(daysSinceEpoch:)),
                  lineage: try r.string(), replacedBy: try r.optionalString())
    }
}
