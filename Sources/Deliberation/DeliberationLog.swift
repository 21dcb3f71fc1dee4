import CivicCrypto
import CivicLog
import Foundation
import GRDB

/// Deliberation on the civic log, for a caller that drives it directly: signs and appends `delib.*`
/// entries after checking them against every rule, replays the log, imports and exports `Proposals/`,
/// and answers the reading commands (show, list, search).
///
/// The log is the truth: the state is rebuilt from it on open (``catchUp()``), and the projection
/// tables are written in the same transaction as each entry. Entries of other kinds are skipped here
/// (a node that routes kinds to modules drives ``DeliberationProjector`` instead).
///
/// Not thread-safe: use one instance from one task, like the log's other writers.
public final class DeliberationLog {
    /// The civic log.
    public let store: LogStore
    /// The registrar's Ed25519 public key (the `registrar` of `term.setup`), who registers participants.
    public let registrarKey: [UInt8]
    /// The term id every payload names.
    public let term: String
    /// The projector holding the state.
    public private(set) var projector: DeliberationProjector
    /// The index of the last log entry examined (any kind); -1 before the first.
    public private(set) var lastIndex: Int64 = -1
    let hasher: any ContentHasher

    /// Everything deliberation knows.
    public var state: DeliberationState { projector.state }

    /// Opens deliberation on `store`, creating the projection tables if needed and replaying the log.
    /// - Parameters:
    ///   - registrarKey: the registrar's public key.
    ///   - term: the term id (`term` of `term.setup`).
    ///   - hasher: SHA-256 for content hashes (libsodium's by default).
    /// - Throws: ``DeliberationError`` if an entry in the log breaks a rule (the record is then not
    ///   trustworthy), or a storage error.
    public init(store: LogStore, registrarKey: [UInt8], term: String, hasher: any ContentHasher = .sha256) throws {
        self.store = store
        self.registrarKey = registrarKey
        self.term = term
        self.hasher = hasher
        self.projector = DeliberationProjector(record: store.origin, hasher: hasher)
        try store.database.write { db in try DeliberationProjector.createTables(db) }
        try catchUp()
    }

    // MARK: - Replay

    /// Applies the deliberation entries appended since the last call (by this or another process),
    /// and rebuilds the projection if it does not match.
    public func catchUp() throws {
        let size = Int64(try store.size())
        // Read in chunks and apply outside the read: LogStore reports errors thrown inside
        // `forEachEntry` as storage errors, and a broken rule must surface as itself.
        while size > lastIndex + 1 {
            var chunk: [LogEntry] = []
            let start = lastIndex + 1
            try store.forEachEntry(in: UInt64(start)..<UInt64(min(size, start + 1024))) { chunk.append($0) }
            for entry in chunk {
                if owns(entry) { try projector.apply(entry, registrar: registrarKey, term: term, db: nil) }
                lastIndex = Int64(entry.index)
            }
        }
        let projected = try store.database.read { db in try DeliberationProjector.projectedIndex(db: db) }
        if projected != projector.lastIndex {
            try rebuildProjection()
        }
    }

    /// Rebuilds every projection table from the state (itself rebuilt from the log).
    public func rebuildProjection() throws {
        let projector = self.projector
        try store.database.write { db in try projector.rebuildProjection(db: db) }
    }

    /// Forgets the state and replays the whole log.
    public func reload() throws {
        projector = DeliberationProjector(record: store.origin, hasher: hasher)
        lastIndex = -1
        try catchUp()
    }

    private func owns(_ entry: LogEntry) -> Bool {
        struct Header: Decodable { let kind: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(entry.envelope.payload)) else { return false }
        return header.kind.hasPrefix(projector.kindPrefix)
    }

    // MARK: - Appending

    /// The payload bytes that record `action` now (an accepting decision declares the version it creates).
    public func payload(for action: DeliberationEvent.Action) throws -> [UInt8] {
        try projector.payload(for: action, term: term)
    }

    /// Signs `action` with `signer` and appends it, once the rules allow it.
    /// - Returns: the acknowledged (durable) entry.
    /// - Throws: ``DeliberationError`` (nothing written) or a log error.
    @discardableResult
    public func submit(_ action: DeliberationEvent.Action, signer: Ed25519.SigningKey) throws -> LogEntry {
        try submit([(action, signer)])[0]
    }

    /// Signs and appends several actions in one transaction: all are written, or none.
    @discardableResult
    public func submit(_ actions: [(DeliberationEvent.Action, Ed25519.SigningKey)]) throws -> [LogEntry] {
        try catchUp()
        var scratch = state
        var envelopes: [EntryEnvelope] = []
        for (action, signer) in actions {
            let payload = try DeliberationProjector.payload(for: action, state: scratch, record: store.origin, term: term, hasher: hasher)
            let signature = try signer.signature(for: EntryEnvelope.signingInput(payload: payload))
            let envelope = try EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signature)
            // Check on a scratch state first so that payloads of later actions see earlier ones. No
            // deliberation rule depends on time, so the check uses 0; the log assigns the real time.
            let actor = try scratch.actor(forKey: envelope.author, registrar: registrarKey)
            try scratch.apply(DeliberationEvent(actor: actor, time: 0, action: action))
            envelopes.append(envelope)
        }
        return try submit(envelopes: envelopes)
    }

    /// Appends envelopes signed elsewhere, in one transaction, after checking each against the rules.
    @discardableResult
    public func submit(envelopes: [EntryEnvelope]) throws -> [LogEntry] {
        try catchUp()
        let projector = self.projector, registrar = registrarKey, term = term
        var applied = false
        do {
            let entries = try store.append(contentsOf: envelopes) { db, entry in
                guard try DeliberationProjector.projectedIndex(db: db) == projector.lastIndex else {
                    throw DeliberationError(.staleVersion, "Another writer added deliberation entries at the same moment; try again.")
                }
                guard self.owns(entry) else {
                    throw DeliberationError(.invalidInput, "Only delib.* entries can be submitted here.")
                }
                try projector.apply(entry, registrar: registrar, term: term, db: db)
                applied = true
            }
            lastIndex = Int64(entries.last?.index ?? UInt64(lastIndex))
            return entries
        } catch {
            // Nothing was committed: forget what the projection closure applied.
            if applied || projector.needsReplay { try reload() }
            throw error
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
        try catchUp()
        let (actions, plan) = try state.importActions(
            ProposalCorpus.read(directory: directory), registrar: registrar, key: key, displayName: displayName, moderator: moderator)
        if !actions.isEmpty { try submit(actions) }
        return plan
    }

    /// Writes every visible proposal's current version to `directory/<id>.md`.
    /// - Returns: the file names written.
    @discardableResult
    public func exportDirectory(_ directory: URL, includeHidden: Bool = false) throws -> [String] {
        try catchUp()
        return try ProposalCorpus.write(state.exportDocuments(includeHidden: includeHidden), to: directory)
    }

    // MARK: - Reading

    /// Full-text search (SQLite FTS5) over the titles and bodies of visible proposals, best match first.
    public func search(_ query: String, limit: Int = 50) throws -> [Proposal] {
        try catchUp()
        let projector = self.projector
        return try store.database.read { db in try projector.search(query, limit: limit, db: db) }
    }

    /// The proposal as readable text (see ``DeliberationState/renderProposal(_:options:)``).
    public func show(_ id: ProposalID, options: DeliberationState.RenderOptions = .init()) throws -> String {
        try catchUp()
        return try state.renderProposal(id, options: options)
    }

    /// The proposals filtered by track and status, one line each.
    public func list(track: Track? = nil, status: ProposalStatus? = nil) throws -> String {
        try catchUp()
        return state.renderList(state.list(track: track, status: status))
    }
}

extension DeliberationState {
    /// The signed actions that import `documents`: registrations of authors not yet registered (signed
    /// by `registrar`), then the ``importPlan(_:moderator:time:)`` events, each with its actor's key.
    public func importActions(
        _ documents: [ProposalDocument], registrar: Ed25519.SigningKey?, key: (ParticipantID) throws -> Ed25519.SigningKey,
        displayName: (ParticipantID) -> String = { $0.rawValue }, moderator: ParticipantID? = nil
    ) throws -> (actions: [(DeliberationEvent.Action, Ed25519.SigningKey)], plan: ImportPlan) {
        var scratch = self
        var actions: [(DeliberationEvent.Action, Ed25519.SigningKey)] = []
        for author in Set(documents.map(\.author)).sorted() where scratch.participants[author] == nil {
            guard let registrar else {
                throw DeliberationError(.notRegistrar, "Author \(author) is not registered; the registrar's key is needed to register them.")
            }
            let action = DeliberationEvent.Action.registerParticipant(
                id: author, displayName: displayName(author), publicKey: try key(author).publicKey.rawRepresentation, moderator: false)
            try scratch.apply(DeliberationEvent(actor: .registrar, time: 0, action: action))
            actions.append((action, registrar))
        }
        let plan = try scratch.importPlan(documents, moderator: moderator, time: 0)
        for event in plan.events {
            guard case .participant(let id) = event.actor else { continue }
            actions.append((event.action, try key(id)))
        }
        return (actions, plan)
    }
}
