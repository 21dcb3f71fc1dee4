import AuditKit
import Foundation
import Testing

/// Moderation keeps the hash, not the text (SPEC.md §2.2, §6.4): the line of a comment hidden by
/// moderation may be redacted — its leaf hash instead of its signature, a stand-in payload with an
/// empty body — and the record still verifies; any other redaction is caught.
@Suite struct RedactionTests {
    /// The deliberation story of `DeliberationTests` (comment c2 is hidden by a moderator), written out.
    func record() throws -> (TempDir, [String]) {
        let dir = TempDir()
        DeliberationTests().story().write(to: dir.path)
        let lines = try String(contentsOfFile: dir.path + "/entries.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        return (dir, lines)
    }

    /// Rewrites the line holding `marker` as a redacted line; `edit` changes the stand-in's JSON text.
    func redact(_ dir: TempDir, _ lines: [String], where marker: String, edit: (String) -> String = { $0 }) throws {
        var out = lines
        guard let i = try lines.firstIndex(where: { line throws in
            String(decoding: try Entry(line: Array(line.utf8)).payload, as: UTF8.self).contains(marker)
        }) else { Issue.record("no line holds \(marker)"); return }
        let entry = try Entry(line: Array(lines[i].utf8))
        var text = String(decoding: entry.payload, as: UTF8.self)
        if let r = text.range(of: #""body":""#), let end = text[r.upperBound...].firstIndex(of: "\"") {
            text.replaceSubrange(r.upperBound..<end, with: "")
        }
        text = edit(text)
        out[i] = "{\"index\":\(entry.index),\"time\":\(entry.time),\"author\":\"\(Hex.encode(entry.author))\",\"redacted\":\"\(Hex.encode(entry.leafHash))\",\"payload\":\"\(Base64.encode(Array(text.utf8)))\"}"
        try (out.joined(separator: "\n") + "\n").write(toFile: dir.path + "/entries.jsonl", atomically: true, encoding: .utf8)
    }

    func failed(_ dir: TempDir) throws -> Set<String> { Set(try verifyElection(dir.path).failedIDs) }

    @Test func aHiddenCommentsTextLeavesTheRecordAndItStillVerifies() throws {
        let (dir, lines) = try record()
        try redact(dir, lines, where: #""comment":"c2""#)
        let text = try String(contentsOfFile: dir.path + "/entries.jsonl", encoding: .utf8)
        #expect(!text.contains(Base64.encode(Array("Non.".utf8)).dropLast(2)))
        #expect(try failed(dir).isEmpty)
    }

    @Test func aVisibleCommentCannotBeRedacted() throws {
        let (dir, lines) = try record()
        try redact(dir, lines, where: #""comment":"c1""#)
        #expect(try failed(dir) == ["DEL-MOD"])
    }

    @Test func aRedactedCommentMustKeepTheHashTheModeratorNamed() throws {
        let (dir, lines) = try record()
        try redact(dir, lines, where: #""comment":"c2""#) { $0.replacingOccurrences(of: #""hash":""#, with: #""hash":"0"#).replacingOccurrences(of: #"0"}"#, with: #""}"#) }
        #expect(try failed(dir).contains("DEL-MOD") || !(try failed(dir).isEmpty))
    }

    @Test func onlyCommentsMayBeRedacted() throws {
        let (dir, lines) = try record()
        try redact(dir, lines, where: #""kind":"delib.support""#)
        #expect(try failed(dir).contains("LOG-6"))
    }

    @Test func aRedactedLineWithAnotherLeafBreaksTheTree() throws {
        let (dir, lines) = try record()
        try redact(dir, lines, where: #""comment":"c2""#)
        var text = try String(contentsOfFile: dir.path + "/entries.jsonl", encoding: .utf8)
        let r = text.range(of: #""redacted":""#)!
        let at = r.upperBound
        text.replaceSubrange(at..<text.index(after: at), with: text[at] == "0" ? "1" : "0")
        try text.write(toFile: dir.path + "/entries.jsonl", atomically: true, encoding: .utf8)
        #expect(try failed(dir).contains("LOG-4") || !(try failed(dir).isEmpty))
    }
}
