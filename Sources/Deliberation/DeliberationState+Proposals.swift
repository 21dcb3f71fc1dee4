extension DeliberationState {
    mutating func createProposal(_ actor: Actor, id: ProposalID, content: ProposalContent, status: ProposalStatus, time: Int64) throws {
        let author = try participant(actor)
        guard proposals[id] == nil else {
            throw DeliberationError(.duplicateIdentifier, "Proposal \(id) already exists; revise it or choose another identifier.")
        }
        guard status == .draft || status == .open else {
            throw DeliberationError(.invalidTransition, "A new proposal starts as draft or open, not \(status.text).")
        }
        try content.validate()
        let version = Proposal.Version(
            number: 1, content: content, hash: content.hash(id: id, hasher: hasher), origin: .created, by: author.id, time: time)
        proposals[id] = Proposal(id: id, author: author.id, status: status, versions: [version], statusChanges: [], hidden: nil)
        proposalOrder.append(id)
    }

    mutating func reviseProposal(_ actor: Actor, id: ProposalID, base: ContentHash, content: ProposalContent, time: Int64) throws {
        let who = try participant(actor)
        let p = try existingProposal(id)
        guard p.author == who.id else {
            throw DeliberationError(.notAuthor, "Only the author of proposal \(id) may revise it; others may propose an amendment.")
        }
        guard p.status.allowsRevision else {
            throw DeliberationError(.proposalNotOpen, "Proposal \(id) is \(p.status.text); it can be revised only while draft or open.")
        }
        guard p.current.hash == base else {
            throw DeliberationError(.staleVersion, "The revision was written against version \(base.short), but the current version of \(id) is \(p.current.hash.short); start again from the current text.")
        }
        try content.validate()
        let hash = content.hash(id: id, hasher: hasher)
        guard hash != base else {
            throw DeliberationError(.noChange, "The revision is identical to the current version of \(id).")
        }
        proposals[id]!.versions.append(
            Proposal.Version(number: p.versions.count + 1, content: content, hash: hash, origin: .revised, by: who.id, time: time))
    }

    mutating func changeStatus(_ actor: Actor, id: ProposalID, to next: ProposalStatus, reason: String, time: Int64) throws {
        let who = try participant(actor)
        let p = try existingProposal(id)
        try Self.requireText(reason, "reason", max: 10_000, allowEmpty: true)
        let standing = ProposalStatus.Standing(isAuthor: p.author == who.id, isModerator: who.isModerator)
        try p.status.checkTransition(to: next, by: standing)
        proposals[id]!.statusChanges.append(
            Proposal.StatusChange(from: p.status, to: next, by: who.id, asModerator: !standing.isAuthor, reason: reason, time: time))
        proposals[id]!.status = next
    }
}
