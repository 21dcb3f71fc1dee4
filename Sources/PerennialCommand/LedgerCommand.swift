import ArgumentParser
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import Perennial

/// `perennial ledger …` — the civic time ledger (SPEC §5): organisations, contributions, reversals,
/// statements. Register it in ``PerennialCommand``'s subcommands as `LedgerCommand.self`.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The civic time ledger: hours given to the city, attested, receipted and stated.",
        discussion: """
            The officer sets the time-tax settings and accredits organisations; an organisation attests the time a \
            citizen account gave (one entry or a CSV batch), signing with its own key file; a mistake is corrected \
            by a reversal. Accounts are pseudonymous ids (e.g. 7K3M-2Q9D-XW4T-HB6R): never a name.
            """,
        subcommands: [Settings.self, Accredit.self, Suspend.self, OrgKey.self, Attest.self, Reverse.self, Import.self,
                      Statement.self, Totals.self, NewAccount.self])

    /// Runs `body`, turning ledger refusals into the command line's one-line refusals (exit 1).
    static func refusing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LedgerError { throw Refusal(error.description) }
    }

    /// The organisation key file and its passphrase.
    struct OrgKeyOptions: ParsableArguments {
        @Option(help: "The organisation's key file (from `perennial ledger org-key`).") var keyFile: String
        @OptionGroup var passphrase: PassphraseOptions

        /// The key file alone (its public key is in clear): no passphrase needed.
        func file() throws -> OrganisationKeyFile {
            try refusing { try OrganisationKeyFile.read(from: URL(fileURLWithPath: keyFile)) }
        }

        func open() throws -> (OrganisationKeyFile, Ed25519.SigningKey) {
            try refusing {
                let file = try OrganisationKeyFile.read(from: URL(fileURLWithPath: keyFile))
                return (file, try file.signingKey(passphrase: try passphrase.passphrase()))
            }
        }
    }

    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the time tax from a date on (officer): yearly obligation, value of an hour, daily cap.",
            discussion: "A year's statement uses the settings in force on its 1 January; the caps apply to the day of each contribution.")
        @OptionGroup var node: NodeOptions
        @Option(help: "First day the settings apply to (YYYY-MM-DD).") var from: String
        @Option(help: "Hours each account owes per calendar year.") var obligationHours: Int
        @Option(help: "Value of an hour in cents (the currency's minor unit).") var hourValue: Int
        @Option(help: "ISO 4217 currency code.") var currency: String = "EUR"
        @Option(help: "Most minutes an account may give in one local day.") var dailyCapMinutes: Int = 720
        @Option(help: "Most minutes one contribution may last.") var maxMinutes: Int = 720
        func run() throws {
            let n = try node.open()
            let entry = try refusing {
                try n.submitLedger(LedgerSettings(from: from, obligationHours: obligationHours, hourValueMinor: hourValue, currency: currency,
                                                  dailyCapMinutes: dailyCapMinutes, maxMinutes: maxMinutes), signer: try n.key("officer"))
            }
            node.emit(["Settings from \(from) recorded as entry \(entry.index)."], json: ["index": entry.index])
        }
    }

    struct Accredit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accredit an organisation (officer): its key, activity categories and validity dates.",
            discussion: "Accrediting an organisation again replaces its accreditation from the new start date (new key, categories or end).")
        @OptionGroup var node: NodeOptions
        @Option(help: "The organisation's id (lowercase letters, digits, hyphens).") var org: String
        @Option(help: "Its public name.") var name: String
        @Option(help: "Its public key (hex), or use --public-key-file.") var key: String?
        @Option(help: "Its key file (only the public key is read).") var publicKeyFile: String?
        @Option(name: .customLong("category"), help: "An activity category it may attest (repeat the option).") var categories: [String]
        @Option(help: "First day of accreditation (YYYY-MM-DD).") var from: String
        @Option(help: "Day the accreditation ends (exclusive), or omit.") var until: String?
        func validate() throws {
            guard (key == nil) != (publicKeyFile == nil) else { throw ValidationError("Give the organisation's key with --key or --public-key-file (one of them).") }
            guard !categories.isEmpty else { throw ValidationError("Give at least one --category.") }
        }
        func run() throws {
            let n = try node.open()
            let entry = try refusing {
                let hex = try key ?? OrganisationKeyFile.read(from: URL(fileURLWithPath: publicKeyFile!)).publicKey
                let sorted = Array(Set(categories)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                return try n.submitLedger(Accreditation(org: org, name: name, key: hex.lowercased(), categories: sorted, validFrom: from, validUntil: until),
                                          signer: try n.key("officer"))
            }
            node.emit(["\(org) accredited from \(from)\(until.map { " until \($0)" } ?? "") (entry \(entry.index))."], json: ["index": entry.index])
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend an organisation (officer): it may not attest time on these dates.")
        @OptionGroup var node: NodeOptions
        @Option(help: "The organisation's id.") var org: String
        @Option(help: "First suspended day (YYYY-MM-DD).") var from: String
        @Option(help: "Day the suspension ends (exclusive), or omit for until further notice.") var until: String?
        @Option(help: "Why (public).") var reason: String
        func run() throws {
            let n = try node.open()
            let entry = try refusing { try n.submitLedger(Suspension(org: org, from: from, until: until, reason: reason), signer: try n.key("officer")) }
            node.emit(["\(org) suspended from \(from) (entry \(entry.index))."], json: ["index": entry.index])
        }
    }

    struct OrgKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org-key", abstract: "Create an organisation's signing key in its own file, sealed under its passphrase.",
            discussion: "Give the printed public key (or the file) to the officer for `perennial ledger accredit`. The secret never leaves the file unsealed.")
        @Option(help: "The organisation's id.") var org: String
        @Option(help: "The key file to create (never overwritten).") var out: String
        @OptionGroup var passphrase: PassphraseOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let file = try refusing {
                let (file, _) = try OrganisationKeyFile.generate(org: org, passphrase: try passphrase.passphrase())
                try file.write(to: URL(fileURLWithPath: out))
                return file
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: ["org": org, "public_key": file.publicKey, "file": out], options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("Key of \(org) written to \(out) (sealed). Public key: \(file.publicKey)")
            }
        }
    }

    struct Attest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attest that a citizen account gave time (organisation) and print the citizen's receipt.",
            discussion: "Give --end (on the next day when not after --start) or --minutes. Times are local to the term's time zone.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var key: OrgKeyOptions
        @Option(help: "The citizen's account id (as on their card).") var account: String
        @Option(help: "The activity category.") var category: String
        @Option(help: "The day the time started (YYYY-MM-DD).") var date: String
        @Option(help: "Start time HH:MM.") var start: String
        @Option(help: "End time HH:MM.") var end: String?
        @Option(help: "Length in minutes (instead of --end).") var minutes: Int?
        @Option(help: "What was done (public; no names).") var description: String = ""
        @Option(help: "The organisation's own reference for this attestation (unique).") var attestation: String
        @Option(help: "Also write the receipt to this file.") var receipt: String?
        func validate() throws {
            guard (end == nil) != (minutes == nil) else { throw ValidationError("Give --end or --minutes (one of them).") }
        }
        func run() throws {
            let n = try node.open()
            let (file, signer) = try key.open()
            let (entry, r) = try refusing {
                let id = try AccountID(parsing: account)
                let entry = try n.submitLedger(Contribution(org: file.org, attestation: attestation, account: id.text, category: category, date: date,
                                                            start: start, end: end, minutes: minutes, description: description), signer: signer)
                return (entry, try n.ledgerReceipt(index: Int(entry.index), tracker: "\(file.org):\(attestation)"))
            }
            if let receipt {
                guard FileManager.default.createFile(atPath: receipt, contents: Data((r.json() + "\n").utf8)) else { throw Refusal("Could not write \(receipt).") }
            }
            if node.json { print(r.json()) } else {
                print("Recorded as entry \(entry.index). The citizen's receipt:")
                print(r.json())
            }
        }
    }

    struct Reverse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reverse a contribution (the attesting organisation, or the officer without --key-file).",
            discussion: "Nothing is deleted: the reversal is a new entry; the contribution stays in the log and stops counting.")
        @OptionGroup var node: NodeOptions
        @Option(help: "The log index of the contribution.") var entry: Int
        @Option(help: "Why (public; no names).") var reason: String
        @Option(help: "The organisation's key file; omit to sign as the officer.") var keyFile: String?
        @OptionGroup var passphrase: PassphraseOptions
        func run() throws {
            let n = try node.open()
            let e = try refusing {
                let signer = try keyFile.map { try OrganisationKeyFile.read(from: URL(fileURLWithPath: $0)).signingKey(passphrase: try passphrase.passphrase()) }
                    ?? n.key("officer")
                return try n.submitLedger(Reversal(entry: entry, reason: reason), signer: signer)
            }
            node.emit(["Entry \(entry) reversed by entry \(e.index)."], json: ["index": e.index, "reversed": entry])
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an organisation's CSV batch of contributions.",
            discussion: """
                Columns: \(ContributionCSV.columns.joined(separator: ",")) (header first, any order; end or minutes). \
                Every line is checked first. Without --confirm nothing is written: the file is only checked. With \
                --confirm every line is appended in one transaction — all of them, or none if any line is wrong \
                (the bad lines are then listed on stderr, with their line numbers, and the command exits 1).
                """)
        @OptionGroup var node: NodeOptions
        @OptionGroup var key: OrgKeyOptions
        @Argument(help: "The CSV file.") var csv: String
        @Flag(help: "Append every line (otherwise only check).") var confirm = false
        @Option(help: "Write the citizens' receipts of the appended lines into this directory (<attestation>.receipt.json).") var receipts: String?
        func run() throws {
            guard let data = FileManager.default.contents(atPath: csv) else {
                throw Refusal("Cannot read \(csv): check the file name and its permissions. Nothing was written.")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw Refusal("\(csv) is not UTF-8 text; save it as UTF-8 and try again. Nothing was written.")
            }
            let n = try node.open()
            // Checking needs only the public key; the passphrase is asked only to append.
            let file = try key.file()
            let author: [UInt8]
            do { author = try Hex.decode(file.publicKey) } catch {
                throw Refusal("The key file \(key.keyFile) is damaged (its public key is not hex); use the organisation's own key file.")
            }
            let parsed: [ContributionCSV.Line]
            do {
                parsed = try ContributionCSV.parse(text, org: file.org)
            } catch let error as LedgerError {
                throw Refusal("\(csv): \(error.message) Nothing was written.")
            }
            let lines = try refusing {
                ContributionCSV.check(parsed, state: try n.ledgerState(), author: author, record: n.origin,
                                             timeMs: n.clock.nowMilliseconds(), nextIndex: Int(try n.store.size()))
            }
            let valid = lines.compactMap { $0.isValid ? $0.contribution : nil }
            let errors = lines.filter { !$0.isValid }
            guard errors.isEmpty else {
                let list = errors.prefix(20).map { "line \($0.number): \($0.error?.description ?? "unreadable")" }.joined(separator: "; ")
                let more = errors.count > 20 ? "; and \(errors.count - 20) more" : ""
                throw Refusal("\(errors.count) of \(lines.count) lines of \(csv) are wrong, so nothing was written: \(list)\(more). Fix them and run the import again.")
            }
            guard confirm else {
                node.emit(["All \(valid.count) lines are valid. Nothing was written; run again with --confirm to append them."],
                          json: ["valid": valid.count, "appended": [Int](), "errors": [Any]()])
                return
            }
            guard !valid.isEmpty else {
                node.emit(["The file holds no contribution; nothing was written."], json: ["valid": 0, "appended": [Int](), "errors": [Any]()])
                return
            }
            let receiptDir = receipts.map { URL(fileURLWithPath: $0, isDirectory: true) }
            if let receiptDir { try AtomicFile.requireWritableDirectory(receiptDir) }
            let (_, signer) = try key.open()
            guard signer.publicKey.rawRepresentation == author else {
                throw Refusal("The key file \(key.keyFile) is damaged (its seal does not hold its public key's key); use the organisation's own key file.")
            }
            let appended = try refusing { try n.submitContributions(valid, signer: signer) }
            var out = ["Appended \(appended.count) contributions as entries \(appended[0].index)–\(appended[appended.count - 1].index)."]
            if let receiptDir {
                for (entry, contribution) in zip(appended, valid) {
                    let r = try n.ledgerReceipt(index: Int(entry.index), tracker: "\(file.org):\(contribution.attestation)")
                    let name = contribution.attestation.replacingOccurrences(of: "/", with: "_") + ".receipt.json"
                    try AtomicFile.write(Data((r.json() + "\n").utf8), to: receiptDir.appendingPathComponent(name), permissions: 0o644)
                }
                out.append("Receipts written to \(receiptDir.path).")
            }
            node.emit(out, json: ["valid": valid.count, "appended": appended.map { Int($0.index) }, "errors": [Any]()])
        }
    }

    struct Statement: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A citizen account's yearly statement: hours by category and organisation, each entry with its receipt.",
            discussion: "Prints the text (or the JSON with --json); with --out, also writes statement-<account>-<year>.json and .txt there.")
        @OptionGroup var node: NodeOptions
        @Option(help: "The account id.") var account: String
        @Option(help: "The calendar year.") var year: Int
        @Option(help: "A directory to write the JSON and text statements into.") var out: String?
        func run() throws {
            let n = try node.open()
            let statement = try refusing {
                try n.ledgerState().statement(account: try AccountID(parsing: account), year: year) { n.existingReceipt(index: $0) }
            }
            if let out {
                let dir = URL(fileURLWithPath: out, isDirectory: true)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let base = "statement-\(statement.account.text)-\(year)"
                try Data((statement.json() + "\n").utf8).write(to: dir.appendingPathComponent(base + ".json"))
                try Data(statement.text().utf8).write(to: dir.appendingPathComponent(base + ".txt"))
            }
            print(node.json ? statement.json() : statement.text(), terminator: node.json ? "\n" : "")
        }
    }

    struct Totals: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The city's counted hours by category and month.")
        @OptionGroup var node: NodeOptions
        @Option(help: "A calendar year (default: the whole term).") var year: Int?
        func run() throws {
            let totals = try refusing { try node.open().ledgerState().cityTotals(year: year) }
            print(node.json ? totals.json() : totals.text(), terminator: node.json ? "\n" : "")
        }
    }

    struct NewAccount: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-account", abstract: "Issue a fresh pseudonymous account id (at enrolment); nothing is logged.")
        func run() throws { print(AccountID.random().text) }
    }
}
