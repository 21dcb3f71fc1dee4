import ArgumentParser
import CivicCrypto
import Foundation
import Perennial
import PerennialBench

/// `perennial bench ballot`: ballot construction and validation, and validated appends.
struct BenchBallot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballot",
        abstract: "Time building and validating birthday ballots (10 candidates + blank by default); JSON lines.",
        discussion: "`floor` is the measured cost of the exponentiations each step needs, so value/floor is the overhead.")
    @Option(help: "ristretto255, eg4096, belenios2048 or all.") var group = "all"
    @Option(help: "Ballots per measure (default: 200 for ristretto255, 20 for the Schnorr groups).") var ballots: Int?
    @Option(help: "Options in the contest, blank included.") var options = 11
    @Option(help: "Times the validation is repeated over the same ballots; its figure is the median (with min and max).")
    var reps = 5

    func validate() throws {
        guard reps >= 1 else { throw ValidationError("--reps must be at least 1.") }
    }

    func run() throws {
        for g in try BenchGroups.parse(group) {
            try BallotBench.ballot(group: g, ballots: ballots ?? (g == .ristretto255 ? 200 : 20), options: options, reps: reps) { print($0.json) }
        }
    }
}

/// `perennial bench tally`: the whole term-end work for tallies of 10^4 and 10^5 ballots.
struct BenchTally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Time the term-end work (partial decryptions, their proofs, combination, discrete logs); JSON lines.")
    @Option(help: "ristretto255, eg4096, belenios2048 or all.") var group = "all"
    @Option(name: .customLong("size"), help: "Ballots in the tally (repeatable).") var sizes: [Int] = [10_000, 100_000]

    func run() throws {
        for g in try BenchGroups.parse(group) { try BallotBench.tally(group: g, sizes: sizes) { print($0.json) } }
    }
}

enum BenchGroups {
    static func parse(_ text: String) throws -> [GroupName] {
        if text == "all" { return GroupName.allCases }
        do { return [try GroupName.named(text)] } catch { throw ValidationError("--group: \(error) (or all)") }
    }
}
