import CivicLog

/// Contests (SPEC §4.6): versions declared by the officer until the term closes.
extension ElectionState {
    mutating func applyContest(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try ContestVersion.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        try contests.check(payload)
        contests.add(payload)
        return .contest
    }
}
