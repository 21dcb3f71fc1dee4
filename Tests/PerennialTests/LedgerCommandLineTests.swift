import Foundation
import Testing

/// `perennial ledger …` end to end through the real executable: key file, settings, accreditation,
/// attestation with receipt, refusals (exit 1), CSV import (check, then confirm), reversal, statement
/// and totals. Runs once `LedgerCommand` is registered under `perennial`.
@Suite("perennial ledger command line", .serialized)
struct LedgerCommandLineTests {
    static let binary = CommandLineTests.binDir.appendingPathComponent("perennial")

    let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-ledger-cli-\(UUID().uuidString)")

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = work
        var environment = ProcessInfo.processInfo.environment
        environment["PERENNIAL_PASSPHRASE"] = "organisation passphrase"
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func ok(_ args: [String]) throws -> String {
        let r = try run(args)
        #expect(r.status == 0, "perennial \(args.joined(separator: " ")) failed: \(r.err)")
        return r.out
    }

    @Test func ledgerFromTheCommandLine() throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let trustee = String(repeating: "ab", count: 32)
        _ = try ok(["term", "setup", "--simulation", "--at=2026-01-01T00:00:00+01:00", "--origin", "x.example/ledger", "--term", "p-2026", "--title", "T",
                    "--time-zone", "Europe/Paris", "--start", "2026-01-01", "--end", "2032-01-01", "--trustees", "1", "--threshold", "1",
                    "--trustee-key", trustee])
        _ = try ok(["ledger", "org-key", "--org", "restos", "--out", "restos.orgkey"])
        #expect(try run(["ledger", "org-key", "--org", "restos", "--out", "restos.orgkey"]).status == 1)   // never overwritten
        let at = "--at=2026-01-02T00:00:00+01:00"
        _ = try ok(["ledger", "settings", at, "--from", "2026-01-01", "--obligation-hours", "20", "--hour-value", "1500"])
        _ = try ok(["ledger", "accredit", at, "--org", "restos", "--name", "Restos du Cœur", "--public-key-file", "restos.orgkey",
                    "--category", "food-aid", "--category", "social", "--from", "2026-01-01"])
        let account = try ok(["ledger", "new-account"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(account.count == 19)
        let later = "--at=2026-03-30T10:00:00+02:00"
        let receipt = try ok(["ledger", "attest", later, "--json", "--key-file", "restos.orgkey", "--account", account, "--category", "food-aid",
                              "--date", "2026-03-28", "--start", "23:00", "--end", "03:30", "--attestation", "R-1"])
        #expect(receipt.contains("\"format\":\"perennial-receipt\""))
        try Data(receipt.utf8).write(to: work.appendingPathComponent("r1.json"))
        _ = try ok(["receipt", "verify", "r1.json"])
        // Overlap across midnight and the DST jump: refused with exit 1 and the check id.
        let refused = try run(["ledger", "attest", later, "--key-file", "restos.orgkey", "--account", account, "--category", "food-aid",
                               "--date", "2026-03-29", "--start", "01:00", "--minutes", "30", "--attestation", "R-2"])
        #expect(refused.status == 1)
        #expect(refused.err.contains("LED-7"))
        // Unusable arguments: exit 2.
        #expect(try run(["ledger", "attest", later, "--key-file", "restos.orgkey", "--account", account, "--category", "food-aid",
                         "--date", "2026-03-29", "--start", "01:00", "--attestation", "R-3"]).status == 2)
        let csv = """
            account,category,date,start,end,minutes,description,attestation
            \(account),social,2026-03-30,09:00,11:00,,Accueil,R-10
            \(account),social,2026-03-30,10:00,,45,overlap,R-11
            Jean Dupont,social,2026-03-30,09:00,11:00,,name,R-12

            """
        try Data(csv.utf8).write(to: work.appendingPathComponent("batch.csv"))
        try Data("account,when\n".utf8).write(to: work.appendingPathComponent("bad.csv"))
        let unusable = try run(["ledger", "import", "--key-file", "restos.orgkey", "bad.csv"])   // an unusable file: refused, one line
        #expect(unusable.status == 1)
        #expect(unusable.err.split(separator: "\n").count == 1)
        let check = try run(["ledger", "import", "--at=2026-04-01T10:00:00+02:00", "--key-file", "restos.orgkey", "batch.csv"])
        #expect(check.status == 1)
        #expect(check.out.isEmpty)
        #expect(check.err.contains("line 3: LED-7"))
        #expect(check.err.contains("line 4: LED-0"))
        #expect(check.err.contains("nothing was written"))
        #expect(check.err.split(separator: "\n").count == 1)
        // With --confirm, one bad line means nothing at all is appended (all or nothing).
        let size = try ok(["term", "status", "--json"])
        let allOrNothing = try run(["ledger", "import", "--at=2026-04-01T10:00:00+02:00", "--key-file", "restos.orgkey", "batch.csv", "--confirm"])
        #expect(allOrNothing.status == 1)
        #expect(try ok(["term", "status", "--json"]) == size)
        let fixed = csv.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n"
        try Data(fixed.utf8).write(to: work.appendingPathComponent("batch.csv"))
        #expect(try ok(["ledger", "import", "--at=2026-04-01T10:00:00+02:00", "--key-file", "restos.orgkey", "batch.csv"]).contains("All 1 lines are valid"))
        let imported = try ok(["ledger", "import", "--at=2026-04-01T10:00:00+02:00", "--key-file", "restos.orgkey", "batch.csv", "--confirm",
                               "--receipts", "receipts"])
        #expect(imported.contains("Appended 1 contributions as entries 4–4"))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("receipts/R-10.receipt.json").path))
        _ = try ok(["ledger", "reverse", "--at=2026-04-02T10:00:00+02:00", "--entry", "3", "--reason", "Wrong volunteer", "--key-file", "restos.orgkey"])
        let again = try run(["ledger", "reverse", "--at=2026-04-02T10:00:00+02:00", "--entry", "5", "--reason", "undo"])
        #expect(again.status == 1)
        #expect(again.err.contains("LED-10"))
        let statement = try ok(["ledger", "statement", "--account", account, "--year", "2026", "--out", "statements"])
        #expect(statement.contains("Time given: 2 h"))
        #expect(statement.contains("REVERSED by #5"))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("statements/statement-\(account)-2026.json").path))
        let totals = try ok(["ledger", "totals", "--json"])
        #expect(totals.contains("\"total_minutes\":120"))
        #expect(totals.contains("\"reversed\":1"))
    }
}
