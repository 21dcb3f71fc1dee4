/// The audit report: every check with its counts and failures.
public struct Report: Sendable {
    /// At most this many failures are kept per check (the count is always exact), so memory stays
    /// bounded even when a huge record fails systematically.
    public static let maxListedFailures = 1000

    private var order: [Check] = []
    private var results: [String: CheckResult] = [:]
    /// Facts about the record shown in the header (origin, counts, group…), in insertion order.
    public var facts: [(String, String)] = []
    /// The election's published result (SPEC.md §4.8), set only once it was verified: the encrypted
    /// tally recomputed (TAL-1), the decryption shares' proofs (TAL-2) and every count and winner
    /// (TAL-3) all pass.
    public var electionResults: [ContestOutcome]? = nil
    /// Why a published result is not shown (it did not verify).
    public var resultsWithheld: String? = nil
    /// True when `term.setup` says `"simulation":true` (SPEC.md §4.2): the log times were set by hand,
    /// so the report says so and never presents the result as an election's.
    public var simulation = false

    public init() {}

    /// Makes a check appear in the report even if nothing is examined under it.
    public mutating func register(_ check: Check) {
        if results[check.id] == nil {
            results[check.id] = CheckResult(check: check)
            order.append(check)
        }
    }

    /// Records that one item was examined under `check`, and failed with `failure` if non-nil.
    public mutating func record(_ check: Check, _ location: Location, failure: String?) {
        register(check)
        results[check.id]!.checked += 1
        if let failure { add(check, Failure(location, failure)) }
    }

    /// Records `count` items examined without failure.
    public mutating func passed(_ check: Check, count: UInt64 = 1) {
        register(check)
        results[check.id]!.checked += count
    }

    /// Records a failure without counting a new item (an item may fail several ways).
    public mutating func fail(_ check: Check, _ location: Location, _ reason: String) {
        register(check)
        add(check, Failure(location, reason))
    }

    private mutating func add(_ check: Check, _ failure: Failure) {
        results[check.id]!.failed += 1
        if results[check.id]!.failures.count < Report.maxListedFailures {
            results[check.id]!.failures.append(failure)
        }
    }

    /// Sets a header fact.
    public mutating func setFact(_ key: String, _ value: String) {
        if let i = facts.firstIndex(where: { $0.0 == key }) { facts[i].1 = value } else { facts.append((key, value)) }
    }

    /// Results in stable order (family, then number).
    public var checks: [CheckResult] { order.sorted().map { results[$0.id]! } }

    /// The result of one check.
    public subscript(id: String) -> CheckResult? { results[id] }

    /// True iff no check failed.
    public var passed: Bool { results.values.allSatisfy(\.passed) }

    /// Ids of the failing checks.
    public var failedIDs: [String] { checks.filter { !$0.passed }.map(\.check.id) }

    // MARK: Rendering

    /// The human-readable report.
    public var text: String {
        var out = ""
        for (k, v) in facts { out += "\(k): \(v)\n" }
        if !facts.isEmpty { out += "\n" }
        if let results = electionResults {
            out += simulation ? "Results of a SIMULATED term (verified; its log times were set by hand: this is not an election's result):\n"
                : "Results (verified):\n"
            for r in results { out += r.textLines.map { "  " + $0 + "\n" }.joined() }
            out += "\n"
        } else if let resultsWithheld {
            out += "Results: \(resultsWithheld)\n\n"
        }
        let width = max(24, checks.map { $0.check.name.count }.max() ?? 0)
        let idWidth = max(7, checks.map { $0.check.id.count }.max() ?? 0)
        for r in checks {
            let status = r.passed ? "PASS" : "FAIL"
            let name = r.check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let id = r.check.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            var line = "\(status)  \(id) \(name)  \(r.checked) checked"
            if !r.passed { line += ", \(r.failed) failed" }
            out += line + "\n"
            for f in r.failures { out += "        \(f.location): \(f.reason)\n" }
            if r.failed > UInt64(r.failures.count) { out += "        … and \(r.failed - UInt64(r.failures.count)) more\n" }
        }
        let failedCount = checks.filter { !$0.passed }.count
        out += "\n" + (failedCount == 0 ? "RESULT: PASS (all \(checks.count) checks passed)" : "RESULT: FAIL (\(failedCount) of \(checks.count) checks failed)") + "\n"
        return out
    }

    /// The report as JSON (one object, keys in a fixed order).
    public var json: JSON {
        var facts: [(String, JSON)] = []
        for (k, v) in self.facts { facts.append((k, .string(v))) }
        let checks: [JSON] = self.checks.map { r in
            .object([
                ("id", .string(r.check.id)), ("name", .string(r.check.name)),
                ("passed", .bool(r.passed)), ("checked", .int(r.checked)), ("failed", .int(r.failed)),
                ("failures", .array(r.failures.map { f in
                    var members: [(String, JSON)] = []
                    switch f.location {
                    case let .entry(i): members.append(("entry", .int(i)))
                    case let .checkpoint(p, s):
                        members.append(("checkpoint", .int(p)))
                        if let s { members.append(("size", .int(s))) }
                    case .record: members.append(("record", .bool(true)))
                    case .receipt: members.append(("receipt", .bool(true)))
                    }
                    members.append(("reason", .string(f.reason)))
                    return .object(members)
                })),
            ])
        }
        var members: [(String, JSON)] = [("format", .string("perennial-audit-report")), ("version", .int(1)),
                                         ("passed", .bool(passed)), ("simulation", .bool(simulation)), ("facts", .object(facts))]
        // `results` only when the published result verified; `results_withheld` says why it is absent.
        if let results = electionResults { members.append(("results", .array(results.map(\.json)))) }
        if let resultsWithheld { members.append(("results_withheld", .string(resultsWithheld))) }
        members.append(("checks", .array(checks)))
        return .object(members)
    }
}
