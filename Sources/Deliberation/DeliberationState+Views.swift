/// Plain `Codable` views of the state for `--json` output: what ``DeliberationState/renderProposal(_:options:)``
/// prints, as data. Hidden text is left out (nil) unless asked for; hashes are always present.
public struct ProposalView: Codable, Hashable, Sendable {
    public struct Version: Codable, Hashable, Sendable {
        public let number: Int
        public let hash: String
        /// `created`, `revised` or `amendment`.
        public let origin: String
        public let amendment: String?
        public let by: String
        public let timeMs: Int64
        public let supports: Int
    }
    public struct StatusChange: Codable, Hashable, Sendable {
        public let from: String, to: String, by: String, asModerator: Bool, reason: String, timeMs: Int64
    }
    public struct Hidden: Codable, Hashable, Sendable {
        public let moderator: String, reason: String, hash: String, timeMs: Int64
    }
    public struct AmendmentView: Codable, Hashable, Sendable {
        public let id: String, author: String, status: String
        public let baseVersion: Int?
        public let stale: Bool
        public let summary: String?
        public let diff: String?
        public let hash: String
        public let decidedBy: String?
        public let asModerator: Bool?
        public let reason: String?
        public let hidden: Hidden?
        public let thread: [CommentView]
    }
    public struct CommentView: Codable, Hashable, Sendable {
        public let id: String, author: String, stance: String
        public let body: String?
        public let hash: String
        public let timeMs: Int64
        public let hidden: Hidden?
        public let replies: [CommentView]
    }

    public let id: String
    public let title: String?
    public let track: String
    public let question: String
    public let status: String
    public let author: String
    public let hash: String
    public let enjeux: [String]?
    public let paradoxes: [String]?
    public let possibles: [String]?
    public let body: String?
    public let hidden: Hidden?
    public let versions: [Version]
    public let statusChanges: [StatusChange]
    public let amendments: [AmendmentView]
    public let supportsCurrent: Int
    public let awaitingConfirmation: Int
    public let thread: [CommentView]
}

extension DeliberationState {
    /// The proposal as data (for `--json`).
    /// - Parameter revealHidden: include the text of hidden items.
    /// - Throws: ``DeliberationError/Code/unknownProposal``.
    public func view(_ id: ProposalID, revealHidden: Bool = false) throws -> ProposalView {
        let p = try existingProposal(id)
        func hidden(_ r: ModerationRecord?) -> ProposalView.Hidden? {
            r.map { .init(moderator: $0.moderator.rawValue, reason: $0.reason, hash: $0.contentHash.hex, timeMs: $0.time) }
        }
        func comments(_ nodes: [ThreadNode]) -> [ProposalView.CommentView] {
            nodes.map { n in
                let show = n.comment.hidden == nil || revealHidden
                return .init(
                    id: n.comment.id.rawValue, author: n.comment.author.rawValue, stance: n.comment.stance.rawValue,
                    body: show ? n.comment.body : nil, hash: n.comment.hash.hex, timeMs: n.comment.time,
                    hidden: hidden(n.comment.hidden), replies: comments(n.replies))
            }
        }
        let show = p.hidden == nil || revealHidden
        let summary = try supportSummary(id)
        return ProposalView(
            id: id.rawValue, title: show ? p.content.title : nil, track: p.content.track.rawValue, question: p.content.track.question,
            status: p.status.text, author: p.author.rawValue, hash: p.current.hash.hex,
            enjeux: show ? p.content.facets.enjeux : nil, paradoxes: show ? p.content.facets.paradoxes : nil,
            possibles: show ? p.content.facets.possibles : nil, body: show ? p.content.body : nil, hidden: hidden(p.hidden),
            versions: p.versions.map { v in
                let (origin, amendment): (String, String?) = {
                    switch v.origin {
                    case .created: return ("created", nil)
                    case .revised: return ("revised", nil)
                    case .amendment(let a): return ("amendment", a.rawValue)
                    }
                }()
                return .init(
                    number: v.number, hash: v.hash.hex, origin: origin, amendment: amendment, by: v.by.rawValue, timeMs: v.time,
                    supports: summary.perVersion.first { $0.number == v.number }?.count ?? 0)
            },
            statusChanges: p.statusChanges.map {
                .init(from: $0.from.text, to: $0.to.text, by: $0.by.rawValue, asModerator: $0.asModerator, reason: $0.reason, timeMs: $0.time)
            },
            amendments: amendments(of: id).map { a in
                let showA = a.hidden == nil || revealHidden
                var decision: Amendment.Decision? = nil
                if case .accepted(let d) = a.status { decision = d }
                if case .rejected(let d) = a.status { decision = d }
                return .init(
                    id: a.id.rawValue, author: a.author.rawValue, status: a.status.description, baseVersion: p.version(a.base)?.number,
                    stale: isStale(a), summary: showA ? a.summary : nil, diff: showA ? try? diff(amendment: a.id) : nil, hash: a.hash.hex,
                    decidedBy: decision?.by.rawValue, asModerator: decision?.asModerator, reason: decision?.reason,
                    hidden: hidden(a.hidden), thread: comments(thread(.amendment(a.id))))
            },
            supportsCurrent: summary.current, awaitingConfirmation: summary.awaitingConfirmation.count,
            thread: comments(thread(.proposal(id))))
    }
}
