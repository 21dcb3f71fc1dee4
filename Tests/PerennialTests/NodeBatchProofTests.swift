import BallotCore
import CivicCrypto
import CivicLog
import Foundation
@testable import Perennial
@testable import PerennialBench
import Testing

/// `Node.submit(batch:)` verifies the proofs of the batch's ballots together (SPEC §3.5.1) and still
/// refuses the whole batch, writing nothing, when one ballot's proof is false.
@Suite("Node: ballots appended in one batch")
struct NodeBatchProofTests {
    func node(voters: Int) throws -> (Node, BenchElection<Ristretto255Group>, [PreparedBallot], URL) {
        let bench = try BenchElection(group: Ristretto255Group.shared, voters: voters, options: 4)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-batch-\(UUID().uuidString)")
        let clock = ManualClock(milliseconds: UInt64(bench.setupTime))
        let node = try Node.create(directory: dir, origin: bench.record, simulation: true, clock: clock)
        for (payload, key, time) in bench.history {
            clock.set(milliseconds: UInt64(time))
            try node.submit(payload: node.withOwnLogKey(payload), signer: key)
        }
        clock.set(milliseconds: UInt64(bench.voteTime))
        let builder = BallotBuilder(group: Ristretto255Group.shared, record: bench.record, term: bench.term, electionKey: bench.state.electionKey!)
        let contests = bench.state.contests.inForce(window: 1)
        let ballots = try bench.voters.map { v in
            try builder.build(contests: contests, choices: [ContestChoice(contest: "office", selected: ["c1"])],
                              credential: v.publicKey.rawRepresentation, window: 1)
        }
        return (node, bench, ballots, dir)
    }

    @Test("a batch of valid ballots is appended and counted")
    func validBatch() throws {
        let (node, bench, ballots, dir) = try node(voters: 6)
        defer { try? FileManager.default.removeItem(at: dir) }
        let envelopes = try zip(bench.voters, ballots).map { try Node.envelope(payload: $0.1.payload, signer: $0.0) }
        let entries = try node.submit(batch: envelopes)
        #expect(entries.count == 6)
        #expect(node.election?.statistics.counted == 6)
    }

    @Test("one false proof in a batch refuses the batch and writes nothing", arguments: ["r", "t"])
    func falseProofRefusesTheBatch(field: String) throws {
        let (node, bench, ballots, dir) = try node(voters: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = Ristretto255Group.shared
        var tampered = try BallotCast.decode(ballots[2].payload)
        if field == "r" {
            tampered.contests[0].selections[1].r[0] = g.hex(g.scalarAdd(try g.decodeScalar(hex: tampered.contests[0].selections[1].r[0]), g.scalar(1)))
        } else {
            tampered.contests[0].selections[1].t![1] = g.hex(g.generator)
        }
        var payloads = ballots.map(\.payload)
        payloads[2] = tampered.payloadBytes(record: bench.record, term: bench.term)
        let envelopes = try zip(bench.voters, payloads).map { try Node.envelope(payload: $0.1, signer: $0.0) }
        let before = node.election?.statistics, size = try node.store.size()
        #expect(throws: ElectionError.self) { try node.submit(batch: envelopes) }
        #expect(node.election?.statistics == before)
        #expect(try node.store.size() == size)
        // The batch without the false ballot goes through.
        var rest = envelopes
        rest.remove(at: 2)
        #expect(try node.submit(batch: rest).count == 4)
        #expect(node.election?.statistics.counted == 4)
    }
}
