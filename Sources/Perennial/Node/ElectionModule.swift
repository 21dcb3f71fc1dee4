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
    /// Nil until `term.setup` is applied.
    public private(set) var handle: (any ElectionHandle)?

    init(record: String, ballotReader: @escaping @Sendable (Int) throws -> [UInt8]) {
        self.record = record
        self.ballotReader = ballotReader
    }

    public func owns(kind: String) -> Bool { EntryKind(rawValue: kind) != nil }

    public func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws {
        let e = ElectionEntry(index: entry.index, timeMs: Int64(entry.entry.timeMs), author: entry.entry.envelope.author,
                              payload: entry.entry.envelope.payload)
        let handle = try self.handle ?? newHandle(for: e)
        handle.verifyProofs = !trusted
        defer { handle.verifyProofs = true }
        _ = try handle.apply(e, header: entry.header)
        self.handle = handle
    }

    /// A handle for the group `term.setup` names.
    private func newHandle(for setupEntry: ElectionEntry) throws -> any ElectionHandle {
        let setup = try TermSetup.decode(setupEntry.payload)
        let group: GroupName
        do { group = try GroupName.named(setup.group) } catch { throw ElectionError(.termSetup, "\(error)") }
        let handle = try group.accept(MakeElection(record: record))
        handle.ballotPayload = ballotReader
        return handle
    }

    public func reset(db: Database) throws { handle = nil }

    public func snapshot() -> [UInt8] { handle?.snapshot() ?? [] }

    public func restore(_ bytes: [UInt8], setup: TermSetup?, entry: (Int) throws -> NodeEntry) throws {
        let first = try entry(0)
        let handle = try newHandle(for: ElectionEntry(index: 0, timeMs: Int64(first.entry.timeMs), author: first.entry.envelope.author,
                                                      payload: first.entry.envelope.payload))
        try handle.restore(snapshot: bytes) { index in
            let e = try entry(index)
            return ElectionEntry(index: index, timeMs: Int64(e.entry.timeMs), author: e.entry.envelope.author, payload: e.entry.envelope.payload)
        }
        self.handle = handle
    }
}
