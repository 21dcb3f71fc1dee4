import CivicCrypto
import CivicLog
import Foundation

/// The civic-log entry kinds of deliberation (`Audit/SPEC.md`, "Deliberation entries").
public enum DeliberationEntryKind: String, CaseIterable, Sendable {
    case participant = "delib.participant"
    case role = "delib.role"
    case proposal = "delib.proposal"
    case revision = "delib.revision"
    case status = "delib.status"
    case amendment = "delib.amendment"
    case rebase = "delib.rebase"
    case decision = "delib.decision"
    case withdrawal = "delib.withdrawal"
    case comment = "delib.comment"
    case support = "delib.support"
    case unsupport = "delib.unsupport"
    case moderation = "delib.moderation"

    /// True for every kind this module owns (`delib.` prefix), known or not.
    public static func owns(_ kind: String) -> Bool { kind.hasPrefix("delib.") }

    /// The kind that records `action`.
    public init(_ action: DeliberationEvent.Action) {
        switch action {
        case .registerParticipant: self = .participant
        case .setModerator: self = .role
        case .createProposal: self = .proposal
        case .reviseProposal: self = .revision
        case .changeStatus: self = .status
        case .proposeAmendment: self = .amendment
        case .rebaseAmendment: self = .rebase
        case .decideAmendment: self = .decision
        case .withdrawAmendment: self = .withdrawal
        case .comment: self = .comment
        case .support: self = .support
        case .withdrawSupport: self = .unsupport
        case .moderate: self = .moderation
        }
    }
}

/// Writes and reads deliberation payloads: compact JSON, `"kind"` first, `"record"` second, `"term"`
/// third (as election kinds, so the node routes them alike), then the fields documented per kind, in
/// that order. Payloads state the content hashes they create, so a
/// verifier can check them without trusting the engine.
public enum DeliberationPayload {
    /// The payload bytes for `action` in record `record` and term `term` (the `term.setup` term id).
    ///
    /// - Parameter resultHash: for an accepting `delib.decision`, the hash of the version it creates
    ///   (use ``DeliberationState/acceptedVersionHash(_:)``); ignored otherwise.
    public static func encode(
        _ action: DeliberationEvent.Action, record: String, term: String, hasher: any ContentHasher, resultHash: ContentHash? = nil
    ) -> [UInt8] {
        var w = JSONObjectWriter()
        w.string("kind", DeliberationEntryKind(action).rawValue)
        w.string("record", record)
        w.string("term", term)
        switch action {
        case .registerParticipant(let id, let name, let key, let moderator):
            w.string("participant", id.rawValue)
            w.string("name", name)
            w.string("key", Hex.encode(key))
            w.bool("moderator", moderator)
        case .setModerator(let id, let flag):
            w.string("participant", id.rawValue)
            w.bool("moderator", flag)
        case .createProposal(let id, let content, let status):
            w.string("proposal", id.rawValue)
            w.string("status", status.text)
            writeContent(&w, content)
            w.string("hash", content.hash(id: id, hasher: hasher).hex)
        case .reviseProposal(let id, let base, let content):
            w.string("proposal", id.rawValue)
            w.string("base", base.hex)
            writeContent(&w, content)
            w.string("hash", content.hash(id: id, hasher: hasher).hex)
        case .changeStatus(let id, let to, let reason):
            w.string("proposal", id.rawValue)
            w.string("status", to.text)
            w.string("reason", reason)
        case .proposeAmendment(let id, let proposal, let base, let change, let summary):
            w.string("amendment", id.rawValue)
            w.string("proposal", proposal.rawValue)
            w.string("base", base.hex)
            writeChange(&w, change)
            w.string("summary", summary)
            w.string("hash", Amendment.hash(id: id, proposal: proposal, base: base, change: change, summary: summary, hasher: hasher).hex)
        case .rebaseAmendment(let id, let base, let change):
            w.string("amendment", id.rawValue)
            w.string("base", base.hex)
            writeChange(&w, change)
        case .decideAmendment(let id, let accept, let reason):
            w.string("amendment", id.rawValue)
            w.string("decision", accept ? "accept" : "reject")
            w.string("reason", reason)
            if accept, let resultHash { w.string("version", resultHash.hex) } else { w.null("version") }
        case .withdrawAmendment(let id):
            w.string("amendment", id.rawValue)
        case .comment(let id, let target, let parent, let stance, let body):
            w.string("comment", id.rawValue)
            switch target {
            case .proposal(let p): w.string("on", "proposal"); w.string("target", p.rawValue)
            case .amendment(let a): w.string("on", "amendment"); w.string("target", a.rawValue)
            }
            if let parent { w.string("parent", parent.rawValue) } else { w.null("parent") }
            w.string("stance", stance.rawValue)
            w.string("body", body)
            w.string("hash", Comment.hash(id: id, stance: stance, body: body, hasher: hasher).hex)
        case .support(let proposal, let version), .withdrawSupport(let proposal, let version):
            w.string("proposal", proposal.rawValue)
            w.string("version", version.hex)
        case .moderate(let target, let hide, let reason, let hash):
            switch target {
            case .proposal(let id): w.string("target", "proposal"); w.string("id", id.rawValue)
            case .amendment(let id): w.string("target", "amendment"); w.string("id", id.rawValue)
            case .comment(let id): w.string("target", "comment"); w.string("id", id.rawValue)
            }
            w.string("action", hide ? "hide" : "show")
            w.string("reason", reason)
            w.string("hash", hash.hex)
        }
        return w.finish()
    }

    /// A decoded payload: the action, plus the hashes the payload declares so the caller can check them
    /// against the state after applying.
    public struct Decoded: Sendable {
        public let kind: DeliberationEntryKind
        public let action: DeliberationEvent.Action
        /// For `delib.decision` with `accept`: the version hash the payload says the acceptance creates.
        public let declaredVersion: ContentHash?
    }

    /// Reads a payload of a `delib.*` kind, checking its record and the content hashes it declares.
    /// - Throws: ``DeliberationError/Code/invalidInput`` naming the field that is missing, malformed
    ///   or whose declared hash does not match the content.
    public static func decode(_ payload: [UInt8], record: String, term: String, hasher: any ContentHasher) throws -> Decoded {
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(payload))
        } catch {
            throw DeliberationError(.invalidInput, "The deliberation entry is not a JSON object with the documented fields.")
        }
        guard raw.record == record else {
            throw DeliberationError(.invalidInput, "The entry names record \"\(raw.record)\", but this log is \"\(record)\".")
        }
        try PayloadHeader(kind: raw.kind, record: raw.record, term: raw.term).requireTerm(term) { DeliberationError(.invalidInput, $0) }
        guard let kind = DeliberationEntryKind(rawValue: raw.kind) else {
            throw DeliberationError(.invalidInput, "Unknown deliberation entry kind \"\(raw.kind)\".")
        }
        var declaredVersion: ContentHash? = nil
        let action: DeliberationEvent.Action
        switch kind {
        case .participant:
            let keyHex = try raw.need(raw.key, "key")
            guard let key = Hex.decodeCanonical(keyHex) else { throw DeliberationError(.invalidInput, "\"key\" is not hexadecimal.") }
            action = .registerParticipant(
                id: try ParticipantID(raw.need(raw.participant, "participant")), displayName: try raw.need(raw.name, "name"),
                publicKey: key, moderator: try raw.need(raw.moderator, "moderator"))
        case .role:
            action = .setModerator(try ParticipantID(raw.need(raw.participant, "participant")), try raw.need(raw.moderator, "moderator"))
        case .proposal:
            let id = try ProposalID(raw.need(raw.proposal, "proposal"))
            let content = try raw.content()
            try check(raw.hash, content.hash(id: id, hasher: hasher), "proposal \(id)")
            action = .createProposal(id: id, content: content, status: try ProposalStatus(text: raw.need(raw.status, "status")))
        case .revision:
            let id = try ProposalID(raw.need(raw.proposal, "proposal"))
            let content = try raw.content()
            try check(raw.hash, content.hash(id: id, hasher: hasher), "revision of \(id)")
            action = .reviseProposal(id: id, base: try ContentHash(hex: raw.need(raw.base, "base")), content: content)
        case .status:
            action = .changeStatus(
                id: try ProposalID(raw.need(raw.proposal, "proposal")), to: try ProposalStatus(text: raw.need(raw.status, "status")),
                reason: try raw.need(raw.reason, "reason"))
        case .amendment:
            let id = try AmendmentID(raw.need(raw.amendment, "amendment"))
            let proposal = try ProposalID(raw.need(raw.proposal, "proposal"))
            let base = try ContentHash(hex: raw.need(raw.base, "base"))
            let change = try raw.amendmentChange()
            let summary = try raw.need(raw.summary, "summary")
            try check(raw.hash, Amendment.hash(id: id, proposal: proposal, base: base, change: change, summary: summary, hasher: hasher), "amendment \(id)")
            action = .proposeAmendment(id: id, proposal: proposal, base: base, change: change, summary: summary)
        case .rebase:
            action = .rebaseAmendment(
                id: try AmendmentID(raw.need(raw.amendment, "amendment")), base: try ContentHash(hex: raw.need(raw.base, "base")),
                change: try raw.amendmentChange())
        case .decision:
            let decision = try raw.need(raw.decision, "decision")
            guard decision == "accept" || decision == "reject" else {
                throw DeliberationError(.invalidInput, "\"decision\" is \"accept\" or \"reject\", not \"\(decision)\".")
            }
            if decision == "accept" {
                declaredVersion = try ContentHash(hex: raw.need(raw.version, "version"))
            } else if raw.version != nil {
                throw DeliberationError(.invalidInput, "A rejection creates no version: \"version\" must be null.")
            }
            action = .decideAmendment(id: try AmendmentID(raw.need(raw.amendment, "amendment")), accept: decision == "accept", reason: try raw.need(raw.reason, "reason"))
        case .withdrawal:
            action = .withdrawAmendment(id: try AmendmentID(raw.need(raw.amendment, "amendment")))
        case .comment:
            let id = try CommentID(raw.need(raw.comment, "comment"))
            let targetID = try raw.need(raw.target, "target")
            let target: CommentTarget
            switch try raw.need(raw.on, "on") {
            case "proposal": target = .proposal(try ProposalID(targetID))
            case "amendment": target = .amendment(try AmendmentID(targetID))
            case let other: throw DeliberationError(.invalidInput, "\"on\" is \"proposal\" or \"amendment\", not \"\(other)\".")
            }
            let stanceText = try raw.need(raw.stance, "stance")
            guard let stance = Stance(rawValue: stanceText) else {
                throw DeliberationError(.invalidInput, "\"stance\" is for, against or neutral, not \"\(stanceText)\".")
            }
            let body = try raw.need(raw.body, "body")
            try check(raw.hash, Comment.hash(id: id, stance: stance, body: body, hasher: hasher), "comment \(id)")
            action = .comment(id: id, target: target, parent: try raw.parent.map(CommentID.init), stance: stance, body: body)
        case .support, .unsupport:
            let proposal = try ProposalID(raw.need(raw.proposal, "proposal"))
            let version = try ContentHash(hex: raw.need(raw.version, "version"))
            action = kind == .support ? .support(proposal: proposal, version: version) : .withdrawSupport(proposal: proposal, version: version)
        case .moderation:
            let id = try raw.need(raw.id, "id")
            let target: ModerationTarget
            switch try raw.need(raw.target, "target") {
            case "proposal": target = .proposal(try ProposalID(id))
            case "amendment": target = .amendment(try AmendmentID(id))
            case "comment": target = .comment(try CommentID(id))
            case let other: throw DeliberationError(.invalidInput, "\"target\" is proposal, amendment or comment, not \"\(other)\".")
            }
            let act = try raw.need(raw.action, "action")
            guard act == "hide" || act == "show" else {
                throw DeliberationError(.invalidInput, "\"action\" is \"hide\" or \"show\", not \"\(act)\".")
            }
            action = .moderate(target: target, hide: act == "hide", reason: try raw.need(raw.reason, "reason"), contentHash: try ContentHash(hex: raw.need(raw.hash, "hash")))
        }
        return Decoded(kind: kind, action: action, declaredVersion: declaredVersion)
    }

    private static func check(_ declared: String?, _ actual: ContentHash, _ what: String) throws {
        guard let declared else { throw DeliberationError(.invalidInput, "The entry lacks the field \"hash\".") }
        guard declared == actual.hex else {
            throw DeliberationError(.invalidInput, "The hash declared for \(what) does not match its content (declared \(declared.prefix(12)), computed \(actual.short)).")
        }
    }

    private static func writeContent(_ w: inout JSONObjectWriter, _ c: ProposalContent) {
        w.string("title", c.title)
        w.string("track", c.track.rawValue)
        w.strings("enjeux", c.facets.enjeux)
        w.strings("paradoxes", c.facets.paradoxes)
        w.strings("possibles", c.facets.possibles)
        w.string("body", c.body)
    }

    private static func writeChange(_ w: inout JSONObjectWriter, _ change: AmendmentChange) {
        switch change {
        case .section(let heading, let replacement):
            w.string("change", "section")
            w.string("heading", heading)
            w.null("start")
            w.null("count")
            w.string("replacement", replacement)
        case .lines(let start, let count, let replacement):
            w.string("change", "lines")
            w.null("heading")
            w.int("start", start)
            w.int("count", count)
            w.string("replacement", replacement)
        }
    }


    /// Every field any kind uses; which ones are required depends on the kind.
    private struct Raw: Decodable {
        let kind: String
        let record: String
        let term: String?
        let participant, name, key, proposal, status, title, track, body, hash, base, reason: String?
        let enjeux, paradoxes, possibles: [String]?
        let amendment, change, heading, replacement, summary, decision, version: String?
        let start, count: Int?
        let moderator: Bool?
        let comment, on, target, parent, stance, id, action: String?

        func need<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else {
                throw DeliberationError(.invalidInput, "The \(kind) entry lacks the field \"\(name)\".")
            }
            return value
        }

        func content() throws -> ProposalContent {
            ProposalContent(
                title: try need(title, "title"), track: try Track(name: need(track, "track")),
                facets: Facets(enjeux: try need(enjeux, "enjeux"), paradoxes: try need(paradoxes, "paradoxes"), possibles: try need(possibles, "possibles")),
                body: try need(body, "body"))
        }

        func amendmentChange() throws -> AmendmentChange {
            switch try need(change, "change") {
            case "section":
                return .section(heading: try need(heading, "heading"), replacement: try need(replacement, "replacement"))
            case "lines":
                return .lines(start: try need(start, "start"), count: try need(count, "count"), replacement: try need(replacement, "replacement"))
            case let other:
                throw DeliberationError(.invalidInput, "\"change\" is \"section\" or \"lines\", not \"\(other)\".")
            }
        }
    }
}

/// Builds a payload object member by member, in order, and writes it with the record's one JSON
/// writer (``OrderedJSON``).
struct JSONObjectWriter {
    private var members: [(String, OrderedJSON)] = []

    mutating func string(_ k: String, _ v: String) { members.append((k, .string(v))) }
    mutating func int(_ k: String, _ v: Int) { members.append((k, .int(v))) }
    mutating func bool(_ k: String, _ v: Bool) { members.append((k, .bool(v))) }
    mutating func null(_ k: String) { members.append((k, .null)) }
    mutating func strings(_ k: String, _ v: [String]) { members.append((k, .array(v.map(OrderedJSON.string)))) }

    func finish() -> [UInt8] { OrderedJSON.object(members).serialized() }
}
