/// Who performs an event: the registrar (participant registration and roles) or a participant.
///
/// On the civic log the actor is established from the entry's signing key: the registrar's key, or the
/// key a participant was registered with.
public enum Actor: Hashable, Sendable, CustomStringConvertible {
    case registrar
    case participant(ParticipantID)

    public var description: String {
        switch self {
        case .registrar: return "the registrar"
        case .participant(let id): return "participant \(id)"
        }
    }
}

/// One deliberation act, applied by ``DeliberationState/apply(_:)``.
///
/// Each action is one civic-log entry kind (`Audit/SPEC.md`, "Deliberation entries").
public struct DeliberationEvent: Hashable, Sendable {
    /// What is done.
    public enum Action: Hashable, Sendable {
        /// `delib.participant`: the registrar registers a participant.
        case registerParticipant(id: ParticipantID, displayName: String, publicKey: [UInt8], moderator: Bool)
        /// `delib.role`: the registrar grants or removes the moderator role.
        case setModerator(ParticipantID, Bool)
        /// `delib.proposal`: a participant publishes a new proposal as its author, in `draft` or `open`.
        case createProposal(id: ProposalID, content: ProposalContent, status: ProposalStatus)
        /// `delib.revision`: the author publishes a new version of the text written against `base`.
        case reviseProposal(id: ProposalID, base: ContentHash, content: ProposalContent)
        /// `delib.status`: a life-cycle step (see ``ProposalStatus/checkTransition(to:by:)``).
        case changeStatus(id: ProposalID, to: ProposalStatus, reason: String)
        /// `delib.amendment`: a participant proposes a change to version `base` of a proposal.
        case proposeAmendment(id: AmendmentID, proposal: ProposalID, base: ContentHash, change: AmendmentChange, summary: String)
        /// `delib.rebase`: the amendment's author moves it onto the current version.
        case rebaseAmendment(id: AmendmentID, base: ContentHash, change: AmendmentChange)
        /// `delib.decision`: the proposal's author or a moderator accepts or rejects an amendment.
        case decideAmendment(id: AmendmentID, accept: Bool, reason: String)
        /// `delib.withdraw-amendment`: the amendment's author withdraws it.
        case withdrawAmendment(id: AmendmentID)
        /// `delib.comment`: a comment or reply on a proposal or an amendment.
        case comment(id: CommentID, target: CommentTarget, parent: CommentID?, stance: Stance, body: String)
        /// `delib.support`: support for one version of a proposal (must be the current one).
        case support(proposal: ProposalID, version: ContentHash)
        /// `delib.unsupport`: withdraws one's support for a version.
        case withdrawSupport(proposal: ProposalID, version: ContentHash)
        /// `delib.moderation`: a moderator hides or shows an item, naming its content hash (which must
        /// match: see ``DeliberationState/contentHash(of:)``).
        case moderate(target: ModerationTarget, hide: Bool, reason: String, contentHash: ContentHash)
    }

    public let actor: Actor
    /// The log time of the entry, in milliseconds since 1970 (UTC).
    public let time: Int64
    public let action: Action

    public init(actor: Actor, time: Int64, action: Action) {
        self.actor = actor
        self.time = time
        self.action = action
    }
}
