import AuditKit
import Foundation
import Testing

/// Runs the built `perennial-audit` and checks its output and exit codes.
@Suite struct CommandLineTests {
    static let executable: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for config in ["debug", "release"] {
            let u = root.appendingPathComponent(".build/\(config)/perennial-audit")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return nil
    }()

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try #require(Self.executable)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: executable != nil)) func exitCodes() throws {
        let election = ElectionBuilder.standard(Ristretto255())
        let dir = TempDir()
        election.write(to: dir.path)
        // The standard term is a real one dated 2026–2028: verified as of after its end (LOG-10).
        let afterTheTerm = String(election.at(2028, 2, 1))
        let ok = try run(["verify", dir.path, "--now", afterTheTerm])
        #expect(ok.status == 0, "\(ok.out)\(ok.err)")
        #expect(ok.out.contains("LOG-10"))
        // Verified during the term, its close (dated at the term's end) cannot have been written yet.
        let early = try run(["verify", dir.path, "--now", String(election.at(2027, 6, 1))])
        #expect(early.status == 1, "\(early.out)\(early.err)")
        #expect(early.out.contains("FAIL  LOG-10"))
        #expect(ok.out.contains("RESULT: PASS"))
        #expect(ok.out.contains("LOG-4"))
        #expect(ok.out.contains("TAL-3"))

        let json = try run(["verify", dir.path, "--json", "--now", afterTheTerm])
        #expect(json.status == 0)
        let parsed = try JSON.parse(json.out)
        #expect(parsed["passed"]?.boolValue == true)
        #expect(parsed["checks"]?.arrayValue?.contains { $0["id"]?.stringValue == "LOG-1" } == true)

        let b = RecordBuilder.simple(entries: 3)
        let bad = TempDir()
        b.write(to: bad.path, checkpointLines: [CheckpointLine(size: 3, note: b.note(size: 3, key: TestKey(seed: 3))).line])
        let failed = try run(["verify", bad.path, "--json"])
        #expect(failed.status == 1)
        #expect(try JSON.parse(failed.out)["passed"]?.boolValue == false)

        let missing = try run(["verify", dir.path + "/nowhere"])
        #expect(missing.status == 2)
        #expect(missing.err.contains("manifest.json"))

        let usage = try run(["verify"])
        #expect(usage.status == 2)
    }

    @Test(.enabled(if: executable != nil)) func receiptCommand() throws {
        let b = RecordBuilder.simple(entries: 5)
        let dir = TempDir()
        b.write(to: dir.path)
        let receipt = JSON.object([
            ("format", .string("perennial-receipt")), ("version", .int(1)), ("origin", .string(b.origin)),
            ("log_key", .string(Hex.encode(b.logKey.publicKey))), ("index", .int(2)),
            ("leaf_hash", .string(Hex.encode(b.entries[2].leafHash))), ("checkpoint", .string(b.note(size: 3))),
            ("inclusion", .array(b.inclusionProof(index: 2, size: 3).map { .string(Hex.encode($0)) })),
        ]).compactText
        let path = dir.path + "/receipt.json"
        try Data(receipt.utf8).write(to: URL(fileURLWithPath: path))
        let r = try run(["receipt", path, "--record", dir.path])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("RCT-5"))
        let offline = try run(["receipt", path])
        #expect(offline.status == 0)
        #expect(try run(["receipt", dir.path + "/none.json"]).status == 2)
    }
}
