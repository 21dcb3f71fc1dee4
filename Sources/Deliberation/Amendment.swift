/// A proposed change to one version of a proposal.
public struct Amendment: Hashable, Sendable {
    /// Where an amendment stands.
    ///
    /// ```
    /// pending ──accept (proposal author or moderator; base must be current)──▶ accepted
    ///    │    ──reject (proposal author or moderator)────────────────────────▶ rejected
    ///    │    ──withdraw (amendment author)──────────────────────────────────▶ withdrawn
    ///    └────rebase (amendment author; onto the current version)──▶ pending
    /// ```
    public enum Status: Hashable, Sendable, CustomStringConvertible {
        case pending
        case accepted(Decision)
        case rejected(Decision)
        case withdrawn(time: Int64)

        public var description: String {
            switch self {
            case .pending: return "pending"
            case .accepted: return "accepted"
            case .rejected: return "rejected"
            case .withdrawn: return "withdrawn"
            }
        }
    }

    /// Who decided, in what capacity, and why.
    public struct Decision: Hashable, Sendable {
        public let by: ParticipantID
        /// True when the decider acted as a moderator rather than as the proposal's author.
        public let asModerator: Bool
        public let reason: String
        public let time: Int64
    }

    public let id: AmendmentID
    public let proposal: ProposalID
    public let author: ParticipantID
    /// The version the change applies to (changes on rebase).
    public internal(set) var base: ContentHash
    public internal(set) var change: AmendmentChange
    /// A short explanation by the amendment's author.
    public let summary: String
    /// The body the amendment proposes (base body with the change applied).
    public internal(set) var proposedBody: String
    public internal(set) var status: Status
    /// Bases this amendment was previously written against, oldest first.
    public internal(set) var previousBases: [ContentHash]
    public let time: Int64
    /// Hash of the amendment's current content (see ``hash(id:base:change:summary:hasher:)``).
    public internal(set) var hash: ContentHash
    public internal(set) var hidden: ModerationRecord?

    public var isPending: Bool { status == .pending }

    /// `SHA-256("perennial-delib-amendment-v1\n" || lp(id) || lp(proposal) || lp(base hex) || lp(kind) ||
    /// lp(heading or "start,count") || lp(replacement) || lp(summary))` where kind is `section` or `lines`.
    static func hash(
        id: AmendmentID, proposal: ProposalID, base: ContentHash, change: AmendmentChange, summary: String,
        hasher: any ContentHasher
    ) -> ContentHash {
        var c = CanonicalBytes(domain: "perennial-delib-amendment-v1")
        c.append(id.rawValue)
        c.append(proposal.rawValue)
        c.append(base.hex)
        switch change {
        case .section(let heading, let replacement):
            c.append("section")
            c.append(heading)
            c.append(replacement)
        case .lines(let start, let count, let replacement):
            c.append("lines")
            c.append("\(start),\(count)")
            c.append(replacement)
        }
        c.append(summary)
        return c.hash(with: hasher)
    }
}

/// The outcome of trying to rebase an amendment onto a proposal's current version.
public enum RebaseOutcome: Hashable, Sendable {
    /// The amendment applies cleanly to the current version as this change.
    case clean(AmendmentChange)
    /// The amendment and the changes since its base touch the same lines.
    case conflicts([ThreeWayMerge.Conflict])
    /// The current version already says what the amendment proposes: nothing is left to change.
    case alreadyApplied
}

extension Amendment {
    /// Works out how this amendment's change applies to `current` (the proposal's current body), given
    /// `baseBody` (the body of the version the amendment was written against), by a three-way merge of
    /// lines.
    /// - Returns: `.clean(change)` to submit as a rebase, or `.conflicts` saying where.
    public func rebase(baseBody: String, currentBody: String) -> RebaseOutcome {
        let merge = ThreeWayMerge(base: TextLines(baseBody), ours: TextLines(proposedBody), theirs: TextLines(currentBody))
        guard let merged = merge.merged else { return .conflicts(merge.conflicts) }
        if Array(merged.text.utf8) == Array(currentBody.utf8) { return .alreadyApplied }
        return .clean(change.reexpressed(from: currentBody, to: merged.text))
    }
}
