import ArgumentParser
import BallotCore
import Deliberation
import Foundation
import Perennial

struct ContestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contest", abstract: "Declare contests; declare and withdraw candidates during the term.",
        discussion: "Every change makes a new contest version; ballots are cast on the version in force at their time.",
        subcommands: [Declare.self, Referendum.self, AddOption.self, Withdraw.self, Show.self])

    static func submit(_ node: NodeOptions, _ version: ContestVersion) throws {
        let n = try node.open(throughServer: true)
        let e = try n.requireElection()
        guard let setup = e.setup, let calendar = e.calendar else { throw Refusal("No term is set up in this node yet. Run `perennial term setup` first.") }
        let now = Date(timeIntervalSince1970: Double(n.clock.nowMilliseconds()) / 1000)
        guard now < calendar.termEndInstant else {
            throw Refusal("The term ended on \(setup.end): its contests can no longer change. Close the term (perennial close) and count it.")
        }
        if let year = version.year {
            let last = lastWindowNumber(calendar)
            guard (1...last).contains(year) else {
                throw Refusal("--year \(year) is not a window number of this term: its ballots are numbered 1 to \(last) (term year 1 begins \(setup.start)).")
            }
        }
        let entry = try n.submit(payload: version.payloadBytes(record: n.origin, term: e.setup!.term), signer: n.key("officer"))
        node.emit(["Contest \(version.contest) is now at version \(version.version) (entry \(entry.index)): "
                   + version.options.map { "\($0.id) = \($0.label)" }.joined(separator: ", ")],
                  json: ["contest": version.contest, "version": version.version, "index": entry.index])
    }

    /// The highest window number any birthday has in this term (SPEC §4.3: usually the number of term
    /// years; one more for 29 February under `mar1` in some terms).
    static func lastWindowNumber(_ calendar: TermCalendar) -> Int {
        var last = 0
        for month in 1...12 {
            for day in 1...31 {
                guard let birthday = try? Birthday(month: month, day: day) else { continue }
                last = Swift.max(last, calendar.windows(for: birthday).last?.number ?? 0)
            }
        }
        return last
    }

    static func current(_ node: NodeOptions, _ contest: String) throws -> ContestVersion {
        guard let v = try node.open().requireElection().contests.current(contest) else {
            throw Refusal("There is no contest \"\(contest)\". Declare it first with `perennial contest declare`.")
        }
        return v
    }

    struct Declare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Declare a new contest (the office, or a referendum for one year).")
        @OptionGroup var node: NodeOptions
        @Option(help: "Contest id, e.g. maire.") var contest: String
        @Option(help: "Title as voters read it.") var title: String
        @Option(help: "The title in English, for kiosks showing English screens.") var titleEn: String?
        @Option(name: .customLong("option"), help: "An option as id=label or id=label|English label, in ballot order; include blank=… for the blank vote.")
        var options: [String] = []
        @Option(help: "For a referendum: the window number (term year) whose ballots carry it.") var year: Int?
        @Option(help: "Fewest choices a voter makes.") var min = 1
        @Option(help: "Most choices a voter makes.") var max = 1

        func run() throws {
            let parsed = try options.map { text -> ContestOption in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--option must look like id=Label, got \"\(text)\".") }
                let labels = parts[1].split(separator: "|", maxSplits: 1).map(String.init)
                return ContestOption(id: parts[0], label: labels.first ?? "", labelEn: labels.count > 1 ? labels[1] : nil)
            }
            try ContestCommand.submit(node, ContestVersion(contest: contest, version: 1, title: title, titleEn: titleEn, year: year, options: parsed, min: min, max: max))
        }
    }

    struct AddOption: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-candidate", abstract: "Declare a new candidate (a new contest version).")
        @OptionGroup var node: NodeOptions
        @Option(help: "Contest id.") var contest: String
        @Option(help: "The candidate's option id.") var id: String
        @Option(help: "The candidate's name as voters read it.") var label: String
        @Option(help: "The label in English, if it differs.") var labelEn: String?
        func run() throws {
            var v = try ContestCommand.current(node, contest)
            v.version += 1
            let blankAt = v.options.firstIndex { $0.id == ContestOption.blankID } ?? v.options.count
            v.options.insert(ContestOption(id: id, label: label, labelEn: labelEn), at: blankAt)
            try ContestCommand.submit(node, v)
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a candidate (votes already cast for them are still reported).")
        @OptionGroup var node: NodeOptions
        @Option(help: "Contest id.") var contest: String
        @Option(help: "The candidate's option id.") var id: String
        func run() throws {
            var v = try ContestCommand.current(node, contest)
            guard v.options.contains(where: { $0.id == id }) else { throw Refusal("Contest \(contest) has no option \"\(id)\" in its current version.") }
            v.version += 1
            v.options.removeAll { $0.id == id }
            v.max = Swift.min(v.max, v.options.count)
            v.min = Swift.min(v.min, v.max)
            try ContestCommand.submit(node, v)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the contests and their current versions.")
        @OptionGroup var node: NodeOptions
        func run() throws {
            let e = try node.open().requireElection()
            for id in e.contests.contestIDs {
                let v = e.contests.current(id)!
                print("\(id) v\(v.version)\(v.year.map { " (year \($0))" } ?? ""): \(v.title)")
                for o in v.options { print("  \(o.id): \(o.label)") }
            }
        }
    }

    struct Referendum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a proposal that deliberation sent to the ballot (on-ballot YEAR) to the vote as a referendum contest.",
            discussion: "The contest names the exact version put to the vote by its hash; it is on the ballots of one window number (term year).")
        @OptionGroup var node: NodeOptions
        @Option(help: "The proposal id.") var proposal: String
        @Option(help: "The window number (term year) whose ballots carry it; by default the term year in which the on-ballot year begins.")
        var window: Int?

        func run() throws {
            let n = try node.open()
            let e = try n.requireElection()
            let q = try n.deliberation().state.referendum(try ProposalID(proposal))
            let start = try LocalDate(iso: e.setup!.start)
            // Term year k runs from start + (k−1) years; it contains 1 January of year Y when
            // k = Y − start.year (+1 if the term starts on 1 January).
            guard window != nil || q.year >= start.year else { throw Refusal("The ballot year \(q.year) is before the term; give --window.") }
            let k = window ?? max(1, q.year - start.year + (start.month == 1 && start.day == 1 ? 1 : 0))
            try ContestCommand.submit(node, ContestVersion(contest: q.contest, version: 1, title: q.title, year: k,
                                                           options: q.options.map { ContestOption(id: $0.id, label: $0.label) }, min: 1, max: 1))
        }
    }
}
