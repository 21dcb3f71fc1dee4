import AuditKit
import Foundation
import Testing

/// Any single flipped byte anywhere in an election record's entries or checkpoints is caught, and
/// never crashes the verifier.
@Suite struct RobustnessTests {
    @Test func everyFlippedByteIsCaught() throws {
        let b = ElectionBuilder.standard(Ristretto255())
        let dir = TempDir()
        b.write(to: dir.path)
        #expect(try verifyElection(dir.path).passed)
        var rng = SplitMix(seed: 0x5eed)
        for file in ["entries.jsonl", "checkpoints.jsonl"] {
            let url = URL(fileURLWithPath: dir.path).appendingPathComponent(file)
            let original = try Data(contentsOf: url)
            for _ in 0..<12 {
                var bytes = [UInt8](original)
                let i = Int(rng.next() % UInt64(bytes.count))
                let bit = UInt8(1) << UInt8(rng.next() % 7)   // stay within ASCII/UTF-8 lead bits mostly
                bytes[i] ^= bit
                try Data(bytes).write(to: url)
                let report: Report
                do { report = try verifyElection(dir.path) } catch { continue }  // unreadable is also a refusal
                #expect(!report.passed, "flipping bit \(bit) of byte \(i) in \(file) went unnoticed")
            }
            try original.write(to: url)
        }
    }
}

/// A small deterministic generator for repeatable tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
