import Foundation
import Testing
@testable import Deliberation

@Suite("Action builders and JSON views")
struct ActionBuilderTests {
    typealias F = Fixture

    @Test func buildersFillHashesFromTheState() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        try s.apply(.init(actor: .participant(F.pid("bob")), time: 1, action: s.support(p1)))
        #expect(try s.supportSummary(p1).current == 1)
        let a = try s.amendment(p1, change: .section(heading: "## Enjeux", replacement: "\nDes données partagées.\n\n"), summary: "")
        try s.apply(.init(actor: .participant(F.pid("carol")), time: 2, action: a))
        let a1 = F.amd("a1")
        #expect(s.amendments[a1] != nil)
        // Author revises elsewhere; carol's amendment is stale but rebases cleanly.
        var doc = try s.document(p1)
        doc.content.body = doc.content.body.replacingOccurrences(of: "Intro.", with: "Préambule.")
        try s.apply(.init(actor: .participant(F.pid("alice")), time: 3, action: s.revision(from: doc)))
        #expect(refusal { _ = try s.revision(from: doc) } == .noChange)
        try s.apply(.init(actor: .participant(F.pid("carol")), time: 4, action: s.rebase(a1)))
        #expect(!s.isStale(s.amendments[a1]!))
        #expect(refusal { _ = try s.rebase(a1) } == .noChange)
        try s.apply(.init(actor: .participant(F.pid("alice")), time: 5, action: .decideAmendment(id: a1, accept: true, reason: "oui")))
        #expect(s.proposals[p1]!.content.body.contains("Préambule.") && s.proposals[p1]!.content.body.contains("Des données partagées."))
        let c = s.comment(on: .proposal(p1), stance: .neutral, body: "Et ensuite ?")
        try s.apply(.init(actor: .participant(F.pid("bob")), time: 6, action: c))
        try s.apply(.init(actor: .participant(F.pid("mod")), time: 7, action: s.moderation(.comment(F.cid("c1")), hide: true, reason: "test")))
        #expect(s.comments[F.cid("c1")]!.hidden != nil)
        var other = doc
        other.author = F.pid("bob")
        #expect(refusal { _ = try s.revision(from: other) } == .notAuthor)
    }

    @Test func conflictingRebaseSaysWhere() throws {
        var s = try F.state()
        let p1 = F.prop("p1")
        try s.apply(.init(actor: .participant(F.pid("carol")), time: 1, action: s.amendment(p1, change: .lines(start: 3, count: 1, replacement: "Intro de Carol.\n"), summary: "")))
        var doc = try s.document(p1)
        doc.content.body = doc.content.body.replacingOccurrences(of: "Intro.", with: "Intro d’Alice.")
        try s.apply(.init(actor: .participant(F.pid("alice")), time: 2, action: s.revision(from: doc)))
        do {
            _ = try s.rebase(F.amd("a1"))
            Issue.record("rebase should conflict")
        } catch let error as DeliberationError {
            #expect(error.code == .rebaseConflict)
            #expect(error.message.contains("line 3"))
            #expect(error.message.contains("Intro de Carol.") && error.message.contains("Intro d’Alice."))
        }
        // Already applied: the author took the same wording.
        var s2 = try F.state()
        try s2.apply(.init(actor: .participant(F.pid("carol")), time: 1, action: s2.amendment(p1, change: .lines(start: 3, count: 1, replacement: "Intro meilleure.\n"), summary: "")))
        var doc2 = try s2.document(p1)
        doc2.content.body = doc2.content.body.replacingOccurrences(of: "Intro.", with: "Intro meilleure.")
        try s2.apply(.init(actor: .participant(F.pid("alice")), time: 2, action: s2.revision(from: doc2)))
        #expect(refusal { _ = try s2.rebase(F.amd("a1")) } == .noChange)
    }

    @Test func jsonViewMatchesTheStateAndHidesHiddenText() throws {
        var s = try RenderingTests.discussed()
        try s.act("mod", s.moderation(.comment(F.cid("c2")), hide: true, reason: "hors sujet"))
        let view = try s.view(F.prop("p1"))
        #expect(view.versions.map(\.number) == [1, 2])
        #expect(view.versions.map(\.supports) == [2, 1])
        #expect(view.amendments.count == 2)
        #expect(view.amendments.first { $0.id == "a1" }?.stale == true)
        #expect(view.amendments.first { $0.id == "a1" }?.diff?.contains("+Deux paniers de données.") == true)
        #expect(view.amendments.first { $0.id == "a2" }?.status == "accepted")
        #expect(view.thread[0].replies[0].body == nil)
        #expect(view.thread[0].replies[0].hidden?.reason == "hors sujet")
        #expect(view.thread[0].replies[0].replies[0].body == "La métropole.")
        let data = try JSONEncoder().encode(view)
        #expect(try JSONDecoder().decode(ProposalView.self, from: data) == view)
        #expect(try s.view(F.prop("p1"), revealHidden: true).thread[0].replies[0].body == "Qui paie ?")
    }
}
