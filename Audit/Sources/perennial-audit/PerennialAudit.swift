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
        subcommands: [Verify.self, Follow.self, VerifyReceipt.self, Benchmark.self])

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

/// The verifier's clock for `LOG-10` (SPEC.md §4.2), in ms since 1970 UTC: `fixed` (`--now`), or this
/// machine's clock read at each check.
func clock(_ fixed: UInt64?) -> @Sendable () -> UInt64 {
    if let fixed { return { fixed } }
    return { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
}

/// Prints a report and ends with its exit status.
func finish(_ report: Report, json: Bool) throws -> Never {
    print(json ? report.json.compactText : report.text, terminator: json ? "\n" : "")
    Foundation.exit(report.passed ? 0 : 1)
}

/// Prints a board that contradicts itself (tiles against its signed checkpoint) and exits with 1.
func failed(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("perennial-audit: FAIL: \(error)\n".utf8))
    Foundation.exit(1)
}

/// Prints an unreadable-input error and exits with 2.
func unreadable(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("perennial-audit: \(error)\n".utf8))
    Foundation.exit(2)
}

extension PerennialAudit {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a whole record: a directory (manifest.json, entries.jsonl, checkpoints.jsonl) or a bulletin board URL (C2SP tiles).")

        @Argument(help: "The exported record directory, or the http(s) URL of a bulletin board.")
        var recordDirectory: String

        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Incremental mode: resume from, and save to, this state file.")
        var state: String?

        @Option(name: .long, help: "Worker threads for signatures and proofs.")
        var workers: Int = 2

        @Flag(name: .long, help: "No progress lines on standard error.")
        var quiet = false

        @Option(name: .long, help: "Pin the log's C2SP verifier key (origin+keyhash+base64, as published in term.setup): any other key fails.")
        var logKey: String?

        @Flag(name: .long, help: "For a board URL: also check its tracking-code index (trackers/) against the record (BRD-1).")
        var index = false

        @Option(name: .long, help: "The verifier's clock for LOG-10, in ms since 1970 UTC (to reproduce an earlier report); default: this machine's clock.")
        var now: UInt64?

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
            if let logKey, Checkpoint.parseVerifierKey(logKey) == nil {
                throw ValidationError("--log-key must be a verifier key string origin+keyhash+base64 (e.g. the log_key of term.setup)")
            }
        }

        func run() throws {
            let progress = quiet ? nil : ProgressPrinter().callback
            let options = VerifyOptions(workers: workers, statePath: state, progress: progress, pinnedLogKey: logKey, now: clock(now))
            if index && !HTTPSource.isURL(recordDirectory) {
                throw ValidationError("--index checks a board's trackers/ index: give the board's URL")
            }
            if HTTPSource.isURL(recordDirectory) {
                guard state == nil else {
                    throw ValidationError("--state is for a record directory; to keep up with a board, use perennial-audit follow URL --state FILE")
                }
                do {
                    try finish(RemoteBoard.verify(url: recordDirectory, options: options, checkIndex: index), json: output.json)
                } catch let error as AuditError {
                    if error.isUnreadable { unreadable(error) }
                    failed(error)
                }
            }
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

extension PerennialAudit {
    struct Follow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow a live bulletin board: check each new checkpoint's consistency with the last one seen, verify new entries incrementally.",
            discussion: """
            Each round reads the board's checkpoint, verifies its signature under the pinned log key (--log-key, or the one \
            saved in the state file, or on the first round the board's own), proves it consistent with the last checkpoint \
            seen (from the tiles), mirrors the new entries into FILE.record/ and verifies them (state in FILE.audit). A fork or a \
            rollback is the gravest failure: both checkpoints are printed so they can be shown to others. Exit status: 0 after \
            --rounds rounds that verified, 1 a failure, 2 the board cannot be read.
            """)

        @Argument(help: "The http(s) URL of the bulletin board.")
        var url: String

        @Option(name: .long, help: "The follower's state file (created on the first round).")
        var state: String

        @Option(name: .long, help: "Pin the log's C2SP verifier key (origin+keyhash+base64).")
        var logKey: String?

        @Option(name: .long, help: "Seconds between rounds.")
        var interval: Double = 60

        @Option(name: .long, help: "Stop after this many rounds (0: keep going).")
        var rounds: Int = 0

        @Option(name: .long, help: "Worker threads for signatures and proofs.")
        var workers: Int = 2

        @Option(name: .long, help: "The verifier's clock for LOG-10, in ms since 1970 UTC (for tests and reproductions); default: this machine's clock, read each round.")
        var now: UInt64?

        func validate() throws {
            guard HTTPSource.isURL(url) else { throw ValidationError("follow needs the http(s) URL of a bulletin board; for a directory use verify DIR --state FILE") }
            guard interval >= 0, rounds >= 0, workers >= 1 else { throw ValidationError("--interval and --rounds must not be negative, --workers at least 1") }
            if let logKey, Checkpoint.parseVerifierKey(logKey) == nil {
                throw ValidationError("--log-key must be a verifier key string origin+keyhash+base64 (e.g. the log_key of term.setup)")
            }
        }

        func run() throws {
            let follower: Follower
            do {
                follower = try Follower(url: url, statePath: state, logKey: logKey, options: VerifyOptions(workers: workers, now: clock(now)))
            } catch {
                unreadable(error)
            }
            var round = 0
            while true {
                round += 1
                let outcome: Follower.Outcome
                do {
                    outcome = try follower.round()
                } catch {
                    if error.isUnreadable { unreadable(error) }
                    failed(error)
                }
                report(outcome, first: follower.firstRound)
                if rounds > 0 && round >= rounds { break }
                Thread.sleep(forTimeInterval: interval)
            }
        }

        func report(_ outcome: Follower.Outcome, first: Bool) {
            switch outcome {
            case .verified(let report, let checkpoint):
                if !report.passed {
                    print(report.text, terminator: "")
                    Foundation.exit(1)
                }
                let consistency = first ? "the first one seen, signature verified" : "consistent with the last one seen"
                print("checkpoint of size \(checkpoint.size) (root \(Base64.encode(checkpoint.root)), time \(checkpoint.time)): \(consistency); record verified: PASS")
            case .unchanged(let checkpoint):
                print("checkpoint of size \(checkpoint.size): unchanged")
            case .inconsistent(let kind, let seen, let served, let reason):
                print("GRAVEST FAILURE: \(kind): \(reason).")
                print("Show both signed checkpoints to others: the log key signed them both.")
                print("\nCheckpoint seen before:\n\(seen)\nCheckpoint served now:\n\(served)", terminator: "")
                FileHandle.standardError.write(Data("perennial-audit: GRAVEST FAILURE: \(kind): \(reason)\n".utf8))
                Foundation.exit(1)
            }
        }
    }
}
