/// Contest versions (§4.6) and the contests in force for a window.
extension ElectionCore {
    func contestVersion(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let loc = Location.entry(e.index)
        let v: ContestVersion
        do throws(AuditError) {
            try f.finish(["contest", "version", "title", "title_en", "year", "options", "min", "max"])
            let contest = try f.string("contest")
            guard isElectionID(contest) else { throw .malformed("contest id must be 1–64 of a-z 0-9 - (not starting or ending with -)") }
            let version = try f.count("version")
            _ = try f.string("title")
            // Optional English title (§4.6): a string when present, right after "title".
            if f.has("title_en") {
                _ = try f.string("title_en")
                guard f.members.firstIndex(where: { $0.0 == "title_en" }) == (f.members.firstIndex { $0.0 == "title" } ?? -2) + 1 else {
                    throw .malformed("\"title_en\" must come right after \"title\"")
                }
            }
            let year = try f.optionalCount("year")
            var options: [(String, String)] = []
            for o in try f.array("options") {
                let of = try Fields.object(o, "option")
                try of.finish(["id", "label", "label_en"], withTerm: false)
                if of.has("label_en") {
                    _ = try of.string("label_en")
                    guard of.members.map(\.0) == ["id", "label", "label_en"] else { throw .malformed("an option is {\"id\",\"label\"[,\"label_en\"]} in that order") }
                }
                options.append((try of.string("id"), try of.string("label")))
            }
            v = ContestVersion(contest: contest, version: version, year: year, options: options, min: try f.count("min"), max: try f.count("max"))
        } catch {
            report.record(.contestVersions, loc, failure: error.message)
            return
        }
        let previous = contests[v.contest]?.last
        let expectedVersion = (previous?.version ?? 0) + 1
        var versionFailure: String? = nil
        if closeItems != nil { versionFailure = "a contest version after term.close" }
        else if v.version != expectedVersion { versionFailure = "contest \"\(v.contest)\" version \(v.version) should be \(expectedVersion)" }
        else if let first = contests[v.contest]?.first, first.year != v.year {
            versionFailure = "contest \"\(v.contest)\" must keep the year of its version 1"
        }
        report.record(.contestVersions, loc, failure: versionFailure)
        var problem: String? = nil
        if Set(v.options.map(\.id)).count != v.options.count { problem = "option ids are not unique" }
        else if v.options.contains(where: { $0.id.isEmpty }) { problem = "an option id is empty" }
        else if !(v.min <= v.max && v.max <= v.options.count) { problem = "needs 0 ≤ min ≤ max ≤ number of options" }
        else if let y = v.year, y < 1 { problem = "year must be null or a window number ≥ 1" }
        report.record(.contestOptions, loc, failure: problem)
        guard versionFailure == nil, problem == nil else { return }
        contests[v.contest, default: []].append(v)
        var order = optionOrder[v.contest] ?? []
        for o in v.options where !order.contains(o.id) { order.append(o.id) }
        optionOrder[v.contest] = order
    }

    /// The contests in force for window `k` now (latest versions, ordered by contest id).
    func contestsInForce(window k: Int) -> [ContestVersion] {
        contests.keys.sorted(by: byteOrder).compactMap { id in
            guard let latest = contests[id]?.last, latest.year == nil || latest.year == k else { return nil }
            return latest
        }
    }
}
