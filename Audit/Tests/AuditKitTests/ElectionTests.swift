import AuditKit
import Foundation
import Testing

@Suite struct ElectionTests {
    func run<G>(_ b: ElectionBuilder<G>) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    @Test func standardTermPassesRistretto255() throws {
        let b = ElectionBuilder.standard(Ristretto255())
        let report = try run(b)
        #expect(report.passed, "\(report.text)")
        #expect(report["BAL-4"]?.checked == 9)
        #expect(report["BAL-8"]?.checked == 1)
        #expect(report["TAL-3"]?.checked == 1)
    }

    @Test func standardTermPassesModp2048WithPerYearResults() throws {
        let b = ElectionBuilder.standard(ModpGroup.modp2048, perYear: true)
        let report = try run(b)
        #expect(report.passed, "\(report.text)")
    }
}

@Suite struct ElectionIncrementalTests {
    /// Following the term day by day gives the same report as one verification from scratch.
    @Test(arguments: [[7, 14], [10, 21, 30], [16, 25, 31, 33]])
    func resumingAnElectionMatchesAFullRun(cuts: [Int]) throws {
        let b = ElectionBuilder.standard(Ristretto255(), perYear: true)
        let all = b.log.entries
        let dir = TempDir()
        let state = dir.path + "/state.json"
        var sizes: [Int] = []
        var last: Report? = nil
        for cut in cuts + [all.count] {
            var partial = b.log
            partial.entries = Array(all.prefix(cut))
            sizes += Array(stride(from: (sizes.last ?? 0) + 5, to: cut, by: 5))
            if sizes.last != cut { sizes.append(cut) }
            partial.checkpointSizes = sizes
            partial.write(to: dir.path)
            let r = try verifyElection(dir.path, statePath: state)
            #expect(r.passed, "cut \(cut):\n\(r.text)")
            last = r
        }
        let scratch = try verifyElection(dir.path)
        #expect(scratch.passed)
        let resumed = try #require(last)
        func summary(_ r: Report) -> [String] { r.checks.map { "\($0.check.id):\($0.checked):\($0.failed)" } }
        #expect(summary(resumed) == summary(scratch))
        #expect(resumed.facts.first { $0.0 == "ballots" }?.1 == scratch.facts.first { $0.0 == "ballots" }?.1)
    }
}
