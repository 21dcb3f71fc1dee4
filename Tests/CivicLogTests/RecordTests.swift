import CivicLog
import Foundation
import Testing

@Suite("Record export and import")
struct RecordTests {
    static func populatedStore() throws -> LogStore {
        let clock = ManualClock(milliseconds: 1_767_225_600_000)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        try store.signCheckpoint()
        let authors = (0..<3).map { _ in AuthorSigningKey.generate() }
        for round in 0..<6 {
            let envelopes = (0..<(round * 7 + 1)).map { n in
                EntryEnvelope.sign(
                    payload: Array(#"{"kind":"test.note","record":"\#(Fixture.origin)","text":"line\nbreak \"q\" \u00e9 \#u{e9} \#(n)"}"#.utf8),
                    with: authors[n % 3])
            }
            try store.append(contentsOf: envelopes)
            clock.advance(by: 1000)
            try store.signCheckpoint()
        }
        try store.append(Fixture.envelope(99))  // not covered by a checkpoint: not exported
        return store
    }

    static func files(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in [LogStore.RecordFile.manifest, LogStore.RecordFile.entries, LogStore.RecordFile.checkpoints] {
            out[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return out
    }

    @Test func exportImportExportIsByteIdentical() throws {
        let store = try Self.populatedStore()
        let first = Fixture.temporaryDirectory()
        let summary = try store.exportRecord(to: first)
        #expect(summary.entries == 111)
        #expect(summary.checkpoints == 7)

        let copy = try Fixture.store(Fixture.temporaryDirectory())
        let imported = try copy.importRecord(from: first)
        #expect(imported == summary)
        #expect(try copy.size() == 111)
        #expect(try copy.root(atSize: 111) == store.root(atSize: 111))
        #expect(try copy.checkpoints() == store.checkpoints())

        let second = Fixture.temporaryDirectory()
        try copy.exportRecord(to: second)
        #expect(try Self.files(first) == Self.files(second))

        // Spot-check the formats.
        let manifest = String(decoding: try Self.files(first)["manifest.json"]!, as: UTF8.self)
        #expect(manifest == #"{"format":"perennial-record","version":1,"origin":"\#(Fixture.origin)","log_key":"\#(store.logKey.map { String(format: "%02x", $0) }.joined())","entries":111,"checkpoints":7}"# + "\n")
        let entries = String(decoding: try Self.files(first)["entries.jsonl"]!, as: UTF8.self)
        let line0 = entries.split(separator: "\n").first!
        let entry0 = try store.entry(at: 0)
        #expect(line0 == #"{"index":0,"time":1767225600000,"author":"\#(entry0.envelope.author.map { String(format: "%02x", $0) }.joined())","signature":"\#(entry0.envelope.signature.map { String(format: "%02x", $0) }.joined())","payload":"\#(Data(entry0.envelope.payload).base64EncodedString())"}"#)
        let checkpointLines = String(decoding: try Self.files(first)["checkpoints.jsonl"]!, as: UTF8.self).split(separator: "\n")
        #expect(checkpointLines.count == 7)
        #expect(checkpointLines[0].hasPrefix(#"{"size":0,"note":"\#(Fixture.origin)\n0\n"#))
        // The JSON lines decode with a standard parser to the stored notes.
        struct Line: Decodable { let size: UInt64; let note: String }
        let decoded = try checkpointLines.map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        #expect(decoded.map(\.note) == (try store.checkpoints().map(\.note)))
    }

    /// Each tampering is refused and the target store stays empty.
    @Test func importRefusesTamperedRecords() throws {
        let store = try Self.populatedStore()
        let original = Fixture.temporaryDirectory()
        try store.exportRecord(to: original)
        let files = try Self.files(original)
        let entryLines = String(decoding: files["entries.jsonl"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let checkpointLines = String(decoding: files["checkpoints.jsonl"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let manifest = String(decoding: files["manifest.json"]!, as: UTF8.self)

        func withEntries(_ change: (inout [String]) -> Void) -> [String: String] {
            var lines = entryLines
            change(&lines)
            return ["entries.jsonl": lines.joined(separator: "\n")]
        }
        func withCheckpoints(_ change: (inout [String]) -> Void) -> [String: String] {
            var lines = checkpointLines
            change(&lines)
            return ["checkpoints.jsonl": lines.joined(separator: "\n")]
        }
        func flipPayload(_ line: String) -> String {
            let range = line.range(of: #""payload":""#)!
            var chars = Array(line)
            let position = line.distance(from: line.startIndex, to: range.upperBound) + 4
            chars[position] = chars[position] == "A" ? "B" : "A"
            return String(chars)
        }
        let cases: [(String, [String: String])] = [
            ("payload byte", withEntries { $0[5] = flipPayload($0[5]) }),
            ("signature", withEntries { $0[7] = $0[7].replacingOccurrences(of: #""signature":""#, with: #""signature":"ff"#).replacingOccurrences(of: #"","payload""#, with: #"","payload""#) }),
            ("time changed", withEntries { $0[3] = $0[3].replacingOccurrences(of: #""time":1767225601000"#, with: #""time":1767225601001"#) }),
            ("time decreases", withEntries { $0[20] = $0[20].replacingOccurrences(of: #""time":1767225602000"#, with: #""time":1767225600000"#) }),
            ("line dropped", withEntries { $0.remove(at: 4) }),
            ("lines swapped", withEntries { $0.swapAt(2, 3) }),
            ("last line dropped", withEntries { $0.remove(at: $0.count - 2) }),
            ("extra line", withEntries { $0.insert($0[$0.count - 2].replacingOccurrences(of: #""index":110"#, with: #""index":111"#), at: $0.count - 1) }),
            ("no final newline", withEntries { $0.removeLast() }),
            ("space added", withEntries { $0[1] = $0[1].replacingOccurrences(of: #","time""#, with: #", "time""#) }),
            ("uppercase hex", withEntries { $0[1] = $0[1].replacingOccurrences(of: #""author":""#, with: #""author":"A"#).replacingOccurrences(of: #"","signature""#, with: #"","signature""#) }),
            ("leading zero index", withEntries { $0[1] = $0[1].replacingOccurrences(of: #""index":1,"#, with: #""index":01,"#) }),
            ("checkpoint dropped", withCheckpoints { $0.remove(at: 2) }),
            ("last checkpoint dropped", withCheckpoints { $0.remove(at: $0.count - 2) }),
            ("checkpoints swapped", withCheckpoints { $0.swapAt(1, 2) }),
            ("checkpoint note altered", withCheckpoints { $0[3] = $0[3].replacingOccurrences(of: "\\ntime 1", with: "\\ntime 2") }),
            ("checkpoint size field altered", withCheckpoints { $0[1] = $0[1].replacingOccurrences(of: #"{"size":1,"#, with: #"{"size":2,"#) }),
            ("manifest entries", ["manifest.json": manifest.replacingOccurrences(of: #""entries":111"#, with: #""entries":110"#)]),
            ("manifest checkpoints", ["manifest.json": manifest.replacingOccurrences(of: #""checkpoints":7"#, with: #""checkpoints":6"#)]),
            ("manifest key", ["manifest.json": manifest.replacingOccurrences(of: #""log_key":""#, with: #""log_key":"00"#).replacingOccurrences(of: #"","entries""#, with: #"","entries""#)]),
            ("manifest spaced", ["manifest.json": manifest.replacingOccurrences(of: ",", with: ", ")]),
            ("manifest origin", ["manifest.json": manifest.replacingOccurrences(of: Fixture.origin, with: "perennial.example/other")]),
        ]
        for (name, replacements) in cases {
            for (file, text) in replacements { #expect(Data(text.utf8) != files[file], "tampering \(name) changed nothing") }
            let directory = Fixture.temporaryDirectory()
            for (file, data) in files {
                let contents = replacements[file].map { Data($0.utf8) } ?? data
                try contents.write(to: directory.appendingPathComponent(file))
            }
            let target = try Fixture.store(Fixture.temporaryDirectory())
            #expect(throws: LogError.self, "\(name)") { try target.importRecord(from: directory) }
            #expect(try target.size() == 0, "\(name)")
            #expect(try target.checkpoints().isEmpty, "\(name)")
        }
        // Into a non-empty store.
        let nonEmpty = try Fixture.store(Fixture.temporaryDirectory())
        try nonEmpty.append(Fixture.envelope(0))
        #expect { try nonEmpty.importRecord(from: original) } throws: { ($0 as? LogError)?.code == .storeNotEmpty }
        // Export with no checkpoint.
        #expect { try nonEmpty.exportRecord(to: Fixture.temporaryDirectory()) } throws: { ($0 as? LogError)?.code == .noCheckpoint }
    }

    /// A record whose entry is dated before a checkpoint signed without it (backdated, SPEC §2.2) is
    /// refused: both checkpoints are genuinely signed by the log key, over the same first entry.
    @Test func importRefusesAnEntryDatedBeforeAnEarlierCheckpoint() throws {
        let clockA = ManualClock(milliseconds: 5000), clockB = ManualClock(milliseconds: 5000)
        let a = try Fixture.store(Fixture.temporaryDirectory(), clock: clockA)
        let b = try Fixture.store(Fixture.temporaryDirectory(), clock: clockB)
        try a.append(Fixture.envelope(0))
        try b.append(Fixture.envelope(0))
        clockA.set(milliseconds: 9000)
        try a.signCheckpoint()                       // size 1 at 9000
        clockB.set(milliseconds: 7000)
        try b.append(Fixture.envelope(1))            // dated 7000: after a's checkpoint in the record below
        clockB.set(milliseconds: 9500)
        try b.signCheckpoint()                       // size 2 at 9500
        let dirA = Fixture.temporaryDirectory(), dirB = Fixture.temporaryDirectory()
        try a.exportRecord(to: dirA)
        try b.exportRecord(to: dirB)
        let filesA = try Self.files(dirA), filesB = try Self.files(dirB)
        let forged = Fixture.temporaryDirectory()
        try filesB["entries.jsonl"]!.write(to: forged.appendingPathComponent("entries.jsonl"))
        try (filesA["checkpoints.jsonl"]! + filesB["checkpoints.jsonl"]!).write(to: forged.appendingPathComponent("checkpoints.jsonl"))
        let manifest = String(decoding: filesB["manifest.json"]!, as: UTF8.self).replacingOccurrences(of: #""checkpoints":1"#, with: #""checkpoints":2"#)
        try Data(manifest.utf8).write(to: forged.appendingPathComponent("manifest.json"))
        let target = try Fixture.store(Fixture.temporaryDirectory())
        #expect(throws: LogError.self) { try target.importRecord(from: forged) }
        #expect(try target.size() == 0)
        // The same record with its entry dated at the checkpoint's time imports.
        let honest = try Fixture.store(Fixture.temporaryDirectory())
        #expect(throws: Never.self) { try honest.importRecord(from: dirB) }
    }
}
