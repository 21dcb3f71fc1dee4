import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import GRDB

/// The civic time ledger as a module of the node: it owns the `ledger.*` entry kinds.
///
/// The rules are ``CivicLedger/LedgerState`` (pure, shared with any replay); this class keeps in
/// memory only what stays small (settings, organisations) and writes what grows with the term to
/// SQLite rows beside the log, in the log's transaction:
///
/// - `ledger_organisations(org TEXT PRIMARY KEY, name, key, accredited_at)` — latest accreditation
///   (for SQL readers; the rules use memory);
/// - every contribution and every reversal, tagged, read back by the rules and the statements
///   (see ``LedgerTables``).
///
/// The rows are in step with the log (written in the entries' transactions); the tables are
/// rebuilt from the log only when the node migrates them (``reset(db:)`` then replay). From a
/// snapshot, the state is restored lazily, the first time the ledger is used.
public final class LedgerModule: LogModule {
    public let name = "ledger"
    /// The log origin (every payload's `record`).
    public let record: String
    /// The ledger as of the last applied entry; nil until the first ledger entry (or ``prepare(setup:)``).
    public var state: LedgerState? {
        get throws {
            try restorePending()
            return loaded
        }
    }
    private var loaded: LedgerState?
    /// A snapshot restored but not decoded yet (see ``restore(_:setup:entry:)``).
    private var pending: (snapshot: StoredSnapshot, setup: TermSetup, entry: (Int) throws -> NodeEntry)?

    let tables: LedgerTables

    init(record: String, tables: LedgerTables) {
        self.record = record
        self.tables = tables
    }

    public func owns(kind: String) -> Bool { kind.hasPrefix(LedgerKind.prefix) }

    public func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws {
        guard let setup = entry.setup else { throw NodeError("The term is not set up yet: its first entry must be term.setup.") }
        try prepare(setup: setup)
        guard var ledger = loaded else { throw NodeError("The ledger is not prepared.") }  // prepare sets it
        // Check first, then project, then commit: a refused entry or a failed write changes nothing.
        // The rules read the rows as they were before this entry (they may already hold it on replay).
        tables.asOf = entry.index - 1
        let change = try ledger.check(LedgerEntry(entry.entry))
        if let db { try project(change, db: db) }
        loaded = nil  // keep the state uniquely referenced while it changes
        ledger.commit(change, stored: true)
        loaded = ledger
        tables.asOf = entry.index
    }

    public func reset(db: Database?) throws {
        loaded = nil
        pending = nil
        tables.asOf = -1
        guard let db else { return }
        // Only when the node migrates its tables: an older layout is dropped, not just emptied.
        try db.execute(sql: "DROP TABLE IF EXISTS ledger_organisations; DROP TABLE IF EXISTS ledger_contributions; DROP TABLE IF EXISTS ledger_reversals;")
        try LedgerTables.createTables(db)
    }

    public func snapshot() throws -> [UInt8] {
        if let (snapshot, setup, entry) = pending, let bytes = try snapshot.state() {
            // Not used since it was restored, so unchanged; kept in memory, as the stored row is replaced.
            pending = (StoredSnapshot(size: snapshot.size, state: { bytes }), setup, entry)
            return bytes
        }
        return try state?.snapshot() ?? []
    }

    public func restore(_ snapshot: StoredSnapshot, setup: TermSetup?, entry: @escaping (Int) throws -> NodeEntry) throws {
        guard let setup else { throw LogError.damagedSnapshot }
        loaded = nil
        pending = (snapshot, setup, entry)
        tables.asOf = snapshot.size - 1
    }

    /// Decodes a snapshot restored but not used yet; one altered on disk is replaced by a replay of
    /// the ledger's entries below its size.
    /// - Throws: ``NodeError/damaged(_:)`` if a stored entry no longer replays.
    private func restorePending() throws {
        guard let (snapshot, setup, entry) = pending else { return }
        var restored = LedgerState(context: try LedgerContext(record: record, setup: setup), rows: tables)
        do {
            if let bytes = try snapshot.state() {
                if !bytes.isEmpty { try restored.restore(snapshot: bytes) { try LedgerEntry(entry($0).entry) } }
            } else {
                // The rows already hold these entries: each is checked against the rows before it.
                defer { tables.asOf = snapshot.size - 1 }
                try snapshot.forEachEntry(of: self, entry: entry) { e in
                    tables.asOf = e.index - 1
                    restored.commit(try restored.check(LedgerEntry(e.entry)), stored: true)
                }
            }
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError.damaged("the ledger's stored entries no longer replay (\(error))")
        }
        loaded = restored
        pending = nil
    }

    /// An empty ledger for the term (before any ledger entry), so that statements can be asked for.
    func prepare(setup: TermSetup) throws {
        try restorePending()
        if loaded == nil { loaded = LedgerState(context: try LedgerContext(record: record, setup: setup), rows: tables) }
    }

    private func project(_ change: LedgerChange, db: Database) throws {
        switch change {
        case .accredit(let a, let period):
            try db.execute(sql: "INSERT OR REPLACE INTO ledger_organisations(org, name, key, accredited_at) VALUES (?, ?, ?, ?)",
                           arguments: [a.org, a.name, a.key, period.index])
        case .contribution(let c):
            try tables.put(c, db: db)
        case .reversal(let r):
            try tables.put(r, db: db)
        case .settings, .suspend:
            break
        }
    }
}

extension Node {
    /// The term's setup, or a clear error before `term.setup`.
    public func ledgerTermSetup() throws -> TermSetup {
        guard let setup = try requireElection().setup else {
            throw NodeError("No term is set up in this node yet. Run `perennial term setup` first.")
        }
        return setup
    }

    /// The ledger as it stands.
    /// - Throws: ``NodeError`` if no term is set up.
    public func ledgerState() throws -> LedgerState {
        try locked {
            try catchUp()
            try ledger.prepare(setup: try ledgerTermSetup())
            guard let state = try ledger.state else { throw NodeError("The ledger is not prepared.") }  // prepare sets it
            return state
        }
    }

    /// Signs and appends a ledger payload for this node's term.
    /// - Throws: ``CivicLedger/LedgerError`` (rule refusals, with their check ids) or a log error; then nothing was written.
    @discardableResult
    public func submitLedger(_ payload: some LedgerPayload, signer: Ed25519.SigningKey) throws -> LogEntry {
        let term = try ledgerTermSetup().term
        return try submit(payload: payload.payloadBytes(record: origin, term: term), signer: signer)
    }

    /// Appends contributions signed by one organisation, all or none, in one log transaction.
    /// - Throws: the first refusal (then nothing at all was written).
    @discardableResult
    public func submitContributions(_ contributions: [Contribution], signer: Ed25519.SigningKey) throws -> [LogEntry] {
        let term = try ledgerTermSetup().term
        let envelopes = try contributions.map { c in
            let payload = c.payloadBytes(record: origin, term: term)
            let signature = try signer.signature(for: EntryEnvelope.signingInput(payload: payload))
            return try EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signature)
        }
        return try submit(batch: envelopes)
    }

    /// The receipt (SPEC §2.6) of entry `index`, signing a checkpoint first if none covers it yet.
    public func ledgerReceipt(index: Int, tracker: String? = nil) throws -> Receipt {
        let covered = try store.latestCheckpoint().map { $0.size > UInt64(index) } ?? false
        if !covered { _ = try store.signCheckpoint() }
        return try store.receipt(index: UInt64(index), tracker: tracker)
    }

    /// The receipt of `index` if a checkpoint already covers it (statements never sign).
    public func existingReceipt(index: Int) -> Receipt? {
        try? store.receipt(index: UInt64(index))
    }
}
