import Testing
@testable import Deliberation

@Suite("State: every refusal")
struct StateRefusalTests {
    typealias F = Fixture

    @Test func hasherIsSHA256() {
        let digest = TestSHA256().sha256(Array("abc".utf8))
        #expect(try! ContentHash(bytes: digest).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try! ContentHash(bytes: TestSHA256().sha256([])).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func onlyTheRegistrarRegisters() throws {
        var s = try F.state()
        #expect(refusal { try s.act("alice", .registerParticipant(id: F.pid("eve"), displayName: "Eve", publicKey: F.key(9), moderator: false)) } == .notRegistrar)
        #expect(refusal { try s.act("alice", .setModerator(F.pid("bob"), true)) } == .notRegistrar)
        #expect(refusal { try s.act("registrar", .registerParticipant(id: F.pid("bob"), displayName: "Bob", publicKey: F.key(9), moderator: false)) } == .duplicateIdentifier)
        #expect(refusal { try s.act("registrar", .registerParticipant(id: F.pid("eve"), displayName: "Eve", publicKey: F.key(1), moderator: false)) } == .duplicateIdentifier)
        #expect(refusal { try s.act("registrar", .registerParticipant(id: F.pid("eve"), displayName: "Eve", publicKey: [1, 2], moderator: false)) } == .invalidInput)
        #expect(refusal { try s.act("registrar", .registerParticipant(id: F.pid("eve"), displayName: "", publicKey: F.key(9), moderator: false)) } == .invalidInput)
        #expect(refusal { try s.act("registrar", .setModerator(F.pid("mod"), true)) } == .noChange)
        #expect(refusal { try s.act("registrar", .createProposal(id: F.prop("p9"), content: F.content, status: .open)) } == .unknownParticipant)
        #expect(refusal { try s.act("zed", .createProposal(id: F.prop("p9"), content: F.content, status: .open)) } == .unknownParticipant)
        #expect(s.participant(withKey: F.key(2))?.id == F.pid("bob"))
    }

    @Test func identifiersAreValidated() {
        for bad in ["", "-a", "a-", "A", "é", "a b", String(repeating: "a", count: 65)] {
            #expect(refusal { _ = try ProposalID(bad) } == .invalidIdentifier, "\(bad)")
        }
        #expect(refusal { _ = try ContentHash(hex: "zz") } == .invalidInput)
    }

    @Test func proposalCreationRules() throws {
        var s = try F.state()
        #expect(refusal { try s.act("bob", .createProposal(id: F.prop("p1"), content: F.content, status: .open)) } == .duplicateIdentifier)
        #expect(refusal { try s.act("bob", .createProposal(id: F.prop("p2"), content: F.content, status: .closed)) } == .invalidTransition)
        var bad = F.content
        bad.title = "two\nlines"
        #expect(refusal { try s.act("bob", .createProposal(id: F.prop("p2"), content: bad, status: .open)) } == .invalidInput)
        bad.title = ""
        #expect(refusal { try s.act("bob", .createProposal(id: F.prop("p2"), content: bad, status: .open)) } == .invalidInput)
        #expect(s.proposals.count == 1)
    }

    @Test func onlyTheAuthorRevisesAndOnlyWhileDraftOrOpen() throws {
        var s = try F.state()
        var next = F.content
        next.body += "Ajout.\n"
        let base = s.current("p1")
        #expect(refusal { try s.act("bob", .reviseProposal(id: F.prop("p1"), base: base, content: next)) } == .notAuthor)
        #expect(refusal { try s.act("mod", .reviseProposal(id: F.prop("p1"), base: base, content: next)) } == .notAuthor)
        #expect(refusal { try s.act("alice", .reviseProposal(id: F.prop("p1"), base: base, content: F.content)) } == .noChange)
        #expect(refusal { try s.act("alice", .reviseProposal(id: F.prop("nope"), base: base, content: next)) } == .unknownProposal)
        try s.act("alice", .reviseProposal(id: F.prop("p1"), base: base, content: next))
        #expect(s.proposals[F.prop("p1")]!.versions.count == 2)
        // Written against the old version: stale.
        var third = next
        third.title = "Autre titre"
        #expect(refusal { try s.act("alice", .reviseProposal(id: F.prop("p1"), base: base, content: third)) } == .staleVersion)
        // Closed: no more revisions.
        try s.act("alice", .changeStatus(id: F.prop("p1"), to: .closed, reason: ""))
        #expect(refusal { try s.act("alice", .reviseProposal(id: F.prop("p1"), base: s.current("p1"), content: third)) } == .proposalNotOpen)
    }

    @Test func lifeCycleRights() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        #expect(refusal { try s.act("bob", .changeStatus(id: p1, to: .closed, reason: "")) } == .notAllowed)
        #expect(refusal { try s.act("alice", .changeStatus(id: p1, to: .adopted, reason: "")) } == .invalidTransition)
        #expect(refusal { try s.act("alice", .changeStatus(id: p1, to: .draft, reason: "")) } == .invalidTransition)
        try s.act("mod", .changeStatus(id: p1, to: .closed, reason: "fin de la consultation"))
        #expect(s.proposals[p1]!.statusChanges.last!.asModerator)
        #expect(refusal { try s.act("alice", .changeStatus(id: p1, to: .adopted, reason: "")) } == .notModerator)
        #expect(refusal { try s.act("mod", .changeStatus(id: p1, to: .withdrawn, reason: "")) } == .notAuthor)
        #expect(refusal { try s.act("mod", .changeStatus(id: p1, to: .onBallot(year: 1999), reason: "")) } == .invalidInput)
        #expect(refusal { _ = try s.referendum(p1) } == .invalidTransition)
        try s.act("mod", .changeStatus(id: p1, to: .onBallot(year: 2027), reason: "référendum"))
        #expect(s.proposals[p1]!.status == .onBallot(year: 2027))
        let question = try s.referendum(p1)
        #expect(question.contest == "delib-p1" && question.year == 2027 && question.version == s.current("p1"))
        #expect(question.title.hasPrefix("Vers une AMAP de la donnée (version "))
        #expect(question.options.map(\.id) == ["oui", "non", "blank"])
        #expect(refusal { try s.act("alice", .changeStatus(id: p1, to: .withdrawn, reason: "")) } == .invalidTransition)
    }

    @Test func draftProposalsAcceptNoAmendmentsOrSupports() throws {
        var s = try F.state()
        try s.act("bob", .createProposal(id: F.prop("p2"), content: F.content, status: .draft))
        let base = s.current("p2")
        #expect(refusal { try s.act("carol", .support(proposal: F.prop("p2"), version: base)) } == .proposalNotOpen)
        #expect(refusal { try s.act("carol", .proposeAmendment(id: F.amd("a1"), proposal: F.prop("p2"), base: base, change: .lines(start: 1, count: 1, replacement: "x\n"), summary: "")) } == .proposalNotOpen)
        #expect(refusal { try s.act("carol", .changeStatus(id: F.prop("p2"), to: .open, reason: "")) } == .notAuthor)
        try s.act("bob", .changeStatus(id: F.prop("p2"), to: .open, reason: ""))
        try s.act("carol", .support(proposal: F.prop("p2"), version: base))
    }

    @Test func amendmentRefusals() throws {
        var s = try F.state()
        let p1 = F.prop("p1"), a1 = F.amd("a1")
        let v1 = s.current("p1")
        let change = AmendmentChange.section(heading: "## Possibles", replacement: "\nDeux paniers de données.\n\n")
        try s.act("bob", .proposeAmendment(id: a1, proposal: p1, base: v1, change: change, summary: "Deux paniers"))
        #expect(refusal { try s.act("bob", .proposeAmendment(id: a1, proposal: p1, base: v1, change: change, summary: "")) } == .duplicateIdentifier)
        #expect(refusal { try s.act("bob", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .section(heading: "## Absent", replacement: "x"), summary: "")) } == .sectionNotFound)
        #expect(refusal { try s.act("bob", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .lines(start: 40, count: 1, replacement: "x"), summary: "")) } == .lineRangeOutOfBounds)
        #expect(refusal { try s.act("bob", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .lines(start: 1, count: 1, replacement: "# AMAP de la donnée\n"), summary: "")) } == .noChange)
        // Deciding someone else's proposal.
        #expect(refusal { try s.act("carol", .decideAmendment(id: a1, accept: true, reason: "oui")) } == .notAllowed)
        #expect(refusal { try s.act("bob", .decideAmendment(id: a1, accept: true, reason: "oui")) } == .notAllowed)
        #expect(refusal { try s.act("alice", .decideAmendment(id: a1, accept: true, reason: "")) } == .invalidInput)
        #expect(refusal { try s.act("alice", .decideAmendment(id: F.amd("zz"), accept: true, reason: "x")) } == .unknownAmendment)
        // Withdrawal and rebase belong to the amendment's author.
        #expect(refusal { try s.act("alice", .withdrawAmendment(id: a1)) } == .notAuthor)
        #expect(refusal { try s.act("bob", .rebaseAmendment(id: a1, base: v1, change: change)) } == .noChange)

        // A second amendment gets accepted: a1 becomes stale.
        try s.act("carol", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .lines(start: 3, count: 1, replacement: "Introduction.\n"), summary: ""))
        try s.act("alice", .decideAmendment(id: F.amd("a2"), accept: true, reason: "plus clair"))
        let v2 = s.current("p1")
        #expect(v2 != v1)
        #expect(s.isStale(s.amendments[a1]!))
        #expect(refusal { try s.act("alice", .decideAmendment(id: a1, accept: true, reason: "oui")) } == .staleVersion)
        #expect(refusal { try s.act("alice", .decideAmendment(id: F.amd("a2"), accept: true, reason: "encore")) } == .amendmentNotPending)
        // A new amendment against the old version: stale.
        #expect(refusal { try s.act("carol", .proposeAmendment(id: F.amd("a3"), proposal: p1, base: v1, change: .lines(start: 1, count: 0, replacement: "x\n"), summary: "")) } == .staleVersion)
        // Rebase by someone else, or onto an old version, is refused.
        #expect(refusal { try s.act("carol", .rebaseAmendment(id: a1, base: v2, change: change)) } == .notAuthor)
        #expect(refusal { try s.act("bob", .rebaseAmendment(id: a1, base: v1, change: change)) } == .staleVersion)
        // The author rebases; then acceptance by a moderator is recorded as the moderator's.
        let a = s.amendments[a1]!
        guard case .clean(let rebased) = a.rebase(baseBody: s.proposals[p1]!.version(a.base)!.content.body, currentBody: s.proposals[p1]!.content.body) else {
            Issue.record("rebase should be clean")
            return
        }
        try s.act("bob", .rebaseAmendment(id: a1, base: v2, change: rebased))
        #expect(s.amendments[a1]!.previousBases == [v1])
        try s.act("mod", .decideAmendment(id: a1, accept: true, reason: "consensus"))
        let p = s.proposals[p1]!
        #expect(p.versions.count == 3)
        #expect(p.current.origin == .amendment(a1))
        #expect(p.current.by == F.pid("mod"))
        guard case .accepted(let decision) = s.amendments[a1]!.status else {
            Issue.record("not accepted")
            return
        }
        #expect(decision.asModerator && decision.by == F.pid("mod"))
        #expect(p.content.body.contains("Introduction.\n") && p.content.body.contains("Deux paniers de données."))
        #expect(refusal { try s.act("bob", .withdrawAmendment(id: a1)) } == .amendmentNotPending)
    }

    @Test func rejectionNeedsNoRebaseAndWithdrawalWorks() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        let v1 = s.current("p1")
        try s.act("bob", .proposeAmendment(id: F.amd("a1"), proposal: p1, base: v1, change: .lines(start: 1, count: 1, replacement: "# Titre\n"), summary: ""))
        try s.act("bob", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .lines(start: 3, count: 1, replacement: "Autre.\n"), summary: ""))
        try s.act("carol", .proposeAmendment(id: F.amd("a3"), proposal: p1, base: v1, change: .lines(start: 3, count: 1, replacement: "Encore.\n"), summary: ""))
        var next = F.content
        next.title = "Nouveau titre"
        try s.act("alice", .reviseProposal(id: p1, base: v1, content: next))
        // Title-only revision still changes the hash, so amendments are stale; rejecting is fine.
        try s.act("alice", .decideAmendment(id: F.amd("a1"), accept: false, reason: "hors sujet"))
        try s.act("bob", .withdrawAmendment(id: F.amd("a2")))
        #expect(s.amendments(of: p1, pendingOnly: true).map(\.id) == [F.amd("a3")])
        // Deciding while the proposal is closed is refused.
        try s.act("alice", .changeStatus(id: p1, to: .closed, reason: ""))
        #expect(refusal { try s.act("alice", .decideAmendment(id: F.amd("a3"), accept: false, reason: "trop tard")) } == .proposalNotOpen)
    }

    @Test func supportRules() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        let v1 = s.current("p1")
        try s.act("bob", .support(proposal: p1, version: v1))
        try s.act("carol", .support(proposal: p1, version: v1))
        #expect(refusal { try s.act("bob", .support(proposal: p1, version: v1)) } == .alreadySupported)
        #expect(refusal { try s.act("bob", .support(proposal: F.prop("px"), version: v1)) } == .unknownProposal)
        #expect(refusal { try s.act("bob", .support(proposal: p1, version: try ContentHash(bytes: F.key(7)))) } == .staleVersion)
        #expect(try s.supportSummary(p1).current == 2)
        var next = F.content
        next.body += "Plus.\n"
        try s.act("alice", .reviseProposal(id: p1, base: v1, content: next))
        // Old version can no longer be supported; supporters must confirm the new one.
        #expect(refusal { try s.act("alice", .support(proposal: p1, version: v1)) } == .staleVersion)
        var summary = try s.supportSummary(p1)
        #expect(summary.current == 0)
        #expect(summary.awaitingConfirmation == [F.pid("bob"), F.pid("carol")])
        #expect(summary.perVersion.map(\.count) == [2, 0])
        #expect(s.confirmationsDue(for: F.pid("bob")) == [p1])
        try s.act("bob", .support(proposal: p1, version: s.current("p1")))
        summary = try s.supportSummary(p1)
        #expect(summary.current == 1 && summary.awaitingConfirmation == [F.pid("carol")])
        #expect(refusal { try s.act("carol", .withdrawSupport(proposal: p1, version: s.current("p1"))) } == .notSupported)
        try s.act("carol", .withdrawSupport(proposal: p1, version: v1))
        #expect(try s.supportSummary(p1).awaitingConfirmation.isEmpty)
    }

    @Test func threadRules() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        try s.act("bob", .comment(id: F.cid("c1"), target: .proposal(p1), parent: nil, stance: .for, body: "Oui !"))
        try s.act("carol", .comment(id: F.cid("c2"), target: .proposal(p1), parent: F.cid("c1"), stance: .against, body: "Non."))
        try s.act("alice", .comment(id: F.cid("c3"), target: .proposal(p1), parent: F.cid("c2"), stance: .neutral, body: "Voyons."))
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c4"), target: .proposal(p1), parent: F.cid("missing"), stance: .for, body: "?")) } == .unknownComment)
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c1"), target: .proposal(p1), parent: nil, stance: .for, body: "bis")) } == .duplicateIdentifier)
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c4"), target: .proposal(F.prop("px")), parent: nil, stance: .for, body: "?")) } == .unknownProposal)
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c4"), target: .amendment(F.amd("ax")), parent: nil, stance: .for, body: "?")) } == .unknownAmendment)
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c4"), target: .proposal(p1), parent: nil, stance: .for, body: "")) } == .invalidInput)
        // Replies must stay in their thread.
        try s.act("bob", .proposeAmendment(id: F.amd("a1"), proposal: p1, base: s.current("p1"), change: .lines(start: 3, count: 1, replacement: "Autre.\n"), summary: ""))
        #expect(refusal { try s.act("bob", .comment(id: F.cid("c4"), target: .amendment(F.amd("a1")), parent: F.cid("c1"), stance: .for, body: "?")) } == .invalidInput)
        try s.act("bob", .comment(id: F.cid("c4"), target: .amendment(F.amd("a1")), parent: nil, stance: .for, body: "Mieux."))
        let thread = s.thread(.proposal(p1))
        #expect(thread.count == 1)
        #expect(thread[0].replies[0].replies[0].comment.id == F.cid("c3"))
        #expect(thread[0].replies[0].replies[0].depth == 2)
        #expect(s.stanceCounts(.proposal(p1)) == [.for: 1, .against: 1, .neutral: 1])
    }

    @Test func moderationRules() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        try s.act("bob", .comment(id: F.cid("c1"), target: .proposal(p1), parent: nil, stance: .against, body: "Insulte"))
        let hash = try s.contentHash(of: .comment(F.cid("c1")))
        // A participant without the role.
        #expect(refusal { try s.act("alice", .moderate(target: .comment(F.cid("c1")), hide: true, reason: "insulte", contentHash: hash)) } == .notModerator)
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: false, reason: "x", contentHash: hash)) } == .notHidden)
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: true, reason: "", contentHash: hash)) } == .invalidInput)
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: true, reason: "x", contentHash: s.current("p1"))) } == .invalidInput)
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("zz")), hide: true, reason: "x", contentHash: hash)) } == .unknownComment)
        try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: true, reason: "insulte", contentHash: hash))
        #expect(s.comments[F.cid("c1")]!.hidden?.moderator == F.pid("mod"))
        #expect(s.comments[F.cid("c1")]!.hash == hash)
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: true, reason: "x", contentHash: hash)) } == .alreadyHidden)
        let shown = try s.renderProposal(p1)
        #expect(!shown.contains("Insulte"))
        #expect(shown.contains(hash.short))
        // The role can be removed; then hiding is refused.
        try s.act("registrar", .setModerator(F.pid("mod"), false))
        #expect(refusal { try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: false, reason: "erreur", contentHash: hash)) } == .notModerator)
        try s.act("registrar", .setModerator(F.pid("mod"), true))
        try s.act("mod", .moderate(target: .comment(F.cid("c1")), hide: false, reason: "erreur", contentHash: hash))
        #expect(s.comments[F.cid("c1")]!.hidden == nil)
        // Hiding a proposal removes it from lists and searches, keeps it in the record.
        try s.act("mod", .moderate(target: .proposal(p1), hide: true, reason: "doublon", contentHash: s.current("p1")))
        #expect(s.list().isEmpty && s.list(includeHidden: true).count == 1)
        let hiddenView = try s.renderProposal(p1)
        #expect(hiddenView.hasPrefix("(hidden proposal)\n") && !hiddenView.contains("Vers une AMAP"))
        #expect(hiddenView.contains("HIDDEN by moderator Mod (mod)") && hiddenView.contains(s.current("p1").hex))
        #expect(try s.renderProposal(p1, options: .init(revealHidden: true)).hasPrefix("Vers une AMAP"))
        #expect(s.search("AMAP").isEmpty)
        #expect(s.moderationLog.count == 3)
    }

    @Test func refusedEventsChangeNothing() throws {
        var s = try F.state()
        let before = (s.eventCount, s.proposals, s.amendments.count)
        _ = refusal { try s.act("carol", .reviseProposal(id: F.prop("p1"), base: s.current("p1"), content: F.content)) }
        _ = refusal { try s.act("carol", .support(proposal: F.prop("p1"), version: try ContentHash(bytes: F.key(0)))) }
        #expect(s.eventCount == before.0 && s.proposals == before.1 && s.amendments.count == before.2)
    }

    @Test func errorsSayWhatToDo() throws {
        var s = try F.state()
        do {
            try s.act("bob", .reviseProposal(id: F.prop("p1"), base: s.current("p1"), content: F.content))
            Issue.record("should refuse")
        } catch let error as DeliberationError {
            #expect(error.description.contains("Only the author of proposal p1"))
            #expect(error.code.description == "notAuthor")
        }
    }
}
