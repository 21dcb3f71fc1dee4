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

        func deliver(_ issued: Registrar.Issued, name: String) throws {
            guard let letters else { print(issued.letter); return }
            let dir = URL(fileURLWithPath: letters, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("\(name).txt")
            guard FileManager.default.createFile(atPath: file.path, contents: Data(issued.letter.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Refusal("Could not write the letter \(file.path).")
            }
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
            let issued = try Registrar(node: node.open()).enrol(person: person, birthday: birthday, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil)
            try letters.deliver(issued, name: "letter-\(issued.index)")
            if node.json { node.emit([], json: ["credential": issued.credential, "index": issued.index]) }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol citizens from a CSV file with the header person,birthday,eligible_from,eligible_until.",
            discussion: "Every line is checked first; if any line is wrong, nothing is enrolled and each bad line is listed.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var letters: Letters
        @Argument(help: "The CSV file.") var csv: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("Cannot read \(csv).") }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            guard lines.first?.replacingOccurrences(of: " ", with: "") == "person,birthday,eligible_from,eligible_until" else {
                throw ValidationError("The first line of \(csv) must be: person,birthday,eligible_from,eligible_until")
            }
            var rows: [(String, String, String?, String?)] = []
            var problems: [String] = []
            for (n, line) in lines.dropFirst().enumerated() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard f.count == 4, !f[0].isEmpty else { problems.append("line \(n + 2): expected 4 fields with a person reference"); continue }
                if (try? Birthday(iso: f[1])) == nil { problems.append("line \(n + 2): birthday \"\(f[1])\" is not MM-DD") }
                rows.append((f[0], f[1], f[2].isEmpty ? nil : f[2], f[3].isEmpty ? nil : f[3]))
            }
            guard problems.isEmpty else { throw Refusal("Nothing was enrolled. Fix these lines and try again: " + problems.joined(separator: "; ")) }
            let registrar = try Registrar(node: node.open())
            for (i, row) in rows.enumerated() {
                let issued = try registrar.enrol(person: row.0, birthday: row.1, eligibleFrom: row.2, eligibleUntil: row.3)
                try letters.deliver(issued, name: "letter-\(issued.index)")
                if i % 100 == 99 { FileHandle.standardError.write(Data("enrolled \(i + 1) of \(rows.count)\n".utf8)) }
            }
            node.emit(["Enrolled \(rows.count) citizens."], json: ["enrolled": rows.count])
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
            let index = try Registrar(node: node.open()).update(credential: credential, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil, reason: reason)
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
            let issued = try Registrar(node: node.open()).replace(credential: credential, date: date, reason: reason, person: person)
            try letters.deliver(issued, name: "letter-\(issued.index)")
            if node.json { node.emit([], json: ["credential": issued.credential, "index": issued.index]) }
        }
    }
}

