import ArgumentParser
import CivicCrypto
import Foundation
import Perennial
import PerennialBench

extension PerennialCommand {
    /// `perennial bench …`: benchmarks printing JSON lines (DESIGN §8).
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure the engine's speed; prints one JSON object per line.",
            subcommands: [Crypto.self, BenchLog.self, BenchBallot.self, BenchTally.self, BenchNode.self])
    }
}

extension PerennialCommand.Bench {
    /// `perennial bench crypto [--group …] [--iterations N]`.
    struct Crypto: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crypto",
            abstract: "Time group operations, exponentiations, and encrypting/verifying one selection with its 0/1 proof.",
            discussion: """
                Prints lines such as {"name":"crypto.ristretto255.verify01","unit":"ns","value":…,"floor":…,\
                "group":"ristretto255","cores":1}. `floor` is the measured cost of the exponentiations the step \
                needs, so value/floor is the overhead. Exit code 0 on success, 1 if a self-check fails.
                """)

        enum GroupChoice: String, ExpressibleByArgument, CaseIterable {
            case ristretto255, eg4096, belenios2048, all
        }

        @Option(help: "Which group to measure: ristretto255, eg4096, belenios2048 or all.")
        var group: GroupChoice = .all

        @Option(help: "Exponentiations/proofs timed per measure (cheap operations run 20× as many). Default depends on the group.")
        var iterations: Int?

        func validate() throws {
            if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1.") }
        }

        func run() async throws {
            let groups: [GroupName] =
                group == .all ? GroupName.allCases : [GroupName(rawValue: group.rawValue)!]
            for name in groups {
                try CryptoBench.run(group: name, iterations: iterations) { line in
                    // Written unbuffered so each figure appears as soon as it is measured.
                    FileHandle.standardOutput.write(Data((line.json + "\n").utf8))
                }
            }
        }
    }
}
