/// Every contest of the term and its versions (`Audit/SPEC.md` §4.6).
public struct ContestRegistry: Sendable {
    /// Versions per contest id, oldest first.
    public private(set) var versions: [String: [ContestVersion]] = [:]

    public init() {}

    /// The latest version of a contest.
    public func current(_ contest: String) -> ContestVersion? { versions[contest]?.last }

    /// The contests in force for window `k`, ordered by contest id (byte order).
    public func inForce(window k: Int) -> [ContestVersion] {
        versions.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            .compactMap { versions[$0]?.last }
            .filter { $0.year == nil || $0.year == k }
    }

    /// Every option that appeared in any version of `contest`, in order of first appearance.
    public func allOptions(_ contest: String) -> [ContestOption] {
        var seen = Set<String>()
        var out: [ContestOption] = []
        for v in versions[contest] ?? [] {
            for o in v.options where seen.insert(o.id).inserted { out.append(o) }
        }
        return out
    }

    /// The label of the latest version containing the option.
    public func label(contest: String, option: String) -> String {
        for v in (versions[contest] ?? []).reversed() {
            if let o = v.options.first(where: { $0.id == option }) { return o.label }
        }
        return option
    }

    /// Contest ids in byte order.
    public var contestIDs: [String] {
        versions.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    /// Checks a new version against the rules.
    func check(_ v: ContestVersion) throws(ElectionError) {
        let expected = (versions[v.contest]?.last?.version ?? 0) + 1
        guard v.version == expected else {
            throw ElectionError(.contests, "Contest \"\(v.contest)\" must get version \(expected) next, not \(v.version).")
        }
        guard ElectionID.isValid(v.contest) else {
            throw ElectionError(.contests, "A contest id must be \(ElectionID.rule).")
        }
        guard !v.options.isEmpty else {
            throw ElectionError(.contests, "A contest needs at least one option.")
        }
        guard v.options.allSatisfy({ !$0.id.isEmpty }), Set(v.options.map(\.id)).count == v.options.count else {
            throw ElectionError(.contests, "Option ids must be non-empty and unique within a contest version.")
        }
        guard 0 <= v.min, v.min <= v.max, v.max <= v.options.count else {
            throw ElectionError(.contests, "The number of choices must satisfy 0 ≤ min ≤ max ≤ number of options.")
        }
        if let y = v.year, y < 1 {
            throw ElectionError(.contests, "A referendum's year is a window number, 1 or more.")
        }
        if let previous = versions[v.contest]?.last, previous.year != v.year {
            throw ElectionError(.contests, "A contest keeps the same year in every version.")
        }
    }

    mutating func add(_ v: ContestVersion) { versions[v.contest, default: []].append(v) }
}
