import BallotCore
import CivicLog
import GRDB

/// A domain module that projects its own entry kinds (those starting with ``kindPrefix``, e.g.
/// `"ledger."` or `"delib."`) from the one civic log. The node routes every entry of those kinds to it;
/// every other kind goes to the election.
///
/// `apply` must check the entry completely before changing anything (a throw means the entry is refused
/// and, on append, nothing is written). `db` is the log's write transaction on append (so projection
/// tables change atomically with the log), or a read connection during replay.
public protocol LogModule: AnyObject {
    /// The entry-kind prefix this module owns, e.g. `"ledger."`.
    var kindPrefix: String { get }
    /// Checks and applies one entry. `setup` is the term's first entry (roles and calendar).
    func apply(_ entry: LogEntry, kind: String, setup: TermSetup, db: Database, trusted: Bool) throws
    /// Forgets all state (before a full replay).
    func reset(db: Database) throws
}
