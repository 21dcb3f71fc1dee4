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
        p.checkpointSizes = Array(stride(from: 5, through: size, by: 5))
        if p.checkpointSizes.last != size { p.checkpointSizes.append(size) }
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
        guard case .verified(let second, let cp2) = try follower.round() else { Issue.record("round 2 did not verify"); return }
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
