/// `term.close` (§4.8, TAL-1): the items it must list and the recomputed encrypted tally.
extension ElectionCore {
    /// The items term.close must list, in order.
    func expectedItems() -> [TallyKey] {
        var base: [(String, String)] = []
        for contest in contests.keys.sorted(by: byteOrder) { for option in optionOrder[contest] ?? [] { base.append((contest, option)) } }
        var keys = base.map { TallyKey(contest: $0.0, option: $0.1, year: nil) }
        if setup.perYearResults && lastCountedWindow >= 1 {
            for year in 1...lastCountedWindow {
                // A contest has a result for window y only if it is on that window's ballots: its year
                // (that of version 1, kept by every version) is null or y.
                keys += base.filter { isOnBallots(contest: $0.0, window: year) }.map { TallyKey(contest: $0.0, option: $0.1, year: year) }
            }
        }
        return keys
    }

    /// True if `contest` is on the ballots of window `window` (its `year` is null or that window).
    func isOnBallots(contest: String, window: Int) -> Bool {
        guard let year = contests[contest]?.first?.year else { return true }
        return year == window
    }

    func termClose(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        let tally = partials.total()
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["tally", "counted"])
            guard closeItems == nil else { throw .malformed("a second term.close") }
            guard Int64(entry.time) >= calendar.E else { throw .malformed("term.close at \(entry.time) before the end of the term (\(calendar.E))") }
            let counted = try fields.count("counted")
            let items = try fields.array("tally")
            var parsed: [CloseItem] = []
            for item in items {
                let itemFields = try Fields.object(item, "tally item")
                try itemFields.finish(["contest", "option", "year", "a", "b"], withTerm: false)
                let key = TallyKey(contest: try itemFields.string("contest"), option: try itemFields.string("option"), year: try itemFields.optionalCount("year"))
                parsed.append(CloseItem(key: key, ciphertext: try Ciphertext(json: item, group: group)))
            }
            closeItems = parsed
            var problems: [String] = []
            if counted != countedBallots { problems.append("counted is \(counted) but \(countedBallots) ballots count") }
            let expected = expectedItems()
            if parsed.map(\.key) != expected {
                problems.append("the items are not every (contest, option\(setup.perYearResults ? ", year" : "")) in SPEC order (\(parsed.count) given, \(expected.count) expected)")
            } else {
                for (i, item) in parsed.enumerated() where item.ciphertext != (tally[item.key] ?? .zero(group)) {
                    problems.append("item \(i) (\(item.key.contest)/\(item.key.option)\(item.key.year.map { " year \($0)" } ?? "")) differs from the recomputed encrypted tally")
                }
            }
            report.record(.tallyClose, loc, failure: problems.isEmpty ? nil : problems.joined(separator: "; "))
        } catch {
            report.record(.tallyClose, loc, failure: error.message)
        }
    }
}
