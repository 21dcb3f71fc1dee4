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
    static let secret = "A text the moderator hides, with an insult"

    static func must(_ args: [String]) async throws {
        let r = await Invocation.run(args)
        #expect(r.code == 0, "perennial \(args.joined(separator: " ")): \(r.stderr)")
    }

    /// A node with the workshops' proposals and two comments by Ana, c1 (``secret``) and c2 ("kept").
    /// With `hide`, the moderator hides c1. Returns the node's data directory.
    static func node(in work: URL, hide: Bool = true) async throws -> String {
        let data = work.appendingPathComponent("data").path
        let at = "--at=2026-12-02T09:00:00+01:00"
        try await must(["term", "setup", "--at=2026-12-01T09:00:00+01:00", "--simulation", "--data", data, "--origin", "x.example/mod",
                        "--term", "mod-2027", "--title", "M", "--time-zone", "Europe/Paris", "--start", "2027-01-01", "--end", "2029-01-01",
                        "--trustees", "1", "--threshold", "1", "--trustee-key", String(repeating: "ab", count: 32)])
        try await must(["proposal", "participant", at, "--data", data, "--id", "ana", "--name", "Ana"])
        try await must(["proposal", "participant", at, "--data", data, "--id", "mod", "--name", "Mod", "--moderator"])
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Proposals").path
        try await must(["proposal", "import", at, "--data", data, "--moderator", "mod", corpus])
        try await must(["proposal", "comment", at, "--data", data, "--as", "ana", "--proposal", "amap-de-la-donnee", "--text", secret])
        try await must(["proposal", "comment", at, "--data", data, "--as", "ana", "--proposal", "amap-de-la-donnee", "--text", "kept"])
        if hide { try await must(["proposal", "moderate", at, "--data", data, "--as", "mod", "--comment", "c1", "--reason", "insult"]) }
        return data
    }

    @Test func aHiddenCommentsTextLeavesTheExport() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-moderation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = try await Self.node(in: work)
        let secret = Self.secret
        func must(_ args: [String]) async throws { try await Self.must(args) }

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

    /// Every file of an exported board, by path relative to it.
    static func files(under root: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let base = root.resolvingSymlinksInPath().path
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])! {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            out[String(url.resolvingSymlinksInPath().path.dropFirst(base.count + 1))] = [UInt8](try Data(contentsOf: url))
        }
        return out
    }

    static func holds(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// Nothing the board serves or exports carries a hidden comment's text: tiles, bundles (the
    /// comment's slot is redacted, SPEC §2.7), record files, checkpoints, tracker shards, pages.
    @Test func nothingOnTheBoardCarriesTheHiddenText() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-moderation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let secret = Array(Self.secret.utf8)

        // Control: before moderation the bundle carries the text, so the scan below can fail.
        let visible = try await Self.node(in: work.appendingPathComponent("visible"), hide: false)
        try await Self.must(["export", "--data", visible, "--tiles", work.appendingPathComponent("visible-board").path])
        #expect(try Self.files(under: work.appendingPathComponent("visible-board")).contains { $0.key.hasPrefix("tile/entries/") && Self.holds($0.value, secret) })

        let data = try await Self.node(in: work)
        let boardDir = work.appendingPathComponent("board")
        try await Self.must(["export", "--data", data, "--tiles", boardDir.path, "--out", work.appendingPathComponent("record").path])
        let exported = try Self.files(under: boardDir)
        #expect(exported.keys.contains("entries.jsonl") && exported.keys.contains("index.html") && exported.keys.contains("checkpoint"))
        #expect(exported.keys.contains { $0.hasPrefix("tile/entries/") } && exported.keys.contains { $0.hasPrefix("tile/0/") })
        for (path, bytes) in exported {
            #expect(!Self.holds(bytes, secret), "\(path) carries the hidden comment's text")
        }
        // entries.jsonl carries payloads in base64: decoded, none holds the text either.
        let lines = String(decoding: try #require(exported["entries.jsonl"]), as: UTF8.self).split(separator: "\n")
        #expect(lines.filter { $0.contains("\"redacted\":") }.count == 1)
        for line in lines {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let payload = try #require((json["payload"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(!Self.holds([UInt8](payload), secret))
        }
        // The board's entries.jsonl is the --out record's, redacted line included.
        #expect(exported["entries.jsonl"] == [UInt8](try Data(contentsOf: work.appendingPathComponent("record/entries.jsonl"))))

        // Served: the same bytes as exported, path by path, and every served resource is scanned too.
        let node = try Node(directory: URL(fileURLWithPath: data), clock: ManualClock(milliseconds: 1))
        let board = PublicBoard(store: node.store)
        for (path, bytes) in exported where path != "entries.jsonl" {
            let served = try #require(try board.resource(path: path), "\(path) is not served")
            #expect(served.bytes == bytes, "\(path)")
            #expect(!Self.holds(served.bytes, secret))
        }

        // The redacted slot: time, author, the true leaf hash (the level-0 tile's), the stand-in.
        let size = try #require(try node.store.latestCheckpoint()).size
        let bundleName = try #require(TileName.tiles(forTreeSize: size).first { $0.kind == .entries && $0.index == 0 })
        let bundle = try #require(exported[bundleName.path])
        let marker = LogStore.redactedSlotMarker
        let at = try #require(bundle.indices.dropLast(6).first { bundle[$0..<$0 + 7].elementsEqual(marker) })
        let tile0 = try #require(exported[TileName(kind: .hashes(level: 0), index: 0, width: bundleName.width).path])
        let c1 = try #require(try (0..<size).map { try node.store.entry(at: $0) }.first { String(decoding: $0.envelope.payload, as: UTF8.self).contains(Self.secret) })
        let hash = Array(bundle[at + 7 + 8 + 32..<at + 7 + 8 + 64])
        #expect(hash == c1.leafHash.bytes)
        #expect(hash == Array(tile0[Int(c1.index) * 32..<Int(c1.index) * 32 + 32]))
        #expect(Array(bundle[at + 15..<at + 47]) == c1.envelope.author)
        #expect(bundle[at + 7..<at + 15].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == c1.timeMs)
        #expect(bundle.indices.dropLast(6).filter { bundle[$0..<$0 + 7].elementsEqual(marker) }.count == 1)
        // Shown again: the slot carries the leaf again.
        try await Self.must(["proposal", "moderate", "--at=2026-12-02T10:00:00+01:00", "--data", data, "--as", "mod", "--comment", "c1", "--unhide", "--reason", "appeal"])
        try await Self.must(["checkpoint", "--data", data])
        let again = try Node(directory: URL(fileURLWithPath: data), clock: ManualClock(milliseconds: 1))
        let shown = try #require(try PublicBoard(store: again.store).resource(path: bundleName.path))
        #expect(Self.holds(shown.bytes, secret))
    }
}
