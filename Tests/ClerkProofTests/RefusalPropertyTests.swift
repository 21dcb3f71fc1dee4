import BallotCore
import CivicLedger
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialDemo
import Testing

/// The clerk-proof property: every bad invocation a clerk can type — malformed CSV rows, trustee steps
/// out of order, wrong passphrases, bad dates, unknown options, damaged files — exits 1 (2 for unusable
/// arguments) with ONE line on stderr, and leaves the log's root and every file of the data directory
/// (and of the trustees' directories) byte for byte as they were.
///
/// Thousands of invocations, generated from a seed, run in-process against one simulation node that
/// a whole term has been set up on. `PERENNIAL_PROPERTY_COUNT` sets how many (default 600, under a
/// minute in a debug build; `make property` runs 5,000);
/// `PERENNIAL_PROPERTY_SEED` the seed.
@Suite("Refused invocations change nothing", .serialized)
struct RefusalPropertyTests {
    static let count = Int(ProcessInfo.processInfo.environment["PERENNIAL_PROPERTY_COUNT"] ?? "") ?? 600
    static let seed = UInt64(ProcessInfo.processInfo.environment["PERENNIAL_PROPERTY_SEED"] ?? "") ?? 16

    /// The node the invocations are tried against, and everything a clerk has at hand.
    struct Fixture {
        let work: URL
        var data: String { work.appendingPathComponent("data").path }
        func path(_ name: String) -> String { work.appendingPathComponent(name).path }
        let code: String
        let people: [String]
        let account: String
        let credential: String

        /// The directories whose files must never change.
        var guarded: [URL] {
            ["data", "t1", "t2", "t3", "letters", "keys"].map { work.appendingPathComponent($0) }
        }
    }

    static let at = "--at=2027-03-12T10:00:00+01:00"

    static func must(_ arguments: [String]) async throws {
        let outcome = await Invocation.run(arguments)
        guard outcome.code == 0 else { throw SetupFailed(message: "perennial \(arguments.joined(separator: " ")): \(outcome.stderr)") }
    }

    struct SetupFailed: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// A simulated term: ceremony done, key published, a contest, twenty citizens, one ballot, the
    /// ledger with an accredited organisation and one contribution.
    static func makeFixture() async throws -> Fixture {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-property-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        func p(_ name: String) -> String { work.appendingPathComponent(name).path }
        for i in 1...3 { try Data("pass \(i)\n".utf8).write(to: work.appendingPathComponent("pass\(i)")) }
        try Data("organisation pass\n".utf8).write(to: work.appendingPathComponent("orgpass"))
        try FileManager.default.createDirectory(at: work.appendingPathComponent("keys"), withIntermediateDirectories: true)
        var keys: [String] = []
        for i in 1...3 {
            try await must(["trustee", "key", "--trustee-dir", p("t\(i)")])
            let key = try KeyFile.load(work.appendingPathComponent("t\(i)/trustee.key"))
            keys.append(Hex.encode(key.publicKey.rawRepresentation))
        }
        let setupAt = "--at=2026-12-01T09:00:00+01:00"
        let data = p("data")
        try await must(["term", "setup", setupAt, "--simulation", "--data", data, "--origin", "x.example/property", "--term", "prop-2027",
                        "--title", "Property", "--time-zone", "Europe/Paris", "--start", "2027-01-01", "--end", "2029-01-01",
                        "--trustees", "3", "--threshold", "2"] + keys.flatMap { ["--trustee-key", $0] })
        for step in ["commit", "shares", "check"] {
            for i in 1...3 {
                var args = ["trustee", step, setupAt, "--data", data, "--trustee-dir", p("t\(i)"), "--passphrase-file", p("pass\(i)"),
                            "--seal-cost", "interactive"]
                if step == "commit" { args += ["--index", "\(i)"] }
                try await must(args)
            }
        }
        try await must(["term", "publish-key", setupAt, "--data", data])
        try await must(["contest", "declare", setupAt, "--data", data, "--contest", "office", "--title", "Mayor",
                        "--option", "ana=Ana", "--option", "ben=Ben", "--option", "blank=Blank"])
        let people = (1...20).map { "person-\($0)" }
        let csv = "person,birthday,eligible_from,eligible_until\n" + people.enumerated().map { "\($1),03-\(String(format: "%02d", $0 % 9 + 10)),," }.joined(separator: "\n") + "\n"
        try Data(csv.utf8).write(to: work.appendingPathComponent("roll.csv"))
        try await must(["roll", "import", setupAt, "--data", data, "--letters", p("letters"), p("roll.csv")])
        // The letter of person-1 (birthday 03-10), entry after setup + 9 ceremony + key + contest.
        let letters = try FileManager.default.contentsOfDirectory(atPath: p("letters")).sorted()
        var code = ""
        for name in letters {
            let text = try String(contentsOfFile: p("letters/\(name)"), encoding: .utf8)
            guard text.contains("Reference: person-1\n") else { continue }
            code = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.count == 23 && $0.filter { $0 == "-" }.count == 3 } ?? ""
        }
        let credential = Hex.encode(CredentialKey.signingKey(for: try CredentialCode(parsing: code), term: "prop-2027").publicKey.rawRepresentation)
        try await must(["ballot", "cast", "--at=2027-03-11T10:00:00+01:00", "--data", data, "--code", code, "--choice", "office=ben"])
        // The ledger: settings, an organisation, one contribution.
        try await must(["ledger", "org-key", "--org", "restos", "--out", p("keys/restos.orgkey"), "--passphrase-file", p("orgpass")])
        let ledgerAt = "--at=2027-03-11T11:00:00+01:00"
        try await must(["ledger", "settings", ledgerAt, "--data", data, "--from", "2027-01-01", "--obligation-hours", "20", "--hour-value", "1500"])
        try await must(["ledger", "accredit", ledgerAt, "--data", data, "--org", "restos", "--name", "Restos", "--public-key-file",
                        p("keys/restos.orgkey"), "--category", "social", "--from", "2027-01-01"])
        let account = try AccountIDMaker.fresh()
        try Data("account,category,date,start,end,minutes,description,attestation\n\(account),social,2027-03-10,09:00,11:00,,Accueil,R-1\n".utf8)
            .write(to: work.appendingPathComponent("batch.csv"))
        try await must(["ledger", "import", ledgerAt, "--data", data, "--key-file", p("keys/restos.orgkey"), "--passphrase-file", p("orgpass"),
                        p("batch.csv"), "--confirm"])
        return Fixture(work: work, code: code, people: people, account: account, credential: credential)
    }

    // MARK: - Generators

    /// One bad invocation: its arguments, the files it needs (written in a scratch directory first),
    /// and the exit code it must get (nil: 1 or 2).
    struct Case {
        var family: String
        var arguments: [String]
        var files: [String: Data] = [:]
        var expected: Int32? = 1
        /// A directory that must not exist afterwards (a refused `term setup`).
        var mustNotExist: String?
    }

    static func generate(_ f: Fixture, _ rng: inout SeededGenerator, scratch: URL) -> Case {
        func s(_ name: String) -> String { scratch.appendingPathComponent(name).path }
        let data = ["--data", f.data]
        let families = 12
        switch Int(rng.next() % UInt64(families)) {
        case 0: // A malformed roll file.
            var rows = (0..<(1 + Int(rng.next() % 4))).map { i in ["new-\(rng.next() % 1_000_000)-\(i)", "0\(1 + i % 9)-1\(i % 9)", "", ""] }
            var header = "person,birthday,eligible_from,eligible_until"
            var raw: Data?
            let k = Int(rng.next() % UInt64(rows.count))
            switch rng.next() % 12 {
            case 0: rows[k][1] = ["13-01", "02-30", "3-10", "ab", "", "03-10-2027"][Int(rng.next() % 6)]
            case 1: rows[k][2] = ["2027-13-01", "27-01-01", "tomorrow", "2027-02-30"][Int(rng.next() % 4)]
            case 2: rows[k][2] = "2028-01-01"; rows[k][3] = ["2027-01-01", "2028-01-01"][Int(rng.next() % 2)]
            case 3: rows[k].append("extra")
            case 4: rows[k].removeLast()
            case 5: rows.append(rows[k])
            case 6: rows[k][0] = f.people[Int(rng.next() % UInt64(f.people.count))]
            case 7: rows[k][0] = ""
            case 8: header = ["person,birthday", "name,birthday,eligible_from,eligible_until", ""][Int(rng.next() % 3)]
            case 9: rows[k][0] = "\"unclosed"
            case 10: rows[k][3] = "never"
            default:
                raw = Data(("person,birthday,eligible_from,eligible_until\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\n")).utf8)
                raw!.insert([0xff, 0xfe, 0xc0][Int(rng.next() % 3)], at: raw!.count - 3)
            }
            var text = header + "\n"
            for row in rows {
                if rng.next() % 3 == 0 { text += "\n" }
                text += row.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + (rng.next() % 2 == 0 ? "\n" : "\r\n")
            }
            return Case(family: "roll import", arguments: ["roll", "import", at] + data + ["--letters", s("new-letters"), s("roll.csv")],
                        files: ["roll.csv": raw ?? Data(text.utf8)])
        case 1: // Trustee steps out of order, wrong passphrases, wrong indices.
            let i = 1 + Int(rng.next() % 3)
            let step = ["commit", "shares", "check", "decrypt"][Int(rng.next() % 4)]
            var args = ["trustee", step, at] + data + ["--trustee-dir", f.path("t\(i)"), "--seal-cost", "interactive"]
            if step == "commit" { args += ["--index=\(Int(rng.next() % 6) - 1)"] }
            switch rng.next() % 3 {
            case 0: args += ["--passphrase-file", s("wrong")]
                return Case(family: "trustee", arguments: args, files: ["wrong": Data("not it \(rng.next())\n".utf8)])
            case 1: args += ["--passphrase-file", s("missing-\(rng.next())")]
                return Case(family: "trustee", arguments: args, expected: 2)
            default: args += ["--passphrase-file", f.path("pass\(i)")]
                return Case(family: "trustee", arguments: args)
            }
        case 2: // A damaged trustee secrets file (a copy, in a scratch trustee directory).
            var sealed = (try? Data(contentsOf: f.work.appendingPathComponent("t1/secrets.sealed.json"))) ?? Data()
            mutate(&sealed, &rng)
            let key = (try? Data(contentsOf: f.work.appendingPathComponent("t1/trustee.key"))) ?? Data()
            return Case(family: "damaged secrets", arguments: ["trustee", ["shares", "check", "decrypt"][Int(rng.next() % 3)], at] + data
                        + ["--trustee-dir", s("td"), "--passphrase-file", f.path("pass1")],
                        files: ["td/secrets.sealed.json": sealed, "td/trustee.key": key])
        case 3: // Bad dates and times.
            let badTime = ["2027-03-12", "yesterday", "2027-13-12T10:00:00+01:00", "2027-03-12T25:00:00Z", "", "2027-03-12T10:00:00"][Int(rng.next() % 6)]
            let badDate = ["2027-02-29", "2027-1-1", "01/02/2027", "2027-00-10", "x"][Int(rng.next() % 5)]
            switch rng.next() % 4 {
            case 0: return Case(family: "bad dates", arguments: ["term", "status", "--at=\(badTime)"] + data, expected: 2)
            case 1: return Case(family: "bad dates", arguments: ["roll", "enrol", at] + data + ["--person", "p-\(rng.next())", "--birthday", "03-10", "--eligible-from", badDate])
            case 2: return Case(family: "bad dates", arguments: ["roll", "replace", at] + data + ["--credential", f.credential, "--date", badDate, "--person", "person-1"])
            default: return Case(family: "bad dates", arguments: ["roll", "enrol", at] + data + ["--person", "p-\(rng.next())", "--birthday=\(["00-10", "02-30", "1231", "--"][Int(rng.next() % 4)])"])
            }
        case 4: // Unknown options and subcommands.
            let commands: [[String]] = [["term", "status"], ["roll", "enrol"], ["roll", "import"], ["trustee", "commit"], ["contest", "declare"],
                                        ["ballot", "cast"], ["ledger", "import"], ["proposal", "status"], ["close"], ["tally"], ["export"]]
            var args = commands[Int(rng.next() % UInt64(commands.count))] + data
            switch rng.next() % 3 {
            case 0: args.append("--no-such-option-\(rng.next() % 100)")
            case 1: args.insert("nonsense\(rng.next() % 10)", at: 1)
            default: args += ["--json", "--json", "--bogus=\(rng.next())"]
            }
            return Case(family: "unknown options", arguments: args, expected: 2)
        case 5: // Contests: bad ids, years, after the end, unknown contests and options.
            switch rng.next() % 6 {
            case 0: return Case(family: "contest", arguments: ["contest", "declare", at] + data + ["--contest=\(["Office", "x y", "-a", String(repeating: "z", count: 65)][Int(rng.next() % 4)])", "--title", "T", "--option", "a=A"])
            case 1: return Case(family: "contest", arguments: ["contest", "declare", at] + data + ["--contest", "ref\(rng.next() % 100)", "--title", "T", "--option", "a=A", "--year=\([0, -1, 3, 99][Int(rng.next() % 4)])"])
            case 2: return Case(family: "contest", arguments: ["contest", "add-candidate", "--at=2029-01-0\(1 + rng.next() % 8)T10:00:00+01:00"] + data + ["--contest", "office", "--id", "cid", "--label", "C"])
            case 3: return Case(family: "contest", arguments: ["contest", "withdraw", at] + data + ["--contest", ["office", "nope"][Int(rng.next() % 2)], "--id", "zed"])
            case 4: return Case(family: "contest", arguments: ["contest", "declare", at] + data + ["--contest", "office", "--title", "Again", "--option", "a=A"])
            default: return Case(family: "contest", arguments: ["contest", "declare", at] + data + ["--contest", "c\(rng.next() % 9)", "--title", "T", "--option", "a=A", "--min", "2", "--max", "1"])
            }
        case 6: // Ballots: bad codes, stray choices, closed windows, an unwritable receipt.
            var code = Array(f.code)
            switch rng.next() % 5 {
            case 0:
                let i = Int(rng.next() % UInt64(code.count))
                if code[i] != "-" { code[i] = code[i] == "A" ? "B" : "A" }
                if String(code) == f.code { code = Array("AAAA-AAAA-AAAA-AAAA-AAA") }
                return Case(family: "ballot", arguments: ["ballot", "cast", at] + data + ["--code", String(code), "--choice", "office=ana"])
            case 1: return Case(family: "ballot", arguments: ["ballot", "cast", at] + data + ["--code", f.code, "--choice", "office=ana", "--choice", "nope=x"])
            case 2: return Case(family: "ballot", arguments: ["ballot", "cast", at] + data + ["--code", f.code, "--choice", "office=nobody"])
            case 3: return Case(family: "ballot", arguments: ["ballot", "cast", "--at=2027-0\(4 + rng.next() % 5)-01T10:00:00+02:00"] + data + ["--code", f.code, "--choice", "office=ana"])
            default: return Case(family: "ballot", arguments: ["ballot", "cast", at] + data + ["--code", f.code, "--choice", "office=ana", "--receipt", s("afile/r.json")],
                                 files: ["afile": Data("a file, not a directory".utf8)])
            }
        case 7: // Ledger imports with a bad line among good ones (with and without --confirm), damaged key files.
            var lines = (0..<(1 + Int(rng.next() % 3))).map { i in "\(f.account),social,2027-03-0\(1 + i),14:00,15:00,,Help,B-\(rng.next() % 1_000_000)-\(i)" }
            let bad = ["Jean Dupont,social,2027-03-05,09:00,10:00,,x,B-x", "\(f.account),social,2027-03-10,10:00,,30,overlap,B-o",
                       "\(f.account),unknown-cat,2027-03-06,09:00,10:00,,x,B-c", "\(f.account),social,2027-02-30,09:00,10:00,,x,B-d",
                       "\(f.account),social,2027-03-07,09:00,10:00,,x,R-1", "\(f.account),social,2027-03-08,09:00"]
            lines.insert(bad[Int(rng.next() % UInt64(bad.count))], at: Int(rng.next() % UInt64(lines.count + 1)))
            let csv = "account,category,date,start,end,minutes,description,attestation\n" + lines.joined(separator: "\n") + "\n"
            if rng.next() % 4 == 0 {
                var key = (try? Data(contentsOf: f.work.appendingPathComponent("keys/restos.orgkey"))) ?? Data()
                mutate(&key, &rng)
                return Case(family: "ledger", arguments: ["ledger", "import", at] + data + ["--key-file", s("org.key"), "--passphrase-file", f.path("orgpass"), s("ok.csv"), "--confirm"],
                            files: ["org.key": key, "ok.csv": Data("account,category,date,start,end,minutes,description,attestation\n\(f.account),social,2027-03-09,14:00,15:00,,x,K-1\n".utf8)])
            }
            return Case(family: "ledger", arguments: ["ledger", "import", at] + data + ["--key-file", f.path("keys/restos.orgkey"), "--passphrase-file", f.path("orgpass"), s("b.csv")]
                        + (rng.next() % 2 == 0 ? ["--confirm"] : []), files: ["b.csv": Data(csv.utf8)])
        case 8: // Deliberation: a missing directory, bad statuses.
            if rng.next() % 2 == 0 {
                return Case(family: "proposal", arguments: ["proposal", "import", at] + data + [s("no-such-dir-\(rng.next() % 100)")])
            }
            return Case(family: "proposal", arguments: ["proposal", "status", at] + data + ["--as", "nobody", "--proposal", "p-1", "--to", ["on-ballot", "adopted?", "on-ballot-20x1", "closed"][Int(rng.next() % 4)], "--reason", "r"])
        case 9: // Term end too early, tally before close, the key twice.
            let args: [[String]] = [["close", at], ["tally", at, "--trustees", "1,3"], ["term", "publish-key", at], ["tally", at, "--trustees", "x"]]
            let pick = args[Int(rng.next() % UInt64(args.count))]
            return Case(family: "term end", arguments: pick + data, expected: pick.contains("x") ? 2 : 1)
        case 10: // A term set up with a mistake: refused, nothing left behind.
            let dir = s("new-term-\(rng.next() % 1000)")
            var options = ["--origin", "x.example/new", "--term", "new-term", "--title", "T", "--time-zone", "Europe/Paris",
                           "--start", "2027-01-01", "--end", "2029-01-01", "--trustees", "1", "--threshold", "1",
                           "--trustee-key", String(repeating: "ab", count: 32)]
            var expected: Int32? = 1
            switch rng.next() % 6 {
            case 0: options[options.firstIndex(of: "Europe/Paris")!] = "Mars/Olympus"
            case 1: options[options.firstIndex(of: "2029-01-01")!] = "2026-01-01"
            case 2: options[options.firstIndex(of: "new-term")!] = "New Term"
            case 3: options[options.firstIndex(of: "x.example/new")!] = "bad origin+"
            case 4: options[options.count - 1] = "xyz"
            default: options += ["--trustee-key", String(repeating: "cd", count: 32)]; expected = 2
            }
            return Case(family: "term setup", arguments: ["term", "setup", "--data", dir] + options, expected: expected, mustNotExist: dir)
        default: // Damaged or missing input files.
            switch rng.next() % 3 {
            case 0: return Case(family: "files", arguments: ["roll", "import", at] + data + [s("missing.csv")])
            case 1: return Case(family: "files", arguments: ["ledger", "import", at] + data + ["--key-file", s("missing.key"), "--passphrase-file", f.path("orgpass"), s("missing.csv")])
            default: return Case(family: "files", arguments: ["receipt", "verify", s("r.json")], files: ["r.json": Data("{\"format\":\"perennial-receipt\",".utf8)])
            }
        }
    }

    /// Flips bits, truncates or splices `data` (never leaves it unchanged).
    static func mutate(_ data: inout Data, _ rng: inout SeededGenerator) {
        guard !data.isEmpty else { data = Data("x".utf8); return }
        let original = data
        switch rng.next() % 3 {
        case 0:
            let i = Int(rng.next() % UInt64(data.count))
            data[data.startIndex + i] ^= UInt8(1 << (rng.next() % 8))
        case 1: data = data.prefix(Int(rng.next() % UInt64(data.count)))
        default:
            let i = Int(rng.next() % UInt64(data.count))
            data.replaceSubrange(data.startIndex + i..<data.startIndex + min(data.count, i + 4), with: Data("\"}]".utf8))
        }
        if data == original { data.append(0x7b) }
    }

    static func root(_ f: Fixture) throws -> MerkleHash {
        let node = try Node(directory: URL(fileURLWithPath: f.data), clock: ManualClock(milliseconds: 1))
        return try node.store.root(atSize: node.store.size())
    }

    // MARK: - The property

    @Test func everyBadInvocationIsRefusedInOneLineAndChangesNothing() async throws {
        let fixture = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.work) }
        let rootBefore = try Self.root(fixture)
        var rng = SeededGenerator(seed: Self.seed)
        var byFamily: [String: Int] = [:]
        var seconds: [String: Double] = [:]
        var before = Invocation.fingerprint(fixture.guarded)
        for n in 0..<Self.count {
            let scratch = fixture.work.appendingPathComponent("scratch-\(n)")
            let c = Self.generate(fixture, &rng, scratch: scratch)
            for (name, bytes) in c.files {
                let url = scratch.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try bytes.write(to: url)
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = await Invocation.run(c.arguments)
            seconds[c.family, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let label = "[\(c.family) #\(n)] perennial \(c.arguments.joined(separator: " "))"
            if let expected = c.expected {
                #expect(outcome.code == expected, "\(label) exited \(outcome.code): \(outcome.stderr)")
            } else {
                #expect(outcome.code == 1 || outcome.code == 2, "\(label) exited \(outcome.code)")
            }
            let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty && lines[0].hasPrefix("perennial: "), "\(label) wrote \(lines.count - 1) lines: \(outcome.stderr)")
            #expect(!outcome.stderr.contains("NSCocoaErrorDomain") && !outcome.stderr.contains("Error Domain"), "\(label): \(outcome.stderr)")
            let after = Invocation.fingerprint(fixture.guarded)
            let changed = Invocation.differences(before, after)
            #expect(changed.isEmpty, "\(label) changed \(changed)")
            if !changed.isEmpty { before = after }
            if let dir = c.mustNotExist { #expect(!FileManager.default.fileExists(atPath: dir), "\(label) left \(dir) behind") }
            byFamily[c.family, default: 0] += 1
            try? FileManager.default.removeItem(at: scratch)
        }
        let rootAfter = try Self.root(fixture)
        #expect(rootBefore == rootAfter)
        print("clerk-proof property: \(Self.count) refused invocations (seed \(Self.seed)), log root and files unchanged; by family: "
              + byFamily.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) (\(Int(seconds[$0.key, default: 0] * 1000 / Double($0.value))) ms each)" }.joined(separator: ", "))
    }
}

/// A fresh ledger account id, as `perennial ledger new-account` prints it.
enum AccountIDMaker {
    static func fresh() throws -> String { AccountID.random().text }
}
