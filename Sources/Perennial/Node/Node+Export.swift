import CivicLog
import Deliberation
import Foundation

extension Node {
    /// Writes the public record (SPEC §1–2) covering the latest checkpoint. Moderation keeps the
    /// hash, not the text: the entry of a comment hidden by moderation (and not shown again) is
    /// written as a **redacted** line — its leaf hash instead of its signature, and a stand-in payload
    /// with the comment's public fields, its hash and an empty body (SPEC §2.2, §6.4).
    @discardableResult
    public func exportPublicRecord(to directory: URL) throws -> RecordSummary {
        let state = try deliberation().state
        let hidden = state.comments.filter { $0.value.hidden != nil }
        let setup = try? termSetup()
        return try store.exportRecord(to: directory) { entry in
            guard !hidden.isEmpty, let term = setup?.term,
                  let header = try? PayloadHeader.parse(entry.envelope.payload), header.kind == "delib.comment",
                  let id = Self.commentID(entry.envelope.payload).flatMap({ try? CommentID($0) }),
                  let comment = hidden[id] else { return nil }
            return Self.standIn(comment, record: origin, term: term)
        }
    }

    /// The `comment` member of a `delib.comment` payload.
    static func commentID(_ payload: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        return object["comment"] as? String
    }

    /// The redacted comment's stand-in payload: its keys in the engine's order, the body emptied.
    static func standIn(_ c: Comment, record: String, term: String) -> [UInt8] {
        let (on, target): (String, String) = switch c.target {
        case .proposal(let p): ("proposal", p.rawValue)
        case .amendment(let a): ("amendment", a.rawValue)
        }
        return OrderedJSON.payload(kind: "delib.comment", record: record, term: term, fields: [
            ("comment", .string(c.id.rawValue)), ("on", .string(on)), ("target", .string(target)),
            ("parent", .optional(c.parent?.rawValue)), ("stance", .string(c.stance.rawValue)), ("body", .string("")),
            ("hash", .string(c.hash.hex)),
        ])
    }
}
