import ArgumentParser
import AuditKit
import Foundation

/// `perennial-audit`: the observers' independent verifier of a Perennial public record.
///
/// Exit codes: 0 every check passed; 1 a check failed; 2 the record (or receipt, or arguments) could
/// not be used at all.
@main
struct PerennialAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial-audit",
        abstract: "Independently verify a Perennial public record, or a citizen's receipt.",
        discussion: "Exit status: 0 all checks pass, 1 a check failed, 2 the input cannot be read.",
        subcommands: [Verify.self, VerifyReceipt.self, Benchmark.self])

    /// Argument errors exit with 2, as every Perennial command does (swift-argument-parser would use 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the report as JSON instead of text.")
    var json = false
}

/// Prints a report and ends with its exit status.
func finish(_ report: Report, json: Bool) throws -> Never {
    print(json ? report.json.compactText : report.text, terminator: json ? "\n" : "")
    Foundation.exit(report.passed ? 0 : 1)
}

/// Prints an unreadable-input error and exits with 2.
func unreadable(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("perennial-audit: \(error)\n".utf8))
    Foundation.exit(2)
}

extension PerennialAudit {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a whole record directory (manifest.json, entries.jsonl, checkpoints.jsonl).")

        @Argument(help: "The exported record directory.")
        var recordDirectory: String

        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Incremental mode: resume from, and save to, this state file.")
        var state: String?

        @Option(name: .long, help: "Worker threads for signatures and proofs.")
        var workers: Int = 2

        @Flag(name: .long, help: "No progress lines on standard error.")
        var quiet = false

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        }

        func run() throws {
            let progress = quiet ? nil : ProgressPrinter().callback
            let options = VerifyOptions(workers: workers, statePath: state, progress: progress)
            do {
                try finish(Audit.verify(recordDirectory: recordDirectory, options: options), json: output.json)
            } catch let error as AuditError {
                unreadable(error)
            }
        }
    }

    struct VerifyReceipt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receipt",
            abstract: "Verify a receipt offline, and against a record when --record is given.")

        @Argument(help: "The receipt file (JSON).")
        var receiptFile: String

        @Option(name: .long, help: "The record directory to check the receipt against.")
        var record: String?

        @Option(name: .long, help: "A ballot's tracking code as printed by the kiosk (SPEC §2.6), checked against the receipt.")
        var code: String?

        @OptionGroup var output: OutputOptions

        func run() throws {
            do {
                try finish(ReceiptVerifier.verify(receiptPath: receiptFile, recordDirectory: record, code: code), json: output.json)
            } catch let error as AuditError {
                unreadable(error)
            }
        }
    }
}

extension PerennialAudit {
    struct Benchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Time a full verification of a record; print JSON lines (name, unit, value, floor, cores, group).")

        @Argument(help: "The exported record directory.")
        var recordDirectory: String

        @Option(name: .long, help: "Worker threads.")
        var workers: Int = 2

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        }

        func run() throws {
            do {
                let (report, figures) = try Bench.run(directory: recordDirectory, workers: workers)
                for f in figures { print(f.json.compactText) }
                if !report.passed {
                    FileHandle.standardError.write(Data("perennial-audit: the record does not verify (\(report.failedIDs.joined(separator: ", ")))\n".utf8))
                    Foundation.exit(1)
                }
            } catch {
                unreadable(error)
            }
        }
    }
}

/// Prints "verified n/N entries" on standard error at most every two seconds, once a run is long.
final class ProgressPrinter: Sendable {
    private let start = Date()
    private let last = LockedDate()

    var callback: @Sendable (UInt64, UInt64) -> Void {
        { [self] done, total in
            let now = Date()
            guard now.timeIntervalSince(start) >= 2, last.swapIfOlder(than: 2, now: now) else { return }
            FileHandle.standardError.write(Data("perennial-audit: verified \(done)/\(total) entries\n".utf8))
        }
    }
}

/// The time of the last progress line, behind a lock.
final class LockedDate: @unchecked Sendable {
    private var date = Date.distantPast
    private let lock = NSLock()
    func swapIfOlder(than seconds: TimeInterval, now: Date) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard now.timeIntervalSince(date) >= seconds else { return false }
        date = now
        return true
    }
}
