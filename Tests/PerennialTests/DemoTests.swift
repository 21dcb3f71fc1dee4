import BallotCore
import CivicCrypto
import CivicLog
import Deliberation
import Foundation
import Perennial
import PerennialDemo
import Testing

/// The whole term, simulated: the published result must equal the simulator's ground truth, for
/// several seeds and both kinds of group.
@Suite("Demo term", .serialized)
struct DemoTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("perennial-demo-\(UUID().uuidString)", isDirectory: true)
    }

    @Test(arguments: [(GroupName.ristretto255, UInt64(1)), (.ristretto255, 7), (.ristretto255, 2026), (.belenios2048, 3), (.eg4096, 5)])
    func resultEqualsGroundTruth(group: GroupName, seed: UInt64) throws {
        let out = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = DemoSimulator.Options(output: out)
        options.citizens = group == .ristretto255 ? 60 : 12
        options.years = group == .ristretto255 ? 4 : 2
        options.seed = seed
        options.group = group
        let summary = try DemoSimulator(options: options).run()
        #expect(summary.matches)
        #expect(summary.counted > 0)
        #expect(summary.spoiled == 1)
        // Every overall count equals the truth, including withdrawn candidates.
        for r in summary.result.results where r.year == nil {
            for o in r.options { #expect(o.count == summary.truth[r.contest]?[o.id] ?? 0, "\(r.contest)/\(o.id)") }
        }
        // Per-year totals add up to the overall totals.
        for overall in summary.result.results where overall.year == nil {
            for o in overall.options {
                let perYear = summary.result.results.filter { $0.contest == overall.contest && $0.year != nil }
                    .compactMap { $0.options.first { $0.id == o.id }?.count }.reduce(0, +)
                #expect(perYear == o.count)
            }
        }
        // Reopening the node replays the log to the same state.
        let node = try Node(directory: out.appendingPathComponent("node"))
        let election = try node.requireElection()
        #expect(election.phase == .tallied)
        #expect(election.statistics.counted == summary.counted)
        #expect(election.result == summary.result)
    }

    /// With the workshops' proposals the demo also deliberates, and its moderator hides an off-topic
    /// comment: the result still equals the ground truth, and the exported record keeps that
    /// comment's hash, not its text (one redacted line, SPEC §2.2).
    @Test func theDemosHiddenCommentIsRedactedAndTheResultStillMatches() throws {
        let out = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = DemoSimulator.Options(output: out)
        options.citizens = 20
        options.years = 3
        options.proposals = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Proposals")
        let summary = try DemoSimulator(options: options).run()
        #expect(summary.matches)
        let node = try Node(directory: out.appendingPathComponent("node"))
        let hidden = try node.deliberation().state.comments.values.filter { $0.hidden != nil }
        #expect(hidden.count == 1)
        let record = out.appendingPathComponent("record")
        try node.exportPublicRecord(to: record)
        let lines = try String(contentsOf: record.appendingPathComponent("entries.jsonl"), encoding: .utf8).split(separator: "\n")
        let redacted = lines.filter { $0.contains("\"redacted\":") }
        #expect(redacted.count == 1)
        let payloads = lines.compactMap { line -> String? in
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let b64 = json["payload"] as? String, let data = Data(base64Encoded: b64) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        #expect(payloads.count == lines.count)
        let body = try #require(hidden.first).body
        #expect(!body.isEmpty)
        #expect(!payloads.contains { $0.contains(body) })
        #expect(payloads.contains { $0.contains(#""body":"""#) && $0.contains(#""kind":"delib.comment""#) })
    }

    @Test func exportImportExportIsByteIdentical() throws {
        let out = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = DemoSimulator.Options(output: out)
        options.citizens = 15
        options.years = 2
        _ = try DemoSimulator(options: options).run()
        let node = try Node(directory: out.appendingPathComponent("node"))
        let first = out.appendingPathComponent("record-1"), second = out.appendingPathComponent("record-2")
        _ = try node.store.exportRecord(to: first)
        // Importing needs the same log key only to sign new checkpoints; the record's own checkpoints are kept.
        let imported = try LogStore(directory: out.appendingPathComponent("imported"), origin: node.origin,
                                    signingKey: try LogSigningKey.loadOrCreate(keyFile: out.appendingPathComponent("node/keys/log.key")))
        _ = try imported.importRecord(from: first)
        _ = try imported.exportRecord(to: second)
        for file in ["manifest.json", "entries.jsonl", "checkpoints.jsonl"] {
            let a = try Data(contentsOf: first.appendingPathComponent(file)), b = try Data(contentsOf: second.appendingPathComponent(file))
            #expect(a == b, "\(file) differs after import")
        }
    }
}
