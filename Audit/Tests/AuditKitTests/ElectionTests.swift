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

    @Test func standardTermPassesBelenios2048WithPerYearResults() throws {
        let b = ElectionBuilder.standard(ModpGroup.belenios2048, perYear: true)
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

@Suite struct ElectionDeterminismTests {
    /// The report is the same whatever the number of workers (proof results are recorded in order).
    @Test func sameReportWithOneWorkerOrTwo() throws {
        let b = ElectionBuilder.standard(Ristretto255())
        // Break a few proofs and a share so that failures are listed.
        for i in b.log.entries.indices where String(decoding: b.log.entries[i].payload, as: UTF8.self).contains("\"ballot.cast\"") && i % 2 == 0 {
            var text = String(decoding: b.log.entries[i].payload, as: UTF8.self)
            let r = text.range(of: "\"r\":[\"")!
            text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: Hex.encode(b.group.encodeScalar(b.group.scalar(7))))
            let original = b.log.entries[i]
            let author = b.voters.first { $0.key.publicKey == original.author }!.key
            let p = Array(text.utf8)
            b.log.entries[i] = Entry(index: original.index, time: original.time, author: original.author,
                                     signature: author.sign(Entry.signaturePrefix + p), payload: p)
        }
        let dir = TempDir()
        b.write(to: dir.path)
        let one = try verifyElection(dir.path, workers: 1)
        let two = try verifyElection(dir.path, workers: 2)
        #expect(!one.passed)
        #expect(one["BAL-4"]!.failed >= 2)
        #expect(one.json == two.json)
    }
}
