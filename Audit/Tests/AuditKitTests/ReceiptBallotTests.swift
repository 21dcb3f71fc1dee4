import AuditKit
import Foundation
import Testing

/// `perennial-audit receipt` with the record: a ballot's three states (counts, replaced by a later
/// ballot of the same card in the same window, challenged) and the tracker check (RCT-7, SPEC.md §2.6).
@Suite struct ReceiptBallotTests {
    typealias B = ElectionBuilder<Ristretto255>

    func receipt(_ b: RecordBuilder, index: Int, tracker: String?) -> String {
        let size = b.entries.count
        var members: [(String, JSON)] = [
            ("format", .string("perennial-receipt")), ("version", .int(1)), ("origin", .string(b.origin)),
            ("log_key", .string(Hex.encode(b.logKey.publicKey))), ("index", .int(index)),
            ("leaf_hash", .string(Hex.encode(b.entries[index].leafHash))), ("checkpoint", .string(b.note(size: size))),
            ("inclusion", .array(b.inclusionProof(index: index, size: size).map { .string(Hex.encode($0)) })),
        ]
        if let tracker { members.append(("tracker", .string(tracker))) }
        return JSON.object(members).compactText
    }

    func verify(_ text: String, record: String) throws -> Report {
        let dir = TempDir()
        let path = dir.path + "/receipt.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try ReceiptVerifier.verify(receiptPath: path, recordDirectory: record)
    }

    func fact(_ r: Report, _ key: String) -> String? {
        r.json["facts"]?[key]?.stringValue
    }

    @Test func threeStatesAndTheTrackerCheck() throws {
        let b = B.standard(Ristretto255())
        let dir = TempDir()
        b.write(to: dir.path)
        let log = b.log
        var casts: [(index: Int, author: [UInt8], window: UInt64)] = []
        var spoil: Int? = nil
        var lineage: [[UInt8]: [UInt8]] = [:]
        for (i, e) in log.entries.enumerated() {
            let json = try JSON.parse(e.payload)
            switch json["kind"]?.stringValue {
            case "ballot.cast": casts.append((i, lineage[e.author] ?? e.author, json["window"]!.uint64Value!))
            case "ballot.spoil": spoil = i
            case "roll.replace":
                let old = try Hex.decode(json["old"]!.stringValue!), new = try Hex.decode(json["new"]!.stringValue!)
                lineage[new] = lineage[old] ?? old
            default: break
            }
        }
        let replaced = try #require(casts.first { c in casts.contains { $0.index > c.index && $0.author == c.author && $0.window == c.window } })
        let by = casts.first { $0.index > replaced.index && $0.author == replaced.author && $0.window == replaced.window }!
        let counted = try #require(casts.last)
        let tracker = { (i: Int) in Hex.encode(Hash.sha256(log.entries[i].payload)) }

        let r1 = try verify(receipt(log, index: replaced.index, tracker: tracker(replaced.index)), record: dir.path)
        #expect(r1.passed, "\(r1.text)")
        #expect(fact(r1, "ballot")?.hasPrefix("replaced by a later ballot from the same card on ") == true)
        #expect(fact(r1, "ballot")?.contains("(entry \(by.index)); it is not counted") == true)

        let r2 = try verify(receipt(log, index: counted.index, tracker: tracker(counted.index)), record: dir.path)
        #expect(r2.passed, "\(r2.text)")
        #expect(fact(r2, "ballot") == "in the record and not replaced: it counts")

        let s = try #require(spoil)
        let embedded = try Base64.decode(try JSON.parse(log.entries[s].payload)["ballot"]!.stringValue!)
        let r3 = try verify(receipt(log, index: s, tracker: Hex.encode(Hash.sha256(embedded))), record: dir.path)
        #expect(r3.passed, "\(r3.text)")
        #expect(fact(r3, "ballot") == "challenged and opened: it is not counted")

        // One voter's tracker on another voter's entry: the receipt fails RCT-7.
        let swapped = try verify(receipt(log, index: counted.index, tracker: tracker(replaced.index)), record: dir.path)
        #expect(!swapped.passed)
        #expect(swapped.failedIDs == ["RCT-7"])
        // Without the record the tracker cannot be checked (the receipt alone still verifies).
        let d = TempDir()
        try Data(receipt(log, index: counted.index, tracker: tracker(replaced.index)).utf8).write(to: URL(fileURLWithPath: d.path + "/r.json"))
        #expect(try ReceiptVerifier.verify(receiptPath: d.path + "/r.json", recordDirectory: nil).passed)
        // No tracker in the receipt: nothing to compare, the state is still told.
        let none = try verify(receipt(log, index: replaced.index, tracker: nil), record: dir.path)
        #expect(none.passed)
        #expect(fact(none, "ballot")?.hasPrefix("replaced") == true)
    }
}
