import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Deliberation
import Foundation
import GRDB
@testable import PerennialBench
@testable import PerennialKioskCore
import Testing
@testable import Perennial

/// The election's growing state lives in SQLite rows: opening a node reads none of them, every row
/// is authenticated, and a node that another process wrote to reads exactly the rows of each entry.
@Suite("Election rows")
struct ElectionTablesTests {
    static func database(_ dir: URL) throws -> DatabaseQueue {
        try DatabaseQueue(path: dir.appendingPathComponent("log/log.sqlite").path)
    }

    /// A voter of the kiosk trial whose window is open "now", seen by a node.
    static func voter(_ fixture: KioskFixture, node: Node) throws -> (NodeKioskBackend, KioskVoter) {
        let backend = NodeKioskBackend(node: node, deviceKey: try node.simulationKioskKey(), receiptsDirectory: fixture.receipts)
        let voter = try backend.identify(CredentialCode(parsing: fixture.code("open-today")))
        return (backend, voter)
    }

    static func choices(_ voter: KioskVoter) -> [ContestChoice] {
        voter.contests.map { ContestChoice(contest: $0.contest, selected: [$0.options[0].id]) }
    }

    @Test func theRollIsStoredAsRowsNotInTheSnapshot() throws {
        let (dir, clock) = try NodeIntegrityTests.populated(count: 40)
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try Node(directory: dir, clock: clock)
        try node.saveSnapshot()
        let rows = try Self.database(dir).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM election_roll") ?? 0,
             try Int.fetchOne(db, sql: "SELECT length(state) FROM node_snapshot WHERE module = 'election'") ?? 0)
        }
        #expect(rows.0 == 40)
        // The snapshot holds the tally, counters and structural indices, not 40 roll records.
        #expect(rows.1 < 200, "election snapshot of \(rows.1) bytes")
        #expect(try Node(directory: dir, clock: clock).election?.roll.count == 40)
    }

    @Test func anAlteredRollRowIsReportedAsDamageAndRefusesTheEntry() throws {
        let (dir, clock) = try NodeIntegrityTests.populated(count: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credential = try Self.database(dir).read { db in
            try String.fetchOne(db, sql: "SELECT credential FROM election_roll ORDER BY credential LIMIT 1")!
        }
        let node = try Node(directory: dir, clock: clock)
        #expect(try node.rollRecord(credential) != nil)
        try node.saveSnapshot()  // so that opening reads the rows instead of rebuilding them from the log
        // Change the birthday bytes of the stored record (the tag no longer matches).
        try Self.database(dir).write { db in
            try db.execute(sql: "UPDATE election_roll SET record = x'0206' || substr(record, 3) WHERE credential = ?", arguments: [credential])
        }
        let reopened = try Node(directory: dir, clock: clock)
        let size = try reopened.store.size()
        let message = NodeIntegrityTests.damagedMessage { _ = try reopened.rollRecord(credential) }
        #expect(message?.contains("damaged") == true, "\(message ?? "read")")
        let update = RollUpdate(credential: credential, eligibleFrom: nil, eligibleUntil: "2031-01-01", reason: "correction")
        let refusal = NodeIntegrityTests.damagedMessage {
            try reopened.submit(payload: update.payloadBytes(record: reopened.origin, term: "t"), signer: reopened.key("registrar"))
        }
        #expect(refusal?.contains("damaged") == true, "\(refusal ?? "accepted")")
        #expect(try reopened.store.size() == size)
    }

    @Test func aRefusalDecidedOnAnUnreadableRowLeavesMemoryAsItWas() throws {
        let (dir, clock) = try NodeIntegrityTests.populated(count: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credential = try Self.database(dir).read { db in
            try String.fetchOne(db, sql: "SELECT credential FROM election_roll ORDER BY credential LIMIT 1")!
        }
        let node = try Node(directory: dir, clock: clock)
        try node.saveSnapshot()
        try Self.database(dir).write { db in
            try db.execute(sql: "UPDATE election_roll SET tag = zeroblob(16) WHERE credential = ?", arguments: [credential])
        }
        let reopened = try Node(directory: dir, clock: clock)
        // Enrolling the same credential again: its row cannot be read, so the rule would see no
        // such credential and count it. The entry is refused as damage, and memory is restored.
        let again = RollEnrol(credential: credential, birthday: "01-01", eligibleFrom: nil, eligibleUntil: nil)
        let refusal = NodeIntegrityTests.damagedMessage {
            try reopened.submit(payload: again.payloadBytes(record: reopened.origin, term: "t"), signer: reopened.key("registrar"))
        }
        #expect(refusal?.contains("damaged") == true, "\(refusal ?? "accepted")")
        #expect(reopened.election?.roll.count == 5)
        #expect(try reopened.store.size() == node.store.size())
    }

    @Test func reloadingKeepsTheRowsThatOtherProcessesRead() throws {
        let (dir, clock) = try NodeIntegrityTests.populated(count: 6)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try Node(directory: dir, clock: clock), b = try Node(directory: dir, clock: clock)
        let credential = try Self.database(dir).read { db in
            try String.fetchOne(db, sql: "SELECT credential FROM election_roll ORDER BY credential LIMIT 1")!
        }
        let rows = { try Self.database(dir).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM election_roll") } }
        #expect(try rows() == 6)
        try a.reload()  // a memory-only rebuild: the rows stay for b
        #expect(try rows() == 6)
        #expect(try b.rollRecord(credential) != nil)
        #expect(a.election?.roll.count == 6)
    }

    @Test func tablesOfAnOlderReleaseAreRebuiltOnceAtOpen() throws {
        let (dir, clock) = try NodeIntegrityTests.populated(count: 7)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Node(directory: dir, clock: clock).saveSnapshot()
        // As an older release left it: no layout version, no election rows.
        try Self.database(dir).write { db in
            try db.execute(sql: "DELETE FROM node_schema; DELETE FROM election_roll")
        }
        let node = try Node(directory: dir, clock: clock)
        #expect(node.snapshotSize == 0)
        #expect(node.election?.roll.count == 7)
        #expect(try Self.database(dir).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM election_roll") } == 7)
        #expect(try Self.database(dir).read { db in try Int.fetchOne(db, sql: "SELECT version FROM node_schema") } == NodeSnapshot.schemaVersion)
    }

    @Test func twoNodesOnOneDirectoryReadTheRowsOfEachOthersBallots() throws {
        // Rows are versioned by entry: a node restored from an older snapshot replays the tail
        // against the rows as they were, so a ballot another process appended (and whose rows it
        // wrote) is neither "seen" as a replay nor counted twice.
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let a = try fixture.openNode()
        let b = try fixture.openNode()
        try a.saveSnapshot()
        let (backendA, voterA) = try Self.voter(fixture, node: a)
        #expect(voterA.earlierBallot == nil)
        let first = try backendA.cast(backendA.prepare(for: voterA, choices: Self.choices(voterA)), by: voterA)
        // The second kiosk's node never saw that ballot being appended: it reads it from the log.
        let (backendB, voterB) = try Self.voter(fixture, node: b)
        #expect(voterB.earlierBallot == Int(first.index))
        let second = try backendB.cast(backendB.prepare(for: voterB, choices: Self.choices(voterB)), by: voterB)
        #expect(Int(second.index) > Int(first.index))
        for node in [a, b, try fixture.openNode(), try fixture.openNode(after: 120)] {
            try node.catchUp()
            let stats = try node.requireElection().statistics
            #expect(stats.counted == 1 && stats.superseded == 1, "\(stats)")
        }
        // Rebuilt from the whole log (no snapshot), the same.
        let rebuilt = try fixture.openNode()
        try rebuilt.reload()
        #expect(try rebuilt.requireElection().statistics == (try fixture.statistics()))
        #expect(try rebuilt.countedBallot(lineage: Hex.encode(voterB.credential), window: voterB.window.number) == Int(second.index))
    }
}

/// Deliberation and the ledger restore their snapshot lazily, on first use, even when that first
/// use is an entry being appended (inside the log's write transaction).
@Suite("Lazy restore")
struct LazyRestoreTests {
    @Test func deliberationAndLedgerRestoreOnFirstUseInsideAnAppend() throws {
        let base = NodeTests.directory()
        defer { try? FileManager.default.removeItem(at: base) }
        let clock = ManualClock(milliseconds: 1_790_000_000_000)
        var builder = try NodeBench.Builder(dir: base.appendingPathComponent("node"), side: base.appendingPathComponent("keys"), clock: clock)
        _ = try builder.fill(to: 300, maxBallots: 4)
        let node = builder.node
        let comments = try node.deliberation().state.comments.count
        let contributions = try node.ledgerState().counts().contributions
        #expect(comments > 0 && contributions > 0)
        try node.saveSnapshot()
        // Envelopes prepared on the first node; appended on a node just opened from the snapshot.
        let (_, proposal, key) = builder.participants[0]
        let action = DeliberationEvent.Action.comment(id: try CommentID("late"), target: .proposal(proposal), parent: nil, stance: .for, body: "Late.")
        let comment = try Node.envelope(payload: try node.deliberation().payload(for: action), signer: key)
        let late = Contribution(org: "bench-org", attestation: "late-1", account: AccountID.numbered(1_000_001).text, category: "social",
                                date: "2026-09-01", start: "18:00", end: nil, minutes: 30, description: "late")
        let contribution = try Node.envelope(payload: late.payloadBytes(record: node.origin, term: NodeBench.term), signer: builder.organisation)

        let reopened = try Node(directory: base.appendingPathComponent("node"), clock: clock)
        #expect(reopened.snapshotSize == Int(try node.store.size()))
        try reopened.submit(batch: [comment, contribution])
        #expect(try reopened.deliberation().state.comments.count == comments + 1)
        #expect(try reopened.ledgerState().counts().contributions == contributions + 1)
        // Snapshots of deliberation and the ledger altered on disk: each is rebuilt from the log's
        // entries when first used (the election's, read at open, is intact, so open stays quick).
        try reopened.saveSnapshot()
        try ElectionTablesTests.database(base.appendingPathComponent("node")).write { db in
            try db.execute(sql: "UPDATE node_snapshot SET state = x'00' || substr(state, 2) WHERE module IN ('ledger', 'deliberation')")
        }
        let altered = try Node(directory: base.appendingPathComponent("node"), clock: clock)
        #expect(altered.snapshotSize == reopened.snapshotSize)
        #expect(try altered.deliberation().state.comments.count == comments + 1)
        #expect(try altered.ledgerState().counts().contributions == contributions + 1)
        // And a node rebuilt from the whole log agrees.
        let rebuilt = try Node(directory: base.appendingPathComponent("node"), clock: clock)
        try rebuilt.reload()
        #expect(try rebuilt.deliberation().state.comments.count == comments + 1)
        #expect(try rebuilt.ledgerState().counts().contributions == contributions + 1)
    }
}
