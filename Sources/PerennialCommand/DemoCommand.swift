import ArgumentParser
import BallotCore
import CivicCrypto
import Foundation
import Perennial
import PerennialDemo

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Simulate a whole term end to end, then export its public record.",
        discussion: """
            Prints the published result beside the ground truth the simulator kept, and exits 1 if they differ. \
            The record lands in OUT/record/ for `perennial-audit verify OUT/record`.
            """)
    @Option(help: "Number of citizens on the roll.") var citizens = 2_000
    @Option(help: "Length of the term in years.") var years = 6
    @Option(help: "Seed of the simulation (same seed, same term).") var seed: UInt64 = 2026
    @Option(help: "ristretto255, eg4096 or belenios2048.") var group = "ristretto255"
    @Option(help: "Output directory (its node/, trustees/ and record/ are replaced).") var out = "demo-data"
    @Option(help: "The proposals corpus to import into deliberation (skipped if the directory does not exist).") var proposals = "Proposals"
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: ArgumentHelp(
        "Instead of simulating a term, prepare a node to try the kiosk today: OUT/node, and credential letters in OUT/letters/.",
        discussion: "Then run `perennial-kiosk --data OUT/node` and type a code from a letter."))
    var kioskTrial = false
    @Flag(help: "Do not wait for the disk on each append (simulation only: a machine crash could lose entries).") var skipFsync = false

    func validate() throws {
        guard citizens >= 1, citizens <= 10_000_000 else { throw ValidationError("--citizens must be between 1 and 10,000,000.") }
        guard years >= 1, years <= 30 else { throw ValidationError("--years must be between 1 and 30.") }
        do { _ = try GroupName.named(group) } catch { throw ValidationError("--group: \(error)") }
    }

    func run() throws {
        if kioskTrial { return try runKioskTrial() }
        var options = DemoSimulator.Options(output: URL(fileURLWithPath: out, isDirectory: true))
        options.citizens = citizens
        options.years = years
        options.seed = seed
        options.group = GroupName(rawValue: group)!
        options.durability = skipFsync ? .simulation : .full
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: proposals, isDirectory: &isDirectory), isDirectory.boolValue {
            options.proposals = URL(fileURLWithPath: proposals, isDirectory: true)
        }
        let simulator = DemoSimulator(options: options) { FileHandle.standardError.write(Data("demo: \($0)\n".utf8)) }
        let summary = try simulator.run()
        let node = try Node(directory: options.output.appendingPathComponent("node"))
        let record = try node.exportPublicRecord(to: options.output.appendingPathComponent("record"))
        if json {
            let obj: [String: Any] = ["entries": summary.entries, "ballots_cast": summary.ballotsCast, "counted": summary.counted,
                                      "superseded": summary.superseded, "spoiled": summary.spoiled, "matches": summary.matches,
                                      "seconds": summary.seconds, "record_entries": record.entries]
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("Perennial demo — \(citizens) citizens, \(years) years, seed \(seed), group \(group)")
            print("  log: \(summary.entries) entries, \(summary.checkpoints) checkpoints; ballots cast \(summary.ballotsCast), counted \(summary.counted), superseded \(summary.superseded), challenged \(summary.spoiled)")
            if !summary.refused.isEmpty {
                print("  voters turned away (outside their window etc.): " + summary.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            print("  result (published, decrypted by trustees 1 and 3) vs ground truth:")
            for r in summary.result.results where r.year == nil {
                print("    \(r.contest):")
                for o in r.options {
                    let truth = summary.truth[r.contest]?[o.id] ?? 0
                    print("      \(o.label.padding(toLength: 26, withPad: " ", startingAt: 0)) \(String(o.count).leftPad(6))   truth \(String(truth).leftPad(6))  \(truth == o.count ? "ok" : "MISMATCH")\(o.withdrawn ? "  (withdrawn)" : "")")
                }
                print(r.tie ? "      tie: \(r.winners.joined(separator: ", "))" : "      winner: \(r.winners.first ?? "none")")
            }
            for line in summary.ledger?.lines ?? [] { print("  " + line) }
            print("  record exported to \(out)/record (\(record.entries) entries) in \(String(format: "%.1f", summary.seconds)) s")
            print(summary.matches ? "  RESULT MATCHES GROUND TRUTH" : "  RESULT DIFFERS FROM GROUND TRUTH")
        }
        if !summary.matches { throw Refusal("The published result differs from the simulator's ground truth.") }
    }
}

extension DemoCommand {
    /// `perennial demo --kiosk-trial`: a term open today, letters of citizens whose window is open.
    func runKioskTrial() throws {
        var options = KioskTrial.Options(output: URL(fileURLWithPath: out, isDirectory: true))
        options.group = GroupName(rawValue: group)!
        let summary = try KioskTrial(options: options).run()
        if json {
            let obj: [String: Any] = ["node": summary.node.path, "term": summary.term, "today": summary.today.iso,
                                      "letters": summary.letters.map { ["file": $0.file.path, "birthday": $0.birthday, "expect": $0.expect] }]
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("Kiosk trial — term \(summary.term), open today (\(summary.today.iso)), group \(group)")
        print("  node: \(summary.node.path)")
        print("  credential letters (secret codes; one per citizen):")
        for letter in summary.letters {
            print("    \(letter.file.lastPathComponent.padding(toLength: 30, withPad: " ", startingAt: 0)) birthday \(letter.birthday)  \(letter.expect)")
        }
        print("Open the kiosk:  perennial-kiosk --data \(summary.node.path)")
        print("(add --lang en for English, --plain for a screen reader; receipts go to \(summary.node.path)/receipts/)")
    }
}
