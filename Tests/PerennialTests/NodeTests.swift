import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import Testing

/// The node: refusals write nothing, replay restores the state, two writers share one log.
@Suite("Election node")
struct NodeTests {
    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("perennial-node-\(UUID().uuidString)", isDirectory: true)
    }

    /// A node with a term set up (no ceremony).
    static func node(at dir: URL, clock: ManualClock) throws -> (Node, Ed25519.SigningKey) {
        let node = try Node.create(directory: dir, origin: "test.example/node", simulation: true, clock: clock)
        let officer = try node.key("officer"), registrar = try node.key("registrar")
        var setup = try TermSetupService.makeSetup(
            term: "t", title: "T", timeZone: "Europe/Paris", start: "2027-01-01", end: "2028-01-01",
            trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
            officer: officer.publicKey.rawRepresentation, registrar: registrar.publicKey.rawRepresentation, simulation: true)
        setup.logKey = node.verifierKey
        try node.submit(payload: setup.payloadBytes(record: node.origin, term: "t"), signer: officer)
        return (node, registrar)
    }

    /// term.setup must publish the log's own verifier key (SPEC §4.2): none, or another log's, is
    /// refused and writes nothing; Node.setUp fills it in.
    @Test func termSetupMustNameTheLogsVerifierKey() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try Node.create(directory: dir, origin: "test.example/node", simulation: true, clock: ManualClock(milliseconds: 1_790_000_000_000))
        let officer = try node.key("officer"), registrar = try node.key("registrar")
        var setup = try TermSetupService.makeSetup(
            term: "t", title: "T", timeZone: "Europe/Paris", start: "2027-01-01", end: "2028-01-01",
            trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
            officer: officer.publicKey.rawRepresentation, registrar: registrar.publicKey.rawRepresentation, simulation: true)
        #expect(throws: ElectionError.self) { try node.submit(payload: setup.payloadBytes(record: node.origin, term: "t"), signer: officer) }
        let otherKey = SignedCheckpoint.verifierKey(origin: node.origin, publicKey: Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        setup.logKey = otherKey
        #expect(throws: ElectionError.self) { try node.submit(payload: setup.payloadBytes(record: node.origin, term: "t"), signer: officer) }
        #expect(try node.store.size() == 0)
        setup.logKey = node.verifierKey
        try node.submit(payload: setup.payloadBytes(record: node.origin, term: "t"), signer: officer)
        #expect(node.verifierKey.hasPrefix("test.example/node+"))
        let payload = String(decoding: try node.store.entry(at: 0).envelope.payload, as: UTF8.self)
        #expect(payload.hasSuffix(#","simulation":true,"log_key":"\#(node.verifierKey)"}"#))

        let dir2 = Self.directory()
        defer { try? FileManager.default.removeItem(at: dir2) }
        let made = try Node.setUp(directory: dir2, origin: "test.example/setup", simulation: true, clock: ManualClock(milliseconds: 1_790_000_000_000)) { o, r in
            try TermSetupService.makeSetup(
                term: "t", title: "T", timeZone: "Europe/Paris", start: "2027-01-01", end: "2028-01-01",
                trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
                officer: o, registrar: r, simulation: true)
        }
        #expect(made.election?.setup?.logKey == made.verifierKey)
    }

    @Test func refusedEntryLeavesTheLogUnchanged() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (node, registrar) = try Self.node(at: dir, clock: ManualClock(milliseconds: 1_790_000_000_000))
        let before = try node.store.size()
        let rootBefore = try node.store.root(atSize: before)
        // Enrolled by the wrong author: refused by the election inside the append transaction.
        let stranger = Ed25519.SigningKey.generate()
        let enrol = RollEnrol(credential: Hex.encode(stranger.publicKey.rawRepresentation), birthday: "02-30", eligibleFrom: nil, eligibleUntil: nil)
        #expect(throws: ElectionError.self) { try node.submit(payload: enrol.payloadBytes(record: node.origin, term: "t"), signer: stranger) }
        #expect(throws: ElectionError.self) { try node.submit(payload: enrol.payloadBytes(record: node.origin, term: "t"), signer: registrar) }
        #expect(try node.store.size() == before)
        #expect(try node.store.root(atSize: before) == rootBefore)
        #expect(node.election?.roll.count == 0)
        // A good entry still goes in afterwards.
        let ok = RollEnrol(credential: Hex.encode(stranger.publicKey.rawRepresentation), birthday: "02-28", eligibleFrom: nil, eligibleUntil: nil)
        try node.submit(payload: ok.payloadBytes(record: node.origin, term: "t"), signer: registrar)
        #expect(node.election?.roll.count == 1)
    }

    @Test func twoWritersOnOneDirectoryNeverClash() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ManualClock(milliseconds: 1_790_000_000_000)
        let (a, registrar) = try Self.node(at: dir, clock: clock)
        let b = try Node(directory: dir, clock: clock)
        for i in 0..<20 {
            let key = Ed25519.SigningKey.generate()
            let p = RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: "01-0\(i % 9 + 1)", eligibleFrom: nil, eligibleUntil: nil)
            try (i.isMultiple(of: 2) ? a : b).submit(payload: p.payloadBytes(record: a.origin, term: "t"), signer: registrar)
        }
        try a.catchUp()
        try b.catchUp()
        #expect(a.election?.roll.count == 20)
        #expect(b.election?.roll.count == 20)
        #expect(try a.store.size() == 21)
    }

    @Test func reopeningReplaysTheSameState() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ManualClock(milliseconds: 1_790_000_000_000)
        let (node, registrar) = try Self.node(at: dir, clock: clock)
        let key = Ed25519.SigningKey.generate()
        try node.submit(payload: RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: "07-14", eligibleFrom: "2027-03-01",
                                           eligibleUntil: nil).payloadBytes(record: node.origin, term: "t"), signer: registrar)
        let again = try Node(directory: dir)
        #expect(again.election?.roll[Hex.encode(key.publicKey.rawRepresentation)] == node.election?.roll[Hex.encode(key.publicKey.rawRepresentation)])
        #expect(again.appliedThrough == node.appliedThrough)
        // A second node in the same directory is refused with a clear message (no fork).
        #expect(throws: NodeError.self) { _ = try Node.create(directory: dir, origin: "other.example/x", simulation: true) }
    }
}
