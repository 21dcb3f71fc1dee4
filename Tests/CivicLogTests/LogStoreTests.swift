import CivicLog
import Foundation
import GRDB
import Testing

@Suite("LogStore")
struct LogStoreTests {
    struct DomainRefusal: Error, Equatable { let reason: String }

    @Test func appendAssignsIndexTimeAndLeafHash() throws {
        let clock = ManualClock(milliseconds: 1000)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        #expect(try store.size() == 0)
        #expect(try store.root(atSize: 0) == .emptyTreeRoot)
        var tree = InMemoryMerkleTree()
        for n in 0..<40 {
            clock.advance(by: 5)
            let envelope = Fixture.envelope(n)
            let entry = try store.append(envelope)
            #expect(entry.index == UInt64(n))
            #expect(entry.timeMs == 1000 + 5 * UInt64(n + 1))
            #expect(entry.leafHash == MerkleTree.leafHash(envelope.leafData(timeMs: entry.timeMs)))
            #expect(try store.entry(at: entry.index) == entry)
            tree.append(leafHash: entry.leafHash)
            #expect(try store.root(atSize: tree.size) == tree.root)
        }
        // Every inclusion and consistency proof equals the in-memory tree's.
        for size in UInt64(1)...40 {
            for index in 0..<size {
                #expect(try store.inclusionProof(index: index, treeSize: size) == MerkleTree.inclusionProof(index: index, size: size, source: tree))
            }
            #expect(try store.consistencyProof(size1: size, size2: 40) == MerkleTree.consistencyProof(size1: size, size2: 40, source: tree))
        }
        var streamed: [UInt64] = []
        try store.forEachEntry(in: 10..<20) { streamed.append($0.index) }
        #expect(streamed == Array(10..<20))
        #expect(throws: LogError.self) { try store.entry(at: 40) }
        #expect(throws: LogError.self) { try store.root(atSize: 41) }
        #expect(throws: LogError.self) { try store.inclusionProof(index: 40, treeSize: 40) }
        #expect(throws: LogError.self) { try store.forEachEntry(in: 0..<41) { _ in } }
    }

    @Test func leafFormatIsTheSpecs() throws {
        let envelope = Fixture.envelope(1)
        let leaf = envelope.leafData(timeMs: 0x0102030405060708)
        var expected: [UInt8] = [0x01, 1, 2, 3, 4, 5, 6, 7, 8] + envelope.author + envelope.signature
        expected += [0, 0, 0, UInt8(envelope.payload.count)] + envelope.payload
        #expect(leaf == expected)
        #expect(envelope.leafHash(timeMs: 0x0102030405060708) == MerkleTree.leafHash(expected))
        #expect(EntryEnvelope.signingInput(payload: [0x41]) == Array("perennial-entry-v1\nA".utf8))
    }

    @Test func logTimeNeverDecreases() throws {
        let clock = ManualClock(milliseconds: 5000)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        let a = try store.append(Fixture.envelope(0))
        clock.set(milliseconds: 100)  // the clock goes backwards
        let b = try store.append(Fixture.envelope(1))
        #expect(b.timeMs == a.timeMs)
        let checkpoint = try store.signCheckpoint()
        #expect(checkpoint.timeMs == 5000)
        clock.set(milliseconds: 6000)
        let c = try store.append(Fixture.envelope(2))
        #expect(c.timeMs == 6000)
    }

    /// An entry appended after a checkpoint is never dated before it, even when the clock steps back
    /// (SPEC §2.2: the audit fails such an entry under LOG-5 as backdated).
    @Test func logTimeNeverGoesBehindASignedCheckpoint() throws {
        let clock = ManualClock(milliseconds: 5000)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        try store.append(Fixture.envelope(0))
        clock.set(milliseconds: 9000)
        let checkpoint = try store.signCheckpoint()
        #expect(checkpoint.timeMs == 9000)
        clock.set(milliseconds: 7000)  // the clock steps back after the log signed at 9000
        let next = try store.append(Fixture.envelope(1))
        #expect(next.timeMs == 9000)
        let batch = try store.append(contentsOf: [Fixture.envelope(2), Fixture.envelope(3)])
        #expect(batch.map(\.timeMs) == [9000, 9000])
    }

    /// Every refusal rule: the log refuses and changes nothing.
    @Test func refusesInvalidEntries() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.append(Fixture.envelope(0))
        let author = Fixture.author
        func signed(_ text: String) -> EntryEnvelope { EntryEnvelope.sign(payload: Array(text.utf8), with: author) }
        let good = Fixture.envelope(1)
        var tamperedPayload = good.payload
        tamperedPayload[tamperedPayload.count - 2] ^= 1
        var flippedSignature = good.signature
        flippedSignature[10] ^= 0x40
        let cases: [(EntryEnvelope, LogError.Code)] = [
            (try EntryEnvelope(payload: tamperedPayload, author: good.author, signature: good.signature), .badSignature),
            (try EntryEnvelope(payload: good.payload, author: good.author, signature: flippedSignature), .badSignature),
            (try EntryEnvelope(payload: good.payload, author: AuthorSigningKey.generate().publicKey, signature: good.signature), .badSignature),
            (signed("not json"), .malformedPayload),
            (signed("[1,2]"), .malformedPayload),
            (signed(#"{"record":"\#(Fixture.origin)","kind":"x"}"#), .malformedPayload),
            (signed(#"{"kind":"x"}"#), .malformedPayload),
            (signed(#"{"kind":1,"record":"\#(Fixture.origin)"}"#), .malformedPayload),
            (signed(#"{"kind":"","record":"\#(Fixture.origin)"}"#), .malformedPayload),
            (signed(#"{"kind":"x","other":"\#(Fixture.origin)"}"#), .malformedPayload),
            (signed(#"{"kind":"x","record":"\#(Fixture.origin)","a":}"#), .malformedPayload),
            (signed(#"{"kind":"x","record":"\#(Fixture.origin)"} trailing"#), .malformedPayload),
            (signed(#"{"kind":"x","record":"\#(Fixture.origin)","a":01}"#), .malformedPayload),
            (signed(#"{"kind":"x","record":"\#(Fixture.origin)","a":"\ud800"}"#), .malformedPayload),
            (EntryEnvelope.sign(payload: Array(#"{"kind":"x","record":"\#(Fixture.origin)","a":""#.utf8) + [0xff] + Array(#""}"#.utf8), with: author), .malformedPayload),
            (signed(#"{"kind":"x","record":"perennial.example/other"}"#), .wrongRecord),
            (signed(#"{"kind":"x","record":"\#(Fixture.origin)x"}"#), .wrongRecord),
            (EntryEnvelope.sign(payload: Fixture.payload(kind: String(repeating: "k", count: LogStore.maximumPayloadBytes)), with: author), .payloadTooLarge),
        ]
        let rootBefore = try store.root(atSize: 1)
        for (envelope, code) in cases {
            var projected = false
            do {
                try store.append(envelope) { _, _ in projected = true }
                Issue.record("accepted an invalid entry, expected \(code)")
            } catch let error as LogError {
                #expect(error.code == code, "\(error)")
                #expect(!error.description.isEmpty)
            }
            #expect(!projected)
            #expect(try store.size() == 1)
        }
        #expect(try store.root(atSize: 1) == rootBefore)
        // Nesting: 128 levels (the payload object being level 1) pass, 129 do not.
        func nested(_ levels: Int) -> EntryEnvelope {
            signed(#"{"kind":"x","record":"\#(Fixture.origin)","a":"# + String(repeating: "[", count: levels - 1) + "1" + String(repeating: "]", count: levels - 1) + "}")
        }
        try store.append(nested(128))
        #expect { try store.append(nested(129)) } throws: { ($0 as? LogError)?.code == .malformedPayload }
        // Escapes in "record" are decoded before comparing; whitespace between tokens is fine.
        let escaped = Fixture.origin.replacingOccurrences(of: "/", with: "\\/")
        try store.append(signed(#" { "kind" : "x" , "record" : "\#(escaped)" , "list" : [1, -2.5e3, true, null, {"a": "\u00e9"}] } "#))
        #expect(try store.size() == 3)
    }

    @Test func malformedEnvelopeSizesAreRefused() {
        let good = Fixture.envelope(0)
        for author in [[UInt8](), [UInt8](repeating: 1, count: 31), [UInt8](repeating: 1, count: 33)] {
            #expect { try EntryEnvelope(payload: good.payload, author: author, signature: good.signature) } throws: {
                ($0 as? LogError)?.code == .malformedEnvelope
            }
        }
        for signature in [[UInt8](), [UInt8](repeating: 1, count: 63), [UInt8](repeating: 1, count: 65)] {
            #expect { try EntryEnvelope(payload: good.payload, author: good.author, signature: signature) } throws: {
                ($0 as? LogError)?.code == .malformedEnvelope
            }
        }
        #expect(throws: LogError.self) { try AuthorSigningKey(rawRepresentation: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: LogError.self) { try LogSigningKey(rawRepresentation: [UInt8](repeating: 0, count: 64)) }
    }

    @Test func keysNeverPrintTheirSecret() throws {
        let key = Fixture.logKey
        #expect(String(describing: key).contains("LogSigningKey(public: "))
        #expect(!String(describing: key).lowercased().contains(String(repeating: "07", count: 8)))
        #expect(!String(reflecting: Fixture.author).contains(String(repeating: "09", count: 8)))
    }

    @Test func projectionRunsInTheSameTransaction() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.database.write { db in
            try db.execute(sql: "CREATE TABLE notes (idx INTEGER PRIMARY KEY, n INTEGER UNIQUE)")
        }
        func project(_ db: Database, _ entry: AppendedEntry) throws {
            let n = try JSONSerialization.jsonObject(with: Data(entry.envelope.payload)) as! [String: Any]
            let value = n["n"] as! Int
            if value < 0 { throw DomainRefusal(reason: "negative") }
            // The entry is visible inside the transaction, at its assigned index.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries WHERE idx = ?", arguments: [Int64(entry.index)]) == 1)
            try db.execute(sql: "INSERT INTO notes (idx, n) VALUES (?, ?)", arguments: [Int64(entry.index), value])
        }
        try store.append(Fixture.envelope(1), project: project)
        try store.append(Fixture.envelope(2), project: project)
        let rootBefore = try store.root(atSize: 2)

        // The projection refuses: its own error comes back and nothing is written.
        #expect(throws: DomainRefusal(reason: "negative")) { try store.append(Fixture.envelope(-1), project: project) }
        // The projection's SQL fails (UNIQUE): nothing is written.
        #expect(throws: (any Error).self) { try store.append(Fixture.envelope(1), project: project) }
        // A batch whose third entry is refused writes none of them.
        #expect(throws: DomainRefusal(reason: "negative")) {
            try store.append(contentsOf: [Fixture.envelope(3), Fixture.envelope(4), Fixture.envelope(-5)], project: project)
        }
        // A batch with one invalid signature is refused before anything runs.
        var bad = Fixture.envelope(6).signature
        bad[0] ^= 1
        #expect(throws: LogError.self) {
            try store.append(contentsOf: [Fixture.envelope(5), try EntryEnvelope(payload: Fixture.envelope(6).payload, author: Fixture.author.publicKey, signature: bad)], project: project)
        }
        #expect(try store.size() == 2)
        #expect(try store.root(atSize: 2) == rootBefore)
        #expect(try store.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM notes") } == 2)
        #expect(try store.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM merkle_nodes") } == 1)

        // The next append continues at index 2, and a batch writes all.
        let batch = try store.append(contentsOf: (3..<8).map { Fixture.envelope($0) }, project: project)
        #expect(batch.map(\.index) == [2, 3, 4, 5, 6])
        #expect(try store.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM notes") } == 7)
        var tree = InMemoryMerkleTree()
        try store.forEachEntry(in: 0..<7) { tree.append(leafHash: $0.leafHash) }
        #expect(try store.root(atSize: 7) == tree.root)
    }

    @Test func largeBatchesAreCheckedInParallelAndReportTheFirstFailure() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        var envelopes = (0..<300).map { Fixture.envelope($0) }
        let appended = try store.append(contentsOf: envelopes)
        #expect(appended.map(\.index) == Array(0..<300))
        envelopes[250] = EntryEnvelope.sign(payload: Fixture.payload(origin: "perennial.example/other"), with: Fixture.author)
        envelopes[120] = EntryEnvelope.sign(payload: Array("not json".utf8), with: Fixture.author)
        for _ in 0..<5 {
            #expect { try store.append(contentsOf: envelopes) } throws: { ($0 as? LogError)?.code == .malformedPayload }
        }
        #expect(try store.size() == 300)
    }

    @Test func databaseIsWALWithFullSync() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        let (mode, sync) = try store.database.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 2)  // FULL
        let simulation = try LogStore(
            directory: Fixture.temporaryDirectory(), origin: Fixture.origin, signingKey: Fixture.logKey, durability: .simulation)
        #expect(try simulation.database.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 0)  // OFF
    }

    @Test func logTablesRefuseRewrites() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.append(contentsOf: (0..<3).map { Fixture.envelope($0) })
        try store.signCheckpoint()
        let statements = [
            "UPDATE entries SET payload = x'00' WHERE idx = 1",
            "DELETE FROM entries WHERE idx = 2",
            "INSERT INTO entries (idx, time_ms, author, signature, payload, leaf_hash) VALUES (5, 1767225600000, zeroblob(32), zeroblob(64), x'00', zeroblob(32))",
            "INSERT INTO entries (idx, time_ms, author, signature, payload, leaf_hash) VALUES (3, 0, zeroblob(32), zeroblob(64), x'00', zeroblob(32))",
            "UPDATE merkle_nodes SET hash = zeroblob(32)",
            "DELETE FROM merkle_nodes",
            "UPDATE checkpoints SET note = ''",
            "DELETE FROM checkpoints",
            "INSERT INTO checkpoints (size, time_ms, note) VALUES (2, 0, '')",
        ]
        for sql in statements {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.database.write { try $0.execute(sql: sql) } }
        }
        #expect(try store.size() == 3)
    }

    @Test func reopeningChecksOriginAndKey() throws {
        let directory = Fixture.temporaryDirectory()
        do {
            let store = try Fixture.store(directory)
            try store.append(Fixture.envelope(0))
        }
        #expect { try LogStore(directory: directory, origin: "perennial.example/other", signingKey: Fixture.logKey) } throws: {
            ($0 as? LogError)?.code == .storeMismatch
        }
        #expect { try LogStore(directory: directory, origin: Fixture.origin, signingKey: .generate()) } throws: {
            ($0 as? LogError)?.code == .storeMismatch
        }
        let reopened = try Fixture.store(directory)
        #expect(try reopened.size() == 1)
        for origin in ["", "has space", "a+b", "quote\"", String(repeating: "a", count: 256), "caf\u{e9}"] {
            #expect { try LogStore(directory: Fixture.temporaryDirectory(), origin: origin, signingKey: Fixture.logKey) } throws: {
                ($0 as? LogError)?.code == .invalidOrigin
            }
        }
    }

    @Test func keyFileRoundTrip() throws {
        let file = Fixture.temporaryDirectory().appendingPathComponent("log.key")
        let created = try LogSigningKey.loadOrCreate(keyFile: file)
        let loaded = try LogSigningKey.loadOrCreate(keyFile: file)
        #expect(created.publicKey == loaded.publicKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
