import BallotCore
import CivicCrypto
import CivicLog
import GRDB

/// The lifelong election as a module of the node: it owns every kind of ``BallotCore/EntryKind``
/// (`term.*`, `trustee.*`, `election.key`, `roll.*`, `contest.*`, `ballot.*`, `tally.*`).
///
/// Its rules are ``BallotCore/ElectionState``; the group is chosen by `term.setup`.
public final class ElectionModule: LogModule {
    public let name = "election"
    let record: String
    /// Reads a counted ballot back from the log (the node's current transaction).
    let ballotReader: @Sendable (Int) throws -> [UInt8]
    /// The roll, counted ballots and seen ballots, stored as rows of the node's database.
    let tables: ElectionTables
    /// Nil until `term.setup` is applied.
    public private(set) var handle: (any ElectionHandle)?
    /// True after a row could not be read or written during an apply: a rule may then have been
    /// decided wrongly and memory changed, so the node must restore the module before going on.
    private(set) var stale = false

    init(record: String, tables: ElectionTables, ballotReader: @escaping @Sendable (Int) throws -> [UInt8]) {
        self.record = record
        self.tables = tables
        self.ballotReader = ballotReader
    }

    /// The roll record of `credential` as of the last entry applied.
    /// - Throws: ``NodeError/damaged(_:)`` if its stored row cannot be read or was altered.
    func rollRecord(_ credential: String) throws -> Roll.Record? {
        try readingRows { handle?.roll[credential] }
    }

    /// The index of the ballot counted for a voter (lineage) in a window, as of the last entry applied.
    func countedBallot(lineage: String, window: Int) throws -> Int? {
        try readingRows { handle == nil ? nil : tables.countedBallot(slot: Roll.ballotSlot(lineage: lineage, window: window)) }
    }

    /// The entry that first recorded a ballot payload with this SHA-256, as of the last entry applied.
    func seenEntry(payloadHash: [UInt8]) throws -> Int? {
        try readingRows { handle == nil ? nil : tables.seenEntry(payloadHash) }
    }

    /// Runs a read of the rows and throws the failure it recorded, if any.
    private func readingRows<T>(_ read: () -> T?) throws -> T? {
        tables.failure = nil
        let value = read()
        if let failure = tables.failure {
            tables.failure = nil
            throw failure
        }
        return value
    }

    public func owns(kind: String) -> Bool { EntryKind(rawValue: kind) != nil }

    public func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws {
        let e = ElectionEntry(index: entry.index, timeMs: Int64(entry.entry.timeMs), author: entry.entry.envelope.author,
                              payload: entry.entry.envelope.payload)
        let handle = try self.handle ?? newHandle(for: e)
        handle.verifyProofs = !trusted
        // Rows are read as of the entry before this one; written unless they already are (db nil).
        tables.asOf = entry.index - 1
        tables.writable = db != nil
        tables.failure = nil
        defer { handle.verifyProofs = true; tables.writable = true }
        do {
            _ = try handle.apply(e, header: entry.header)
        } catch {
            // A rule may have been decided on a row that could not be read: report the damage.
            if let failure = tables.failure { tables.failure = nil; stale = true; throw failure }
            throw error
        }
        if let failure = tables.failure { tables.failure = nil; stale = true; throw failure }
        tables.asOf = entry.index
        self.handle = handle
    }

    /// A handle for the group `term.setup` names.
    private func newHandle(for setupEntry: ElectionEntry) throws -> any ElectionHandle {
        let setup = try TermSetup.decode(setupEntry.payload)
        let group: GroupName
        do { group = try GroupName.named(setup.group) } catch { throw ElectionError(.termSetup, "\(error)") }
        let handle = try group.accept(MakeElection(record: record))
        handle.ballotPayload = ballotReader
        handle.attach(rows: tables)
        return handle
    }

    public func reset(db: Database?) throws {
        handle = nil
        stale = false
        tables.asOf = -1
        if let db { try ElectionTables.deleteAll(db) }
    }

    public func snapshot() throws -> [UInt8] { handle?.snapshot() ?? [] }

    /// Restores at once (the election's snapshot is small: its growing state is in rows). An altered
    /// snapshot throws, and the node rebuilds from the log.
    public func restore(_ snapshot: StoredSnapshot, setup: TermSetup?, entry: @escaping (Int) throws -> NodeEntry) throws {
        guard let bytes = try snapshot.state() else { throw LogError.damagedSnapshot }
        let first = try entry(0)
        let handle = try newHandle(for: ElectionEntry(index: 0, timeMs: Int64(first.entry.timeMs), author: first.entry.envelope.author,
                                                      payload: first.entry.envelope.payload))
        try handle.restore(snapshot: bytes) { index in
            let e = try entry(index)
            return ElectionEntry(index: index, timeMs: Int64(e.entry.timeMs), author: e.entry.envelope.author, payload: e.entry.envelope.payload)
        }
        tables.asOf = handle.lastIndex
        stale = false
        self.handle = handle
    }
}
