import ArgumentParser
import Foundation
import Perennial
import PerennialBench

/// `perennial bench node`: node open and answer times by log size (registered under `bench`).
struct BenchNode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Measure opening a node (cold and from its snapshot), term status, a ledger statement, a ballot cast and roll import, by log size.",
        discussion: "Prints one JSON object per line. Exit code 0 on success, 1 if a node failed.")

    @Option(help: "Log sizes to build and measure, comma-separated.")
    var sizes = "10000,100000"

    @Option(help: "At most this many ballots per node (building one costs milliseconds).")
    var maxBallots = 2_000

    @Flag(help: "Keep the nodes built (in --directory, as node-SIZE) to look at them afterwards.")
    var keep = false

    @Option(help: "Working directory (default: the system's temporary directory).")
    var directory: String?

    func run() throws {
        let list = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 >= 2 }) else { throw ValidationError("--sizes takes sizes of at least 2, e.g. 10000,100000.") }
        let dir = directory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        try NodeBench.run(sizes: list, directory: dir, maxBallots: maxBallots, keep: keep) { FileHandle.standardOutput.write(Data(($0.json + "\n").utf8)) }
    }
}
