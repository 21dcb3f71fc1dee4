import ArgumentParser
import BallotCore
import CivicCrypto
import CivicLog
import Deliberation
import Foundation
import Perennial

/// `perennial` — the clerks' command line.
///
/// Exit codes: 0 success; 1 a refused or failed operation (one line on stderr saying why and what to
/// do); 2 unusable arguments or input.
@main
struct PerennialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial",
        abstract: "Run a Perennial node: the lifelong election, the civic time ledger and deliberation.",
        discussion: """
            Every act is an entry in one signed, append-only Merkle log kept in the node's data directory \
            (--data, default perennial-data/). Export the public record with `perennial export` and check it \
            with the independent `perennial-audit`.
            """,
        subcommands: [
            TermCommand.self, TrusteeCommand.self, RollCommand.self, ContestCommand.self, BallotCommand.self,
            CloseCommand.self, TallyCommand.self, CheckpointCommand.self, ExportCommand.self, ReceiptCommand.self,
            LedgerCommand.self, ProposalCommand.self, DemoCommand.self, Bench.self,
            KioskCommand.self,
            ServeCommand.self,
        ])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withReport: error)
        }
    }

    /// Reports `error` the documented way (see ``ErrorReport``) and exits.
    static func exit(withReport error: Error) -> Never {
        let outcome = ErrorReport.outcome(for: error)
        if outcome.toStdout {
            print(outcome.message)
        } else {
            FileHandle.standardError.write(Data((outcome.message + "\n").utf8))
        }
        Foundation.exit(outcome.code)
    }
}
