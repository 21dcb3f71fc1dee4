import CivicCrypto
import CivicLog
import Foundation
import GRDB

/// Deliberation on the civic log: signs and appends `delib.*` entries after checking them against
/// every rule, keeps the state and the SQLite projection (with its FTS5 search index) up to date, and
/// offers what the `perennial proposal …` commands need.
///
/// The log is the truth: ``DeliberationState`` is rebuilt from it on open (``catchUp()``), and the
/// projection tables are written in the same transaction as each entry.
///
/// Not thread-safe: use one instance from one task (the engine's serial writer), like the log's
/// other modules.
public final class DeliberationLog {
    /// The civic log.
    public let store: LogStore
    /// The registrar's Ed25519 public key (the `registrar` of `term.setup`), who registers participants.
    public let registrarKey: [UInt8]
    let hasher: any ContentHasher
    /// Everything deliberation knows, up to ``lastIndex``.
    public private(set) var state: DeliberationState
    /// The index of the last log entry examined (any kind); -1 before the first.
    public private(set) var lastIndex: Int64 = -1
    /// The index of the last deliberation entry applied; -1 if none.
    public private(set) var lastDeliberationIndex: Int64 = -1

    /// Opens deliberation on `store`, creating the projection tables if needed and replaying the log.
    /// - Parameters:
    ///   - registrarKey: the registrar's public key.
    ///   - hasher: SHA-256 for content hashes (libsodium's by default).
    /// - Throws: ``DeliberationError`` if an entry in the log breaks a rule (the record is then not
    ///   trustworthy), or a storage error.
    public init(store: LogStore, registrarKey: [UInt8], hasher: any ContentHasher = .sha256) throws {
        self.store = store
        self.registrarKey = registrarKey
        self.hasher = hasher
        self.state = DeliberationState(hasher: hasher)
        try store.database.write { db in try DeliberationProjection.create(db) }
        try catchUp()
    }

    // MARK: - Replay

    /// Applies the deliberation entries appended since the last call (by this or another process),
    /// and rebuilds the projection if it lags behind the log.
    public func catchUp() throws {
        let size = Int64(try store.size())
        // Read in chunks and apply outside the read: LogStore wraps errors thrown inside
        // `forEachEntry` as storage errors, and a broken rule must surface as itself.
        while size > lastIndex + 1 {
            var chunk: [LogEntry] = []
            let start = lastIndex + 1
            try store.forEachEntry(in: UInt64(start)..<UInt64(min(size, start + 1024))) { chunk.append($0) }
            for entry in chunk { try ingest(entry) }
        }
        let projected = try store.database.read { db in try DeliberationProjection.lastIndex(db) }
        if projected != lastDeliberationIndex {
            try rebuildProjection()
        }
    }

    /// Rebuilds every projection table from the state (itself rebuilt from the log).
    public func rebuildProjection() throws {
        let state = self.state, last = lastDeliberationIndex
        try store.database.write { db in try DeliberationProjection.rebuild(db, from: state, lastIndex: last) }
    }

    /// Applies one log entry if it is a deliberation entry (kind `delib.*`); other kinds are skipped.
    /// Entries must come in log order. The engine calls this when it routes entries by kind.
    /// - Returns: the event applied, or nil for another module's entry.
    /// - Throws: ``DeliberationError`` if the entry breaks a rule; the state is then unchanged.
    @discardableResult
    public func ingest(_ entry: LogEntry) throws -> DeliberationEvent? {
        guard Int64(entry.index) > lastIndex else { return nil }
        let event = try Self.event(of: entry, in: state, record: store.origin, registrar: registrarKey, hasher: hasher)
        if let event {
            try state.apply(event)
            lastDeliberationIndex = Int64(entry.index)
        }
        lastIndex = Int64(entry.index)
        return event
    }

    /// Decodes a log entry into the event it records, checking everything that does not need the
    /// state to change: kind, record, declared hashes, and who signed it.
    /// - Returns: nil for a kind outside `delib.*`.
    static func event(
        of entry: LogEntry, in state: DeliberationState, record: String, registrar: [UInt8], hasher: any ContentHasher
    ) throws -> DeliberationEvent? {
        struct Header: Decodable { let kind: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(entry.envelope.payload)),
            DeliberationEntryKind.owns(header.kind)
        else { return nil }
        let decoded = try DeliberationPayload.decode(entry.envelope.payload, record: record, hasher: hasher)
        let actor = try state.actor(forKey: entry.envelope.author, registrar: registrar)
        if case .registerParticipant(_, _, let key, _) = decoded.action, key == registrar {
            throw DeliberationError(.invalidInput, "The registrar's key cannot also be a participant's key.")
        }
        if let declared = decoded.declaredVersion, case .decideAmendment(let id, _, _) = decoded.action {
            let actual = try state.acceptedVersionHash(id)
            guard actual == declared else {
                throw DeliberationError(.invalidInput, "The decision on \(id) declares version \(declared.short), but accepting it makes \(actual.short).")
            }
        }
        return DeliberationEvent(actor: actor, time: Int64(clamping: entry.timeMs), action: decoded.action)
    }

    // MARK: - Appending

    /// The payload bytes that record `action` now (an accepting decision declares the version it creates).
    public func payload(for action: DeliberationEvent.Action) throws -> [UInt8] {
        try Self.payload(for: action, state: state, record: store.origin, hasher: hasher)
    }

    static func payload(for action: DeliberationEvent.Action, state: DeliberationState, record: String, hasher: any ContentHasher) throws -> [UInt8] {
        var result: ContentHash? = nil
        if case .decideAmendment(let id, true, _) = action { result = try state.acceptedVersionHash(id) }
        return DeliberationPayload.encode(action, record: record, hasher: hasher, resultHash: result)
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
            let payload = try Self.payload(for: action, state: scratch, record: store.origin, hasher: hasher)
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
        let saved = (state, lastIndex, lastDeliberationIndex)
        let record = store.origin, registrar = registrarKey, hasher = hasher
        do {
            return try store.append(contentsOf: envelopes) { db, entry in
                guard try DeliberationProjection.lastIndex(db) == self.lastDeliberationIndex else {
                    throw DeliberationError(.staleVersion, "Another writer added deliberation entries at the same moment; try again.")
                }
                guard let event = try Self.event(of: entry, in: self.state, record: record, registrar: registrar, hasher: hasher) else {
                    throw DeliberationError(.invalidInput, "Only delib.* entries can be submitted here.")
                }
                try self.state.apply(event)
                self.lastIndex = Int64(entry.index)
                self.lastDeliberationIndex = Int64(entry.index)
                try DeliberationProjection.write(db, self.state, event, index: Int64(entry.index))
            }
        } catch {
            // Nothing was committed: forget what the projection closure applied.
            (state, lastIndex, lastDeliberationIndex) = saved
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
        let documents = try ProposalCorpus.read(directory: directory)
        var scratch = state
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
    /// Each word of `query` must appear (case and accents ignored); FTS5 operators are not interpreted.
    public func search(_ query: String, limit: Int = 50) throws -> [Proposal] {
        try catchUp()
        let words = query.split(whereSeparator: { $0.isWhitespace }).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard !words.isEmpty else { return [] }
        let ids = try store.database.read { db in
            try String.fetchAll(
                db, sql: "SELECT proposal_id FROM delib_search WHERE delib_search MATCH ? ORDER BY rank LIMIT ?",
                arguments: [words.joined(separator: " "), limit])
        }
        return ids.compactMap { try? ProposalID($0) }.compactMap { state.proposals[$0] }
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
