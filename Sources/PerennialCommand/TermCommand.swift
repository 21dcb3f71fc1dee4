import ArgumentParser
import BallotCore
import CivicCrypto
import Foundation
import Perennial

struct TermCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "term", abstract: "Set up a term and see where it stands.",
        subcommands: [Setup.self, Status.self, PublishKey.self])

    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the node and write the term's first entry (term.setup), signed by the officer.",
            discussion: """
                Each trustee first runs `perennial trustee key --trustee-dir DIR` on its own machine and gives \
                you the public key it prints; pass them in trustee order with --trustee-key.
                """)
        @OptionGroup var node: NodeOptions
        @Option(help: "The log origin, e.g. perennial.example/nancy-2026 (names the public record).") var origin: String
        @Option(help: "The term id, e.g. nancy-2026.") var term: String
        @Option(help: "The term's title as voters see it.") var title: String
        @Option(help: "IANA time zone for every calendar rule, e.g. Europe/Paris.") var timeZone: String
        @Option(help: "First day of the term (YYYY-MM-DD, inclusive).") var start: String
        @Option(help: "Day after the term (YYYY-MM-DD, exclusive).") var end: String
        @Option(help: "Length of each birthday voting window, in days (1–31).") var windowDays = 7
        @Option(help: "For 29 February birthdays in common years: feb28 or mar1.") var leapDay = "feb28"
        @Option(help: "ristretto255 (default, fast) or eg4096 / belenios2048 (classic finite-field Schnorr groups).") var group = "ristretto255"
        @Option(help: "Number of trustees n.") var trustees: Int
        @Option(help: "Trustees needed to decrypt, t (1 ≤ t ≤ n).") var threshold: Int
        @Option(name: .customLong("trustee-key"), help: "A trustee's public key in hex, once per trustee, in order.") var trusteeKeys: [String] = []
        @Flag(help: "Also publish per-year totals at term end.") var perYearResults = false
        @Flag(help: ArgumentHelp(
            "Create a simulation node: its clock may be set by hand (--at) and its record says it is a simulation.",
            discussion: "A real term's node refuses --at and --now; this choice cannot be changed later."))
        var simulation = false

        func validate() throws {
            guard LeapDayPolicy(rawValue: leapDay) != nil else { throw ValidationError("--leap-day must be feb28 or mar1.") }
            do { _ = try GroupName.named(group) } catch { throw ValidationError("--group: \(error)") }
            guard trusteeKeys.count == trustees else {
                throw ValidationError("Give exactly one --trustee-key per trustee (\(trustees)); you gave \(trusteeKeys.count).")
            }
        }

        func run() throws {
            let clock = try node.clock()
            if clock != nil && !simulation {
                throw ValidationError("--at is for simulations only: add --simulation to create a simulation node.")
            }
            let n = try Node.setUp(directory: node.directory, origin: origin, simulation: simulation, clock: clock) { officer, registrar in
                try TermSetupService.makeSetup(
                    term: term, title: title, timeZone: timeZone, start: start, end: end, windowDays: windowDays,
                    leapDay: LeapDayPolicy(rawValue: leapDay)!, group: GroupName(rawValue: group)!,
                    trustees: TrusteeCount(n: trustees, t: threshold), trusteeKeys: trusteeKeys,
                    officer: officer, registrar: registrar, perYearResults: perYearResults, simulation: simulation)
            }
            node.emit(["Term \(term) set up in \(node.data) (entry 0)\(simulation ? ", as a simulation" : "").",
                       "Next: each trustee runs `perennial trustee commit`."],
                      json: ["term": term, "index": 0, "origin": n.origin, "simulation": simulation])
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the term, its phase and its counts (never a running tally).")
        @OptionGroup var node: NodeOptions
        func run() throws {
            let n = try node.open()
            let e = try n.requireElection()
            let s = e.statistics
            let setup = e.setup!
            node.emit([
                "Term \(setup.term): \(setup.title)",
                "  \(setup.start) → \(setup.end) (\(setup.timeZone)), windows of \(setup.windowDays) days, group \(setup.group)",
                "  phase: \(e.phase.rawValue); trustees ready: \(e.readyTrustees.count)/\(setup.trustees.n) (threshold \(setup.trustees.t))",
                "  roll: \(s.rollSize) credentials; ballots counted: \(s.counted), superseded: \(s.superseded), challenged: \(s.spoiled)",
                "  contests: " + e.contests.contestIDs.map { "\($0) v\(e.contests.current($0)!.version)" }.joined(separator: ", "),
                "  log: \(try n.store.size()) entries",
            ], json: ["term": setup.term, "phase": e.phase.rawValue, "roll": s.rollSize, "counted": s.counted,
                      "superseded": s.superseded, "spoiled": s.spoiled, "entries": try n.store.size()])
        }
    }

    struct PublishKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-key", abstract: "Publish the election key once every trustee is ready (opens voting).")
        @OptionGroup var node: NodeOptions
        func run() throws {
            let n = try node.open()
            let e = try n.requireElection()
            let entry = try n.submit(payload: e.electionKeyPayload().payloadBytes(record: n.origin, term: e.setup!.term), signer: n.key("officer"))
            node.emit(["Election key published (entry \(entry.index)). Voting opens on each citizen's birthday."], json: ["index": entry.index])
        }
    }
}
