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
