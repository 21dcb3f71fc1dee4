import CivicLog

/// Contests (SPEC §4.6): versions declared by the officer until the term closes.
extension ElectionState {
    mutating func applyContest(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try ContestVersion.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        try contests.check(p)
        contests.add(p)
        return .contest
    }
}
