import Testing
@testable import Deliberation

@Suite("Proposal life cycle state machine")
struct LifeCycleTests {
    static let statuses: [ProposalStatus] = [.draft, .open, .closed, .adopted, .rejected, .withdrawn, .onBallot(year: 2027)]

    /// The whole table: (from, to) → who may take the step.
    static func expected(_ from: ProposalStatus, _ to: ProposalStatus) -> (author: Bool, moderator: Bool)? {
        switch (from, to) {
        case (.draft, .open): return (true, false)
        case (.open, .closed): return (true, true)
        case (.closed, .adopted), (.closed, .rejected), (.closed, .onBallot): return (false, true)
        case (.draft, .withdrawn), (.open, .withdrawn), (.closed, .withdrawn): return (true, false)
        default: return nil
        }
    }

    @Test(arguments: statuses, statuses)
    func everyStepAndEveryStanding(_ from: ProposalStatus, _ to: ProposalStatus) {
        for isAuthor in [false, true] {
            for isModerator in [false, true] {
                let allowed: Bool
                if let who = Self.expected(from, to) {
                    allowed = (who.author && isAuthor) || (who.moderator && isModerator)
                } else {
                    allowed = false
                }
                let code = refusal { try from.checkTransition(to: to, by: .init(isAuthor: isAuthor, isModerator: isModerator)) }
                #expect((code == nil) == allowed, "\(from) → \(to), author \(isAuthor), moderator \(isModerator): \(String(describing: code))")
                if Self.expected(from, to) == nil { #expect(code == .invalidTransition) }
            }
        }
    }

    @Test func finalStatuses() {
        #expect(Self.statuses.filter(\.isFinal) == [.adopted, .rejected, .withdrawn, .onBallot(year: 2027)])
        #expect(Self.statuses.filter(\.allowsRevision) == [.draft, .open])
    }

    @Test func spellings() throws {
        for status in Self.statuses { #expect(try ProposalStatus(text: status.text) == status) }
        for bad in ["Open", "on-ballot", "on-ballot 27", "on-ballot 1999", "on-ballot 02027", "on-ballot  2027", ""] {
            #expect(refusal { _ = try ProposalStatus(text: bad) } == .invalidInput, "\(bad)")
        }
        for track in Track.allCases { #expect(try Track(name: track.rawValue) == track) }
    }
}

@Suite("Merge properties")
struct MergePropertyTests {
    @Test func identitiesAndDisjointEdits() {
        var rng = SplitMix(seed: 7)
        let words = ["a", "b", "c", "é", "e\u{301}", "🌱", ""]
        for _ in 0..<300 {
            let n = 6 + rng.next(10)
            let base = (0..<n).map { "\($0)-\(words[rng.next(words.count)])\n" }
            let baseText = TextLines(base.joined())
            var ours = base, theirs = base
            // Edit the first half on one side, the second half on the other, at least one line apart.
            let i = rng.next(n / 2 - 1), j = n / 2 + 1 + rng.next(n - n / 2 - 1)
            ours[i] = "ours\n"
            theirs[j] = "theirs\n"
            if rng.next(2) == 0 { ours.insert("inserted\n", at: i) }
            if rng.next(2) == 0 { theirs.remove(at: j) }
            let o = TextLines(ours.joined()), t = TextLines(theirs.joined())
            #expect(ThreeWayMerge(base: baseText, ours: o, theirs: baseText).merged == o)
            #expect(ThreeWayMerge(base: baseText, ours: baseText, theirs: t).merged == t)
            let m = ThreeWayMerge(base: baseText, ours: o, theirs: t)
            #expect(m.conflicts.isEmpty)
            let lines = (m.merged?.lines ?? []).map { $0.text + "\n" }
            #expect(lines.contains("ours\n") && !lines.contains(base[i]))
            #expect(lines.contains("theirs\n") == theirs.contains("theirs\n"))
            #expect(lines.contains(base[j]) == false)
        }
    }
}
