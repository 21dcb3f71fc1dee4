import Testing
@testable import Deliberation

@Suite("Reading: show, list, search")
struct RenderingTests {
    typealias F = Fixture

    static func discussed() throws -> DeliberationState {
        var s = try F.state()
        let p1 = F.prop("p1")
        let v1 = s.current("p1")
        try s.act("bob", .support(proposal: p1, version: v1))
        try s.act("carol", .support(proposal: p1, version: v1))
        try s.act("bob", .proposeAmendment(id: F.amd("a1"), proposal: p1, base: v1, change: .section(heading: "## Possibles", replacement: "\nDeux paniers de données.\n"), summary: "Deux paniers plutôt qu’un"))
        try s.act("carol", .proposeAmendment(id: F.amd("a2"), proposal: p1, base: v1, change: .lines(start: 3, count: 1, replacement: "Introduction.\n"), summary: ""))
        try s.act("alice", .decideAmendment(id: F.amd("a2"), accept: true, reason: "plus clair"))
        try s.act("carol", .support(proposal: p1, version: s.current("p1")))
        try s.act("bob", .comment(id: F.cid("c1"), target: .proposal(p1), parent: nil, stance: .for, body: "Bonne idée."))
        try s.act("carol", .comment(id: F.cid("c2"), target: .proposal(p1), parent: F.cid("c1"), stance: .against, body: "Qui paie ?"))
        try s.act("alice", .comment(id: F.cid("c3"), target: .proposal(p1), parent: F.cid("c2"), stance: .neutral, body: "La métropole."))
        try s.act("bob", .comment(id: F.cid("c4"), target: .amendment(F.amd("a1")), parent: nil, stance: .for, body: "Voir la discussion."))
        try s.act("bob", .createProposal(id: F.prop("p2"), content: ProposalContent(title: "Des élections tout au long de la vie", track: .democratieVivante, body: "Voter à son anniversaire.\n"), status: .open))
        return s
    }

    @Test func showPrintsEverythingReadably() throws {
        let s = try Self.discussed()
        let text = try s.renderProposal(F.prop("p1"), options: .init(historyDiffs: true))
        #expect(text.hasPrefix("Vers une AMAP de la donnée\n"))
        #expect(text.contains("status: open   author: Alice (alice)"))
        #expect(text.contains("version 2 of 2"))
        #expect(text.contains("v1  "))
        #expect(text.contains("amendment a2 accepted by Alice (alice): plus clair"))
        #expect(text.contains("-Intro.\n") && text.contains("+Introduction.\n"))
        #expect(text.contains("a1 by Bob (bob) against v1 — STALE"))
        #expect(text.contains("+Deux paniers de données."))
        #expect(text.contains("v2 (current): 1   v1: 2"))
        #expect(text.contains("1 earlier supporter(s) asked to confirm"))
        #expect(text.contains("(3 comment(s): 1 for, 1 against, 1 neutral)"))
        // Replies indented one level deeper each.
        #expect(text.contains("\n[for] Bob (bob)"))
        #expect(text.contains("\n    [against] Carol (carol)"))
        #expect(text.contains("\n        [neutral] Alice (alice)"))
        #expect(text.contains("Voir la discussion."))
    }

    @Test func listFiltersByTrackAndStatus() throws {
        var s = try Self.discussed()
        #expect(s.list().count == 2)
        #expect(s.list(track: .democratieVivante).map(\.id) == [F.prop("p2")])
        try s.act("alice", .changeStatus(id: F.prop("p1"), to: .closed, reason: ""))
        #expect(s.list(status: .open).map(\.id) == [F.prop("p2")])
        let text = s.renderList(s.list())
        #expect(text.split(separator: "\n").count == 3)
        #expect(text.hasPrefix("ID  STATUS  TRACK"))
        #expect(text.contains("p1  closed  savoirs partagés"))
    }

    @Test func searchIgnoresCaseAndAccents() throws {
        let s = try Self.discussed()
        #expect(s.search("amap").map(\.id) == [F.prop("p1")])
        #expect(s.search("ELECTIONS anniversaire").map(\.id) == [F.prop("p2")])
        #expect(s.search("donnees").map(\.id) == [F.prop("p1")])
        #expect(s.search("introuvable").isEmpty)
        #expect(s.search("  ").isEmpty)
    }

    @Test func timeFormatting() {
        #expect(DeliberationState.formatTime(0) == "1970-01-01 00:00 UTC")
        #expect(DeliberationState.formatTime(1_800_000_000_000) == "2027-01-15 08:00 UTC")
        #expect(DeliberationState.formatTime(951_782_400_000) == "2000-02-29 00:00 UTC")
    }
}
