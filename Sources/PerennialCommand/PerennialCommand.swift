import ArgumentParser

/// `perennial` — the clerks' command line.
@main
struct PerennialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial",
        abstract: "Run a Perennial node: lifelong election, civic time ledger, deliberation.",
        subcommands: [Bench.self])
}
