import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote
import Testing

/// Group commit (``GroupCommit``, ``KioskDesk/submit(group:)``): one transaction for many ballots,
/// with the answers of one-by-one submissions.
@Suite("Server group commit", .serialized)
struct ServerGroupCommitTests {
    /// A node over the fixture, its desk, and signed ballots of the fixture's citizens.
    struct Bench {
        let fixture: ServerFixture
        let node: Node
        let desk: KioskDesk
        let ballots: [EntryEnvelope]

        init(citizens: Int) throws {
            fixture = try ServerFixture(citizens: citizens)
            node = try Node(directory: fixture.nodeDirectory, clock: ManualClock(milliseconds: KioskFixture.nowMs))
            desk = KioskDesk(node: node)
            let context = try desk.ballotContext()
            var ballots: [EntryEnvelope] = []
            for (i, code) in fixture.codes.enumerated() {
                let key = CredentialKey.signingKey(for: try CredentialCode(parsing: code), term: context.term)
                ballots.append(try Self.ballot(desk: desk, key: key, context: context, choice: i))
            }
            self.ballots = ballots
        }

        static func ballot(desk: KioskDesk, key: Ed25519.SigningKey, context: KioskDesk.BallotContext, choice: Int) throws -> EntryEnvelope {
            let credential = key.publicKey.rawRepresentation
            let voter = VoterInfo(try desk.lookUp(credential: credential), context: context)
            let choices = voter.contests.map { ContestChoice(contest: $0.contest, selected: [$0.options[choice % $0.options.count].id]) }
            let ballot = try RemoteKioskBackend.prepare(voter, choices: choices, credential: credential)
            return try EntryEnvelope(payload: ballot.payload, author: credential,
                                     signature: key.signature(for: EntryEnvelope.signingInput(payload: ballot.payload)))
        }

        /// A ballot the node refuses inside the transaction (not before): voter `of`'s payload,
        /// validly signed by a key that is on no roll (a replay if that payload is in the log already).
        func refusedInsideTheTransaction(of voter: Int = 0) throws -> EntryEnvelope {
            let stranger = try fixture.key(fixture.unknownKey)
            let payload = ballots[voter].payload
            return try EntryEnvelope(payload: payload, author: stranger.publicKey.rawRepresentation,
                                     signature: stranger.signature(for: EntryEnvelope.signingInput(payload: payload)))
        }

        /// The ballot payload hashes appended since `size`, in log order.
        func appended(since size: UInt64) throws -> [[UInt8]] {
            var hashes: [[UInt8]] = []
            try node.store.forEachEntry(in: size..<(try node.store.size())) { hashes.append(SHA256.hash($0.envelope.payload)) }
            return hashes
        }
    }

    @Test func aGroupWithABadMemberAndADuplicateAnswersEachOnItsOwn() throws {
        let bench = try Bench(citizens: 5)
        defer { bench.fixture.remove() }
        let b = bench.ballots
        // b[0] is already in the log: its resubmission answers its entry.
        let first = try bench.desk.submit(b[0], kind: .ballotCast)
        let before = try bench.node.store.size()
        var tampered = b[3]
        tampered = try EntryEnvelope(payload: tampered.payload, author: tampered.author, signature: [UInt8](repeating: 7, count: 64))
        // A payload never seen, signed by a stranger: refused inside the group's transaction, so the
        // group is retried member by member; and a replay of b[0] by the stranger (refused on its own).
        let group: [EntryEnvelope] = [b[1], try bench.refusedInsideTheTransaction(of: 4), b[0], b[2], b[1], tampered,
                                      try bench.refusedInsideTheTransaction(of: 0)]
        let results = bench.desk.submit(group: group.map { KioskDesk.Request($0, kind: .ballotCast) })
        #expect(results.count == group.count)
        let one = try results[0].get(), two = try results[3].get()
        #expect(!one.duplicate && !two.duplicate)
        #expect(one.index == before && two.index == before + 1, "appended in the group's order")
        #expect(throws: NodeError.self) { try results[1].get() }
        if case .failure(let refused) = results[1] { #expect(refused.kioskReason != "internal") }
        #expect(try results[2].get().index == first.index && (try results[2].get().duplicate), "already in the log")
        #expect(try results[4].get().index == one.index && (try results[4].get().duplicate), "twice in one group: one entry")
        if case .failure(let refused) = results[5] { #expect(refused.kioskReason == "bad-signature") } else { Issue.record("a bad signature was accepted") }
        if case .failure(let refused) = results[6] { #expect(refused.kioskReason == "unknownCredential") } else { Issue.record("a replay was accepted") }
        // The log holds exactly the two new ballots, in that order.
        #expect(try bench.appended(since: before) == [SHA256.hash(b[1].payload), SHA256.hash(b[2].payload)])
        // Each answer's receipt is covered by the group's one checkpoint.
        #expect(try bench.node.store.latestCheckpoint()?.size == before + 2)
        try bench.desk.receipt(index: two.index, tracker: nil).verify()
    }

    @Test func aGroupOfGoodBallotsIsOneTransactionInOrder() throws {
        let bench = try Bench(citizens: 5)
        defer { bench.fixture.remove() }
        let before = try bench.node.store.size()
        let checkpointsBefore = try bench.node.store.checkpoints().count
        let results = bench.desk.submit(group: bench.ballots.map { KioskDesk.Request($0, kind: .ballotCast) })
        #expect(try results.map { try $0.get().index } == Array(before..<before + 5))
        #expect(try bench.appended(since: before) == bench.ballots.map { SHA256.hash($0.payload) })
        #expect(try bench.node.store.checkpoints().count == checkpointsBefore + 1, "one checkpoint for the group")
    }

    @Test func aRevoteInTheSameGroupNamesTheBallotItReplaces() throws {
        let bench = try Bench(citizens: 1)
        defer { bench.fixture.remove() }
        let context = try bench.desk.ballotContext()
        let key = CredentialKey.signingKey(for: try CredentialCode(parsing: bench.fixture.codes[0]), term: context.term)
        let again = try Bench.ballot(desk: bench.desk, key: key, context: context, choice: 1)
        let results = bench.desk.submit(group: [bench.ballots[0], again].map { KioskDesk.Request($0, kind: .ballotCast) })
        let first = try results[0].get(), second = try results[1].get()
        #expect(first.replaced == nil)
        #expect(second.replaced == Int(first.index))
        #expect(try bench.node.requireElection().statistics.superseded == 1)
    }

    /// Many concurrent submissions through ``GroupCommit``, with a bad one and duplicates: each
    /// answer is right and the log holds each good ballot exactly once.
    @Test func concurrentSubmissionsThroughTheGroupCommit() async throws {
        let bench = try Bench(citizens: 12)
        defer { bench.fixture.remove() }
        let before = try bench.node.store.size()
        let groups = GroupSizes()
        let committer = GroupCommit(desk: bench.desk, maxGroup: 5) { groups.add($0) }
        let bad = try bench.refusedInsideTheTransaction()
        // Every ballot twice, plus the bad one: 25 submissions at once.
        let requests = bench.ballots + bench.ballots + [bad]
        let results = await withTaskGroup(of: (Int, Result<KioskDesk.Submission, NodeError>).self) { tasks in
            for (i, envelope) in requests.enumerated() {
                tasks.addTask { (i, await committer.submit(KioskDesk.Request(envelope, kind: .ballotCast))) }
            }
            var results: [Int: Result<KioskDesk.Submission, NodeError>] = [:]
            for await (i, result) in tasks { results[i] = result }
            return results
        }
        #expect(groups.total == requests.count, "every submission went through a group")
        #expect(throws: NodeError.self) { try results[requests.count - 1]!.get() }
        for i in bench.ballots.indices {
            let a = try results[i]!.get(), b = try results[i + bench.ballots.count]!.get()
            #expect(a.index == b.index, "a ballot and its resubmission answer one entry")
            #expect(a.duplicate != b.duplicate, "exactly one of them appended it")
        }
        let appended = try bench.appended(since: before)
        #expect(appended.count == bench.ballots.count)
        #expect(Set(appended.map { Hex.encode($0) }) == Set(bench.ballots.map { Hex.encode(SHA256.hash($0.payload)) }))
        #expect(try bench.node.requireElection().statistics.counted == bench.ballots.count)
    }

    /// A desk opened on a node with ballots answers resubmissions from the node's rows (no log scan).
    @Test func aFreshDeskAnswersAResubmissionFromTheRows() throws {
        let bench = try Bench(citizens: 2)
        defer { bench.fixture.remove() }
        let appended = try bench.desk.submit(bench.ballots[0], kind: .ballotCast)
        let reopened = try Node(directory: bench.fixture.nodeDirectory, clock: ManualClock(milliseconds: KioskFixture.nowMs))
        let desk = KioskDesk(node: reopened)
        let again = try desk.submit(bench.ballots[0], kind: .ballotCast)
        #expect(again.duplicate && again.index == appended.index)
        let size = try reopened.store.size()
        // Another author's signature over the same payload is not a resubmission: the node refuses it.
        #expect(throws: NodeError.self) { try desk.submit(try bench.refusedInsideTheTransaction(), kind: .ballotCast) }
        #expect(try reopened.store.size() == size)
    }
}

/// The sizes of the groups written (told by ``GroupCommit``).
final class GroupSizes: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [Int] = []
    func add(_ size: Int) { lock.withLock { sizes.append(size) } }
    var total: Int { lock.withLock { sizes.reduce(0, +) } }
}
