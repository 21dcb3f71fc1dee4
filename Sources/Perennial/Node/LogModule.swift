import BallotCore
import CivicLog
import GRDB

/// One entry as the node hands it to a module: the log entry, its payload header (parsed once, by
/// the node) and the term's setup (nil only for `term.setup` itself).
public struct NodeEntry: Sendable {
    public let entry: LogEntry
    public let header: PayloadHeader
    public let setup: TermSetup?

    public var index: Int { Int(entry.index) }
}

/// A domain module of the node (the election, the civic time ledger, deliberation): the node routes
/// every entry of the kinds it owns to it, as the audit's `KindChecker` does.
///
/// The node has already checked, once for every module, the author's signature, the record, the
/// term (every entry but `term.setup` names the term of `term.setup`) and that the term is set up.
///
/// `apply` must check the entry completely before changing anything: a throw means the entry is
/// refused and, on append, nothing is written. Modules are used only under the node's lock.
public protocol LogModule: AnyObject {
    /// The module's name (also the key of its snapshot).
    var name: String { get }
    /// True for the entry kinds this module owns.
    func owns(kind: String) -> Bool
    /// Checks and applies one entry. `db` is the log's write transaction, where the module writes its
    /// projection rows (they commit or roll back with the entry); nil when the projection tables
    /// already hold this entry (another process wrote them) and only memory must catch up.
    /// `trusted` is true when replaying entries already in the log (proofs are not verified again).
    func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws
    /// Forgets all state (before a replay from the log); with `db`, also empties its projection
    /// tables (only when the node migrates them: a replay otherwise reads the rows already there).
    func reset(db: Database?) throws
    /// The module's in-memory state in binary, to persist beside the log (see ``SnapshotWriter``).
    func snapshot() throws -> [UInt8]
    /// Rebuilds the in-memory state from its stored snapshot (a module may defer the work to its
    /// first use). `entry` reads a log entry below the snapshot's size by index, its leaf hash
    /// checked. Its projection tables are already in step with the log (they are written in the
    /// log's transactions), so only memory is restored.
    func restore(_ snapshot: StoredSnapshot, setup: TermSetup?, entry: @escaping (Int) throws -> NodeEntry) throws
}

/// A module's stored snapshot, read on demand (so that opening a node does not read the snapshots
/// of the modules it does not use).
public struct StoredSnapshot {
    /// The number of log entries the snapshot covers.
    public let size: Int
    /// Reads the snapshot's bytes and checks their tag: nil if they were altered on disk (the module
    /// must then rebuild from the log's entries below ``size``).
    public let state: () throws -> [UInt8]?

    /// Replays every entry below ``size`` that `module` owns (when its snapshot was altered).
    func forEachEntry(of module: some LogModule, entry: (Int) throws -> NodeEntry, _ body: (NodeEntry) throws -> Void) throws {
        for index in 0..<size {
            let e = try entry(index)
            if module.owns(kind: e.header.kind) { try body(e) }
        }
    }
}
