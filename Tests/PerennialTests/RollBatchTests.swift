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
}
