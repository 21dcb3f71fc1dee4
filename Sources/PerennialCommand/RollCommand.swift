import ArgumentParser
import BallotCore
import Foundation
import Perennial

struct RollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roll", abstract: "Keep the roll: enrol citizens, update eligibility, replace lost cards.",
        discussion: "The public roll holds only credential keys, birthdays and eligibility dates — never names.",
        subcommands: [Enrol.self, Import.self, Update.self, Replace.self])

    struct Letters: ParsableArguments {
        @Option(help: "Write each credential letter into this directory (otherwise the letter is printed).") var letters: String?

        var directory: URL? { letters.map { URL(fileURLWithPath: $0, isDirectory: true) } }

        /// Checked before anything is enrolled: the letters' directory exists (or is created) and is writable.
        func check() throws {
            if let directory { try AtomicFile.requireWritableDirectory(directory) }
        }

        /// Writes each letter whole, after its entry is durable (see ``Registrar/fileLetters(_:in:)``).
        /// - Returns: the files written (none when the letters are printed).
        @discardableResult
        func deliver(_ issued: [Registrar.Issued], print printing: Bool = true) throws -> [String] {
            guard let directory else {
                if printing { issued.forEach { print($0.letter) } }
                return []
            }
            return try Registrar.fileLetters(issued, in: directory)
        }
    }

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol one citizen and print (or file) their credential letter.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var letters: Letters
        @Option(help: "The registrar's own reference for the person (kept privately, never logged).") var person: String
        @Option(help: "Birthday as MM-DD.") var birthday: String
        @Option(help: "First day of eligibility (YYYY-MM-DD), e.g. the 18th birthday.") var eligibleFrom: String?
        @Option(help: "Day eligibility ends (YYYY-MM-DD, exclusive).") var eligibleUntil: String?
        func run() throws {
            try letters.check()
            let issued = try Registrar(node: node.open(throughServer: true)).enrol(person: person, birthday: birthday, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil)
            // With --json the output is one JSON object: the letter (if not filed) is inside it.
            let files = try letters.deliver([issued], print: !node.json)
            if node.json {
                var object: [String: Any] = ["credential": issued.credential, "index": issued.index, "person": issued.person]
                if let file = files.first { object["letter_file"] = file } else { object["letter"] = issued.letter }
                node.emit([], json: object)
            } else if let file = files.first {
                print("Enrolled \(issued.person) (entry \(issued.index)); letter written to \(file).")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol citizens from a CSV file with the header person,birthday,eligible_from,eligible_until.",
            discussion: """
                The whole file is checked first (UTF-8, quoted fields as in any CSV, every date, no person twice in \
                the file or already on the roll); if any line is wrong, nothing is enrolled and each bad line is \
                listed with its line number. Then every citizen is enrolled in one transaction, and the letters \
                (each naming the person reference) are written once the entries are safely stored.
                """)
        @OptionGroup var node: NodeOptions
        @OptionGroup var letters: Letters
        @Argument(help: "The CSV file.") var csv: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: csv) else {
                throw Refusal("Cannot read \(csv): check the file name and its permissions. Nothing was enrolled.")
            }
            let file = try RollImport(data: data, name: csv)
            try letters.check()
            let registrar = try Registrar(node: node.open(throughServer: true))
            let started = DispatchTime.now().uptimeNanoseconds
            // With a letters directory the letters are written while the log writes the roll.
            let (issued, _) = try registrar.enrolAll(file.rows, lettersIn: letters.directory)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if letters.directory == nil { try letters.deliver(issued, print: !node.json) }
            let rate = Int((Double(issued.count) / Swift.max(seconds, 1e-6)).rounded())
            node.emit(["Enrolled \(issued.count) citizens (\(rate) per second)."], json: ["enrolled": issued.count, "per_second": rate])
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a credential's eligibility dates (moving in or out, death, coming of age).")
        @OptionGroup var node: NodeOptions
        @Option(help: "The credential's public key (hex).") var credential: String
        @Option(help: "New first day of eligibility, or omit for none.") var eligibleFrom: String?
        @Option(help: "New end of eligibility (exclusive), or omit for none.") var eligibleUntil: String?
        @Option(help: "coming-of-age, moved-in, moved-out, death or correction.") var reason: String
        func run() throws {
            let index = try Registrar(node: node.open(throughServer: true)).update(credential: credential, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil, reason: reason)
            node.emit(["Eligibility updated (entry \(index)). Ballots already cast keep counting."], json: ["index": index])
        }
    }

    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a lost, stolen or damaged card with a new credential.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var letters: Letters
        @Option(help: "The old credential's public key (hex).") var credential: String
        @Option(help: "The day the old card stops working (YYYY-MM-DD).") var date: String
        @Option(help: "lost, stolen or damaged.") var reason = "lost"
        @Option(help: "The registrar's own reference for the person.") var person: String
        func run() throws {
            try letters.check()
            let issued = try Registrar(node: node.open(throughServer: true)).replace(credential: credential, date: date, reason: reason, person: person)
            let files = try letters.deliver([issued], print: !node.json)
            if node.json {
                var object: [String: Any] = ["credential": issued.credential, "index": issued.index, "person": issued.person]
                if let file = files.first { object["letter_file"] = file } else { object["letter"] = issued.letter }
                node.emit([], json: object)
            }
        }
    }
}

