import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import GRDB

/// The civic time ledger as a module of the node: it owns the `ledger.*` entry kinds.
///
/// The rules are ``CivicLedger/LedgerState`` (pure, shared with any replay); this class keeps that
/// state in memory and writes a small SQLite projection beside the log, in the log's transaction:
///
/// - `ledger_organisations(org TEXT PRIMARY KEY, name, key, accredited_at)` — latest accreditation;
/// - `ledger_contributions(idx INTEGER PRIMARY KEY, org, attestation, account, category, date,
///   start_utc, end_utc, minutes, reversed_by)` — every contribution, with its reversal if any.
///
/// Both are rebuilt from the log when the node rebuilds (``reset(db:)`` then replay). From a
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

    public init(record: String) { self.record = record }

    public func owns(kind: String) -> Bool { kind.hasPrefix(LedgerKind.prefix) }

    public func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws {
        guard let setup = entry.setup else { throw NodeError("The term is not set up yet: its first entry must be term.setup.") }
        try prepare(setup: setup)
        guard var ledger = loaded else { throw NodeError("The ledger is not prepared.") }  // prepare sets it
        // Check first, then project, then commit: a refused entry or a failed write changes nothing.
        let change = try ledger.check(LedgerEntry(entry.entry))
        if let db { try Self.project(change, db: db) }
        loaded = nil  // keep the state uniquely referenced while it changes
        ledger.commit(change)
        loaded = ledger
    }

    public func reset(db: Database?) throws {
        loaded = nil
        pending = nil
        guard let db else { return }
        try Self.createTables(db)
        try db.execute(sql: "DELETE FROM ledger_organisations; DELETE FROM ledger_contributions;")
    }

    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS ledger_organisations(org TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, accredited_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS ledger_contributions(idx INTEGER PRIMARY KEY, org TEXT NOT NULL, attestation TEXT NOT NULL,
                account TEXT NOT NULL, category TEXT NOT NULL, date TEXT NOT NULL, start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,
                minutes INTEGER NOT NULL, reversed_by INTEGER);
            CREATE INDEX IF NOT EXISTS ledger_contributions_account ON ledger_contributions(account, date);
            """)
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
        guard let setup else { throw SnapshotReader.Damaged() }
        loaded = nil
        pending = (snapshot, setup, entry)
    }

    /// Decodes a snapshot restored but not used yet; one altered on disk is replaced by a replay of
    /// the ledger's entries below its size.
    /// - Throws: ``NodeError/damaged(_:)`` if a stored entry no longer replays.
    private func restorePending() throws {
        guard let (snapshot, setup, entry) = pending else { return }
        var restored = try LedgerState(context: LedgerContext(record: record, setup: setup))
        do {
            if let bytes = try snapshot.state() {
                if !bytes.isEmpty { try restored.restore(snapshot: bytes) { try LedgerEntry(entry($0).entry) } }
            } else {
                try snapshot.forEachEntry(of: self, entry: entry) { e in
                    restored.commit(try restored.check(LedgerEntry(e.entry)))
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
        if loaded == nil { loaded = try LedgerState(context: LedgerContext(record: record, setup: setup)) }
    }

    static func project(_ change: LedgerChange, db: Database) throws {
        switch change {
        case .accredit(let a, let period):
            try db.execute(sql: "INSERT OR REPLACE INTO ledger_organisations(org, name, key, accredited_at) VALUES (?, ?, ?, ?)",
                           arguments: [a.org, a.name, a.key, period.index])
        case .contribution(let c):
            try db.execute(sql: """
                INSERT INTO ledger_contributions(idx, org, attestation, account, category, date, start_utc, end_utc, minutes, reversed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """, arguments: [c.index, c.payload.org, c.payload.attestation, c.account.text, c.payload.category, c.payload.date,
                                 c.startUTC, c.endUTC, c.minutes])
        case .reversal(let r):
            try db.execute(sql: "UPDATE ledger_contributions SET reversed_by = ? WHERE idx = ?", arguments: [r.index, r.entry])
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
