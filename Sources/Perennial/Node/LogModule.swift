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
    /// Forgets all state and empties its projection tables (before a full replay).
    func reset(db: Database) throws
    /// The module's in-memory state in binary, to persist beside the log (see ``SnapshotWriter``).
    func snapshot() -> [UInt8]
    /// Rebuilds the in-memory state from ``snapshot()`` (a module may defer the work to its first
    /// use). `entry` reads a log entry below the snapshot's size by index, its leaf hash checked.
    /// Its projection tables are already in step with the log (they are written in the log's
    /// transactions), so only memory is restored.
    func restore(_ bytes: [UInt8], setup: TermSetup?, entry: @escaping (Int) throws -> NodeEntry) throws
}
