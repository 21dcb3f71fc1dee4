import AuditKit
import Foundation
import Testing

/// Ballots decoded ahead on the workers (``KindChecker/prepare(_:)``) give exactly the report of
/// ballots decoded by the in-order pass: same checks, same failures, same messages.
@Suite struct BallotPredecodeTests {
    typealias B = ElectionBuilder<Ristretto255>

    /// Forwards to an ``ElectionChecker`` and counts the payloads it prepared on the workers.
    final class CountingChecker: KindChecker, @unchecked Sendable {
        let inner: ElectionChecker
        private let lock = NSLock()
        private var count = 0
        var prepared: Int { lock.withLock { count } }
        init(_ inner: ElectionChecker) { self.inner = inner }
        var kinds: [String] { inner.kinds }
        var checks: [Check] { inner.checks }
        func prepare(_ payload: Payload) -> (any Sendable)? {
            let out = inner.prepare(payload)
            if out != nil { lock.withLock { count += 1 } }
            return out
        }
        func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] { inner.apply(entry, report: &report) }
        func needsBarrier(before kind: String) -> Bool { inner.needsBarrier(before: kind) }
        func finish(report: inout Report) -> [ProofJob] { inner.finish(report: &report) }
    }

    func verify(_ dir: String, batchSize: Int) throws -> (Report, Int) {
        let election = ElectionChecker()
        let counting = CountingChecker(election)
        let report = try RecordVerifier(directory: dir, options: VerifyOptions(workers: 2, batchSize: batchSize),
                                        checkers: [counting, LedgerChecker(election: election), DeliberationChecker(election: election)]).verify()
        return (report, counting.prepared)
    }

    /// `text` with the 64 hex digits after the first `marker` (searched from `after`) replaced.
    func replacing(_ text: String, after: String = "", _ marker: String, with hex: String) -> String {
        var t = text
        let from = after.isEmpty ? t.startIndex : t.range(of: after)!.upperBound
        let r = t.range(of: marker, range: from..<t.endIndex)!
        t.replaceSubrange(r.upperBound..<t.index(r.upperBound, offsetBy: 64), with: hex)
        return t
    }

    @Test("malformed ballots get the same report whether decoded on the workers or in order")
    func workersAndInOrderAgree() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10")
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        let key = b.voters[ana].key
        func ballot() -> String {
            String(decoding: b.makeBallot(credential: key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        }
        let nonCanonical = "ff" + String(repeating: "f", count: 60) + "7f"
        let malformed = [
            replacing(ballot(), "\"a\":\"", with: nonCanonical),                                    // invalid element
            replacing(ballot(), "\"b\":\"", with: String(repeating: "0", count: 64)),               // identity ciphertext
            replacing(ballot(), after: "\"range\":", "\"c\":[\"", with: String(repeating: "f", count: 64)),  // scalar ≥ q
            ballot().replacingOccurrences(of: "\"range\":{", with: "\"range\":{\"z\":0,"),        // unknown key in a range proof
        ]
        for text in malformed { b.add(raw: Array(text.utf8), by: key, at: b.at(2026, 3, 10)) }
        _ = b.cast(ana, window: 1, at: b.at(2026, 3, 11))
        let dir = TempDir()
        b.write(to: dir.path)

        // One entry per batch: the term's group is known before every ballot is prepared.
        let (ahead, preparedAhead) = try verify(dir.path, batchSize: 1)
        // One batch: nothing can be prepared (no term.setup applied yet); all decoded in order.
        let (inOrder, preparedInOrder) = try verify(dir.path, batchSize: 100_000)
        #expect(preparedAhead == malformed.count + 1)
        #expect(preparedInOrder == 0)
        #expect(Set(ahead.failedIDs) == ["BAL-4"], "\(ahead.text)")
        #expect(ahead["BAL-4"]?.failed == UInt64(malformed.count))
        #expect(Set(ahead["BAL-4"]?.failures.map(\.reason) ?? []).count == malformed.count, "each ballot fails for its own reason:\n\(ahead.text)")
        #expect(ahead.text == inOrder.text)
    }
}
