import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import GRDB
import Testing
@testable import Perennial

/// The node trusts nothing on disk it has not checked, keeps its snapshot honest, and serialises writers.
@Suite("Node integrity")
struct NodeIntegrityTests {
    /// A node with a term set up and `count` roll entries, plus a signed checkpoint.
    static func populated(count: Int = 30) throws -> (URL, ManualClock) {
        let dir = NodeTests.directory()
        let clock = ManualClock(milliseconds: 1_790_000_000_000)
        let (node, registrar) = try NodeTests.node(at: dir, clock: clock)
        for i in 0..<count {
            let key = Ed25519.SigningKey.generate()
            try node.submit(payload: RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1),
                                               eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: node.origin, term: "t"), signer: registrar)
        }
        _ = try node.store.signCheckpoint()
        return (dir, clock)
    }

    static func damagedMessage(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as NodeError { return error.message } catch { return "\(error)" }
    }

    @Test func aSnapshotMakesOpenSkipTheReplayAndAStaleOneIsRebuilt() throws {
        let (dir, clock) = try Self.populated()
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try Node(directory: dir, clock: clock)
        try node.saveSnapshot()
        let reopened = try Node(directory: dir, clock: clock)
        #expect(reopened.snapshotSize == Int(try node.store.size()))
        #expect(reopened.election?.roll.count == 30)
        // A snapshot edited on disk is not trusted: it is discarded and the state rebuilt from the log.
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("log/log.sqlite").path)
        try queue.write { db in try db.execute(sql: "UPDATE node_snapshot SET state = x'00' WHERE module = 'election'") }
        let rebuilt = try Node(directory: dir, clock: clock)
        #expect(rebuilt.snapshotSize == 0)
        #expect(rebuilt.election?.roll.count == 30)
        // A snapshot of an older size is used, and the tail replayed.
        try rebuilt.saveSnapshot()
        let key = Ed25519.SigningKey.generate()
        try rebuilt.submit(payload: RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: "03-03", eligibleFrom: nil,
                                              eligibleUntil: nil).payloadBytes(record: rebuilt.origin, term: "t"), signer: rebuilt.key("registrar"))
        let caughtUp = try Node(directory: dir, clock: clock)
        #expect(caughtUp.election?.roll.count == 31)
        #expect(caughtUp.snapshotSize == 31)
    }

    @Test(arguments: ["payload", "leaf"]) func anAlteredRowMakesOpenRefuse(_ column: String) throws {
        let (dir, clock) = try Self.populated()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The term's first entry (replayed at every open) altered on disk: one byte of its title, or its leaf hash.
        let sql = column == "payload"
            ? "UPDATE entries SET payload = CAST(replace(CAST(payload AS TEXT), '\"title\":\"T\"', '\"title\":\"X\"') AS BLOB) WHERE idx = 0"
            : "UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 5"
        let triggers = try DatabaseQueue(path: dir.appendingPathComponent("log/log.sqlite").path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'")
        }
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("log/log.sqlite").path)
        try queue.writeWithoutTransaction { db in
            for t in triggers { try db.execute(sql: "DROP TRIGGER \(t)") }
            try db.execute(sql: sql)
        }
        let message = Self.damagedMessage { _ = try Node(directory: dir, clock: clock) }
        #expect(message?.contains("damaged") == true, "\(message ?? "opened")")
        #expect(message?.contains("restore") == true)
    }

    /// A replay long enough that its leaf hashes and credentials are checked on several threads at
    /// once still refuses, naming the first altered entry (as a one-by-one check would).
    @Test func aLongReplayRefusesTheFirstAlteredEntry() throws {
        let (dir, clock) = try Self.populated(count: 140)
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("log/log.sqlite").path)
        let triggers = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'")
        }
        try queue.writeWithoutTransaction { db in
            for t in triggers { try db.execute(sql: "DROP TRIGGER \(t)") }
            try db.execute(sql: """
                UPDATE entries SET payload = CAST(replace(CAST(payload AS TEXT), '"record":"', '"record":"x') AS BLOB) WHERE idx IN (130, 100)
                """)
            try db.execute(sql: "DELETE FROM node_snapshot")
        }
        let message = Self.damagedMessage { _ = try Node(directory: dir, clock: clock) }
        #expect(message?.contains("entry 100's stored bytes do not match its leaf hash") == true, "\(message ?? "opened")")
    }

    @Test func aDeletedLogRefusesOpenAndSetUp() throws {
        let (dir, clock) = try Self.populated(count: 2)
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ["log.sqlite", "log.sqlite-wal", "log.sqlite-shm"] {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("log/\(file)"))
        }
        let listing = try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted()
        #expect(Self.damagedMessage { _ = try Node(directory: dir, clock: clock) }?.contains("damaged") == true)
        #expect(throws: NodeError.self) {
            try Node.setUp(directory: dir, origin: "test.example/node", simulation: true, clock: clock) { _, _ in
                Issue.record("setup must not get as far as building a term")
                throw NodeError("unreachable")
            }
        }
        // Nothing was written: no new log, no new key.
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted() == listing)
    }

    @Test func aMissingKeyIsNeverRecreated() throws {
        let (dir, clock) = try Self.populated(count: 1)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("keys/officer.key"))
        let node = try Node(directory: dir, clock: clock)
        #expect(throws: NodeError.self) { _ = try node.key("officer") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("keys/officer.key").path))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("keys/log.key"))
        #expect(throws: LogError.self) { _ = try Node(directory: dir, clock: clock) }
    }

    @Test func aHandSetClockIsRefusedOnARealNode() throws {
        let dir = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: NodeError.self) {
            _ = try Node.create(directory: dir, origin: "test.example/real", simulation: false, clock: ManualClock(milliseconds: 0))
        }
        let real = try Node.create(directory: dir, origin: "test.example/real", simulation: false)
        _ = real
        #expect(throws: NodeError.self) { _ = try Node(directory: dir, clock: ManualClock(milliseconds: 0)) }
    }

    @Test func concurrentSubmitsNeverInterleave() async throws {
        let (dir, clock) = try Self.populated(count: 0)
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try Node(directory: dir, clock: clock)
        let registrar = try node.key("registrar")
        let origin = node.origin
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        let key = Ed25519.SigningKey.generate()
                        try node.submit(payload: RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: "05-05",
                                                           eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: origin, term: "t"),
                                        signer: registrar)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(node.election?.roll.count == 80)
        #expect(try node.store.size() == 81)
        #expect(try Node(directory: dir, clock: clock).election?.roll.count == 80)
    }
}
