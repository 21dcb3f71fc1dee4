import Foundation

extension Check {
    /// With a record: the receipt's tracker is the entry's (SPEC.md §2.6, MUST).
    public static let receiptTracker = Check("RCT-7", "receipt tracker is the entry's")
}

/// What a receipt's entry became (SPEC.md §2.6): for a ballot, whether it counts, was replaced by a
/// later ballot of the same card in the same window, or was challenged; and the tracker check.
enum ReceiptBallot {
    static func has(_ payload: [UInt8], kind: String) -> Bool {
        let needle = Array("\"\(kind)\"".utf8)
        let head = payload.prefix(64)
        guard head.count >= needle.count else { return false }
        for i in head.startIndex...(head.endIndex - needle.count) where Array(head[i..<i + needle.count]) == needle { return true }
        return false
    }

    static func iso(_ ms: UInt64) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Scans the record once more: the entry at the receipt's index, the lineages of `roll.replace`,
    /// and any later `ballot.cast` of the same lineage and window.
    static func check(_ receipt: Receipt, directory: String, report: inout Report) throws(AuditError) {
        report.register(.receiptTracker)
        let entries = try LineReader(path: (directory as NSString).appendingPathComponent("entries.jsonl"))
        var lineage: [[UInt8]: [UInt8]] = [:]
        var target: (entry: Entry, json: JSON, lineage: [UInt8], window: UInt64?)? = nil
        var replacedBy: Entry? = nil
        var position: UInt64 = 0
        while let line = try entries.nextLine() {
            defer { position += 1 }
            guard let entry = try? Entry(line: line) else { continue }
            if has(entry.payload, kind: "roll.replace"), let json = try? JSON.parse(entry.payload),
               let old = json["old"]?.stringValue, let new = json["new"]?.stringValue,
               let o = try? Hex.decode(old, length: 32), let n = try? Hex.decode(new, length: 32) {
                lineage[n] = lineage[o] ?? o
                continue
            }
            if position == receipt.index {
                guard let json = try? JSON.parse(entry.payload) else { break }
                target = (entry, json, lineage[entry.author] ?? entry.author, json["window"]?.uint64Value)
                continue
            }
            if let t = target, replacedBy == nil, t.json["kind"]?.stringValue == "ballot.cast", has(entry.payload, kind: "ballot.cast"),
               (lineage[entry.author] ?? entry.author) == t.lineage, let json = try? JSON.parse(entry.payload),
               json["window"]?.uint64Value == t.window {
                replacedBy = entry
            }
        }
        guard let t = target else {
            report.record(.receiptTracker, .entry(receipt.index), failure: receipt.tracker == nil ? nil : "the record has no entry \(receipt.index)")
            return
        }
        let kind = t.json["kind"]?.stringValue ?? ""
        var expected: String? = nil
        switch kind {
        case "ballot.cast":
            expected = Hex.encode(Hash.sha256(t.entry.payload))
        case "ballot.spoil":
            if let b = t.json["ballot"]?.stringValue, let embedded = try? Base64.decode(b) { expected = Hex.encode(Hash.sha256(embedded)) }
        case "ledger.contribution":
            if let org = t.json["org"]?.stringValue, let att = t.json["attestation"]?.stringValue { expected = "\(org):\(att)" }
        default:
            break
        }
        if let tracker = receipt.tracker, let expected {
            report.record(.receiptTracker, .entry(receipt.index), failure: tracker == expected ? nil
                : "the receipt's tracker \(tracker) is not entry \(receipt.index)'s (\(expected)): this receipt was made for another entry")
        } else if let tracker = receipt.tracker {
            // A tracker names a ballot or a contribution; an entry of a kind without one (or a
            // redacted line standing for a comment) cannot be the entry the receipt was made for.
            let what = t.entry.redactedLeaf != nil ? "a redacted \(kind) line" : "a \(kind.isEmpty ? "payload without a kind" : kind)"
            report.record(.receiptTracker, .entry(receipt.index), failure:
                "the receipt's tracker \(tracker) names a ballot or a contribution, but the record's entry \(receipt.index) is \(what), which has no tracker: the entry the receipt was made for is not in this record")
        } else {
            report.record(.receiptTracker, .entry(receipt.index), failure: nil)
        }
        switch kind {
        case "ballot.cast":
            if let later = replacedBy {
                report.setFact("ballot", "replaced by a later ballot from the same card on \(iso(later.time)) (entry \(later.index)); it is not counted")
            } else {
                report.setFact("ballot", "in the record and not replaced: it counts")
            }
        case "ballot.spoil":
            report.setFact("ballot", "challenged and opened: it is not counted")
        default:
            break
        }
    }
}
