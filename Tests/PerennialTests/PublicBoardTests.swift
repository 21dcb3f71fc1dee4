import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialDemo
import Testing

/// The public board (SPEC §2.7, §2.8): what it serves for a simulated term, checked against the log
/// and the simulator's own counts; and the tracking code of SPEC §2.6.
@Suite("Public board", .serialized)
struct PublicBoardTests {
    @Test func trackingCodeIsTheSpecs() {
        #expect(PublicTrackingCode.code(payload: []) == "SPCE-NMZG-GK2F8")
        #expect(PublicTrackingCode.code(payload: Array("abc".utf8)) == "1SD5-0DRA-92M5Q")
        #expect(PublicTrackingCode.read("spce nmzg gk2f8") == "SPCENMZGGK2F8")
        #expect(PublicTrackingCode.read("1SD5_ODRA.92M5Q") == "1SD50DRA92M5Q")  // O read as 0
        #expect(PublicTrackingCode.read("SPCE-NMZG-GK2F9") == nil)  // one symbol changed
        #expect(PublicTrackingCode.read("SPCE-NMZG-KG2F8") == nil)  // two neighbours swapped
        #expect(PublicTrackingCode.read("SPCE-NMZG-GK2F") == nil)  // too short
        #expect(PublicTrackingCode.read("SPCE-NMZG-GK2FU") == nil)  // U is not a symbol
    }

    /// Before the tally there is no result; only entries under a signed checkpoint are shown.
    @Test func boardShowsOnlyThePublishedTreeAndNoResultBeforeTheTally() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-board-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try Node.setUp(directory: dir, origin: "test.example/board", simulation: true, clock: ManualClock(milliseconds: 1_790_000_000_000)) { o, r in
            try TermSetupService.makeSetup(
                term: "t", title: "Conseil <test> & co", timeZone: "Europe/Paris", start: "2027-01-01", end: "2028-01-01",
                trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
                officer: o, registrar: r, simulation: true)
        }
        let board = PublicBoard(store: node.store)
        #expect(try board.resource(path: "checkpoint") == nil)  // nothing published yet
        try node.store.signCheckpoint()
        let registrar = try node.key("registrar")
        let enrol = RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "05-01", eligibleFrom: nil, eligibleUntil: nil)
        try node.submit(payload: enrol.payloadBytes(record: node.origin, term: "t"), signer: registrar)
        var status = String(decoding: try #require(try board.resource(path: "index.html")).bytes, as: UTF8.self)
        #expect(status.contains("Conseil &lt;test&gt; &amp; co"))  // escaped
        #expect(status.contains("0 voters enrolled"))  // the enrolment is not under a checkpoint yet
        #expect(status.contains("no running result exists"))
        #expect(!status.contains("Audit verdict"))
        #expect(status.contains(node.verifierKey))
        #expect(try board.resource(path: "tile/entries/000.p/2") == nil)
        try node.store.signCheckpoint()
        status = String(decoding: try #require(try board.resource(path: "/")).bytes, as: UTF8.self)
        #expect(status.contains("1 voters enrolled"))
        #expect(try board.resource(path: "tile/entries/000.p/2") != nil)
    }

    @Test func boardServesTheTermsRecord() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-board-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var options = DemoSimulator.Options(output: out)
        options.citizens = 40
        options.years = 3
        options.seed = 11
        options.durability = .simulation
        // The workshops' proposals: the demo discusses them and its moderator hides one comment.
        options.proposals = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Proposals")
        let summary = try DemoSimulator(options: options).run()
        let node = try Node(directory: out.appendingPathComponent("node"), durability: .simulation)
        let store = node.store
        let board = PublicBoard(store: store, options: BoardOptions(auditVerdict: "RESULT: PASS (all 56 checks passed)"))
        let checkpoint = try #require(try store.latestCheckpoint())

        let cp = try #require(try board.resource(path: "/checkpoint"))
        #expect(cp.bytes == Array(checkpoint.note.utf8))
        #expect(cp.contentType == "text/plain; charset=utf-8")
        #expect(!cp.immutable)
        // The demo hides one comment: its bundle slot is redacted (SPEC §2.7), every other slot is the
        // leaf; a full bundle holding any comment may change, so it is not immutable.
        var comments: [UInt64] = []
        try store.forEachEntry(in: 0..<checkpoint.size) { entry in
            if String(decoding: entry.envelope.payload.prefix(30), as: UTF8.self).hasPrefix(#"{"kind":"delib.comment""#) { comments.append(entry.index) }
        }
        #expect(comments.count >= 2)
        var redactedSlots = 0
        for name in TileName.tiles(forTreeSize: checkpoint.size) {
            let r = try #require(try board.resource(path: "/" + name.path), "\(name.path)")
            #expect(r.contentType == "application/octet-stream")
            let plain = try #require(try store.tile(name))
            guard case .entries = name.kind else {
                #expect(r.immutable == name.isFull)
                #expect(r.bytes == plain)
                continue
            }
            let range = name.index * 256..<name.index * 256 + UInt64(name.width)
            #expect(r.immutable == (name.isFull && !comments.contains { range.contains($0) }), "\(name.path)")
            let slots = r.bytes.indices.dropLast(6).filter { r.bytes[$0..<$0 + 7].elementsEqual(LogStore.redactedSlotMarker) }.count
            redactedSlots += slots
            #expect((r.bytes == plain) == (slots == 0), "\(name.path)")
        }
        #expect(redactedSlots == 1)
        for missing in ["/tile/0/999", "/tile/0/x000/000", "/tile/9/000", "/trackers/zz.json", "/trackers/0.json", "/nothing", "/tile/entries/000.p/0"] {
            #expect(try board.resource(path: missing) == nil, "\(missing)")
        }

        // The record files are the export's, byte for byte.
        let record = out.appendingPathComponent("again")
        try store.exportRecord(to: record)
        for file in ["manifest.json", "checkpoints.jsonl"] {
            #expect(try board.resource(path: file)?.bytes == [UInt8](try Data(contentsOf: record.appendingPathComponent(file))), "\(file)")
        }

        // The tracker index, rebuilt here from the log: every ballot under its code, the latest per
        // card and window counts, the earlier ones are replaced by it, spoils are challenged.
        var expected: [String: (entry: UInt64, state: String, by: UInt64?)] = [:]
        var latest: [String: String] = [:]
        var lineage: [String: String] = [:]
        try store.forEachEntry(in: 0..<checkpoint.size) { entry in
            let json = try JSONSerialization.jsonObject(with: Data(entry.envelope.payload)) as! [String: Any]
            switch json["kind"] as! String {
            case "roll.replace": lineage[json["new"] as! String] = lineage[json["old"] as! String] ?? json["old"] as? String
            case "ballot.cast":
                let author = Hex.encode(entry.envelope.author)
                let key = "\(lineage[author] ?? author)/\(json["window"] as! Int)"
                let code = PublicTrackingCode.code(payload: entry.envelope.payload).replacingOccurrences(of: "-", with: "")
                if let previous = latest[key] { expected[previous]!.state = "replaced"; expected[previous]!.by = entry.index }
                latest[key] = code
                expected[code] = (entry.index, "counts", nil)
            case "ballot.spoil":
                let code = PublicTrackingCode.code(payload: [UInt8](Data(base64Encoded: json["ballot"] as! String)!)).replacingOccurrences(of: "-", with: "")
                expected[code] = (entry.index, "challenged", nil)
            default: break
            }
        }
        #expect(expected.values.filter { $0.state == "counts" }.count == summary.counted)
        #expect(expected.values.filter { $0.state == "challenged" }.count == summary.spoiled)
        #expect(expected.values.filter { $0.state == "replaced" }.count == summary.superseded)
        var served = 0
        for shard in Set(expected.keys.map { String($0.prefix(2)) }) {
            let r = try #require(try board.resource(path: "trackers/\(shard).json"))
            let json = try JSONSerialization.jsonObject(with: Data(r.bytes)) as! [String: Any]
            #expect(json["size"] as? Int == Int(checkpoint.size))
            for item in json["ballots"] as! [[String: Any]] {
                let code = item["code"] as! String
                #expect(code.hasPrefix(shard))
                let e = try #require(expected[code], "\(code) is not a ballot of the log")
                #expect(item["entry"] as? Int == Int(e.entry))
                #expect(item["state"] as? String == e.state)
                #expect((item["by"] as? Int).map(UInt64.init) == e.by)
                served += 1
            }
        }
        #expect(served == expected.count)

        // The status page: plain HTML without scripts, the term and the result beside the verdict.
        let status = String(decoding: try #require(try board.resource(path: "/")).bytes, as: UTF8.self)
        #expect(!status.contains("<script"))
        #expect(status.contains("Ballots per day") && status.contains("Ballots per year") && status.contains("Roll size over time"))
        #expect(status.contains("<svg role=\"img\""))
        #expect(status.contains("RESULT: PASS (all 56 checks passed)"))
        #expect(status.contains("\(summary.counted) ballots counted."))
        #expect(status.contains("Europe/Paris"))
        let check = String(decoding: try #require(try board.resource(path: "check.html")).bytes, as: UTF8.self)
        #expect(check.contains(#"<meta name="perennial-log-key" content="\#(node.verifierKey)">"#))
        #expect(try board.resource(path: "assets/check.js") != nil && board.resource(path: "assets/nacl.min.js") != nil)

        // The exported tree holds the same bytes as the served resources.
        let exported = out.appendingPathComponent("board")
        try board.export(to: exported)
        for path in ["checkpoint", "index.html", "check.html", "assets/check.js", "manifest.json", "checkpoints.jsonl"]
            + TileName.tiles(forTreeSize: checkpoint.size).map(\.path) + expected.keys.map { "trackers/\($0.prefix(2)).json" } {
            #expect([UInt8](try Data(contentsOf: exported.appendingPathComponent(path))) == (try board.resource(path: path))?.bytes, "\(path)")
        }
    }
}
