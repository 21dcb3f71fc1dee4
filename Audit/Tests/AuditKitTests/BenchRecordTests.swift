import AuditKit
import Foundation
import Testing

/// Writes a larger record for `perennial-audit bench` when AUDIT_BENCH_OUT names a directory
/// (AUDIT_BENCH_BALLOTS ballots, AUDIT_BENCH_GROUP group); otherwise does nothing.
@Suite struct BenchRecordTests {
    static let out = ProcessInfo.processInfo.environment["AUDIT_BENCH_OUT"]

    @Test(.enabled(if: out != nil)) func writeBenchRecord() throws {
        let n = Int(ProcessInfo.processInfo.environment["AUDIT_BENCH_BALLOTS"] ?? "") ?? 200
        switch ProcessInfo.processInfo.environment["AUDIT_BENCH_GROUP"] ?? "ristretto255" {
        case "belenios2048": try write(ElectionBuilder(group: ModpGroup.belenios2048), n)
        case "eg4096": try write(ElectionBuilder(group: ModpGroup.eg4096), n)
        default: try write(ElectionBuilder(group: Ristretto255()), n)
        }
    }

    func write<G>(_ b: ElectionBuilder<G>, _ n: Int) throws {
        b.setup()
        b.ceremony()
        var voters: [(Int, LocalDate)] = []
        for i in 0..<n {
            let day = LocalDate(dayNumber: LocalDate(year: 2026, month: 1, day: 1)!.dayNumber + (i * 360) / max(n, 1))
            let bd = String(format: "%02d-%02d", day.month, day.day)
            voters.append((b.enrol(key: TestKey(index: 1000 + i), birthday: bd), day))
        }
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("blank", "Blanc")])
        for (i, (v, day)) in voters.enumerated() {
            b.cast(v, window: 1, at: max(b.at(day.year, day.month, day.day, plus: Int64(i)), b.log.entries.last!.time),
                   choices: ["office": [["alice", "bob", "carol", "blank"][i % 4]]])
        }
        try FileManager.default.createDirectory(atPath: Self.out!, withIntermediateDirectories: true)
        b.write(to: Self.out!)
    }
}
