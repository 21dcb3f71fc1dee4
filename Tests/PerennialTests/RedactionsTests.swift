@testable import CivicLog
import Foundation
@testable import Perennial
import Testing

/// The fold that decides which entries leave the public record redacted (SPEC §2.2, §2.7): hidden
/// comments as of a tree size, shown again, other kinds untouched, and a hidden comment whose
/// payload cannot be rebuilt stops the export instead of publishing the text.
@Suite struct RedactionsTests {
    static func entry(_ index: UInt64, _ json: String) throws -> LogEntry {
        let envelope = try EntryEnvelope(payload: Array(json.utf8), author: Array(repeating: 7, count: 32), signature: Array(repeating: 9, count: 64))
        return LogEntry(index: index, timeMs: 1_000 + index, envelope: envelope, leafHash: envelope.leafHash(timeMs: 1_000 + index))
    }

    static let head = #""record":"x.example/r","term":"t""#
    static func comment(_ index: UInt64, _ id: String, body: String) throws -> LogEntry {
        try entry(index, #"{"kind":"delib.comment",\#(head),"comment":"\#(id)","on":"proposal","target":"p","parent":null,"stance":"for","body":"\#(body)","hash":"\#(String(repeating: "ab", count: 32))"}"#)
    }
    static func moderation(_ index: UInt64, _ id: String, _ action: String, target: String = "comment") throws -> LogEntry {
        try entry(index, #"{"kind":"delib.moderation",\#(head),"target":"\#(target)","id":"\#(id)","action":"\#(action)","reason":"r","hash":"00"}"#)
    }

    @Test func hiddenCommentsAreRedactedUntilShownAgain() throws {
        var r = Redactions()
        let c1 = try Self.comment(0, "c1", body: "secret words"), c2 = try Self.comment(1, "c2", body: "kept")
        let other = try Self.entry(2, #"{"kind":"delib.support",\#(Self.head),"proposal":"p","version":"00"}"#)
        for e in [c1, c2, other, try Self.moderation(3, "c1", "hide"), try Self.moderation(4, "c2", "hide", target: "proposal")] { r.apply(e) }
        #expect(r.size == 5)
        let standIn = try #require(try r.standIn(c1))
        let text = String(decoding: standIn, as: UTF8.self)
        #expect(text == #"{"kind":"delib.comment",\#(Self.head),"comment":"c1","on":"proposal","target":"p","parent":null,"stance":"for","body":"","hash":"\#(String(repeating: "ab", count: 32))"}"#)
        #expect(try r.standIn(c2) == nil)  // a proposal named c2 was hidden, not the comment
        #expect(try r.standIn(other) == nil)
        #expect(r.holdsComment(in: 0..<1) && r.holdsComment(in: 1..<256) && !r.holdsComment(in: 2..<256))
        r.apply(try Self.moderation(5, "c1", "show"))
        #expect(try r.standIn(c1) == nil)
    }

    @Test func aHiddenCommentThatCannotBeRebuiltStopsThePublication() throws {
        var r = Redactions()
        // Not the engine's spelling and without its hash: the stand-in cannot be rebuilt.
        let odd = try Self.entry(0, #"{ "kind": "delib.comment", "record": "x.example/r", "term": "t", "comment": "c1", "body": "secret words" }"#)
        r.apply(odd)
        r.apply(try Self.moderation(1, "c1", "hide"))
        #expect(throws: NodeError.self) { _ = try r.standIn(odd) }
    }
}
