import CivicCrypto
import Foundation
import Perennial
@testable import PerennialCommand
import Testing

/// The clerk's commands as issue #16 asks them to behave, one case each (the refusals in bulk are in
/// `RefusalPropertyTests`).
@Suite("Clerk commands", .serialized)
struct ClerkCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-clerk-\(UUID().uuidString)")
    var data: String { work.appendingPathComponent("data").path }
    func path(_ name: String) -> String { work.appendingPathComponent(name).path }
    static let at = "--at=2026-12-01T09:00:00+01:00"

    func must(_ args: [String]) async {
        let r = await Invocation.run(args)
        #expect(r.code == 0, "perennial \(args.joined(separator: " ")): \(r.stderr)")
    }

    /// A simulation term with one trustee (its key in t1) and nothing else.
    func setUp() async throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data("pass\n".utf8).write(to: work.appendingPathComponent("pass"))
        await must(["trustee", "key", "--trustee-dir", path("t1")])
        await must(["trustee", "key", "--trustee-dir", path("t2")])
        let keys = try ["t1", "t2"].map { Hex.encodeKey(try KeyFile.load(work.appendingPathComponent("\($0)/trustee.key"))) }
        await must(["term", "setup", Self.at, "--simulation", "--data", data, "--origin", "x.example/clerk", "--term", "clerk-2027",
                    "--title", "Clerk", "--time-zone", "Europe/Paris", "--start", "2027-01-01", "--end", "2029-01-01",
                    "--trustees", "2", "--threshold", "1", "--trustee-key", keys[0], "--trustee-key", keys[1]])
    }

    @Test func rollImportReadsQuotesBlankLinesAndAByteOrderMarkAndNamesThePersonOnEachLetter() async throws {
        try await setUp()
        defer { try? FileManager.default.removeItem(at: work) }
        let csv = "\u{FEFF}person,birthday,eligible_from,eligible_until\r\n\r\n\"Doe, Jane\",03-10,,\r\n\n\"Martin \"\"Léa\"\"\",05-02,2028-05-02,\n"
        try Data(csv.utf8).write(to: work.appendingPathComponent("roll.csv"))
        await must(["roll", "import", Self.at, "--data", data, "--letters", path("letters"), path("roll.csv")])
        let letters = try FileManager.default.contentsOfDirectory(atPath: path("letters")).map {
            try String(contentsOfFile: path("letters/\($0)"), encoding: .utf8)
        }
        #expect(letters.count == 2)
        #expect(letters.contains { $0.contains("Reference: Doe, Jane\n") })
        #expect(letters.contains { $0.contains("Reference: Martin \"Léa\"\n") })
        // Line numbers count blank lines, as an editor shows them; a person already on the roll is
        // refused with both line numbers.
        let again = "person,birthday,eligible_from,eligible_until\n\nnew-one,01-01,,\n\n\nDoe, Jane,03-10,,\nbad,13-01,,\n"
        try Data(again.utf8).write(to: work.appendingPathComponent("again.csv"))
        let r = await Invocation.run(["roll", "import", Self.at, "--data", data, path("again.csv")])
        #expect(r.code == 1)
        #expect(r.stderr.contains("line 6: 5 fields"))
        #expect(r.stderr.contains("line 7: birthday \"13-01\""))
        try Data("person,birthday,eligible_from,eligible_until\n\n\"Doe, Jane\",03-10,,\n".utf8).write(to: work.appendingPathComponent("dup.csv"))
        let dup = await Invocation.run(["roll", "import", Self.at, "--data", data, path("dup.csv")])
        #expect(dup.code == 1)
        #expect(dup.stderr.contains("line 3: person \"Doe, Jane\" is already on the roll (line 2 of"))
    }

    @Test func aMalformedPersonInTheMiddleOfALargeRollIsRefusedByLineAndNothingIsWritten() async throws {
        try await setUp()
        defer { try? FileManager.default.removeItem(at: work) }
        var lines = (0..<300).map { "person-\($0),\(String(format: "%02d-%02d", $0 % 12 + 1, $0 % 28 + 1)),," }
        lines[150] = "person-150,02-30,,"       // file line 152 (the header is line 1): no 30 February
        try Data((["person,birthday,eligible_from,eligible_until"] + lines).joined(separator: "\n").utf8)
            .write(to: work.appendingPathComponent("roll.csv"))
        let before = Invocation.fingerprint([work.appendingPathComponent("data"), work.appendingPathComponent("letters")])
        let bad = await Invocation.run(["roll", "import", Self.at, "--data", data, "--letters", path("letters"), path("roll.csv")])
        #expect(bad.code == 1)
        #expect(bad.stderr.contains("line 152: birthday \"02-30\""), "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(Invocation.differences(before, Invocation.fingerprint([work.appendingPathComponent("data"), work.appendingPathComponent("letters")])) == [])
        // Fixed, the whole roll goes in: one letter per person, each whole, no temporary file left.
        lines[150] = "person-150,02-28,,"
        try Data((["person,birthday,eligible_from,eligible_until"] + lines).joined(separator: "\n").utf8)
            .write(to: work.appendingPathComponent("roll.csv"))
        await must(["roll", "import", Self.at, "--data", data, "--letters", path("letters"), path("roll.csv")])
        let letters = try FileManager.default.contentsOfDirectory(atPath: path("letters"))
        #expect(letters.count == 300)
        #expect(letters.allSatisfy { $0.hasPrefix("letter-") && $0.hasSuffix(".txt") })
        let attributes = try FileManager.default.attributesOfItem(atPath: path("letters/\(letters[0])"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: path("letters/\(letters[0])"), encoding: .utf8).contains("Reference: person-"))
    }

    @Test func aRefusedTrusteeCommitLeavesTheDirectoryReusable() async throws {
        try await setUp()
        defer { try? FileManager.default.removeItem(at: work) }
        let wrong = await Invocation.run(["trustee", "commit", Self.at, "--data", data, "--trustee-dir", path("t1"), "--index", "2",
                                          "--passphrase-file", path("pass"), "--seal-cost", "interactive"])
        #expect(wrong.code == 1)
        #expect(wrong.stderr.contains("--index 1"))
        #expect(!FileManager.default.fileExists(atPath: path("t1/secrets.sealed.json")))
        await must(["trustee", "commit", Self.at, "--data", data, "--trustee-dir", path("t1"), "--index", "1",
                    "--passphrase-file", path("pass"), "--seal-cost", "interactive"])
        #expect(FileManager.default.fileExists(atPath: path("t1/secrets.sealed.json")))
        let files = try FileManager.default.contentsOfDirectory(atPath: path("t1")).sorted()
        #expect(files == ["secrets.sealed.json", "trustee.key"])   // no temporary file left
    }

    @Test func aRefusedTermSetupLeavesNothingAndTheRetryWorks() async throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let options = ["--simulation", Self.at, "--data", data, "--origin", "x.example/clerk", "--title", "T", "--time-zone", "Europe/Paris",
                       "--start", "2027-01-01", "--end", "2029-01-01", "--trustees", "1", "--threshold", "1", "--trustee-key", String(repeating: "ab", count: 32)]
        let bad = await Invocation.run(["term", "setup", "--term", "Bad Term"] + options)
        #expect(bad.code == 1)
        #expect(!FileManager.default.fileExists(atPath: data))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
        await must(["term", "setup", "--term", "good-term"] + options)
    }

    @Test func contestsStopChangingAtTheTermsEndAndReferendumYearsStayInTheTerm() async throws {
        try await setUp()
        defer { try? FileManager.default.removeItem(at: work) }
        await must(["contest", "declare", Self.at, "--data", data, "--contest", "maire", "--title", "M", "--option", "a=A"])
        let late = await Invocation.run(["contest", "add-candidate", "--at=2029-01-01T00:00:00+01:00", "--data", data,
                                         "--contest", "maire", "--id", "b", "--label", "B"])
        #expect(late.code == 1)
        #expect(late.stderr.contains("ended"))
        let year = await Invocation.run(["contest", "declare", Self.at, "--data", data, "--contest", "ref", "--title", "R",
                                         "--option", "oui=Oui", "--year", "99"])
        #expect(year.code == 1)
        #expect(year.stderr.contains("1 to 2"))
        await must(["contest", "declare", Self.at, "--data", data, "--contest", "ref", "--title", "R", "--option", "oui=Oui", "--year", "2"])
    }

    @Test func statusesParseAsTheHelpSaysAndResultsUseLabels() {
        #expect(ProposalCommand.statusText("on-ballot-2031") == "on-ballot 2031")
        #expect(ProposalCommand.statusText("on-ballot 2031") == "on-ballot 2031")
        #expect(ProposalCommand.statusText("closed") == "closed")
    }
}

extension Hex {
    static func encodeKey(_ key: Ed25519.SigningKey) -> String { encode(key.publicKey.rawRepresentation) }
}
