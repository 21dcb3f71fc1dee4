import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Testing
@testable import Perennial

/// A large roll batch has its credentials checked on every core first; every one is still checked.
@Suite("Roll batches")
struct RollBatchTests {
    static func enrolment(_ credential: String, _ i: Int, node: Node, registrar: Ed25519.SigningKey) throws -> EntryEnvelope {
        try Node.envelope(payload: RollEnrol(credential: credential, birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1),
                                             eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: node.origin, term: "t"), signer: registrar)
    }

    @Test(arguments: [
        String(repeating: "00", count: 32),                 // a point of small order
        String(repeating: "ff", count: 32),                 // not a canonical point
        String(repeating: "ab", count: 31),                 // 31 bytes
    ])
    func anInvalidCredentialInALargeBatchIsRefusedAndNothingIsWritten(bad: String) throws {
        let dir = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (node, registrar) = try NodeTests.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        var batch = try (0..<200).map { i in
            try Self.enrolment(Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), i, node: node, registrar: registrar)
        }
        let good = batch
        batch[150] = try Self.enrolment(bad, 150, node: node, registrar: registrar)
        let size = try node.store.size()
        #expect(throws: ElectionError.self) { try node.submit(batch: batch) }
        #expect(try node.store.size() == size)
        #expect(node.election?.roll.count == 0)
        try node.submit(batch: good)
        #expect(node.election?.roll.count == 200)
    }

    /// Every file of the node's directory with its bytes (SQLite's `-shm` index holds no data).
    static func fingerprint(_ dir: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  !url.lastPathComponent.hasSuffix(".sqlite-shm") else { continue }
            files[url.path] = FileManager.default.contents(atPath: url.path) ?? Data()
        }
        return files
    }

    /// The registrar's own path (credentials it derived itself skip the batch's point check): a row
    /// the roll's rules refuse, in the middle of the roll, refuses the whole roll with the rule's
    /// sentence; the log, the people file and every other file are as before.
    @Test func theRegistrarRefusesABadRowInTheMiddleAndWritesNothing() throws {
        let dir = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (node, _) = try NodeTests.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        var rows = (0..<150).map { i in
            RollImport.Row(line: i + 2, person: "p\(i)", birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1), eligibleFrom: nil, eligibleUntil: nil)
        }
        let good = rows
        rows[75] = RollImport.Row(line: 77, person: "p75", birthday: "01-01", eligibleFrom: "2028-01-01", eligibleUntil: "2027-06-01")
        let root = try node.store.root(atSize: node.store.size())
        let files = Self.fingerprint(dir)
        do {
            _ = try Registrar(node: node).enrolAll(rows)
            Issue.record("a roll with an empty eligibility interval was enrolled")
        } catch let error as ElectionError {
            #expect(error.message.contains("interval is empty"), "\(error.message)")
        }
        #expect(try node.store.root(atSize: node.store.size()) == root)
        #expect(Self.fingerprint(dir) == files)
        #expect(node.election?.roll.count == 0)
        let issued = try Registrar(node: node).enrolAll(good)
        #expect(issued.count == 150)
        #expect(node.election?.roll.count == 150)
        #expect(try node.rollRecord(issued[75].credential)?.birthday.iso == good[75].birthday)
    }

    /// Letters are staged while the log writes the roll: a refused roll leaves the letters'
    /// directory as it was (no letter, no hidden staged file holding a code); an accepted one files
    /// each letter as `letter-INDEX.txt`, mode 0600, with the letter's text.
    @Test func lettersStagedBesideARefusedRollAreRemovedAndAnAcceptedRollFilesThemAll() throws {
        let dir = NodeTests.directory(), letters = NodeTests.directory()
        defer { for d in [dir, letters] { try? FileManager.default.removeItem(at: d) } }
        try FileManager.default.createDirectory(at: letters, withIntermediateDirectories: true)
        let (node, _) = try NodeTests.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        var rows = (0..<300).map { i in
            RollImport.Row(line: i + 2, person: "p\(i)", birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1), eligibleFrom: nil, eligibleUntil: nil)
        }
        let good = rows
        rows[299] = RollImport.Row(line: 301, person: "p299", birthday: "01-01", eligibleFrom: "2028-01-01", eligibleUntil: "2027-06-01")
        let root = try node.store.root(atSize: node.store.size())
        let files = Self.fingerprint(dir)
        #expect(throws: ElectionError.self) { _ = try Registrar(node: node).enrolAll(rows, lettersIn: letters) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: letters.path).isEmpty)
        #expect(try node.store.root(atSize: node.store.size()) == root)
        #expect(Self.fingerprint(dir) == files)

        let (issued, paths) = try Registrar(node: node).enrolAll(good, lettersIn: letters)
        #expect(paths.count == 300)
        #expect(try FileManager.default.contentsOfDirectory(atPath: letters.path).count == 300)
        for (made, path) in zip(issued, paths) {
            #expect(path == letters.path + "/letter-\(made.index).txt")
            #expect(FileManager.default.contents(atPath: path) == Data(made.letter.utf8))
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        }
    }

    /// The registrar's batch path reads its own plain payloads in one pass; a bad entry among them is
    /// still refused by the roll's rules with a clear error, and the log (its root) and every file of
    /// the data directory are exactly as before.
    @Test(arguments: ["birthday", "interval", "twice", "unknown key", "spaced twice"])
    func aBadRollEntryInTheRegistrarsBatchIsRefusedAndNothingIsWritten(fault: String) throws {
        let dir = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (node, registrar) = try NodeTests.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        let rows = (0..<120).map { i in
            RollImport.Row(line: i + 2, person: "p\(i)", birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1), eligibleFrom: nil, eligibleUntil: nil)
        }
        let setup = try node.termSetup()
        var batch = try Registrar.prepare(rows, setup: setup, record: node.origin, signer: registrar).map(\.envelope)
        let credential = try RollEnrol.decode(batch[10].payload).credential
        let bad: String
        let expected: String
        switch fault {
        case "birthday":
            bad = String(decoding: RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "13-01",
                                             eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: node.origin, term: "t"), as: UTF8.self)
            expected = "13-01"
        case "interval":
            bad = String(decoding: RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "01-01",
                                             eligibleFrom: "2028-01-01", eligibleUntil: "2027-01-01").payloadBytes(record: node.origin, term: "t"), as: UTF8.self)
            expected = "interval is empty"
        case "twice":
            bad = String(decoding: RollEnrol(credential: credential, birthday: "01-01", eligibleFrom: nil, eligibleUntil: nil)
                .payloadBytes(record: node.origin, term: "t"), as: UTF8.self)
            expected = "already on the roll"
        case "unknown key":
            bad = String(decoding: batch[90].payload, as: UTF8.self).replacingOccurrences(of: "\"birthday\"", with: "\"note\":\"x\",\"birthday\"")
            expected = "unknown key \"note\""
        default:
            bad = String(decoding: batch[90].payload, as: UTF8.self).replacingOccurrences(of: "\"birthday\"", with: "\"birthday\": \"01-01\", \"birthday\"")
            expected = "twice"
        }
        batch[90] = try Node.envelope(payload: Array(bad.utf8), signer: registrar)
        let root = try node.store.root(atSize: node.store.size())
        let files = Self.fingerprint(dir)
        do {
            try node.submit(batch: batch)
            Issue.record("a batch with a bad roll entry (\(fault)) was accepted")
        } catch let error as ElectionError {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
        #expect(try node.store.root(atSize: node.store.size()) == root)
        #expect(Self.fingerprint(dir) == files)
        #expect(node.election?.roll.count == 0)
        // The same batch without the bad entry goes in whole.
        batch.remove(at: 90)
        try node.submit(batch: batch)
        #expect(node.election?.roll.count == 119)
    }

    /// The log checks a large batch's signatures as Ed25519 batches (on every core): a roll entry that
    /// names the registrar as its author but was signed by another key is refused with the
    /// signature's one-line error, wherever it is, and nothing is written: the log's root and every
    /// file of the node are as before. The same batch, correctly signed, then goes in whole.
    @Test(arguments: [0, 333, 599])
    func aRollEntrySignedByAWrongKeyRefusesTheBatchAndWritesNothing(position: Int) throws {
        let dir = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (node, registrar) = try NodeTests.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        var batch = try (0..<600).map { i in
            try Self.enrolment(Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), i, node: node, registrar: registrar)
        }
        let good = batch
        let forger = Ed25519.SigningKey.generate()
        let payload = batch[position].payload
        batch[position] = try EntryEnvelope(payload: payload, author: registrar.publicKey.rawRepresentation,
                                            signature: forger.sign(EntryEnvelope.signingInput(payload: payload)))
        let root = try node.store.root(atSize: node.store.size())
        let files = Self.fingerprint(dir)
        do {
            try node.submit(batch: batch)
            Issue.record("a batch with an entry signed by a wrong key was accepted")
        } catch let error as LogError {
            #expect(error.code == .badSignature)
            #expect(error.description.contains("signature does not match"), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try node.store.root(atSize: node.store.size()) == root)
        #expect(Self.fingerprint(dir) == files)
        #expect(node.election?.roll.count == 0)
        try node.submit(batch: good)
        #expect(node.election?.roll.count == 600)
    }
}
