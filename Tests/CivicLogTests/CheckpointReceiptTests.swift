import CSodium
import CivicLog
import Foundation
import Testing

@Suite("Checkpoints and receipts")
struct CheckpointReceiptTests {
    @Test func checkpointNoteFollowsTheSpec() throws {
        let clock = ManualClock(milliseconds: 1_767_225_600_000)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        let empty = try store.signCheckpoint()
        #expect(empty.size == 0 && empty.rootHash == .emptyTreeRoot)
        try store.append(contentsOf: (0..<5).map { Fixture.envelope($0) })
        clock.advance(by: 250)
        let checkpoint = try store.signCheckpoint()
        let root = try store.root(atSize: 5)
        let keyID = Array(sha256(Array(Fixture.origin.utf8) + [0x0A, 0x01] + Fixture.logKey.publicKey).prefix(4))
        let body = "\(Fixture.origin)\n5\n\(root.base64)\ntime 1767225600250\n"
        #expect(checkpoint.body == body)
        #expect(checkpoint.note.hasPrefix(body + "\n\u{2014} \(Fixture.origin) "))
        let lastLine = checkpoint.note.split(separator: "\n").last!
        let blob = Data(base64Encoded: String(lastLine.split(separator: " ").last!))!
        #expect(Array(blob.prefix(4)) == keyID)
        #expect(blob.count == 68)
        try checkpoint.verify(logKey: store.logKey)
        #expect(try SignedCheckpoint.parse(note: checkpoint.note) == checkpoint)
        #expect(try store.latestCheckpoint() == checkpoint)
        // Signing again without new entries returns the same checkpoint.
        clock.advance(by: 1000)
        #expect(try store.signCheckpoint() == checkpoint)
        #expect(try store.checkpoints().map(\.size) == [0, 5])
        #expect(try store.checkpoint(size: 5) == checkpoint)
    }

    @Test func tamperedCheckpointsAreRefused() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.append(contentsOf: (0..<3).map { Fixture.envelope($0) })
        let note = try store.signCheckpoint().note
        let lines = note.components(separatedBy: "\n")
        func variant(_ index: Int, _ value: String) -> String {
            var copy = lines
            copy[index] = value
            return copy.joined(separator: "\n")
        }
        let otherRoot = MerkleTree.leafHash([1]).base64
        let signedChanges = [variant(1, "4"), variant(2, otherRoot), variant(3, "time 1")]
        for text in signedChanges {
            let parsed = try SignedCheckpoint.parse(note: text)
            #expect { try parsed.verify(logKey: store.logKey) } throws: { ($0 as? LogError)?.code == .badCheckpointSignature }
        }
        let malformed = [
            variant(1, "03"), variant(1, "-3"), variant(2, "AAAA"), variant(3, "time"), variant(3, "tim 5"),
            variant(0, "perennial.example/other"), variant(4, "x"), variant(5, "- " + Fixture.origin + " AAAA"),
            String(note.dropLast()), note + "\n", note.replacingOccurrences(of: "\u{2014}", with: "-"),
        ]
        for text in malformed {
            #expect(throws: LogError.self, "\(text)") {
                try SignedCheckpoint.verified(note: text, origin: Fixture.origin, logKey: store.logKey)
            }
        }
        // Witness cosignature lines are kept and ignored; the log's line must still verify.
        let witnessLine = "\u{2014} witness.example/w1 " + Data(repeating: 5, count: 72).base64EncodedString() + "\n"
        let witnessed = try SignedCheckpoint.verified(note: note + witnessLine, origin: Fixture.origin, logKey: store.logKey)
        #expect(witnessed.note == note + witnessLine)
        let logLine = lines[5] + "\n"
        let body = lines[0...4].joined(separator: "\n") + "\n"
        let witnessFirst = try SignedCheckpoint.verified(note: body + witnessLine + logLine, origin: Fixture.origin, logKey: store.logKey)
        #expect(witnessFirst.size == 3)
        // Another line named after the origin, with a bad signature, before the real one: still the log's.
        let forgedLine = "\u{2014} \(Fixture.origin) " + Data(repeating: 1, count: 68).base64EncodedString() + "\n"
        _ = try SignedCheckpoint.verified(note: body + forgedLine + logLine, origin: Fixture.origin, logKey: store.logKey)
        // Only witness lines: refused.
        #expect(throws: LogError.self) { try SignedCheckpoint.verified(note: body + witnessLine, origin: Fixture.origin, logKey: store.logKey) }
        // Signature under another key.
        #expect(throws: LogError.self) { try SignedCheckpoint.verified(note: note, origin: Fixture.origin, logKey: LogSigningKey.generate().publicKey) }
    }

    @Test func consistencyBetweenEveryPairOfCheckpoints() throws {
        let clock = ManualClock(milliseconds: 10)
        let store = try Fixture.store(Fixture.temporaryDirectory(), clock: clock)
        for batch in [1, 1, 2, 3, 5, 8, 13, 21] {
            try store.append(contentsOf: (0..<batch).map { Fixture.envelope($0) })
            clock.advance(by: 1)
            try store.signCheckpoint()
        }
        let checkpoints = try store.checkpoints()
        #expect(checkpoints.count == 8)
        for older in checkpoints {
            for newer in checkpoints where newer.size >= older.size {
                let proof = try store.consistencyProof(from: older, to: newer)
                try MerkleVerifier.verifyConsistency(
                    size1: older.size, size2: newer.size, root1: older.rootHash, root2: newer.rootHash, proof: proof)
                if newer.size > older.size {
                    #expect(throws: LogError.self) {
                        try MerkleVerifier.verifyConsistency(
                            size1: older.size, size2: newer.size, root1: newer.rootHash, root2: older.rootHash, proof: proof)
                    }
                }
            }
        }
    }

    @Test func receiptsVerifyOfflineAndRefuseTampering() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.append(contentsOf: (0..<11).map { Fixture.envelope($0) })
        #expect { try store.receipt(index: 3) } throws: { ($0 as? LogError)?.code == .noCheckpoint }
        try store.signCheckpoint()
        for index in UInt64(0)..<11 {
            let receipt = try store.receipt(index: index, tracker: index == 3 ? "TRK-\"3\"" : nil)
            let json = receipt.json()
            let parsed = try Receipt.parse(json: json)
            #expect(parsed == receipt)
            try parsed.verify()
            try store.verify(receipt: parsed)
            #expect(parsed.json() == json)
        }
        let receipt = try store.receipt(index: 6, tracker: "abc")
        #expect(receipt.json().hasPrefix(#"{"format":"perennial-receipt","version":1,"origin":"\#(Fixture.origin)","log_key":""#))
        #expect(receipt.json().hasSuffix(#"],"tracker":"abc"}"#))
        #expect(!receipt.json().replacingOccurrences(of: "time 1", with: "").replacingOccurrences(of: " \(Fixture.origin) ", with: "").contains(" "), "no spaces outside the note")

        // Tamper with each field.
        let other = try store.receipt(index: 7)
        var variants: [Receipt] = [
            Receipt(origin: receipt.origin, logKey: LogSigningKey.generate().publicKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: receipt.inclusion),
            Receipt(origin: "perennial.example/other", logKey: receipt.logKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: receipt.inclusion),
            Receipt(origin: receipt.origin, logKey: receipt.logKey, index: 7, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: receipt.inclusion),
            Receipt(origin: receipt.origin, logKey: receipt.logKey, index: receipt.index, leafHash: other.leafHash, checkpoint: receipt.checkpoint, inclusion: receipt.inclusion),
            Receipt(origin: receipt.origin, logKey: receipt.logKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: other.inclusion),
            Receipt(origin: receipt.origin, logKey: receipt.logKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: Array(receipt.inclusion.dropLast())),
        ]
        for i in receipt.inclusion.indices {
            var inclusion = receipt.inclusion
            var bytes = inclusion[i].bytes
            bytes[i % 32] ^= 0x80
            inclusion[i] = try MerkleHash(bytes)
            variants.append(Receipt(origin: receipt.origin, logKey: receipt.logKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: receipt.checkpoint, inclusion: inclusion))
        }
        for variant in variants {
            #expect(throws: LogError.self) { try variant.verify() }
        }
        // A checkpoint from another log with the same origin but another key.
        let otherLog = try LogStore(directory: Fixture.temporaryDirectory(), origin: Fixture.origin, signingKey: .generate())
        try otherLog.append(contentsOf: (0..<11).map { Fixture.envelope($0) })
        let foreign = try otherLog.signCheckpoint()
        let swapped = Receipt(origin: receipt.origin, logKey: receipt.logKey, index: receipt.index, leafHash: receipt.leafHash, checkpoint: foreign, inclusion: receipt.inclusion)
        #expect(throws: LogError.self) { try swapped.verify() }
        // Text-level tampering.
        for bad in ["", "{}", receipt.json().replacingOccurrences(of: "\"version\":1", with: "\"version\":2"),
                    receipt.json().replacingOccurrences(of: "perennial-receipt", with: "perennial-record")] {
            #expect(throws: LogError.self) { try Receipt.parse(json: bad) }
        }
    }
}

/// SHA-256 straight from libsodium, independent of CivicLog's hashing code.
private func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    _ = crypto_hash_sha256(&out, bytes, UInt64(bytes.count))
    return out
}
