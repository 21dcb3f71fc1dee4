import AuditKit
import Foundation
import Testing

/// The audit over the network (SPEC.md §2.7): verify URL against verify DIR, the pinned log key,
/// and follow's consistency checks, against a plain static HTTP server on loopback.
@Suite("Bulletin board", .serialized)
struct BoardTests {
    typealias B = ElectionBuilder<Ristretto255>

    static func board(_ log: RecordBuilder, in dir: String) {
        for item in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(item))
        }
        TileWriter.write(log, to: dir)
    }

    static func vkey(_ log: RecordBuilder, key: TestKey? = nil) -> String {
        Checkpoint.verifierKey(name: log.origin, publicKey: (key ?? log.logKey).publicKey)
    }

    @Test func verifyURLGivesTheSameReportAsVerifyDir() throws {
        let b = B.standard(Ristretto255())
        let record = TempDir(), boardDir = TempDir()
        b.write(to: record.path)
        TileWriter.write(b.log, to: boardDir.path)
        let server = try StaticServer(directory: boardDir.path)
        let direct = try Audit.verify(recordDirectory: record.path)
        let remote = try RemoteBoard.verify(url: server.url)
        #expect(direct.passed)
        #expect(remote.text == direct.text)
        #expect(remote.json.compactText == direct.json.compactText)

        // A tile that disagrees with its bundle, or tiles that disagree with the signed root, fail.
        let tile = (boardDir.path as NSString).appendingPathComponent("tile/0/000.p/\(b.log.entries.count)")
        var bytes = [UInt8](FileManager.default.contents(atPath: tile)!)
        bytes[40] ^= 1
        FileManager.default.createFile(atPath: tile, contents: Data(bytes))
        #expect(throws: AuditError.self) { _ = try RemoteBoard.verify(url: server.url) }
        do { _ = try RemoteBoard.verify(url: server.url) } catch { #expect(!error.isUnreadable) }
        // A missing tile cannot be read at all.
        try FileManager.default.removeItem(atPath: tile)
        do { _ = try RemoteBoard.verify(url: server.url); Issue.record("a missing tile was not noticed") } catch {
            #expect(error.isUnreadable)
        }
    }

    /// Consistency proofs and roots computed from tiles equal the RFC 6962 vectors (transparency-dev),
    /// over the classic eight test leaves served as partial level-0 tiles.
    @Test func tilesGiveTheRFC6962VectorsProofs() throws {
        let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"].map { try! Hex.decode($0) }
        let hashes = leaves.map(Merkle.leafHash)
        let dir = TempDir()
        for w in 1...8 { TileWriter.put(hashes.prefix(w).flatMap { $0 }, "tile/0/000.p/\(w)", in: dir.path) }
        let server = try StaticServer(directory: dir.path)
        var checked = 0
        for file in Vectors.files(under: "rfc6962/consistency") where file.lastPathComponent == "happy-path.json" {
            let v = try JSON.parse(Array(Data(contentsOf: file)))
            let size1 = v["size1"]!.uint64Value!, size2 = v["size2"]!.uint64Value!
            let tree = TiledTree(source: try HTTPSource(server.url), size: size2)
            #expect(try tree.hash(0, size2) == Base64.decode(v["root2"]!.stringValue!), "\(file.path)")
            #expect(try tree.hash(0, size1) == Base64.decode(v["root1"]!.stringValue!), "\(file.path)")
            let proof = try (v["proof"]?.arrayValue ?? []).map { try Base64.decode($0.stringValue!) }
            #expect(try tree.consistencyProof(from: size1) == proof, "\(file.path)")
            checked += 1
        }
        #expect(checked == 5)
        #expect(TiledTree.encode(index: 1_234_067) == "x001/x234/067")
        #expect(try TiledTree(source: try HTTPSource(server.url), size: 70_000).tilePath(level: 1, index: 1) == ("tile/1/001.p/17", 17))
    }

    /// `verify URL --index` (BRD-1): the board's tracking-code index must be exactly the record's.
    @Test func theTrackerIndexIsCheckedAgainstTheRecord() throws {
        #expect(TrackerIndex.symbols(Hash.sha256([UInt8]())) == "SPCENMZGGK2F8")  // SPEC.md §2.6's examples
        #expect(TrackerIndex.symbols(Hash.sha256(Array("abc".utf8))) == "1SD50DRA92M5Q")
        let b = B.standard(Ristretto255())
        let record = TempDir(), boardDir = TempDir()
        b.write(to: record.path)
        TileWriter.write(b.log, to: boardDir.path)
        // The index written here from the record's ballots, independently of TrackerIndex's fold.
        var lines: [(code: String, line: String)] = []
        var latest: [String: Int] = [:]
        var lineage: [[UInt8]: [UInt8]] = [:]
        for (i, e) in b.log.entries.enumerated() {
            let json = try JSON.parse(e.payload)
            switch json["kind"]?.stringValue {
            case "roll.replace":
                let o = try Hex.decode(json["old"]!.stringValue!), n = try Hex.decode(json["new"]!.stringValue!)
                lineage[n] = lineage[o] ?? o
            case "ballot.cast":
                let key = Hex.encode(lineage[e.author] ?? e.author) + "/\(json["window"]!.uint64Value!)"
                if let p = latest[key] { lines[p].line = lines[p].line.replacingOccurrences(of: "\"counts\",\"by\":null", with: "\"replaced\",\"by\":\(i)") }
                latest[key] = lines.count
                let code = TrackerIndex.symbols(Hash.sha256(e.payload))
                lines.append((code, "{\"code\":\"\(code)\",\"entry\":\(i),\"state\":\"counts\",\"by\":null}"))
            case "ballot.spoil":
                let code = TrackerIndex.symbols(Hash.sha256(try Base64.decode(json["ballot"]!.stringValue!)))
                lines.append((code, "{\"code\":\"\(code)\",\"entry\":\(i),\"state\":\"challenged\",\"by\":null}"))
            default: break
            }
        }
        #expect(lines.contains { $0.line.contains("\"replaced\"") } && lines.contains { $0.line.contains("\"challenged\"") })
        let shards = Dictionary(grouping: lines, by: { String($0.code.prefix(2)) })
        for (shard, items) in shards {
            TileWriter.put(Array(("{\"size\":\(b.log.entries.count),\"ballots\":[" + items.map(\.line).joined(separator: ",") + "]}\n").utf8),
                           "trackers/\(shard).json", in: boardDir.path)
        }
        let server = try StaticServer(directory: boardDir.path)
        let good = try RemoteBoard.verify(url: server.url, checkIndex: true)
        #expect(good.passed, "\(good.text)")
        #expect(good["BRD-1"]?.checked == UInt64(shards.count))
        // A ballot left out of the index, a false "counts", and a shard for ballots that do not exist all fail.
        let (someShard, someItems) = shards.first { $0.value.count >= 1 }!
        try FileManager.default.removeItem(atPath: boardDir.path + "/trackers/\(someShard).json")
        #expect(try RemoteBoard.verify(url: server.url, checkIndex: true).failedIDs == ["BRD-1"])
        let replaced = lines.first { $0.line.contains("\"replaced\"") }!
        TileWriter.put(Array(("{\"size\":\(b.log.entries.count),\"ballots\":[" + someItems.map(\.line).joined(separator: ",") + "]}\n").utf8),
                       "trackers/\(someShard).json", in: boardDir.path)
        let shard = String(replaced.code.prefix(2))
        let text = String(decoding: FileManager.default.contents(atPath: boardDir.path + "/trackers/\(shard).json")!, as: UTF8.self)
        TileWriter.put(Array(text.replacingOccurrences(of: #""state":"replaced","by":"#, with: #""state":"counts","by":"#).utf8),
                       "trackers/\(shard).json", in: boardDir.path)
        #expect(try RemoteBoard.verify(url: server.url, checkIndex: true).failedIDs == ["BRD-1"])
        TileWriter.put(Array(text.utf8), "trackers/\(shard).json", in: boardDir.path)
        #expect(try RemoteBoard.verify(url: server.url, checkIndex: true).passed)
        let unused = TrackerIndex.symbols(Hash.sha256(Array("nobody".utf8)))
        if shards[String(unused.prefix(2))] == nil {
            TileWriter.put(Array("{\"size\":1,\"ballots\":[]}\n".utf8), "trackers/\(unused.prefix(2)).json", in: boardDir.path)
            #expect(try RemoteBoard.verify(url: server.url, checkIndex: true).failedIDs == ["BRD-1"])
        }
    }

    /// Entries whose leaf is 65,535 bytes or more travel with the long length (SPEC.md §2.7) and are
    /// read back exactly; the rest keep C2SP's 16-bit length.
    @Test func bigLeavesAreReadBack() throws {
        var log = RecordBuilder()
        log.append()
        log.append(payload: log.payload(extra: [("text", .string(String(repeating: "x", count: 70_000)))]))
        log.append(payload: log.payload(extra: [("text", .string(String(repeating: "y", count: 0xFFFF - 109 - log.payload(extra: [("text", .string(""))]).count)))]))
        log.append()
        log.checkpointSizes = [4]
        #expect(log.entries[2].leafData.count == 0xFFFF)
        let dir = TempDir()
        TileWriter.write(log, to: dir.path)
        let server = try StaticServer(directory: dir.path)
        let snapshot = try RemoteBoard.snapshot(try HTTPSource(server.url))
        var lines: [String] = []
        try snapshot.tree.entries(0..<4) { (i: UInt64, leaf: TiledTree.Leaf) throws(AuditError) in lines.append(leaf.line(index: i)) }
        #expect(lines == log.entryLines.map { $0 + "\n" })
    }

    @Test func theLogKeyIsPinned() throws {
        let b = B.standard(Ristretto255())
        let record = TempDir()
        b.write(to: record.path)
        let right = Self.vkey(b.log)
        let wrong = Self.vkey(b.log, key: TestKey(seed: 0x77))
        #expect(Checkpoint.parseVerifierKey(right)?.publicKey == b.log.logKey.publicKey)
        #expect(Checkpoint.parseVerifierKey(right + "x") == nil)
        let pinned = try Audit.verify(recordDirectory: record.path, options: VerifyOptions(pinnedLogKey: right))
        #expect(pinned.passed)
        #expect(pinned["LOG-9"]?.passed == true)
        let other = try Audit.verify(recordDirectory: record.path, options: VerifyOptions(pinnedLogKey: wrong))
        #expect(!other.passed)
        #expect(other.failedIDs == ["LOG-9"])

        // term.setup must publish the record's own key (SPEC.md §4.2).
        let c = B(group: Ristretto255())
        c.add("term.setup", c.setupFields().map { $0.0 == "log_key" ? ("log_key", .string(wrong)) : $0 }, by: c.officer)
        let d = TempDir()
        c.write(to: d.path)
        let report = try Audit.verify(recordDirectory: d.path)
        #expect(report["TERM-1"].map { !$0.passed } ?? report.failedIDs.contains { $0.hasPrefix("TERM") })
        // And a term.setup without log_key is malformed.
        let e = B(group: Ristretto255())
        e.add("term.setup", e.setupFields().filter { $0.0 != "log_key" }, by: e.officer)
        let f = TempDir()
        e.write(to: f.path)
        #expect(try Audit.verify(recordDirectory: f.path).failedIDs.contains { $0.hasPrefix("TERM") })
    }

    /// The full record of the standard term and a prefix of it (before the close).
    static func prefix(_ log: RecordBuilder, _ size: Int) -> RecordBuilder {
        var p = log
        p.entries = Array(log.entries.prefix(size))
        // A checkpoint at every size, so that a shorter prefix's history is always the start of a
        // longer one's, whatever the number of entries the standard record has.
        p.checkpointSizes = Array(1...size)
        return p
    }

    @Test func followVerifiesNewEntriesIncrementally() throws {
        let b = B.standard(Ristretto255())
        let n = b.log.entries.count
        let full = Self.prefix(b.log, n)
        let boardDir = TempDir(), state = TempDir()
        Self.board(Self.prefix(b.log, n - 4), in: boardDir.path)
        let server = try StaticServer(directory: boardDir.path)
        let statePath = state.path + "/follow.json"
        let follower = try Follower(url: server.url, statePath: statePath, logKey: Self.vkey(b.log))
        guard case .verified(let first, let cp1) = try follower.round() else { Issue.record("round 1 did not verify"); return }
        #expect(first.passed)
        #expect(cp1.size == UInt64(n - 4))
        Self.board(full, in: boardDir.path)
        let r2 = try follower.round()
        guard case .verified(let second, let cp2) = r2 else { Issue.record("round 2 did not verify: \(r2)"); return }
        #expect(second.passed)
        #expect(cp2.size == UInt64(n))
        // The incremental report agrees with a full verification of the mirrored record (check by check).
        let whole = try Audit.verify(recordDirectory: state.path + "/follow.json.record", options: VerifyOptions(pinnedLogKey: Self.vkey(b.log)))
        #expect(whole.passed)
        #expect(second.checks.map { "\($0.check.id) \($0.passed)" } == whole.checks.map { "\($0.check.id) \($0.passed)" })
        #expect(second.checks.first { $0.check.id == "LOG-2" }?.checked == whole.checks.first { $0.check.id == "LOG-2" }?.checked)
        guard case .unchanged = try follower.round() else { Issue.record("round 3 should see nothing new"); return }
        // A new follower on the same state file resumes from it.
        let again = try Follower(url: server.url, statePath: statePath, logKey: nil)
        guard case .unchanged = try again.round() else { Issue.record("the state file was not resumed"); return }
        // The state file pins the key: another one is refused.
        #expect(throws: AuditError.self) { _ = try Follower(url: server.url, statePath: statePath, logKey: Self.vkey(b.log, key: TestKey(seed: 0x77))) }
    }

    @Test func followReportsAForkARollbackAndABadSignature() throws {
        let b = B.standard(Ristretto255())
        let n = b.log.entries.count
        let boardDir = TempDir(), state = TempDir()
        Self.board(Self.prefix(b.log, n - 4), in: boardDir.path)
        let server = try StaticServer(directory: boardDir.path)
        let follower = try Follower(url: server.url, statePath: state.path + "/f.json", logKey: nil)
        guard case .verified(let report, _) = try follower.round(), report.passed else { Issue.record("round 1 did not verify"); return }

        func expectInconsistent(_ kind: String, _ log: RecordBuilder, _ what: String) throws {
            Self.board(log, in: boardDir.path)
            guard case .inconsistent(let k, let seen, let served, _) = try follower.round() else {
                Issue.record("\(what) was not reported"); return
            }
            #expect(k == kind, "\(what)")
            #expect(seen.hasPrefix(b.log.origin + "\n\(n - 4)\n"))
            #expect(served.hasPrefix(b.log.origin + "\n\(log.checkpointSizes.last!)\n"))
        }
        // A fork: the same key signs a longer tree in which an old entry differs.
        var forked = Self.prefix(b.log, n)
        forked.entries[n - 6].time += 1
        try expectInconsistent("FORK", forked, "a fork to a longer tree")
        // A fork at the same size: another root.
        var same = Self.prefix(b.log, n - 4)
        same.entries[n - 5].time += 1
        try expectInconsistent("FORK", same, "a fork at the same size")
        // A rollback: a smaller tree.
        try expectInconsistent("ROLLBACK", Self.prefix(b.log, n - 7), "a rollback")
        // A checkpoint signed by another key.
        var rekeyed = Self.prefix(b.log, n)
        Self.board(rekeyed, in: boardDir.path)
        rekeyed.checkpointSizes = [n]
        TileWriter.put(Array(rekeyed.note(size: n, key: TestKey(seed: 0x77)).utf8), "checkpoint", in: boardDir.path)
        TileWriter.put(Array((CheckpointLine(size: UInt64(n), note: rekeyed.note(size: n, key: TestKey(seed: 0x77))).line + "\n").utf8),
                       "checkpoints.jsonl", in: boardDir.path)
        guard case .inconsistent(let k, _, _, _) = try follower.round() else { Issue.record("a re-keyed checkpoint was accepted"); return }
        #expect(k == "BAD SIGNATURE")
        // The honest continuation still follows: nothing inconsistent was saved.
        Self.board(Self.prefix(b.log, n), in: boardDir.path)
        guard case .verified(let last, _) = try follower.round() else { Issue.record("the honest board no longer verifies"); return }
        #expect(last.passed)
    }
}
