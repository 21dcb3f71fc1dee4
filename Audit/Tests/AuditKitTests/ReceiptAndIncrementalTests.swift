import AuditKit
import Foundation
import Testing

@Suite struct ReceiptTests {
    func receipt(_ b: RecordBuilder, index: Int, size: Int, tracker: String? = "TRK-1234",
                 mutate: (inout [(String, JSON)]) -> Void = { _ in }) -> String {
        var members: [(String, JSON)] = [
            ("format", .string("perennial-receipt")), ("version", .int(1)), ("origin", .string(b.origin)),
            ("log_key", .string(Hex.encode(b.logKey.publicKey))), ("index", .int(index)),
            ("leaf_hash", .string(Hex.encode(b.entries[index].leafHash))), ("checkpoint", .string(b.note(size: size))),
            ("inclusion", .array(b.inclusionProof(index: index, size: size).map { .string(Hex.encode($0)) })),
        ]
        if let tracker { members.append(("tracker", .string(tracker))) }
        mutate(&members)
        return JSON.object(members).compactText
    }

    func verify(_ text: String, record: RecordBuilder? = nil, entryLines: [String]? = nil, code: String? = nil) throws -> Report {
        let dir = TempDir()
        let path = dir.path + "/receipt.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var recordDir: String? = nil
        if let record {
            let rd = dir.path + "/record"
            try FileManager.default.createDirectory(atPath: rd, withIntermediateDirectories: true)
            record.write(to: rd, entryLines: entryLines)
            recordDir = rd
        }
        return try ReceiptVerifier.verify(receiptPath: path, recordDirectory: recordDir, code: code)
    }

    @Test func theTrackingCodeIsShownAndCheckedAgainstTheReceipt() throws {
        let b = RecordBuilder.simple(entries: 4, checkpointEvery: 4)
        let tracker = Hex.encode(Hash.sha256([]))
        let text = receipt(b, index: 1, size: 4, tracker: tracker)
        let plain = try verify(text)
        #expect(plain.facts.contains { $0.0 == "tracking code" && $0.1 == "SPCE-NMZG-GK2F8" })
        #expect(plain["RCT-6"] == nil, "checked only when a code is given")
        let typed = try verify(text, code: "spce nmzg gk2f8")
        #expect(typed.passed, "\(typed.text)")
        #expect(typed["RCT-6"]?.checked == 1)
        #expect(try verify(text, code: "SPCE-NMZG-GK2F9")["RCT-6"]?.passed == false)   // a typo
        #expect(try verify(text, code: "1SD5-0DRA-92M5Q")["RCT-6"]?.passed == false)   // another ballot's code
        #expect(try verify(receipt(b, index: 1, size: 4), code: "SPCE-NMZG-GK2F8")["RCT-6"]?.passed == false)  // no ballot tracker
    }

    @Test func validReceiptVerifiesOfflineAndAgainstTheRecord() throws {
        let b = RecordBuilder.simple(entries: 11, checkpointEvery: 4)
        for (i, size) in [(0, 4), (3, 4), (5, 8), (10, 11)] {
            let offline = try verify(receipt(b, index: i, size: size))
            #expect(offline.passed, "\(offline.text)")
            #expect(offline["RCT-3"]?.checked == 1)
            // A test.note defines no tracker (SPEC.md §2.6): its receipt carries none.
            let full = try verify(receipt(b, index: i, size: size, tracker: nil), record: b)
            #expect(full.passed, "\(full.text)")
            #expect(full["RCT-5"]?.checked == 2)
            // With a tracker, the receipt was made for another entry (a ballot or a contribution): RCT-7.
            #expect(try verify(receipt(b, index: i, size: size), record: b).failedIDs == ["RCT-7"])
        }
    }

    @Test func tamperedReceiptsFail() throws {
        let b = RecordBuilder.simple(entries: 11, checkpointEvery: 4)
        func failing(_ id: String, _ mutate: (inout [(String, JSON)]) -> Void) throws {
            let r = try verify(receipt(b, index: 5, size: 8, mutate: mutate))
            #expect(r[id]?.passed == false, "\(id):\n\(r.text)")
        }
        try failing("RCT-3") { $0[4].1 = .int(6) }
        try failing("RCT-3") { $0[5].1 = .string(Hex.encode(b.entries[6].leafHash)) }
        try failing("RCT-3") { m in
            var path = m[7].1.arrayValue!
            path.removeLast()
            m[7].1 = .array(path)
        }
        try failing("RCT-2") { $0[3].1 = .string(Hex.encode(b.author.publicKey)) }
        try failing("RCT-2") { $0[6].1 = .string(b.note(size: 8, key: TestKey(seed: 9))) }
        try failing("RCT-1") { $0[0].1 = .string("something") }
        try failing("RCT-1") { $0[7].1 = .string("not an array") }
    }

    @Test func receiptAgainstARewrittenRecordFails() throws {
        let b = RecordBuilder.simple(entries: 11, checkpointEvery: 4)
        let text = receipt(b, index: 5, size: 8)
        // The record's entry 5 was replaced (and the record re-signed by the log: a rewritten history).
        var rewritten = b
        var o = RecordBuilder()
        o.clock = b.entries[5].time - 1000
        o.append(payload: o.payload(extra: [("text", .string("replaced"))]))
        rewritten.entries[5] = Entry(index: 5, time: o.entries[0].time, author: o.entries[0].author,
                                     signature: o.entries[0].signature, payload: o.entries[0].payload)
        let r = try verify(text, record: rewritten)
        #expect(r["RCT-4"]?.passed == false)
        #expect(r["RCT-5"]?.passed == false)
        // A record that is shorter than the receipt's checkpoint.
        var short = b
        short.entries.removeLast(5)
        short.checkpointSizes = [4, 6]
        #expect(try verify(text, record: short)["RCT-5"]?.passed == false)
    }
}

@Suite struct IncrementalTests {
    @Test func resumingGivesTheSameReportAsAFullRun() throws {
        let full = RecordBuilder.simple(entries: 23, checkpointEvery: 5)
        var prefix = full
        prefix.entries.removeLast(8)
        prefix.checkpointSizes = [5, 10, 15]
        let dir = TempDir()
        let state = dir.path + "/state.json"
        let rec = dir.path + "/record"
        try FileManager.default.createDirectory(atPath: rec, withIntermediateDirectories: true)
        prefix.write(to: rec)
        let first = try verifyRecord(rec, statePath: state)
        #expect(first.passed, "\(first.text)")
        #expect(FileManager.default.fileExists(atPath: state))
        full.write(to: rec)
        let resumed = try verifyRecord(rec, statePath: state)
        #expect(resumed.passed, "\(resumed.text)")
        let scratch = try verifyRecord(rec)
        #expect(resumed.json.compactText.replacingOccurrences(of: ",\"resumed from\":\"checkpoint of size 15\"", with: "")
                == scratch.json.compactText)
        #expect(resumed["LOG-2"]?.checked == 23)
        #expect(resumed["LOG-4"]?.checked == 5)
        // Running again with nothing new is a no-op that still passes.
        let again = try verifyRecord(rec, statePath: state)
        #expect(again.passed)
        #expect(again["LOG-2"]?.checked == 23)
    }

    @Test func aRewrittenHistoryIsCaughtWhenResuming() throws {
        let full = RecordBuilder.simple(entries: 12, checkpointEvery: 4)
        var prefix = full
        prefix.entries.removeLast(4)
        prefix.checkpointSizes = [4, 8]
        let dir = TempDir()
        let state = dir.path + "/state.json"
        prefix.write(to: dir.path)
        #expect(try verifyRecord(dir.path, statePath: state).passed)
        // The log rewrites entry 2 and re-signs every checkpoint: the new checkpoint at 12 is
        // inconsistent with the verified one at 8, which the saved frontier catches.
        var forged = full
        var o = RecordBuilder()
        o.clock = full.entries[2].time - 1000
        o.append(payload: o.payload(extra: [("text", .string("rewritten"))]))
        forged.entries[2] = Entry(index: 2, time: o.entries[0].time, author: o.entries[0].author,
                                  signature: o.entries[0].signature, payload: o.entries[0].payload)
        forged.write(to: dir.path)
        #expect(try verifyRecord(dir.path).passed)  // a fresh observer sees a consistent (new) history
        let resumed = try verifyRecord(dir.path, statePath: state)
        #expect(resumed["LOG-4"]?.passed == false, "\(resumed.text)")
    }

    @Test func stateOfAnotherRecordIsRefused() throws {
        let a = RecordBuilder.simple(entries: 3)
        var b = RecordBuilder.simple(entries: 3)
        b.origin = "perennial.example/other"
        let dir = TempDir()
        let state = dir.path + "/state.json"
        a.write(to: dir.path)
        #expect(try verifyRecord(dir.path, statePath: state).passed)
        b.write(to: dir.path)
        #expect(throws: AuditError.self) { try verifyRecord(dir.path, statePath: state) }
    }
}
