import AuditKit
import Foundation
import Testing

/// Hidden comments leave the bulletin board too (SPEC.md §2.7): the bundle slot of a redacted entry
/// carries its time, author, leaf hash and stand-in, never the leaf. `verify URL` reads it with its
/// own code and gives the report of `verify DIR`; a slot with a wrong leaf hash, a malformed slot,
/// or a redaction of anything but a hidden comment fails.
@Suite("Redacted slots on a board", .serialized)
struct BoardRedactionTests {
    typealias B = ElectionBuilder<Ristretto255>

    /// The deliberation story (comment c2, "Non.", is hidden by a moderator) with the entry holding
    /// `marker` redacted: its leaf hash kept, its payload replaced by the stand-in (empty body).
    func story(redacting marker: String) throws -> B {
        let b = DeliberationTests().story()
        guard let i = b.log.entries.firstIndex(where: { String(decoding: $0.payload, as: UTF8.self).contains(marker) }) else {
            throw AuditTestFailure("no entry holds \(marker)")
        }
        var e = b.log.entries[i]
        let hash = e.leafHash
        var text = String(decoding: e.payload, as: UTF8.self)
        if let r = text.range(of: #""body":""#), let end = text[r.upperBound...].firstIndex(of: "\"") {
            text.replaceSubrange(r.upperBound..<end, with: "")
        }
        e.payload = Array(text.utf8)
        e.redactedLeaf = hash
        b.log.entries[i] = e
        return b
    }

    /// The record as a directory and as a board served over loopback.
    func publish(_ b: B) throws -> (record: TempDir, board: TempDir, server: StaticServer) {
        let record = TempDir(), board = TempDir()
        b.write(to: record.path)
        TileWriter.write(b.log, to: board.path)
        return (record, board, try StaticServer(directory: board.path))
    }

    func bundlePath(_ b: B, in board: TempDir) -> String {
        (board.path as NSString).appendingPathComponent("tile/entries/000.p/\(b.log.entries.count)")
    }

    /// Applies `edit` to the bundle's bytes, given the offset of its redacted slot's marker.
    func editBundle(_ b: B, _ board: TempDir, _ edit: (inout [UInt8], Int) -> Void) throws {
        let path = bundlePath(b, in: board)
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        let marker: [UInt8] = [0xFF, 0xFF, 0, 0, 0, 0, 0x02]
        guard let at = (0...(bytes.count - marker.count)).first(where: { Array(bytes[$0..<$0 + marker.count]) == marker }) else {
            throw AuditTestFailure("the bundle holds no redacted slot")
        }
        edit(&bytes, at)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// Every byte the board serves, file by file.
    func servedFiles(_ board: TempDir) -> [(String, [UInt8])] {
        let root = URL(fileURLWithPath: board.path)
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        return walker.compactMap { $0 as? URL }.compactMap { url in
            FileManager.default.contents(atPath: url.path).map { (url.path, [UInt8]($0)) }
        }
    }

    @Test func aRedactedSlotGivesTheReportOfTheDirectoryAndNoText() throws {
        let b = try story(redacting: #""comment":"c2""#)
        let (record, board, server) = try publish(b)
        let direct = try Audit.verify(recordDirectory: record.path)
        let remote = try RemoteBoard.verify(url: server.url)
        #expect(direct.passed, "\(direct.text)")
        #expect(remote.text == direct.text)
        #expect(remote.json.compactText == direct.json.compactText)
        // The bundle holds the redacted slot; no served file holds the hidden text "Non.".
        var slots = 0
        try editBundle(b, board) { _, _ in slots += 1 }
        #expect(slots == 1)
        let hidden = Array("Non.".utf8)
        let files = servedFiles(board)
        #expect(files.count >= 5)
        for (path, bytes) in files {
            let found = bytes.count >= hidden.count && (0...(bytes.count - hidden.count)).contains { Array(bytes[$0..<$0 + hidden.count]) == hidden }
            #expect(!found, "\(path) holds the hidden comment's text")
        }
        // The unredacted board does hold it, so the scan above can fail.
        let unredacted = DeliberationTests().story(), plain = TempDir(), plainRecord = TempDir()
        unredacted.write(to: plainRecord.path)  // sets the checkpoints
        TileWriter.write(unredacted.log, to: plain.path)
        #expect(servedFiles(plain).contains { _, bytes in String(decoding: bytes, as: UTF8.self).contains("Non.") })
    }

    @Test func aRedactedSlotWithAnotherLeafHashFails() throws {
        let b = try story(redacting: #""comment":"c2""#)
        let (_, board, server) = try publish(b)
        try editBundle(b, board) { bytes, at in bytes[at + 7 + 8 + 32] ^= 1 }  // first byte of the leaf hash
        do { _ = try RemoteBoard.verify(url: server.url); Issue.record("a redacted slot with a wrong leaf hash was accepted") } catch {
            #expect(!error.isUnreadable)
            #expect("\(error)".contains("level-0 tile"))
        }
    }

    @Test func onlyHiddenCommentsMayBeRedactedOnABoard() throws {
        // A support (not a comment): LOG-6. A visible comment: DEL-MOD. Tiles and slots agree in both.
        for (marker, rule) in [(#""kind":"delib.support""#, "LOG-6"), (#""comment":"c1""#, "DEL-MOD")] {
            let b = try story(redacting: marker)
            let (record, board, server) = try publish(b)  // the directories live as long as they are bound
            defer { _ = (record, board) }
            let report = try RemoteBoard.verify(url: server.url)
            #expect(report.failedIDs.contains(rule), "redacting \(marker) must fail \(rule):\n\(report.text)")
        }
    }

    @Test func aMalformedRedactedSlotIsRefused() throws {
        // What was done, the reason the reader must give, the edit.
        let edits: [(String, String, (inout [UInt8], Int) -> Void)] = [
            ("format byte 3", "format byte 3", { bytes, at in bytes[at + 6] = 0x03 }),
            ("stand-in longer than the bundle", "inside its entry", { bytes, at in bytes[at + 7 + 8 + 64 + 1] = 0xFF }),
            ("empty stand-in", "empty stand-in", { bytes, at in
                let n = at + 7 + 8 + 64
                let length = bytes[n..<n + 4].reduce(0) { $0 << 8 | Int($1) }
                bytes.removeSubrange(n + 4..<n + 4 + length)
                bytes.replaceSubrange(n..<n + 4, with: [0, 0, 0, 0])
            }),
            ("cut inside its fixed fields", "redacted slot", { bytes, at in bytes.removeSubrange(at + 20..<bytes.count) }),
            ("a byte left over", "more than its", { bytes, _ in bytes.append(0) }),
        ]
        for (what, reason, edit) in edits {
            let b = try story(redacting: #""comment":"c2""#)
            let (_, board, server) = try publish(b)
            try editBundle(b, board, edit)
            do { _ = try RemoteBoard.verify(url: server.url); Issue.record("a redacted slot with \(what) was accepted") } catch {
                #expect(!error.isUnreadable, "\(what): \(error)")
                #expect("\(error)".contains(reason), "\(what): \(error)")
            }
        }
    }
}

extension BoardRedactionTests {
    /// A follower reads a redacted slot in one round; the moderator then shows the comment again and
    /// the board serves its leaf: the next round still verifies (the redaction was checked when read).
    @Test func aFollowerAcceptsACommentShownAgainAfterItsRedactionWasMirrored() throws {
        let original = DeliberationTests().story()
        let b = try story(redacting: #""comment":"c2""#)
        let board = TempDir(), record = TempDir(), state = TempDir()
        b.write(to: record.path)
        TileWriter.write(b.log, to: board.path)
        let server = try StaticServer(directory: board.path)
        let follower = try Follower(url: server.url, statePath: state.path + "/follow.json", logKey: nil)
        guard case .verified(let first, _) = try follower.round() else { Issue.record("round 1 did not verify"); return }
        #expect(first.passed, "\(first.text)")

        let d = DeliberationTests()
        original.add("delib.moderation", [("target", .string("comment")), ("id", .string("c2")), ("action", .string("show")),
                                          ("reason", .string("Appel accepté")), ("hash", .string(d.commentHash("c2", "against", "Non.")))], by: d.mod)
        let again = TempDir()
        original.write(to: again.path)
        TileWriter.write(original.log, to: board.path)
        guard case .verified(let second, _) = try follower.round() else { Issue.record("round 2 did not verify"); return }
        #expect(second.passed, "\(second.text)")
        // The board itself now verifies with the leaf back; the mirror keeps the redacted line.
        #expect(try RemoteBoard.verify(url: server.url).passed)
        let mirrored = try String(contentsOfFile: state.path + "/follow.json.record/entries.jsonl", encoding: .utf8)
        #expect(mirrored.contains("\"redacted\":"))
    }
}
