import Foundation
import Testing

/// Runs the real `perennial` executable through a whole small term, as a clerk would, and checks
/// outputs and the documented exit codes (0 success, 1 refused, 2 unusable arguments).
@Suite("perennial command line", .serialized)
struct CommandLineTests {
    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    static let binDir: URL = {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("perennial").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-cli-\(UUID().uuidString)")

    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = Self.binDir.appendingPathComponent("perennial")
        p.arguments = args
        p.currentDirectoryURL = work
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { $1 }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func ok(_ args: [String], env: [String: String] = [:]) throws -> String {
        let r = try run(args, env: env)
        #expect(r.status == 0, "perennial \(args.joined(separator: " ")) failed: \(r.err)")
        return r.out
    }

    @Test func aWholeTermFromTheCommandLine() throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let keys = try (1...3).map { try ok(["trustee", "key", "--trustee-dir", "t\($0)"]).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(keys.allSatisfy { $0.count == 64 })
        let before = "--at=2026-12-01T09:00:00+01:00"
        // Unusable arguments: exit 2 and nothing created.
        #expect(try run(["term", "setup", "--origin", "x.example/t", "--term", "t", "--title", "T", "--time-zone", "Europe/Paris",
                         "--start", "2027-01-01", "--end", "2029-01-01", "--trustees", "3", "--threshold", "2"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("perennial-data").path))
        _ = try ok(["term", "setup", before, "--simulation", "--origin", "x.example/t", "--term", "t-2027", "--title", "Test", "--time-zone", "Europe/Paris",
                    "--start", "2027-01-01", "--end", "2029-01-01", "--trustees", "3", "--threshold", "2"]
                   + keys.flatMap { ["--trustee-key", $0] })
        for i in 1...3 {
            _ = try ok(["trustee", "commit", before, "--trustee-dir", "t\(i)", "--seal-cost", "interactive", "--index", "\(i)"],
                       env: ["PERENNIAL_PASSPHRASE": "pass \(i)"])
        }
        // A wrong passphrase is refused with exit 1.
        let wrong = try run(["trustee", "shares", before, "--trustee-dir", "t1"], env: ["PERENNIAL_PASSPHRASE": "nope"])
        #expect(wrong.status == 1)
        #expect(wrong.err.contains("passphrase"))
        for i in 1...3 { _ = try ok(["trustee", "shares", before, "--trustee-dir", "t\(i)"], env: ["PERENNIAL_PASSPHRASE": "pass \(i)"]) }
        for i in 1...3 {
            _ = try ok(["trustee", "check", before, "--trustee-dir", "t\(i)", "--seal-cost", "interactive"], env: ["PERENNIAL_PASSPHRASE": "pass \(i)"])
        }
        _ = try ok(["term", "publish-key", before])
        _ = try ok(["contest", "declare", before, "--contest", "office", "--title", "Mayor", "--option", "ana=Ana", "--option", "ben=Ben",
                    "--option", "blank=Blank"])
        _ = try ok(["roll", "enrol", before, "--person", "ref-1", "--birthday", "03-10", "--letters", "letters"])
        let letterFile = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("letters").path).first!
        let letter = try String(contentsOf: work.appendingPathComponent("letters/\(letterFile)"), encoding: .utf8)
        let code = letter.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count == 23 && $0.filter { $0 == "-" }.count == 3 }!
        // The private link person ↔ credential stays with the registrar, outside the log.
        let people = try String(contentsOf: work.appendingPathComponent("perennial-data/registrar/people.csv"), encoding: .utf8)
        #expect(people.contains("ref-1"))

        // Outside the window: refused (exit 1), with a reason.
        let early = try run(["ballot", "cast", "--at=2027-03-09T12:00:00+01:00", "--code", code, "--choice", "office=ana"])
        #expect(early.status == 1)
        #expect(early.err.contains("window"))
        // A typo in the code: refused before anything else.
        var typo = Array(code)
        typo[0] = typo[0] == "A" ? "B" : "A"
        #expect(try run(["ballot", "cast", "--at=2027-03-11T12:00:00+01:00", "--code", String(typo), "--choice", "office=ana"]).status == 1)
        // Inside the window: cast, with a receipt that verifies offline.
        let cast = try ok(["ballot", "cast", "--at=2027-03-11T12:00:00+01:00", "--code", code, "--choice", "office=ben", "--receipt", "r.json"])
        #expect(cast.contains("tracker"))
        #expect(try ok(["receipt", "verify", "r.json"]).contains("Receipt valid"))
        // Results are sealed until the end.
        let sealed = try run(["close", "--at=2028-06-01T12:00:00+02:00"])
        #expect(sealed.status == 1)
        #expect(sealed.err.contains("sealed"))
        let shareTooEarly = try run(["trustee", "decrypt", "--at=2028-06-01T12:00:00+02:00", "--trustee-dir", "t1"], env: ["PERENNIAL_PASSPHRASE": "pass 1"])
        #expect(shareTooEarly.status == 1)
        _ = try ok(["close", "--at=2029-01-02T12:00:00+01:00"])
        for i in [1, 3] {
            _ = try ok(["trustee", "decrypt", "--at=2029-01-02T12:00:00+01:00", "--trustee-dir", "t\(i)"], env: ["PERENNIAL_PASSPHRASE": "pass \(i)"])
        }
        let tally = try ok(["tally", "--at=2029-01-02T13:00:00+01:00", "--trustees", "1,3"])
        #expect(tally.contains("winner: Ben"))   // labels, not option ids
        let status = try ok(["term", "status", "--json"])
        #expect(status.contains("\"phase\":\"tallied\""))
        _ = try ok(["export", "--out", "record"])
        let entries = try String(contentsOf: work.appendingPathComponent("record/entries.jsonl"), encoding: .utf8)
        #expect(entries.split(separator: "\n").count == 1 + 3 + 3 + 3 + 1 + 1 + 1 + 1 + 1 + 2 + 1)
        // No secret reaches the record: not the credential code, not a passphrase.
        let everything = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("record").path)
            .map { try String(contentsOf: work.appendingPathComponent("record/\($0)"), encoding: .utf8) }.joined()
        #expect(!everything.contains(code))
        #expect(!everything.contains(code.replacingOccurrences(of: "-", with: "")))
        #expect(!everything.contains("pass 1"))
        #expect(!everything.contains("ref-1"))
    }

    @Test func deliberationFromTheCommandLine() throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let key = try ok(["trustee", "key", "--trustee-dir", "t1"]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try ok(["term", "setup", "--origin", "x.example/d", "--term", "d", "--title", "D", "--time-zone", "Europe/Paris",
                    "--start", "2027-01-01", "--end", "2029-01-01", "--trustees", "1", "--threshold", "1", "--trustee-key", key])
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Proposals")
        _ = try ok(["proposal", "import", corpus.path])
        _ = try ok(["proposal", "export", "out"])
        for file in try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("out").path) {
            #expect(try Data(contentsOf: work.appendingPathComponent("out/\(file)")) == Data(contentsOf: corpus.appendingPathComponent(file)),
                    "\(file) changed in the round trip")
        }
        #expect(try ok(["proposal", "list", "--track", "démocratie vivante"]).contains("elections-tout-au-long-de-la-vie"))
        _ = try ok(["proposal", "participant", "--id", "alice", "--name", "Alice"])
        try Data("Un texte plus précis.\n".utf8).write(to: work.appendingPathComponent("a.txt"))
        _ = try ok(["proposal", "amend", "--as", "alice", "--proposal", "amap-de-la-donnee", "--section", "## À préciser",
                    "--text-file", "a.txt", "--summary", "Préciser"])
        let show = try ok(["proposal", "show", "amap-de-la-donnee"])
        #expect(show.contains("+Un texte plus précis."))
        // Alice is not the author: she may not decide the proposal's fate (exit 1, with the reason).
        let refused = try run(["proposal", "status", "--as", "alice", "--proposal", "amap-de-la-donnee", "--to", "adopted", "--reason", "x"])
        #expect(refused.status == 1)
        #expect(refused.err.hasPrefix("perennial: "))
        _ = try ok(["proposal", "comment", "--as", "alice", "--proposal", "amap-de-la-donnee", "--stance", "for", "--text", "Bravo"])
        _ = try ok(["proposal", "support", "--as", "alice", "--proposal", "amap-de-la-donnee"])
        #expect(try run(["proposal", "support", "--as", "alice", "--proposal", "amap-de-la-donnee"]).status == 1)
        #expect(try ok(["proposal", "search", "capteurs"]).contains("centre-de-visualisation-de-data-urbaine"))
        // A moderator sends a proposal to the 2028 ballot; the officer declares it as a referendum.
        _ = try ok(["proposal", "participant", "--id", "mod", "--name", "Modération", "--moderator"])
        #expect(try run(["contest", "referendum", "--proposal", "amap-de-la-donnee"]).status == 1)  // not on the ballot yet
        _ = try ok(["proposal", "status", "--as", "mod", "--proposal", "amap-de-la-donnee", "--to", "closed", "--reason", "fin"])
        _ = try ok(["proposal", "status", "--as", "mod", "--proposal", "amap-de-la-donnee", "--to", "on-ballot 2028", "--reason", "vote"])
        let contest = try ok(["contest", "referendum", "--proposal", "amap-de-la-donnee", "--json"])
        #expect(contest.contains("\"contest\":\"delib-amap-de-la-donnee\""))
        #expect(try ok(["contest", "show"]).contains("delib-amap-de-la-donnee v1 (year 2)"))
    }
}
