import CivicCrypto
import CivicLog
import Foundation
import Perennial
import Testing

/// Moderation keeps the hash, not the text: once a comment is hidden, `perennial export` writes its
/// entry as a redacted line (its leaf hash, a stand-in with the comment's hash and no text), and the
/// text is back when the comment is shown again. (`Audit/Tests/AuditKitTests/RedactionTests` checks
/// that the audit verifies such a record and catches any other redaction.)
@Suite("Moderation export", .serialized)
struct ModerationExportTests {
    @Test func aHiddenCommentsTextLeavesTheExport() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-moderation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("data").path
        let at = "--at=2026-12-02T09:00:00+01:00"
        func must(_ args: [String]) async throws {
            let r = await Invocation.run(args)
            #expect(r.code == 0, "perennial \(args.joined(separator: " ")): \(r.stderr)")
        }
        try await must(["term", "setup", "--at=2026-12-01T09:00:00+01:00", "--simulation", "--data", data, "--origin", "x.example/mod",
                        "--term", "mod-2027", "--title", "M", "--time-zone", "Europe/Paris", "--start", "2027-01-01", "--end", "2029-01-01",
                        "--trustees", "1", "--threshold", "1", "--trustee-key", String(repeating: "ab", count: 32)])
        try await must(["proposal", "participant", at, "--data", data, "--id", "ana", "--name", "Ana"])
        try await must(["proposal", "participant", at, "--data", data, "--id", "mod", "--name", "Mod", "--moderator"])
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Proposals").path
        try await must(["proposal", "import", at, "--data", data, "--moderator", "mod", corpus])
        let secret = "A text the moderator hides, with an insult"
        try await must(["proposal", "comment", at, "--data", data, "--as", "ana", "--proposal", "amap-de-la-donnee", "--text", secret])
        try await must(["proposal", "comment", at, "--data", data, "--as", "ana", "--proposal", "amap-de-la-donnee", "--text", "kept"])
        try await must(["proposal", "moderate", at, "--data", data, "--as", "mod", "--comment", "c1", "--reason", "insult"])

        let record = work.appendingPathComponent("record")
        try await must(["export", "--data", data, "--out", record.path])
        let lines = try String(contentsOf: record.appendingPathComponent("entries.jsonl"), encoding: .utf8).split(separator: "\n")
        let decoded = lines.map { line -> (json: [String: Any], payload: String) in
            let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
            let payload = (json["payload"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return (json, payload)
        }
        #expect(!decoded.contains { $0.payload.contains(secret) }, "the hidden text is still in the export")
        let redacted = decoded.filter { $0.json["redacted"] != nil }
        #expect(redacted.count == 1)
        let node = try Node(directory: URL(fileURLWithPath: data), clock: ManualClock(milliseconds: 1))
        if let line = redacted.first, let index = line.json["index"] as? Int {
            let entry = try node.store.entry(at: UInt64(index))
            #expect(line.json["redacted"] as? String == Hex.encode(entry.leafHash.bytes))
            #expect(line.json["signature"] == nil)
            #expect(line.payload.contains("\"comment\":\"c1\"") && line.payload.contains("\"body\":\"\""))
            let hash = try #require(try node.deliberation().state.comments.values.first { $0.id.rawValue == "c1" }?.hash.hex)
            #expect(line.payload.contains("\"hash\":\"\(hash)\""))
        }
        #expect(decoded.contains { $0.payload.contains("\"body\":\"kept\"") })
        // Shown again: the text is back in the next export.
        try await must(["proposal", "moderate", "--at=2026-12-02T10:00:00+01:00", "--data", data, "--as", "mod", "--comment", "c1", "--unhide", "--reason", "appeal"])
        let again = work.appendingPathComponent("record2")
        try await must(["export", "--data", data, "--out", again.path])
        let text = try String(contentsOf: again.appendingPathComponent("entries.jsonl"), encoding: .utf8)
        #expect(!text.contains("\"redacted\""))
    }
}
