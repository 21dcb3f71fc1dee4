import CivicLog
import Foundation
import GRDB

/// Projects `delib.*` log entries: checks each against every rule, applies it to the
/// ``DeliberationState`` and writes the SQLite projection tables (with the FTS5 search index).
///
/// This is the part a node drives when it routes entries by kind (the engine's `LogModule`: `kindPrefix`,
/// `apply`, `reset`); ``DeliberationLog`` drives it on its own for a node that only deliberates. In the
/// engine the adapter is a few lines:
/// ```swift
/// extension DeliberationProjector: LogModule {
///     public func apply(_ entry: LogEntry, kind: String, setup: TermSetup, db: Database, trusted: Bool) throws {
///         try apply(entry, registrar: Hex.decode(setup.registrar), term: setup.term, db: db)
///     }
/// }
/// ```
/// (create the tables once with ``createTables(_:)`` before registering it).
///
/// Not thread-safe: one instance is used by the node's serial writer.
public final class DeliberationProjector {
    /// The entry-kind prefix this module owns.
    public let kindPrefix = "delib."
    /// The log origin, which every payload names as its `record`.
    public let record: String
    let hasher: any ContentHasher
    /// Everything deliberation knows, up to ``lastIndex``.
    public private(set) var state: DeliberationState
    /// The index of the last deliberation entry applied; -1 if none.
    public private(set) var lastIndex: Int64 = -1

    /// - Parameters:
    ///   - record: the log origin.
    ///   - hasher: SHA-256 for content hashes (libsodium's by default).
    public init(record: String, hasher: any ContentHasher = .sha256) {
        self.record = record
        self.hasher = hasher
        self.state = DeliberationState(hasher: hasher)
    }

    /// Creates the projection tables if they do not exist (call once in a write transaction).
    public static func createTables(_ db: Database) throws {
        try DeliberationProjection.create(db)
    }

    /// Checks one `delib.*` entry and applies it, writing the projection rows in `db` when given (the
    /// log's write transaction on append, or a write during replay).
    ///
    /// Checks, in order: the payload's record and term, its fields and declared hashes, who signed it
    /// (the registrar, or a registered participant), then every rule of the state.
    /// - Parameters:
    ///   - registrar: the registrar's Ed25519 public key (`registrar` of `term.setup`).
    ///   - term: the term id of `term.setup`.
    /// - Returns: the event applied.
    /// - Throws: ``DeliberationError``; then nothing changed (the caller rolls `db` back).
    @discardableResult
    public func apply(_ entry: LogEntry, registrar: [UInt8], term: String, db: Database?) throws -> DeliberationEvent {
        guard !needsReplay else {
            throw DeliberationError(.invalidInput, "Deliberation must be replayed from the log after a failed write; reopen the node.")
        }
        let event = try Self.event(of: entry, in: state, record: record, term: term, registrar: registrar, hasher: hasher)
        try state.apply(event)  // all or nothing
        lastIndex = Int64(entry.index)
        if let db {
            do {
                try DeliberationProjection.write(db, state, event, index: Int64(entry.index))
            } catch {
                // The state holds an entry the rolled-back transaction will not: replay before going on.
                needsReplay = true
                throw error
            }
        }
        return event
    }

    /// True after a projection write failed: the caller must ``reset(db:)`` and replay the log (the
    /// node's `reload()` does). Likewise if a transaction fails after ``apply(_:registrar:term:db:)``
    /// returned, the caller replays.
    public private(set) var needsReplay = false

    /// Forgets everything (before a full replay) and empties the projection tables.
    public func reset(db: Database) throws {
        state = DeliberationState(hasher: hasher)
        lastIndex = -1
        needsReplay = false
        try DeliberationProjection.create(db)
        try DeliberationProjection.rebuild(db, from: state, lastIndex: -1)
    }

    /// Rewrites every projection table from the state.
    public func rebuildProjection(db: Database) throws {
        try DeliberationProjection.rebuild(db, from: state, lastIndex: lastIndex)
    }

    /// The index of the last entry the projection tables reflect (-1 if none).
    public static func projectedIndex(db: Database) throws -> Int64 {
        try DeliberationProjection.lastIndex(db)
    }

    /// The payload bytes that record `action` now; an accepting decision declares the version it creates.
    public func payload(for action: DeliberationEvent.Action, term: String) throws -> [UInt8] {
        try Self.payload(for: action, state: state, record: record, term: term, hasher: hasher)
    }

    public static func payload(
        for action: DeliberationEvent.Action, state: DeliberationState, record: String, term: String, hasher: any ContentHasher
    ) throws -> [UInt8] {
        var result: ContentHash? = nil
        if case .decideAmendment(let id, true, _) = action { result = try state.acceptedVersionHash(id) }
        return DeliberationPayload.encode(action, record: record, term: term, hasher: hasher, resultHash: result)
    }

    /// Full-text search (SQLite FTS5) over the titles and bodies of visible proposals, best match
    /// first (BM25, a title match weighing five times a body match). Each word of `query` must appear
    /// (case and accents ignored); FTS5 operators in the query are treated as words.
    public func search(_ query: String, limit: Int = 50, db: Database) throws -> [Proposal] {
        let words = query.split(whereSeparator: { $0.isWhitespace }).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard !words.isEmpty else { return [] }
        let ids = try String.fetchAll(
            db, sql: "SELECT proposal_id FROM delib_search WHERE delib_search MATCH ? ORDER BY bm25(delib_search, 0.0, 5.0, 1.0), proposal_id LIMIT ?",
            arguments: [words.joined(separator: " "), limit])
        return ids.compactMap { try? ProposalID($0) }.compactMap { state.proposals[$0] }
    }

    /// Decodes a log entry into the event it records, checking everything that does not need the
    /// state to change: kind, record, term, declared hashes, and who signed it.
    static func event(
        of entry: LogEntry, in state: DeliberationState, record: String, term: String, registrar: [UInt8], hasher: any ContentHasher
    ) throws -> DeliberationEvent {
        let decoded = try DeliberationPayload.decode(entry.envelope.payload, record: record, term: term, hasher: hasher)
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
}
