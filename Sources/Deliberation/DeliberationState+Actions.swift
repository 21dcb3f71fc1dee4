/// Builders for the actions a command line needs, filling in the hashes from the current state so
/// that commands stay thin (`perennial proposal support ID` → ``support(_:)`` → submit).
extension DeliberationState {
    /// A revision of the proposal to what `document` says (for `perennial proposal revise FILE`).
    /// - Throws: ``DeliberationError/Code/unknownProposal``; ``DeliberationError/Code/notAuthor`` if
    ///   the file names another author; ``DeliberationError/Code/noChange`` if the text is the same.
    public func revision(from document: ProposalDocument) throws -> DeliberationEvent.Action {
        let p = try existingProposal(document.id)
        guard p.author == document.author else {
            throw DeliberationError(.notAuthor, "The file names author \(document.author), but proposal \(p.id) belongs to \(p.author).")
        }
        guard p.content != document.content else {
            throw DeliberationError(.noChange, "The file's text is the current version of \(p.id).")
        }
        return .reviseProposal(id: p.id, base: p.current.hash, content: document.content)
    }

    /// An amendment of the proposal's current version.
    public func amendment(_ proposal: ProposalID, change: AmendmentChange, summary: String, id: AmendmentID? = nil) throws -> DeliberationEvent.Action {
        let p = try existingProposal(proposal)
        return .proposeAmendment(id: id ?? nextAmendmentID(), proposal: proposal, base: p.current.hash, change: change, summary: summary)
    }

    /// The rebase of a pending amendment onto the current version, computed by a three-way merge.
    /// - Throws: ``DeliberationError/Code/rebaseConflict`` saying where the amendment and the changes
    ///   since its base collide; ``DeliberationError/Code/noChange`` if there is nothing to rebase or the
    ///   current version already says what the amendment proposes.
    public func rebase(_ amendment: AmendmentID) throws -> DeliberationEvent.Action {
        let a = try existingAmendment(amendment)
        switch try rebaseOutcome(amendment) {
        case .clean(let change):
            return .rebaseAmendment(id: amendment, base: try existingProposal(a.proposal).current.hash, change: change)
        case .alreadyApplied:
            throw DeliberationError(.noChange, "The current version of \(a.proposal) already contains what amendment \(amendment) proposes; withdraw it.")
        case .conflicts(let conflicts):
            throw DeliberationError(
                .rebaseConflict,
                "Amendment \(amendment) conflicts with changes made since it was written: "
                    + conflicts.map(\.description).joined(separator: "; ")
                    + ". Write a new amendment against the current version, or withdraw this one.")
        }
    }

    /// Support for the proposal's current version.
    public func support(_ proposal: ProposalID) throws -> DeliberationEvent.Action {
        .support(proposal: proposal, version: try existingProposal(proposal).current.hash)
    }

    /// A comment (or a reply to `parent`) with a fresh identifier.
    public func comment(on target: CommentTarget, replyingTo parent: CommentID? = nil, stance: Stance, body: String) -> DeliberationEvent.Action {
        .comment(id: nextCommentID(), target: target, parent: parent, stance: stance, body: body)
    }

    /// Hiding or showing an item, naming its current content hash.
    public func moderation(_ target: ModerationTarget, hide: Bool, reason: String) throws -> DeliberationEvent.Action {
        .moderate(target: target, hide: hide, reason: reason, contentHash: try contentHash(of: target))
    }
}
