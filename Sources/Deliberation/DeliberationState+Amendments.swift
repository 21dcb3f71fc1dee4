extension DeliberationState {
    mutating func proposeAmendment(
        _ actor: Actor, id: AmendmentID, proposal: ProposalID, base: ContentHash, change: AmendmentChange, summary: String, time: Int64
    ) throws {
        let who = try participant(actor)
        guard amendments[id] == nil else {
            throw DeliberationError(.duplicateIdentifier, "Amendment \(id) already exists; choose another identifier.")
        }
        let p = try existingProposal(proposal)
        try requireOpen(p, for: "amending it")
        guard p.current.hash == base else {
            throw DeliberationError(
                .staleVersion,
                "The amendment targets version \(base.short) of \(proposal), but the current version is \(p.current.hash.short); write it against the current text.")
        }
        try Self.requireText(summary, "amendment summary", max: 10_000, allowEmpty: true)
        let proposed = try change.apply(to: p.content.body)
        let amendment = Amendment(
            id: id, proposal: proposal, author: who.id, base: base, change: change, summary: summary, proposedBody: proposed,
            status: .pending, previousBases: [], time: time,
            hash: Amendment.hash(id: id, proposal: proposal, base: base, change: change, summary: summary, hasher: hasher),
            hidden: nil)
        amendments[id] = amendment
        amendmentsByProposal[proposal, default: []].append(id)
    }

    mutating func rebaseAmendment(_ actor: Actor, id: AmendmentID, base: ContentHash, change: AmendmentChange) throws {
        let who = try participant(actor)
        let a = try existingAmendment(id)
        guard a.author == who.id else {
            throw DeliberationError(.notAuthor, "Only the author of amendment \(id) may rebase it.")
        }
        guard a.isPending else {
            throw DeliberationError(.amendmentNotPending, "Amendment \(id) is \(a.status); only a pending amendment can be rebased.")
        }
        let p = try existingProposal(a.proposal)
        try requireOpen(p, for: "rebasing an amendment")
        guard p.current.hash == base else {
            throw DeliberationError(.staleVersion, "A rebase must target the current version \(p.current.hash.short) of \(p.id), not \(base.short).")
        }
        guard a.base != base else {
            throw DeliberationError(.noChange, "Amendment \(id) is already written against the current version.")
        }
        let proposed = try change.apply(to: p.content.body)
        amendments[id]!.previousBases.append(a.base)
        amendments[id]!.base = base
        amendments[id]!.change = change
        amendments[id]!.proposedBody = proposed
        amendments[id]!.hash = Amendment.hash(id: id, proposal: a.proposal, base: base, change: change, summary: a.summary, hasher: hasher)
    }

    mutating func decideAmendment(_ actor: Actor, id: AmendmentID, accept: Bool, reason: String, time: Int64) throws {
        let who = try participant(actor)
        let a = try existingAmendment(id)
        let p = try existingProposal(a.proposal)
        let isAuthor = p.author == who.id
        guard isAuthor || who.isModerator else {
            throw DeliberationError(
                .notAllowed,
                "Only the author of proposal \(p.id) or a moderator may accept or reject amendment \(id); participant \(who.id) is neither.")
        }
        guard a.isPending else {
            throw DeliberationError(.amendmentNotPending, "Amendment \(id) is already \(a.status).")
        }
        try requireOpen(p, for: "deciding an amendment")
        try Self.requireText(reason, "reason for the decision", max: 10_000)
        let decision = Amendment.Decision(by: who.id, asModerator: !isAuthor, reason: reason, time: time)
        guard accept else {
            amendments[id]!.status = .rejected(decision)
            return
        }
        guard a.base == p.current.hash else {
            throw DeliberationError(
                .staleVersion,
                "Amendment \(id) was written against version \(a.base.short), but \(p.id) is now at version \(p.current.hash.short); its author must rebase it before it can be accepted.")
        }
        var content = p.content
        content.body = a.proposedBody
        try content.validate()
        let hash = content.hash(id: p.id, hasher: hasher)
        amendments[id]!.status = .accepted(decision)
        proposals[p.id]!.versions.append(
            Proposal.Version(number: p.versions.count + 1, content: content, hash: hash, origin: .amendment(id), by: who.id, time: time))
    }

    mutating func withdrawAmendment(_ actor: Actor, id: AmendmentID, time: Int64) throws {
        let who = try participant(actor)
        let a = try existingAmendment(id)
        guard a.author == who.id else {
            throw DeliberationError(.notAuthor, "Only the author of amendment \(id) may withdraw it.")
        }
        guard a.isPending else {
            throw DeliberationError(.amendmentNotPending, "Amendment \(id) is already \(a.status).")
        }
        amendments[id]!.status = .withdrawn(time: time)
    }
}
