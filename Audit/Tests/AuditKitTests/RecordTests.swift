import AuditKit
import Foundation
import Testing

/// Builds small records exactly as SPEC.md §1–2 says, tampers with them, and checks that each
/// tampering fails under the right check id while the untouched record passes.
@Suite struct RecordTests {
    func run(_ b: RecordBuilder, entryLines: [String]? = nil, checkpointLines: [String]? = nil,
             manifest: String? = nil, workers: Int = 2) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path, entryLines: entryLines, checkpointLines: checkpointLines, manifest: manifest)
        return try verifyRecord(dir.path, workers: workers)
    }

    @Test(arguments: [0, 1, 2, 5, 16, 33])
    func unmodifiedRecordPasses(entries n: Int) throws {
        var b = RecordBuilder.simple(entries: n)
        if n == 0 { b.checkpointSizes = [0] }
        let report = try run(b)
        #expect(report.passed, "\(report.text)")
        #expect(report["LOG-1"]?.checked == UInt64(n))
        #expect(report["LOG-2"]?.checked == UInt64(n))
        #expect(report["LOG-4"]?.checked == UInt64(b.checkpointSizes.count))
    }

    @Test func sameReportWithOneWorkerOrTwo() throws {
        let b = RecordBuilder.simple(entries: 20)
        var lines = b.entryLines
        lines[7] = lines[7].replacingOccurrences(of: "\"signature\":\"", with: "\"signature\":\"0")
            .replacingOccurrences(of: "\",\"payload\"", with: "\",\"payload\"")
        let a = try run(b, entryLines: lines, workers: 1)
        let c = try run(b, entryLines: lines, workers: 2)
        #expect(a.json == c.json)
    }

    func expectFailure(_ report: Report, _ id: String, at location: Location? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!report.passed, sourceLocation: sourceLocation)
        let r = report[id]
        #expect(r != nil && !(r!.passed), "expected \(id) to fail:\n\(report.text)", sourceLocation: sourceLocation)
        if let location {
            #expect(r?.failures.contains { $0.location == location } == true, "expected \(id) at \(location):\n\(report.text)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func flippedPayloadByteFailsSignature() throws {
        let b = RecordBuilder.simple(entries: 6)
        var e = b.entries
        e[3].payload[e[3].payload.count - 3] ^= 0x01
        let report = try run(b, entryLines: e.map(\.line))
        expectFailure(report, "LOG-2", at: .entry(3))
        expectFailure(report, "LOG-4")
        #expect(report["LOG-6"]?.checked == 5)  // the unsigned payload was never parsed
    }

    @Test func flippedSignatureByteFailsSignature() throws {
        let b = RecordBuilder.simple(entries: 4)
        var e = b.entries
        e[1].signature[10] ^= 0x80
        expectFailure(try run(b, entryLines: e.map(\.line)), "LOG-2", at: .entry(1))
    }

    @Test func flippedTimeFailsRoot() throws {
        let b = RecordBuilder.simple(entries: 6)
        var e = b.entries
        e[4].time += 1  // the author's signature does not cover the log time, the leaf does
        let report = try run(b, entryLines: e.map(\.line))
        expectFailure(report, "LOG-4", at: .checkpoint(position: 1, size: 6))
        #expect(report["LOG-2"]?.passed == true)
    }

    @Test func flippedByteInTheLineTextFailsWellFormedness() throws {
        let b = RecordBuilder.simple(entries: 5)
        var lines = b.entryLines
        lines[2] = lines[2].replacingOccurrences(of: "\"author\"", with: "\"authxr\"")
        let report = try run(b, entryLines: lines)
        expectFailure(report, "LOG-1", at: .entry(2))
        expectFailure(report, "LOG-4")
    }

    @Test func droppedEntryFails() throws {
        let b = RecordBuilder.simple(entries: 6)
        var lines = b.entryLines
        lines.remove(at: 2)
        let report = try run(b, entryLines: lines)
        expectFailure(report, "LOG-1", at: .entry(2))
        expectFailure(report, "LOG-4")
    }

    @Test func duplicatedEntryFails() throws {
        let b = RecordBuilder.simple(entries: 6)
        var lines = b.entryLines
        lines.insert(lines[2], at: 3)
        let report = try run(b, entryLines: lines)
        expectFailure(report, "LOG-1", at: .entry(3))
        expectFailure(report, "LOG-4")
    }

    @Test func reorderedEntriesFail() throws {
        let b = RecordBuilder.simple(entries: 6)
        var lines = b.entryLines
        lines.swapAt(1, 2)
        let report = try run(b, entryLines: lines)
        expectFailure(report, "LOG-1", at: .entry(1))
        expectFailure(report, "LOG-4")
    }

    @Test func reorderedAndRenumberedEntriesFailRootAndTime() throws {
        let b = RecordBuilder.simple(entries: 6)
        var e = b.entries
        e.swapAt(1, 2)
        e[1].index = 1
        e[2].index = 2
        let report = try run(b, entryLines: e.map(\.line))
        #expect(report["LOG-1"]?.passed == true)
        expectFailure(report, "LOG-4", at: .checkpoint(position: 0, size: 3))
        expectFailure(report, "LOG-5", at: .entry(2))
    }

    @Test func badCheckpointSignatureFails() throws {
        let b = RecordBuilder.simple(entries: 6)
        var cps = b.checkpointLines
        cps[0] = CheckpointLine(size: 3, note: b.note(size: 3, key: TestKey(seed: 0x66))).line
        let report = try run(b, checkpointLines: cps)
        expectFailure(report, "LOG-3", at: .checkpoint(position: 0, size: 3))
        #expect(report["LOG-4"]?.passed == true)
        // A flipped byte in the signature itself.
        var note = b.note(size: 6)
        let sigStart = note.range(of: "\u{2014} ")!.upperBound
        let tail = String(note[sigStart...])
        let parts = tail.split(separator: " ")
        var blob = try Base64.decode(String(parts[1].dropLast()))
        blob[20] ^= 1
        note = String(note[..<sigStart]) + parts[0] + " " + Base64.encode(blob) + "\n"
        cps[0] = b.checkpointLines[0]
        cps[1] = CheckpointLine(size: 6, note: note).line
        expectFailure(try run(b, checkpointLines: cps), "LOG-3", at: .checkpoint(position: 1, size: 6))
    }

    @Test func forkedCheckpointFails() throws {
        // A correctly signed checkpoint whose root is that of another history.
        let b = RecordBuilder.simple(entries: 6)
        var other = b
        other.entries[1] = {
            var o = RecordBuilder()
            o.clock = b.entries[1].time - 1000
            o.append(payload: b.payload(extra: [("text", .string("forked"))]))
            var e = o.entries[0]
            e.index = 1
            return e
        }()
        var cps = b.checkpointLines
        cps[1] = CheckpointLine(size: 6, note: other.note(size: 6)).line
        let report = try run(b, checkpointLines: cps)
        expectFailure(report, "LOG-4", at: .checkpoint(position: 1, size: 6))
        #expect(report["LOG-3"]?.passed == true)
    }

    @Test func timeGoingBackwardsFails() throws {
        var b = RecordBuilder()
        b.append()
        b.append()
        b.append(time: b.entries[1].time - 1)
        b.append()
        b.checkpointSizes = [4]
        let report = try run(b)
        expectFailure(report, "LOG-5", at: .entry(2))
        #expect(report["LOG-4"]?.passed == true)
    }

    @Test func checkpointTimeBeforeItsLastEntryFails() throws {
        let b = RecordBuilder.simple(entries: 3)
        let cps = [CheckpointLine(size: 3, note: b.note(size: 3, time: b.entries[2].time - 1)).line]
        expectFailure(try run(b, checkpointLines: cps), "LOG-8", at: .checkpoint(position: 0, size: 3))
    }

    @Test func checkpointSizesMustIncreaseAndCoverEverything() throws {
        let b = RecordBuilder.simple(entries: 6)
        let c3 = CheckpointLine(size: 3, note: b.note(size: 3)).line
        let c5 = CheckpointLine(size: 5, note: b.note(size: 5)).line
        let c6 = CheckpointLine(size: 6, note: b.note(size: 6)).line
        expectFailure(try run(b, checkpointLines: [c5, c3, c6]), "LOG-7", at: .checkpoint(position: 1, size: 3))
        expectFailure(try run(b, checkpointLines: [c3, c5]), "LOG-7", at: .record)
        expectFailure(try run(b, checkpointLines: []), "LOG-7", at: .record)
        var longer = b
        longer.append()
        expectFailure(try run(b, checkpointLines: [c6, CheckpointLine(size: 7, note: longer.note(size: 7)).line]), "LOG-4",
                      at: .checkpoint(position: 1, size: 7))
    }

    @Test func payloadFromAnotherRecordFails() throws {
        var b = RecordBuilder.simple(entries: 2)
        var other = RecordBuilder()
        other.origin = "perennial.example/elsewhere"
        b.append(payload: other.payload())
        b.checkpointSizes = [3]
        expectFailure(try run(b), "LOG-6", at: .entry(2))
    }

    @Test func payloadWithKeysInTheWrongOrderFails() throws {
        var b = RecordBuilder.simple(entries: 1)
        b.append(payload: Array(#"{"record":"perennial.example/test-2026","kind":"test.note"}"#.utf8))
        b.checkpointSizes = [2]
        expectFailure(try run(b), "LOG-6", at: .entry(1))
    }

    @Test func unknownKindFails() throws {
        var b = RecordBuilder.simple(entries: 1)
        b.append(payload: b.payload("no.such.kind"))
        b.checkpointSizes = [2]
        expectFailure(try run(b), "KND-1", at: .entry(1))
    }

    @Test func manifestCountsMustMatch() throws {
        let b = RecordBuilder.simple(entries: 4)
        let m = Manifest(origin: b.origin, logKey: b.logKey.publicKey, entries: 5, checkpoints: 2).jsonText
        expectFailure(try run(b, manifest: m), "REC-1", at: .record)
    }

    @Test func unreadableRecordThrows() throws {
        let dir = TempDir()
        #expect(throws: AuditError.self) { try verifyRecord(dir.path) }
        try Data("{\"format\":\"something-else\"}".utf8).write(to: URL(fileURLWithPath: dir.path + "/manifest.json"))
        #expect(throws: AuditError.self) { try verifyRecord(dir.path) }
    }

    @Test func missingFinalNewlineFails() throws {
        let b = RecordBuilder.simple(entries: 3)
        let dir = TempDir()
        b.write(to: dir.path)
        let path = dir.path + "/entries.jsonl"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text.removeLast()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try verifyRecord(dir.path)
        expectFailure(report, "REC-1", at: .record)
        #expect(report["LOG-4"]?.passed == true)
    }

    @Test func canonicalFormIsRequired() throws {
        let b = RecordBuilder.simple(entries: 3)
        // A manifest with spaces.
        let spaced = Manifest(origin: b.origin, logKey: b.logKey.publicKey, entries: 3, checkpoints: 1).jsonText
            .replacingOccurrences(of: ",", with: ", ")
        expectFailure(try run(b, manifest: spaced), "REC-1", at: .record)
        // A checkpoint line that escapes the em dash.
        let escaped = b.checkpointLines.map { $0.replacingOccurrences(of: "\u{2014}", with: "\\u2014") }
        expectFailure(try run(b, checkpointLines: escaped), "LOG-3", at: .checkpoint(position: 0, size: nil))
        // An entry time of 2^63.
        var e = b.entries
        e[2].time = 1 << 63
        expectFailure(try run(b, entryLines: e.map(\.line)), "LOG-1", at: .entry(2))
    }

    @Test func checkpointTimesNeverGoBack() throws {
        let b = RecordBuilder.simple(entries: 6)
        let first = CheckpointLine(size: 3, note: b.note(size: 3, time: b.entries[5].time + 10)).line
        let second = CheckpointLine(size: 6, note: b.note(size: 6)).line
        expectFailure(try run(b, checkpointLines: [first, second]), "LOG-8", at: .checkpoint(position: 1, size: 6))
    }

    @Test func originMustBeAPrintableKeyName() throws {
        var b = RecordBuilder.simple(entries: 1)
        b.origin = "perennial.example/a b"
        let dir = TempDir()
        b.write(to: dir.path)
        #expect(throws: AuditError.self) { try verifyRecord(dir.path) }
    }
}
