import CivicLog
import Foundation

/// Which entries of a published tree leave the public record redacted (SPEC §2.2, §2.7, §6.4):
/// the `delib.comment` entries whose comment is hidden by moderation (and not shown again) as of
/// that tree's size. One fold serves every writer of the public record — `export --out`,
/// `export --tiles` and `perennial serve` — so they redact exactly the same entries, with the same
/// stand-ins, and `verify URL` gives the same report as `verify DIR`.
///
/// The fold reads payloads as plain JSON, as ``BoardState`` does: it trusts the node to have
/// refused invalid entries (the audit checks that only hidden comments are redacted).
struct Redactions {
    private(set) var size: UInt64 = 0
    /// The entry of each comment, by comment id.
    private var commentEntry: [String: UInt64] = [:]
    /// Every `delib.comment` entry, in log order (bundles holding one may change: see ``holdsComment(in:)``).
    private var commentIndices: [UInt64] = []
    /// The entries of the comments hidden now.
    private(set) var hidden: Set<UInt64> = []

    /// Folds every entry from ``size`` up to `upTo` (entries already folded are skipped).
    mutating func advance(store: LogStore, upTo: UInt64) throws {
        guard upTo > size else { return }
        try store.forEachEntry(in: size..<upTo) { apply($0) }
    }

    /// Folds one entry (the next one).
    mutating func apply(_ entry: LogEntry) {
        defer { size = entry.index + 1 }
        // Only deliberation comments and moderation matter: skip every other payload unparsed.
        let head = entry.envelope.payload.prefix(80)
        let compact = head.starts(with: Self.kindHead)
        guard head.starts(with: Self.commentHead) || head.starts(with: Self.moderationHead)
            || !compact && String(decoding: head, as: UTF8.self).contains("delib.") else { return }
        guard let json = try? JSONSerialization.jsonObject(with: Data(entry.envelope.payload)) as? [String: Any],
              let kind = json["kind"] as? String else { return }
        switch kind {
        case "delib.comment":
            guard let id = json["comment"] as? String else { return }
            commentEntry[id] = entry.index
            commentIndices.append(entry.index)
        case "delib.moderation":
            guard json["target"] as? String == "comment", let id = json["id"] as? String,
                  let index = commentEntry[id] else { return }
            switch json["action"] as? String {
            case "hide": hidden.insert(index)
            case "show": hidden.remove(index)
            default: break
            }
        default:
            break
        }
    }

    /// The compact heads the engine writes; a payload in another spelling is parsed if its head
    /// mentions a deliberation kind at all.
    private static let kindHead = Array(#"{"kind":""#.utf8)
    private static let commentHead = Array(#"{"kind":"delib.comment""#.utf8)
    private static let moderationHead = Array(#"{"kind":"delib.moderation""#.utf8)

    /// The stand-in of `entry` if it is redacted in this tree, else nil: the comment's payload with
    /// the same keys in the same order and the same values, the body emptied (SPEC §2.2).
    /// - Throws: ``NodeError`` if a hidden comment's payload cannot be rebuilt: the export or the
    ///   request stops rather than publish the text.
    func standIn(_ entry: LogEntry) throws -> [UInt8]? {
        guard hidden.contains(entry.index) else { return nil }
        guard let standIn = Self.standIn(payload: entry.envelope.payload) else {
            throw NodeError("Entry \(entry.index) is a comment hidden by moderation, but its payload cannot be rebuilt without its text, so nothing was published. The log database may be damaged: restore it from a backup.")
        }
        return standIn
    }

    /// The `delib.comment` payload rebuilt with `"body":""`, in the engine's key order.
    static func standIn(payload: [UInt8]) -> [UInt8]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              json["kind"] as? String == "delib.comment",
              let record = json["record"] as? String, let term = json["term"] as? String,
              let comment = json["comment"] as? String, let on = json["on"] as? String,
              let target = json["target"] as? String, let stance = json["stance"] as? String,
              let hash = json["hash"] as? String else { return nil }
        return OrderedJSON.payload(kind: "delib.comment", record: record, term: term, fields: [
            ("comment", .string(comment)), ("on", .string(on)), ("target", .string(target)),
            ("parent", .optional(json["parent"] as? String)), ("stance", .string(stance)), ("body", .string("")),
            ("hash", .string(hash)),
        ])
    }

    /// True if some entry in `range` is a comment: its bundle changes when the comment is hidden
    /// or shown again, so it is never served as immutable (SPEC §2.7).
    func holdsComment(in range: Range<UInt64>) -> Bool {
        var lo = 0, hi = commentIndices.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if commentIndices[mid] < range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < commentIndices.count && commentIndices[lo] < range.upperBound
    }

    /// The redactions of the tree of `size` entries (a fresh fold).
    static func of(_ store: LogStore, size: UInt64) throws -> Redactions {
        var r = Redactions()
        try r.advance(store: store, upTo: size)
        return r
    }
}
