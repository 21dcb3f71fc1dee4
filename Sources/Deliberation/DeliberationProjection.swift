import Foundation
import GRDB

// Projection tables of deliberation, in the log's SQLite file. Rebuilt from the log at will; written
// inside the append transaction so they always agree with the log.
//
//   delib_meta(key, value)                   'last_index' = index of the last deliberation entry projected
//   delib_participants(id, display_name, public_key, moderator, registered_ms)
//   delib_proposals(id, author, status, track, title, version, hash, hidden, created_ms, updated_ms)
//   delib_versions(proposal, number, hash, title, track, facets_json, body, origin, amendment, by, time_ms)
//   delib_amendments(id, proposal, author, base, change, heading, start, count, replacement, summary,
//                    proposed_body, status, decided_by, as_moderator, reason, hash, hidden, time_ms)
//   delib_comments(id, on_kind, target, parent, author, stance, body, hash, hidden, time_ms)
//   delib_supports(proposal, version_hash, participant)
//   delib_status_changes(seq, proposal, from_status, to_status, by, as_moderator, reason, time_ms)
//   delib_moderation(seq, target_kind, target, action, moderator, reason, content_hash, time_ms)
//   delib_search  FTS5(proposal_id UNINDEXED, title, body), unicode61 tokenizer without diacritics
//
// Hidden items keep their row and hash; their text columns are NULL and they leave the search index.

enum DeliberationProjection {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS delib_meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS delib_participants (
                id TEXT PRIMARY KEY NOT NULL, display_name TEXT NOT NULL, public_key BLOB NOT NULL UNIQUE,
                moderator INTEGER NOT NULL, registered_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS delib_proposals (
                id TEXT PRIMARY KEY NOT NULL, author TEXT NOT NULL, status TEXT NOT NULL, track TEXT NOT NULL,
                title TEXT, version INTEGER NOT NULL, hash TEXT NOT NULL, hidden INTEGER NOT NULL,
                created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS delib_proposals_track_status ON delib_proposals(track, status);
            CREATE TABLE IF NOT EXISTS delib_versions (
                proposal TEXT NOT NULL, number INTEGER NOT NULL, hash TEXT NOT NULL, title TEXT, track TEXT NOT NULL,
                facets_json TEXT, body TEXT, origin TEXT NOT NULL, amendment TEXT, by TEXT NOT NULL,
                time_ms INTEGER NOT NULL, PRIMARY KEY (proposal, number));
            CREATE TABLE IF NOT EXISTS delib_amendments (
                id TEXT PRIMARY KEY NOT NULL, proposal TEXT NOT NULL, author TEXT NOT NULL, base TEXT NOT NULL,
                change TEXT NOT NULL, heading TEXT, start INTEGER, count INTEGER, replacement TEXT, summary TEXT,
                proposed_body TEXT, status TEXT NOT NULL, decided_by TEXT, as_moderator INTEGER, reason TEXT,
                hash TEXT NOT NULL, hidden INTEGER NOT NULL, time_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS delib_amendments_proposal ON delib_amendments(proposal);
            CREATE TABLE IF NOT EXISTS delib_comments (
                id TEXT PRIMARY KEY NOT NULL, on_kind TEXT NOT NULL, target TEXT NOT NULL, parent TEXT,
                author TEXT NOT NULL, stance TEXT NOT NULL, body TEXT, hash TEXT NOT NULL, hidden INTEGER NOT NULL,
                time_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS delib_comments_target ON delib_comments(on_kind, target);
            CREATE TABLE IF NOT EXISTS delib_supports (
                proposal TEXT NOT NULL, version_hash TEXT NOT NULL, participant TEXT NOT NULL,
                PRIMARY KEY (proposal, version_hash, participant)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS delib_status_changes (
                seq INTEGER PRIMARY KEY, proposal TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
                by TEXT NOT NULL, as_moderator INTEGER NOT NULL, reason TEXT NOT NULL, time_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS delib_moderation (
                seq INTEGER PRIMARY KEY, target_kind TEXT NOT NULL, target TEXT NOT NULL, action TEXT NOT NULL,
                moderator TEXT NOT NULL, reason TEXT NOT NULL, content_hash TEXT NOT NULL, time_ms INTEGER NOT NULL);
            CREATE VIRTUAL TABLE IF NOT EXISTS delib_search USING fts5(
                proposal_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
            """)
    }

    static let tables = [
        "delib_participants", "delib_proposals", "delib_versions", "delib_amendments", "delib_comments",
        "delib_supports", "delib_status_changes", "delib_moderation", "delib_search",
    ]

    static func lastIndex(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM delib_meta WHERE key = 'last_index'") ?? -1
    }

    static func setLastIndex(_ db: Database, _ index: Int64) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO delib_meta(key, value) VALUES ('last_index', ?)", arguments: [index])
    }

    /// Replaces every projection row with what `state` holds.
    static func rebuild(_ db: Database, from state: DeliberationState, lastIndex: Int64) throws {
        for table in tables { try db.execute(sql: "DELETE FROM \(table)") }
        for id in state.participants.keys.sorted() { try writeParticipant(db, state, id) }
        for id in state.proposalOrder {
            try writeProposal(db, state, id, allVersions: true)
            for change in state.proposals[id]!.statusChanges { try insertStatusChange(db, id, change) }
        }
        for id in state.amendments.keys.sorted() { try writeAmendment(db, state, id) }
        for id in state.comments.keys.sorted() { try writeComment(db, state, id) }
        for (proposal, byVersion) in state.supports {
            for (hash, participants) in byVersion {
                for p in participants {
                    try db.execute(sql: "INSERT INTO delib_supports VALUES (?, ?, ?)", arguments: [proposal.rawValue, hash.hex, p.rawValue])
                }
            }
        }
        for record in state.moderationLog { try insertModeration(db, record) }
        try setLastIndex(db, lastIndex)
    }

    /// Writes the rows `action` changed, reading the new values from `state` (already applied).
    static func write(_ db: Database, _ state: DeliberationState, _ event: DeliberationEvent, index: Int64) throws {
        let action = event.action
        var actorID = ""
        if case .participant(let id) = event.actor { actorID = id.rawValue }
        switch action {
        case .registerParticipant(let id, _, _, _), .setModerator(let id, _):
            try writeParticipant(db, state, id)
        case .createProposal(let id, _, _), .reviseProposal(let id, _, _):
            try writeProposal(db, state, id, allVersions: false)
        case .changeStatus(let id, _, _):
            try writeProposal(db, state, id, allVersions: false)
            if let change = state.proposals[id]?.statusChanges.last { try insertStatusChange(db, id, change) }
        case .proposeAmendment(let id, _, _, _, _), .rebaseAmendment(let id, _, _), .withdrawAmendment(let id):
            try writeAmendment(db, state, id)
        case .decideAmendment(let id, _, _):
            try writeAmendment(db, state, id)
            if let proposal = state.amendments[id]?.proposal { try writeProposal(db, state, proposal, allVersions: false) }
        case .comment(let id, _, _, _, _):
            try writeComment(db, state, id)
        case .support(let proposal, let version):
            try db.execute(sql: "INSERT OR IGNORE INTO delib_supports VALUES (?, ?, ?)", arguments: [proposal.rawValue, version.hex, actorID])
        case .withdrawSupport(let proposal, let version):
            try db.execute(sql: "DELETE FROM delib_supports WHERE proposal = ? AND version_hash = ? AND participant = ?", arguments: [proposal.rawValue, version.hex, actorID])
        case .moderate(let target, _, _, _):
            switch target {
            case .proposal(let id): try writeProposal(db, state, id, allVersions: true)
            case .amendment(let id): try writeAmendment(db, state, id)
            case .comment(let id): try writeComment(db, state, id)
            }
            if let record = state.moderationLog.last { try insertModeration(db, record) }
        }
        try setLastIndex(db, index)
    }

    private static func writeParticipant(_ db: Database, _ state: DeliberationState, _ id: ParticipantID) throws {
        guard let p = state.participants[id] else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO delib_participants VALUES (?, ?, ?, ?, ?)",
            arguments: [p.id.rawValue, p.displayName, Data(p.publicKey), p.isModerator, p.registeredAt])
    }

    private static func writeProposal(_ db: Database, _ state: DeliberationState, _ id: ProposalID, allVersions: Bool) throws {
        guard let p = state.proposals[id] else { return }
        let hidden = p.hidden != nil
        try db.execute(
            sql: "INSERT OR REPLACE INTO delib_proposals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                p.id.rawValue, p.author.rawValue, p.status.text, p.content.track.rawValue, hidden ? nil : p.content.title,
                p.current.number, p.current.hash.hex, hidden, p.versions[0].time,
                max(p.current.time, p.statusChanges.last?.time ?? 0),
            ])
        for v in allVersions ? p.versions : [p.current] {
            let origin: String, amendment: String?
            switch v.origin {
            case .created: (origin, amendment) = ("created", nil)
            case .revised: (origin, amendment) = ("revised", nil)
            case .amendment(let a): (origin, amendment) = ("amendment", a.rawValue)
            }
            var facets = JSONObjectWriter()
            facets.strings("enjeux", v.content.facets.enjeux)
            facets.strings("paradoxes", v.content.facets.paradoxes)
            facets.strings("possibles", v.content.facets.possibles)
            try db.execute(
                sql: "INSERT OR REPLACE INTO delib_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    p.id.rawValue, v.number, v.hash.hex, hidden ? nil : v.content.title, v.content.track.rawValue,
                    hidden ? nil : String(decoding: facets.finish(), as: UTF8.self), hidden ? nil : v.content.body,
                    origin, amendment, v.by.rawValue, v.time,
                ])
        }
        try db.execute(sql: "DELETE FROM delib_search WHERE proposal_id = ?", arguments: [p.id.rawValue])
        if !hidden {
            try db.execute(sql: "INSERT INTO delib_search(proposal_id, title, body) VALUES (?, ?, ?)", arguments: [p.id.rawValue, p.content.title, p.content.body])
        }
    }

    private static func writeAmendment(_ db: Database, _ state: DeliberationState, _ id: AmendmentID) throws {
        guard let a = state.amendments[id] else { return }
        let hidden = a.hidden != nil
        let (kind, heading, start, count, replacement): (String, String?, Int?, Int?, String)
        switch a.change {
        case .section(let h, let r): (kind, heading, start, count, replacement) = ("section", h, nil, nil, r)
        case .lines(let s, let c, let r): (kind, heading, start, count, replacement) = ("lines", nil, s, c, r)
        }
        var decidedBy: String? = nil, asModerator: Bool? = nil, reason: String? = nil
        switch a.status {
        case .accepted(let d), .rejected(let d): (decidedBy, asModerator, reason) = (d.by.rawValue, d.asModerator, d.reason)
        case .pending, .withdrawn: break
        }
        try db.execute(
            sql: "INSERT OR REPLACE INTO delib_amendments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                a.id.rawValue, a.proposal.rawValue, a.author.rawValue, a.base.hex, kind, heading, start, count,
                hidden ? nil : replacement, hidden ? nil : a.summary, hidden ? nil : a.proposedBody, a.status.description,
                decidedBy, asModerator, reason, a.hash.hex, hidden, a.time,
            ])
    }

    private static func writeComment(_ db: Database, _ state: DeliberationState, _ id: CommentID) throws {
        guard let c = state.comments[id] else { return }
        let (kind, target): (String, String)
        switch c.target {
        case .proposal(let p): (kind, target) = ("proposal", p.rawValue)
        case .amendment(let a): (kind, target) = ("amendment", a.rawValue)
        }
        let hidden = c.hidden != nil
        try db.execute(
            sql: "INSERT OR REPLACE INTO delib_comments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [c.id.rawValue, kind, target, c.parent?.rawValue, c.author.rawValue, c.stance.rawValue, hidden ? nil : c.body, c.hash.hex, hidden, c.time])
    }

    private static func insertStatusChange(_ db: Database, _ id: ProposalID, _ s: Proposal.StatusChange) throws {
        try db.execute(
            sql: "INSERT INTO delib_status_changes(proposal, from_status, to_status, by, as_moderator, reason, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [id.rawValue, s.from.text, s.to.text, s.by.rawValue, s.asModerator, s.reason, s.time])
    }

    private static func insertModeration(_ db: Database, _ r: ModerationRecord) throws {
        let (kind, target): (String, String)
        switch r.target {
        case .proposal(let id): (kind, target) = ("proposal", id.rawValue)
        case .amendment(let id): (kind, target) = ("amendment", id.rawValue)
        case .comment(let id): (kind, target) = ("comment", id.rawValue)
        }
        try db.execute(
            sql: "INSERT INTO delib_moderation(target_kind, target, action, moderator, reason, content_hash, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [kind, target, r.hide ? "hide" : "show", r.moderator.rawValue, r.reason, r.contentHash.hex, r.time])
    }
}
