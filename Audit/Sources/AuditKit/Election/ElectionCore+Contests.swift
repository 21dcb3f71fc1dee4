/// Contest versions (§4.6) and the contests in force for a window.
extension ElectionCore {
    func contestVersion(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        let loc = Location.entry(entry.index)
        let declared: ContestVersion
        do throws(AuditError) {
            try fields.finish(["contest", "version", "title", "title_en", "year", "options", "min", "max"])
            let contest = try fields.string("contest")
            guard isElectionID(contest) else { throw .malformed("contest id must be 1–64 of a-z 0-9 - (not starting or ending with -)") }
            let version = try fields.count("version")
            _ = try fields.string("title")
            // Optional English title (§4.6): a string when present, right after "title".
            if fields.has("title_en") {
                _ = try fields.string("title_en")
                guard fields.members.firstIndex(where: { $0.0 == "title_en" }) == (fields.members.firstIndex { $0.0 == "title" } ?? -2) + 1 else {
                    throw .malformed("\"title_en\" must come right after \"title\"")
                }
            }
            let year = try fields.optionalCount("year")
            var options: [(String, String)] = []
            for option in try fields.array("options") {
                let optionFields = try Fields.object(option, "option")
                try optionFields.finish(["id", "label", "label_en"], withTerm: false)
                if optionFields.has("label_en") {
                    _ = try optionFields.string("label_en")
                    guard optionFields.members.map(\.0) == ["id", "label", "label_en"] else { throw .malformed("an option is {\"id\",\"label\"[,\"label_en\"]} in that order") }
                }
                options.append((try optionFields.string("id"), try optionFields.string("label")))
            }
            declared = ContestVersion(contest: contest, version: version, year: year, options: options, min: try fields.count("min"), max: try fields.count("max"))
        } catch {
            report.record(.contestVersions, loc, failure: error.message)
            return
        }
        let previous = contests[declared.contest]?.last
        let expectedVersion = (previous?.version ?? 0) + 1
        var versionFailure: String? = nil
        if closeItems != nil { versionFailure = "a contest version after term.close" }
        else if declared.version != expectedVersion { versionFailure = "contest \"\(declared.contest)\" version \(declared.version) should be \(expectedVersion)" }
        else if let first = contests[declared.contest]?.first, first.year != declared.year {
            versionFailure = "contest \"\(declared.contest)\" must keep the year of its version 1"
        }
        report.record(.contestVersions, loc, failure: versionFailure)
        var problem: String? = nil
        if declared.options.isEmpty { problem = "a contest version needs at least one option" }
        else if Set(declared.options.map(\.id)).count != declared.options.count { problem = "option ids are not unique" }
        else if declared.options.contains(where: { $0.id.isEmpty }) { problem = "an option id is empty" }
        else if !(declared.min <= declared.max && declared.max <= declared.options.count) { problem = "needs 0 ≤ min ≤ max ≤ number of options" }
        else if let year = declared.year, year < 1 { problem = "year must be null or a window number ≥ 1" }
        report.record(.contestOptions, loc, failure: problem)
        guard versionFailure == nil, problem == nil else { return }
        contests[declared.contest, default: []].append(declared)
        var order = optionOrder[declared.contest] ?? []
        for option in declared.options where !order.contains(option.id) { order.append(option.id) }
        optionOrder[declared.contest] = order
    }

    /// The contests in force for window `k` now (latest versions, ordered by contest id).
    func contestsInForce(window: Int) -> [ContestVersion] {
        contests.keys.sorted(by: byteOrder).compactMap { id in
            guard let latest = contests[id]?.last, latest.year == nil || latest.year == window else { return nil }
            return latest
        }
    }

    /// Every option whose label changed from one version of its contest to a later one, as
    /// `contest/option: "old" (version v) → "new" (version w)`. SPEC.md §4.6 lets a label change (the
    /// result shows the latest one) while "an id always keeps the same meaning": the report lists each
    /// change so that an observer sees whether votes cast for one name are reported under another.
    func relabelledOptions() -> [String] {
        var out: [String] = []
        for id in contests.keys.sorted(by: byteOrder) {
            var last: [String: (label: String, version: Int)] = [:]
            for version in contests[id] ?? [] {
                for option in version.options {
                    if let previous = last[option.id], previous.label != option.label {
                        out.append("\(id)/\(option.id): \"\(previous.label)\" (version \(previous.version)) → \"\(option.label)\" (version \(version.version))")
                    }
                    last[option.id] = (option.label, version.version)
                }
            }
        }
        return out
    }
}
