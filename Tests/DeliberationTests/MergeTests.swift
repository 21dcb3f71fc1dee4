import Testing
@testable import Deliberation

@Suite("Three-way merge and rebase")
struct MergeTests {
    func merge(_ base: String, _ ours: String, _ theirs: String) -> ThreeWayMerge {
        ThreeWayMerge(base: TextLines(base), ours: TextLines(ours), theirs: TextLines(theirs))
    }

    @Test func disjointChangesMerge() {
        let m = merge("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")
        #expect(m.conflicts.isEmpty)
        #expect(m.merged?.text == "A\nb\nc\nd\nE\n")
    }

    @Test func sameChangeOnBothSides() {
        let m = merge("a\nb\n", "a\nB\n", "a\nB\n")
        #expect(m.merged?.text == "a\nB\n")
    }

    @Test func insertionsAndDeletions() {
        let m = merge("a\nb\nc\nd\n", "a\nc\nd\n", "a\nb\nc\nd\nz\n")
        #expect(m.merged?.text == "a\nc\nd\nz\n")
    }

    @Test func conflictSaysWhere() {
        let m = merge("un\ndeux\ntrois\n", "un\nDEUX\ntrois\n", "un\n2\ntrois\n")
        #expect(m.merged == nil)
        #expect(m.conflicts.count == 1)
        let c = m.conflicts[0]
        #expect(c.base == 2...2)
        #expect(c.ours == ["DEUX"] && c.theirs == ["2"] && c.original == ["deux"])
        #expect(c.description.contains("line 2"))
    }

    @Test func conflictingInsertionsAtTheSamePlace() {
        let m = merge("a\nb\n", "a\nx\nb\n", "a\ny\nb\n")
        #expect(m.conflicts.count == 1)
        #expect(m.conflicts[0].base == nil)
        #expect(m.conflicts[0].baseLine == 2)
        #expect(m.conflicts[0].description.contains("insertion point before line 2"))
    }

    @Test func lastLineWithoutNewline() {
        // The current version only adds a final newline; the amendment changes the first line.
        let m = merge("a\nb\nc", "A\nb\nc", "a\nb\nc\n")
        #expect(m.merged?.text == "A\nb\nc\n")
        // One side adds the final newline, the other edits the last line: both kept.
        #expect(merge("a\nb", "a\nb\n", "a\nB").merged?.text == "a\nB\n")
        // Both sides edit the unterminated last line differently: a conflict.
        #expect(merge("a\nb", "a\nb2", "a\nB").conflicts.count == 1)
        // Appending on one side after an unterminated last line.
        #expect(merge("a\nb", "Z\nb", "a\nb\nc").merged?.text == "Z\nb\nc")
    }

    @Test func unicodeMerge() {
        let base = "Démocratie vivante\n🌱 savoirs\nfin\n"
        let ours = "De\u{301}mocratie vivante\n🌱 savoirs\nfin\n"
        let theirs = "Démocratie vivante\n🌱 savoirs\nfin 🇫🇷\n"
        let m = merge(base, ours, theirs)
        #expect(Array(m.merged!.text.utf8) == Array("De\u{301}mocratie vivante\n🌱 savoirs\nfin 🇫🇷\n".utf8))
    }

    @Test func emptyBase() {
        #expect(merge("", "a\n", "").merged?.text == "a\n")
        #expect(merge("", "a\n", "b\n").conflicts.count == 1)
    }

    @Test func rebaseKeepsSectionChangesWhenPossible() throws {
        var s = try Fixture.state()
        let p1 = Fixture.prop("p1")
        let v1 = s.current("p1")
        try s.act("bob", .proposeAmendment(id: Fixture.amd("a1"), proposal: p1, base: v1, change: .section(heading: "## Possibles", replacement: "\nDeux paniers.\n"), summary: ""))
        var next = Fixture.content
        next.body = next.body.replacingOccurrences(of: "Intro.", with: "Introduction.")
        try s.act("alice", .reviseProposal(id: p1, base: v1, content: next))
        let a = s.amendments[Fixture.amd("a1")]!
        let outcome = a.rebase(baseBody: Fixture.content.body, currentBody: next.body)
        #expect(outcome == .clean(.section(heading: "## Possibles", replacement: "\nDeux paniers.\n")))
    }

    @Test func rebaseReportsConflicts() throws {
        var s = try Fixture.state()
        let p1 = Fixture.prop("p1")
        let v1 = s.current("p1")
        try s.act("bob", .proposeAmendment(id: Fixture.amd("a1"), proposal: p1, base: v1, change: .lines(start: 3, count: 1, replacement: "Intro de Bob.\n"), summary: ""))
        var next = Fixture.content
        next.body = next.body.replacingOccurrences(of: "Intro.", with: "Intro d’Alice.")
        try s.act("alice", .reviseProposal(id: p1, base: v1, content: next))
        let a = s.amendments[Fixture.amd("a1")]!
        guard case .conflicts(let conflicts) = a.rebase(baseBody: Fixture.content.body, currentBody: next.body) else {
            Issue.record("expected a conflict")
            return
        }
        #expect(conflicts.count == 1 && conflicts[0].base == 3...3)
        #expect(conflicts[0].ours == ["Intro de Bob."] && conflicts[0].theirs == ["Intro d’Alice."])
        // Still stale: acceptance refused until rebased.
        #expect(refusal { try s.act("alice", .decideAmendment(id: Fixture.amd("a1"), accept: true, reason: "ok")) } == .staleVersion)
    }

    @Test func rebaseOfAnAlreadyAppliedChange() {
        let a = Amendment(
            id: Fixture.amd("a"), proposal: Fixture.prop("p"), author: Fixture.pid("bob"), base: try! ContentHash(bytes: Fixture.key(0)),
            change: .lines(start: 1, count: 1, replacement: "B\n"), summary: "", proposedBody: "B\n", status: .pending,
            previousBases: [], time: 0, hash: try! ContentHash(bytes: Fixture.key(0)), hidden: nil)
        #expect(a.rebase(baseBody: "b\n", currentBody: "B\n") == .alreadyApplied)
    }
}
