extension DeliberationState {
    mutating func addComment(
        _ actor: Actor, id: CommentID, target: CommentTarget, parent: CommentID?, stance: Stance, body: String, time: Int64
    ) throws {
        let who = try participant(actor)
        guard comments[id] == nil else {
            throw DeliberationError(.duplicateIdentifier, "Comment \(id) already exists; choose another identifier.")
        }
        switch target {
        case .proposal(let pid): _ = try existingProposal(pid)
        case .amendment(let aid): _ = try existingAmendment(aid)
        }
        if let parent {
            guard let parentComment = comments[parent] else {
                throw DeliberationError(.unknownComment, "Cannot reply to comment \(parent): there is no such comment.")
            }
            guard parentComment.target == target else {
                throw DeliberationError(.invalidInput, "Comment \(parent) belongs to another thread; a reply must be on the same proposal or amendment.")
            }
        }
        try Self.requireText(body, "comment")
        let comment = Comment(
            id: id, target: target, parent: parent, author: who.id, stance: stance, body: body, time: time,
            hash: Comment.hash(id: id, stance: stance, body: body, hasher: hasher), hidden: nil)
        comments[id] = comment
        if let parent {
            replies[parent, default: []].append(id)
        } else {
            rootComments[target, default: []].append(id)
        }
    }
}

extension DeliberationState {
    mutating func support(_ actor: Actor, proposal: ProposalID, version: ContentHash) throws {
        let who = try participant(actor)
        let p = try existingProposal(proposal)
        try requireOpen(p, for: "supporting it")
        guard p.current.hash == version else {
            let known = p.version(version) != nil
            throw DeliberationError(
                .staleVersion,
                known
                    ? "Version \(version.short) of \(proposal) has been replaced by \(p.current.hash.short); read the new text and support that version."
                    : "Proposal \(proposal) has no version \(version.short).")
        }
        guard supports[proposal]?[version]?.contains(who.id) != true else {
            throw DeliberationError(.alreadySupported, "Participant \(who.id) already supports version \(version.short) of \(proposal).")
        }
        supports[proposal, default: [:]][version, default: []].insert(who.id)
    }

    mutating func withdrawSupport(_ actor: Actor, proposal: ProposalID, version: ContentHash) throws {
        let who = try participant(actor)
        _ = try existingProposal(proposal)
        guard supports[proposal]?[version]?.contains(who.id) == true else {
            throw DeliberationError(.notSupported, "Participant \(who.id) does not support version \(version.short) of \(proposal).")
        }
        supports[proposal]![version]!.remove(who.id)
    }
}

extension DeliberationState {
    /// The content hash a moderation act must name for `target`: the current version's hash for a
    /// proposal, the amendment's or the comment's own hash otherwise.
    /// - Throws: ``DeliberationError/Code/unknownProposal`` and the like when the target does not exist.
    public func contentHash(of target: ModerationTarget) throws -> ContentHash {
        switch target {
        case .proposal(let id): return try existingProposal(id).current.hash
        case .amendment(let id): return try existingAmendment(id).hash
        case .comment(let id):
            guard let c = comments[id] else { throw DeliberationError(.unknownComment, "There is no comment \(id).") }
            return c.hash
        }
    }

    mutating func moderate(
        _ actor: Actor, target: ModerationTarget, hide: Bool, reason: String, contentHash: ContentHash, time: Int64
    ) throws {
        let who = try participant(actor)
        guard who.isModerator else {
            throw DeliberationError(.notModerator, "Participant \(who.id) does not hold the moderator role and cannot hide or show \(target).")
        }
        let expected = try self.contentHash(of: target)
        let current: ModerationRecord?
        switch target {
        case .proposal(let id): current = proposals[id]!.hidden
        case .amendment(let id): current = amendments[id]!.hidden
        case .comment(let id): current = comments[id]!.hidden
        }
        if hide, current != nil {
            throw DeliberationError(.alreadyHidden, "The \(target) is already hidden.")
        }
        if !hide, current == nil {
            throw DeliberationError(.notHidden, "The \(target) is not hidden.")
        }
        guard contentHash == expected else {
            throw DeliberationError(
                .invalidInput, "The moderation names content \(contentHash.short), but the \(target) has content \(expected.short).")
        }
        try Self.requireText(reason, "moderation reason", max: 10_000)
        let record = ModerationRecord(target: target, hide: hide, moderator: who.id, reason: reason, contentHash: expected, time: time)
        let stored = hide ? record : nil
        switch target {
        case .proposal(let id): proposals[id]!.hidden = stored
        case .amendment(let id): amendments[id]!.hidden = stored
        case .comment(let id): comments[id]!.hidden = stored
        }
        moderationLog.append(record)
    }
}
