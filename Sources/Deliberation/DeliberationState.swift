/// Everything deliberation knows, rebuilt by applying events in log order.
///
/// `apply(_:)` is the single place where the rules live: the engine calls it before appending an
/// entry (refusing the entry if it throws) and again when replaying the log, so the same rules hold on
/// append and in replay. A refused event leaves the state unchanged.
public struct DeliberationState: Sendable {
    let hasher: any ContentHasher

    public internal(set) var participants: [ParticipantID: Participant] = [:]
    var participantByKey: [[UInt8]: ParticipantID] = [:]
    public internal(set) var proposals: [ProposalID: Proposal] = [:]
    /// Proposal identifiers in creation order.
    public internal(set) var proposalOrder: [ProposalID] = []
    public internal(set) var amendments: [AmendmentID: Amendment] = [:]
    /// Amendments per proposal, in creation order.
    public internal(set) var amendmentsByProposal: [ProposalID: [AmendmentID]] = [:]
    public internal(set) var comments: [CommentID: Comment] = [:]
    /// Top-level comments per target, in order.
    var rootComments: [CommentTarget: [CommentID]] = [:]
    /// Replies per comment, in order.
    var replies: [CommentID: [CommentID]] = [:]
    /// Supporters per proposal and version hash.
    var supports: [ProposalID: [ContentHash: Set<ParticipantID>]] = [:]
    /// Every moderation act, in order.
    public internal(set) var moderationLog: [ModerationRecord] = []
    /// The number of events applied.
    public internal(set) var eventCount = 0

    /// An empty state.
    /// - Parameter hasher: the SHA-256 implementation used for content hashes.
    public init(hasher: any ContentHasher) {
        self.hasher = hasher
    }

    /// Applies one event if the rules allow it.
    /// - Throws: ``DeliberationError`` saying which rule refused it; the state is then unchanged.
    public mutating func apply(_ event: DeliberationEvent) throws {
        let t = event.time
        switch event.action {
        case .registerParticipant(let id, let name, let key, let moderator):
            try registerParticipant(event.actor, id: id, displayName: name, publicKey: key, moderator: moderator, time: t)
        case .setModerator(let id, let flag):
            try setModerator(event.actor, id: id, flag)
        case .createProposal(let id, let content, let status):
            try createProposal(event.actor, id: id, content: content, status: status, time: t)
        case .reviseProposal(let id, let base, let content):
            try reviseProposal(event.actor, id: id, base: base, content: content, time: t)
        case .changeStatus(let id, let to, let reason):
            try changeStatus(event.actor, id: id, to: to, reason: reason, time: t)
        case .proposeAmendment(let id, let proposal, let base, let change, let summary):
            try proposeAmendment(event.actor, id: id, proposal: proposal, base: base, change: change, summary: summary, time: t)
        case .rebaseAmendment(let id, let base, let change):
            try rebaseAmendment(event.actor, id: id, base: base, change: change)
        case .decideAmendment(let id, let accept, let reason):
            try decideAmendment(event.actor, id: id, accept: accept, reason: reason, time: t)
        case .withdrawAmendment(let id):
            try withdrawAmendment(event.actor, id: id, time: t)
        case .comment(let id, let target, let parent, let stance, let body):
            try addComment(event.actor, id: id, target: target, parent: parent, stance: stance, body: body, time: t)
        case .support(let proposal, let version):
            try support(event.actor, proposal: proposal, version: version)
        case .withdrawSupport(let proposal, let version):
            try withdrawSupport(event.actor, proposal: proposal, version: version)
        case .moderate(let target, let hide, let reason, let hash):
            try moderate(event.actor, target: target, hide: hide, reason: reason, contentHash: hash, time: t)
        }
        eventCount += 1
    }

    // MARK: - Shared checks

    /// The registered participant behind `actor`.
    func participant(_ actor: Actor) throws -> Participant {
        guard case .participant(let id) = actor else {
            throw DeliberationError(.unknownParticipant, "This act must be signed by a registered participant, not by the registrar.")
        }
        guard let p = participants[id] else {
            throw DeliberationError(.unknownParticipant, "Participant \(id) is not registered; the registrar registers participants first.")
        }
        return p
    }

    func existingProposal(_ id: ProposalID) throws -> Proposal {
        guard let p = proposals[id] else {
            throw DeliberationError(.unknownProposal, "There is no proposal \(id).")
        }
        return p
    }

    func existingAmendment(_ id: AmendmentID) throws -> Amendment {
        guard let a = amendments[id] else {
            throw DeliberationError(.unknownAmendment, "There is no amendment \(id).")
        }
        return a
    }

    func requireOpen(_ p: Proposal, for what: String) throws {
        guard p.status == .open else {
            throw DeliberationError(.proposalNotOpen, "Proposal \(p.id) is \(p.status.text); \(what) is only possible while it is open.")
        }
    }

    static func requireText(_ s: String, _ what: String, max: Int = 100_000, allowEmpty: Bool = false) throws {
        guard allowEmpty || !s.isEmpty else {
            throw DeliberationError(.invalidInput, "The \(what) must not be empty.")
        }
        guard s.utf8.count <= max else {
            throw DeliberationError(.invalidInput, "The \(what) is longer than \(max) bytes.")
        }
    }
}
