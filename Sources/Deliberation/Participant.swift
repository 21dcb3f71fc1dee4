/// A person taking part in deliberation, registered by the registrar.
///
/// - Important: the key is the participant's own Ed25519 key for deliberation entries, distinct from any
///   voting credential, so that what someone says can never be linked to how they vote.
public struct Participant: Hashable, Sendable {
    public let id: ParticipantID
    /// The name shown beside their contributions (a pseudonym is fine).
    public let displayName: String
    /// The participant's Ed25519 public key (32 bytes).
    public let publicKey: [UInt8]
    /// Whether they hold the moderator role.
    public internal(set) var isModerator: Bool
    /// Log time (ms) of registration.
    public let registeredAt: Int64
}

/// A participant's position in a comment.
public enum Stance: String, CaseIterable, Hashable, Sendable {
    case `for`, against, neutral
}

/// What a comment is about.
public enum CommentTarget: Hashable, Sendable {
    case proposal(ProposalID)
    case amendment(AmendmentID)
}

/// A comment in a thread.
public struct Comment: Hashable, Sendable {
    public let id: CommentID
    public let target: CommentTarget
    /// The comment replied to, if any (replies may nest to any depth).
    public let parent: CommentID?
    public let author: ParticipantID
    public let stance: Stance
    /// Markdown text.
    public let body: String
    public let time: Int64
    /// `SHA-256("perennial-delib-comment-v1\n" || lp(id) || lp(stance) || lp(body))`.
    public let hash: ContentHash
    /// Set while a moderator hides the comment.
    public internal(set) var hidden: ModerationRecord?

    static func hash(id: CommentID, stance: Stance, body: String, hasher: any ContentHasher) -> ContentHash {
        var c = CanonicalBytes(domain: "perennial-delib-comment-v1")
        c.append(id.rawValue)
        c.append(stance.rawValue)
        c.append(body)
        return c.hash(with: hasher)
    }
}

/// What a moderator can hide.
public enum ModerationTarget: Hashable, Sendable, CustomStringConvertible {
    case proposal(ProposalID)
    case amendment(AmendmentID)
    case comment(CommentID)

    public var description: String {
        switch self {
        case .proposal(let id): return "proposal \(id)"
        case .amendment(let id): return "amendment \(id)"
        case .comment(let id): return "comment \(id)"
        }
    }
}

/// One moderation act, kept for ever in the history.
public struct ModerationRecord: Hashable, Sendable {
    public let target: ModerationTarget
    /// True for hide, false for un-hide.
    public let hide: Bool
    public let moderator: ParticipantID
    public let reason: String
    /// The content hash of what was hidden or shown: the item stays provably the same.
    public let contentHash: ContentHash
    public let time: Int64
}
