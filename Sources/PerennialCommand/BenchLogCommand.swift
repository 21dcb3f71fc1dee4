import ArgumentParser
import Foundation
import Perennial
import PerennialBench

/// `perennial bench log`: civic-log figures as JSON lines (registered under `bench`).
struct BenchLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Measure the civic log: durable appends, batches, proofs at 10^6 entries, export, import, storage.",
        discussion: "Prints one JSON object per line: {\"name\":…,\"unit\":…,\"value\":…,\"cores\":…}. Exit code 0 on success, 1 if the log failed.")

    @Option(help: "Entries in the big log used for proofs and export.")
    var entries: Int = 1_000_000

    @Option(help: "Entries in the record imported for the import figure (at most --entries).")
    var importEntries: Int = 100_000

    @Option(help: "Single durable appends to time.")
    var durableAppends: Int = 500

    @Option(help: "Working directory (default: a fresh temporary directory).")
    var directory: String?

    @Flag(help: "Keep the working directory afterwards.")
    var keep = false

    func validate() throws {
        guard entries >= 2 else { throw ValidationError("--entries must be at least 2.") }
        guard (1...entries).contains(importEntries) else { throw ValidationError("--import-entries must be between 1 and --entries.") }
        guard durableAppends >= 1 else { throw ValidationError("--durable-appends must be at least 1.") }
    }

    func run() throws {
        var options = LogBench.Options()
        options.entries = entries
        options.importEntries = importEntries
        options.durableAppends = durableAppends
        options.directory = directory.map { URL(fileURLWithPath: $0) }
        options.keep = keep
        try LogBench.run(options) { figure in
            FileHandle.standardOutput.write(Data((figure.jsonLine + "\n").utf8))
        }
    }
}
