import BallotCore
import CivicCrypto
import CivicLog
import Deliberation
import Foundation
import GRDB

/// Deliberation as a module of the node: it owns the `delib.*` entry kinds. The rules are
/// ``Deliberation/DeliberationState`` (through ``Deliberation/DeliberationProjector``, which also
/// writes the projection tables and the full-text index in the log's transaction).
///
/// Its snapshot is the list of its entries' indices: its state is rich, so it is rebuilt from them
/// (projection tables are already in step with the log and are not rewritten) — lazily, the first
/// time deliberation is used, so that opening a node for a ballot or a statement does not pay for it.
public final class DeliberationModule: LogModule {
    public let name = "deliberation"
    let record: String
    let hasher: any ContentHasher
    private var loaded: DeliberationProjector
    private var indices: [Int] = []
    /// Entries restored from a snapshot but not replayed yet (see ``projector()``).
    private var pending: (snapshot: StoredSnapshot, setup: TermSetup, entry: (Int) throws -> NodeEntry)?

    init(record: String, hasher: any ContentHasher = .sha256) {
        self.record = record
        self.hasher = hasher
        self.loaded = DeliberationProjector(record: record, hasher: hasher)
    }

    /// The projector with every entry applied (replaying the snapshot's entries on first use).
    /// - Throws: ``NodeError/damaged(_:)`` if a stored entry no longer replays.
    public func projector() throws -> DeliberationProjector {
        guard let (snapshot, setup, entry) = pending else { return loaded }
        let fresh = DeliberationProjector(record: record, hasher: hasher)
        let registrar = try Hex.decode(setup.registrar)
        do {
            // A list altered on disk is replaced by a scan of the log below the snapshot's size.
            var list: [Int] = []
            if let bytes = try snapshot.state() {
                list = try Self.indices(bytes)
            } else {
                try snapshot.forEachEntry(of: self, entry: entry) { list.append($0.index) }
            }
            for index in list { try fresh.apply(entry(index).entry, registrar: registrar, term: setup.term, db: nil) }
            indices = list + indices
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError.damaged("a stored deliberation entry no longer replays (\(error))")
        }
        loaded = fresh
        pending = nil
        return fresh
    }

    public func owns(kind: String) -> Bool { kind.hasPrefix(loaded.kindPrefix) }

    public func apply(_ entry: NodeEntry, db: Database?, trusted: Bool) throws {
        guard let setup = entry.setup else { throw NodeError("The term is not set up yet: its first entry must be term.setup.") }
        try projector().apply(entry.entry, registrar: Hex.decode(setup.registrar), term: setup.term, db: db)
        indices.append(entry.index)
    }

    public func reset(db: Database?) throws {
        loaded = DeliberationProjector(record: record, hasher: hasher)
        indices = []
        pending = nil
        if let db { try loaded.reset(db: db) }
    }

    public func snapshot() throws -> [UInt8] {
        if let (snapshot, setup, entry) = pending, let bytes = try snapshot.state() {
            // Not used since it was restored, so unchanged; kept in memory, as the stored row is replaced.
            pending = (StoredSnapshot(size: snapshot.size, state: { bytes }), setup, entry)
            return bytes
        }
        _ = try projector()
        var w = SnapshotWriter()
        w.int(SnapshotWriter.formatVersion)
        w.ints(indices)
        return w.bytes
    }

    public func restore(_ snapshot: StoredSnapshot, setup: TermSetup?, entry: @escaping (Int) throws -> NodeEntry) throws {
        guard let setup else { throw LogError.damagedSnapshot }
        loaded = DeliberationProjector(record: record, hasher: hasher)
        indices = []
        pending = (snapshot, setup, entry)
    }

    /// The entry indices a snapshot lists.
    static func indices(_ bytes: [UInt8]) throws -> [Int] {
        var r = SnapshotReader(bytes)
        guard try r.int() == SnapshotWriter.formatVersion else { throw LogError.damagedSnapshot }
        let list = try r.ints()
        guard r.isAtEnd else { throw LogError.damagedSnapshot }
        return list
    }
}

/// Deliberation on a node: signs and submits `delib.*` actions through the node (the one writer),
/// imports and exports `Proposals/`, and answers the reading commands (show, list, search).
public struct DeliberationLog {
    public let node: Node

    init(node: Node) { self.node = node }

    /// Everything deliberation knows, as of the log's latest entry.
    public var state: DeliberationState {
        get throws { try node.locked { try node.catchUp(); return try node.deliberationModule.projector().state } }
    }

    /// The payload bytes that record `action` now (an accepting decision declares the version it creates).
    public func payload(for action: DeliberationEvent.Action) throws -> [UInt8] {
        try node.locked {
            try node.catchUp()
            return try node.deliberationModule.projector().payload(for: action, term: try node.ledgerTermSetup().term)
        }
    }

    /// Signs `action` with `signer` and appends it, once the rules allow it.
    /// - Returns: the acknowledged (durable) entry.
    /// - Throws: ``DeliberationError`` (nothing written) or a log error.
    @discardableResult
    public func submit(_ action: DeliberationEvent.Action, signer: Ed25519.SigningKey) throws -> LogEntry {
        try submit([(action, signer)])[0]
    }

    /// Signs and appends several actions in one transaction: all are written, or none. Each payload
    /// is written against the state the earlier ones leave (checked on a scratch copy first).
    @discardableResult
    public func submit(_ actions: [(DeliberationEvent.Action, Ed25519.SigningKey)]) throws -> [LogEntry] {
        try node.locked {
            try node.catchUp()
            let setup = try node.ledgerTermSetup()
            let registrar = try Hex.decode(setup.registrar)
            var scratch = try node.deliberationModule.projector().state
            var envelopes: [EntryEnvelope] = []
            for (action, signer) in actions {
                let payload = try DeliberationProjector.payload(for: action, state: scratch, record: node.origin, term: setup.term,
                                                                hasher: node.deliberationModule.hasher)
                let envelope = try Node.envelope(payload: payload, signer: signer)
                // No deliberation rule depends on time, so the scratch check uses 0; the log assigns the real time.
                let actor = try scratch.actor(forKey: envelope.author, registrar: registrar)
                try scratch.apply(DeliberationEvent(actor: actor, time: 0, action: action))
                envelopes.append(envelope)
            }
            return try node.submit(batch: envelopes)
        }
    }

    // MARK: - Corpus

    /// Imports a directory of proposal files (``ProposalCorpus``) in one transaction: registers
    /// authors not yet registered (signed by `registrar`), then creates, revises or moves proposals
    /// so the record matches the files (see ``DeliberationState/importPlan(_:moderator:time:)``).
    ///
    /// - Parameters:
    ///   - directory: e.g. `Proposals/`.
    ///   - registrar: the registrar's signing key (needed only if an author must be registered).
    ///   - key: the signing key of a participant (authors, and `moderator` if decisions are recorded).
    ///   - displayName: the display name to register a new author with.
    ///   - moderator: who records adopted / rejected / on-ballot statuses found in files.
    /// - Returns: what was created, updated or left unchanged.
    @discardableResult
    public func importDirectory(
        _ directory: URL, registrar: Ed25519.SigningKey?, key: (ParticipantID) throws -> Ed25519.SigningKey,
        displayName: (ParticipantID) -> String = { $0.rawValue }, moderator: ParticipantID? = nil
    ) throws -> ImportPlan {
        let (actions, plan) = try state.importActions(
            ProposalCorpus.read(directory: directory), registrar: registrar, key: key, displayName: displayName, moderator: moderator)
        if !actions.isEmpty { try submit(actions) }
        return plan
    }

    /// Writes every visible proposal's current version to `directory/<id>.md`.
    /// - Returns: the file names written.
    @discardableResult
    public func exportDirectory(_ directory: URL, includeHidden: Bool = false) throws -> [String] {
        return try ProposalCorpus.write(state.exportDocuments(includeHidden: includeHidden), to: directory)
    }

    // MARK: - Reading

    /// Full-text search (SQLite FTS5) over the titles and bodies of visible proposals, best match first.
    public func search(_ query: String, limit: Int = 50) throws -> [Proposal] {
        try node.locked {
            try node.catchUp()
            let projector = try node.deliberationModule.projector()
            return try node.store.database.read { db in try projector.search(query, limit: limit, db: db) }
        }
    }

    /// The proposal as readable text (see ``DeliberationState/renderProposal(_:options:)``).
    public func show(_ id: ProposalID, options: DeliberationState.RenderOptions = .init()) throws -> String {
        try state.renderProposal(id, options: options)
    }

    /// The proposals filtered by track and status, one line each.
    public func list(track: Track? = nil, status: ProposalStatus? = nil) throws -> String {
        let state = try self.state
        return state.renderList(state.list(track: track, status: status))
    }
}

extension Node {
    /// Deliberation on this node's log.
    public func deliberation() -> DeliberationLog { DeliberationLog(node: self) }

    /// The signing key of a participant whose key this node holds (`keys/participants/ID.key`), created
    /// on first use. Participants' keys are distinct from any voting credential.
    public func participantKey(_ id: ParticipantID) throws -> Ed25519.SigningKey {
        try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/participants/\(id.rawValue).key"))
    }
}
