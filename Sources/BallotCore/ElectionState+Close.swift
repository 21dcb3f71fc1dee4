import CivicCrypto
import CivicLog
import Foundation

/// `term.close` (SPEC §4.8): the running tally frozen once the term has ended.
extension ElectionState {
    /// The items `term.close` must freeze, in SPEC order, with the running tally.
    public func closeItems() -> [TallyItem] {
        var keys: [TallyKey] = []
        for id in contests.contestIDs {
            for option in contests.allOptions(id) { keys.append(TallyKey(contest: id, option: option.id, year: nil)) }
        }
        if setup?.perYearResults == true {
            let maxYear = tally.keys.compactMap(\.year).max() ?? 0
            if maxYear > 0 {
                // Per-year items only for the contests on that window's ballots (SPEC §4.8).
                for year in 1...maxYear {
                    for id in contests.contestIDs where contests.current(id)?.year == nil || contests.current(id)?.year == year {
                        for option in contests.allOptions(id) { keys.append(TallyKey(contest: id, option: option.id, year: year)) }
                    }
                }
            }
        }
        return keys.map { key in
            let ct = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
            return TallyItem(contest: key.contest, option: key.option, year: key.year, a: group.hex(ct.a), b: group.hex(ct.b))
        }
    }

    mutating func applyClose(_ entry: ElectionEntry, setup: TermSetup, calendar: TermCalendar) throws -> ElectionEffect {
        let payload = try TermClose.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        guard entry.date >= calendar.termEndInstant else {
            throw ElectionError(.sealed, "Results are sealed until the term ends on \(setup.end); the term cannot be closed before.")
        }
        guard payload.tally == closeItems(), payload.counted == countedBallots else {
            throw ElectionError(.tally, "The frozen tally does not equal the running encrypted tally.")
        }
        close = payload
        return .closed
    }
}
