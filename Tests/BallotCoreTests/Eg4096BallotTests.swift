import BallotCore
import CivicCrypto
import Foundation
import Testing
import TestSupport

/// eg4096 ballots carry their commitments and are checked with batched membership (SPEC §3.1,
/// §3.5.1): every tampered field, every non-member element (Jacobi −1, or of order r'), and a wrong
/// `"t"` count is refused, the ballot named, in a batch of ballots and alone; belenios2048 keeps the
/// compact form and refuses a `"t"`.
@Suite("eg4096 ballots: carried commitments and batched membership")
struct Eg4096BallotTests {
    typealias S = ElectionScenario<ModPGroup>
    static let inWindow = "2027-03-11T10:00:00+01:00"
    static let fields = ["c0", "c1", "r0", "r1", "range.c", "range.r", "a", "b", "t0", "t1", "t2", "t3", "t.swapped", "t.missing",
                         "t.short", "t.extra", "range.t0", "range.t1", "range.t.missing", "range.t.extra", "a.minusOne", "b.orderRPrime", "a.orderRPrime",
                         "t.minusOne", "t.orderRPrime", "range.t.orderRPrime", "version", "credential"]

    /// Three voters with a valid ballot each (window 1), built once: the tests below only refuse.
    static let fixture: (S, [(Ed25519.SigningKey, [UInt8])]) = {
        var s = try! S(group: .eg4096)
        try! s.ceremony()
        try! s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        var out: [(Ed25519.SigningKey, [UInt8])] = []
        for i in 0..<3 {
            let voter = try! s.enrol("03-10")
            out.append((voter, try! s.ballot(for: voter, window: 1, choices: ["office": i == 1 ? "ben" : "ana"]).payload))
        }
        return (s, out)
    }()

    static func tamper(_ payload: [UInt8], _ field: String, in s: S) throws -> [UInt8] {
        let g = s.group
        var ballot = try BallotCast.decode(payload)
        let bump = { (hex: String) -> String in g.hex(g.scalarAdd(try! g.decodeScalar(hex: hex), g.scalar(1))) }
        let shift = { (hex: String) -> String in g.hex(g.op(try! g.decodeElement(hex: hex), g.generator)) }
        let minusOne = NonMembers.minusOne(modulusHex: g.modulusHex), orderR = NonMembers.eg4096OrderRPrime
        var sel = ballot.contests[0].selections[1]
        var range = ballot.contests[0].range
        switch field {
        case "c0": sel.c[0] = bump(sel.c[0])
        case "c1": sel.c[1] = bump(sel.c[1])
        case "r0": sel.r[0] = bump(sel.r[0])
        case "r1": sel.r[1] = bump(sel.r[1])
        case "range.c": range.c[0] = bump(range.c[0])
        case "range.r": range.r[0] = bump(range.r[0])
        case "a": sel.a = shift(sel.a)
        case "b": sel.b = shift(sel.b)
        case "t0", "t1", "t2", "t3": sel.t![Int(String(field.last!))!] = shift(sel.t![Int(String(field.last!))!])
        case "t.swapped": sel.t!.swapAt(0, 2)
        case "t.missing": sel.t = nil
        case "t.short": sel.t!.removeLast()
        case "t.extra": sel.t!.append(sel.t![0])
        case "range.t0": range.t![0] = shift(range.t![0])
        case "range.t1": range.t![1] = shift(range.t![1])
        case "range.t.missing": range.t = nil
        case "range.t.extra": range.t!.append(range.t![0])
        case "a.minusOne": sel.a = minusOne
        case "b.orderRPrime": sel.b = orderR
        case "a.orderRPrime": sel.a = orderR
        case "t.minusOne": sel.t![1] = minusOne
        case "t.orderRPrime": sel.t![2] = orderR
        case "range.t.orderRPrime": range.t![1] = orderR
        case "version": ballot.contests[0].version += 1
        default: break
        }
        ballot.contests[0].selections[1] = sel
        ballot.contests[0].range = range
        return ballot.payloadBytes(record: s.record, term: s.term)
    }

    @Test("valid eg4096 ballots carry 4 commitments per selection and 2 for the range; batch and one by one accept")
    func allValid() throws {
        let (s, ballots) = Self.fixture
        let entries = ballots.enumerated().map { i, b in s.entry(b.1, by: b.0, at: Self.inWindow).with(index: i) }
        #expect(s.state.failingBallotProofs(entries, batch: true) == [])
        #expect(s.state.failingBallotProofs(entries, batch: false) == [])
        let payload = try BallotCast.decode(ballots[0].1)
        #expect(payload.contests[0].selections.allSatisfy { $0.t?.count == 4 })
        #expect(payload.contests[0].range.t?.count == 2)
    }

    /// Each tampering: the batch of three names exactly the tampered ballot (also one by one), and
    /// applying it alone is refused naming the failing proof (or the bad ciphertext), changing nothing.
    @Test("a tampered or non-member field is refused and its ballot named", arguments: Self.fields)
    func tamperedBallotIsNamed(field: String) throws {
        var (s, ballots) = Self.fixture
        let bad = 1
        var entries = ballots.enumerated().map { i, b in s.entry(b.1, by: b.0, at: Self.inWindow).with(index: 100 + i) }
        var author = ballots[bad].0
        if field == "credential" {
            author = ballots[2].0  // voter 1's ballot under voter 2's credential: the binding differs
        } else {
            let payload = try Self.tamper(ballots[bad].1, field, in: s)
            #expect(try BallotCast.decode(payload) != (try BallotCast.decode(ballots[bad].1)), "the tampering changed nothing")
            entries[bad] = s.entry(payload, by: author, at: Self.inWindow).with(index: 100 + bad)
        }
        entries[bad] = s.entry(entries[bad].payload, by: author, at: Self.inWindow).with(index: 100 + bad)
        #expect(s.state.failingBallotProofs(entries, batch: true) == [100 + bad])
        #expect(s.state.failingBallotProofs(entries, batch: false) == [100 + bad])
        let counted = s.state.countedBallots
        do {
            _ = try s.applyBytes(entries[bad].payload, by: author, at: Self.inWindow)
            Issue.record("the ballot tampered in \(field) was accepted")
        } catch let error as ElectionError {
            switch field {
            case "version": #expect(error.reason == .staleContest, "\(error.message)")
            case "a.minusOne", "b.orderRPrime", "a.orderRPrime": #expect(error.reason == .badProof && error.message.contains("valid group elements"), "\(error.message)")
            case let f where f.hasPrefix("range"): #expect(error.reason == .badProof && error.message.contains("choices"), "\(error.message)")
            case "credential": #expect(error.reason == .badProof && error.message.contains("option 1 "), "\(error.message)")
            default: #expect(error.reason == .badProof && error.message.contains("option 2 "), "\(error.message)")
            }
        }
        #expect(s.state.countedBallots == counted)
    }

    /// A revote reads the earlier ballot's ciphertexts back (decoded together, SPEC §3.1) to subtract them.
    @Test("an eg4096 revote supersedes the earlier ballot and the tally decrypts to the last choice")
    func revoteSupersedes() throws {
        var s = try S(group: .eg4096)
        try s.ceremony()
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        let first = s.index
        _ = try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        let effect = try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ben"]).payload, by: voter,
                                      at: "2027-03-12T10:00:00+01:00")
        #expect(effect == .ballotCounted(window: 1, superseded: first))
        #expect(s.state.countedBallots == 1)
        let result = try s.closeAndDecrypt()
        #expect(result.results[0].options.map(\.count) == [0, 1, 0])  // ana, ben, blank
    }

    @Test("belenios2048 keeps the compact form: no \"t\" is written, and a ballot carrying one is refused")
    func beleniosRefusesCarriedCommitments() throws {
        var s = try ElectionScenario<ModPGroup>(group: .belenios2048)
        try s.ceremony()
        try s.apply(ElectionScenario<ModPGroup>.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        let payload = try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload
        var ballot = try BallotCast.decode(payload)
        #expect(ballot.contests[0].selections.allSatisfy { $0.t == nil } && ballot.contests[0].range.t == nil)
        // Commitments an honest prover would carry (any valid elements will do: "t" itself is refused).
        let element = s.group.hex(s.group.generator)
        ballot.contests[0].selections[0].t = [element, element, element, element]
        let carried = ballot.payloadBytes(record: s.record, term: s.term)
        #expect(s.state.failingBallotProofs([s.entry(carried, by: voter, at: Self.inWindow)], batch: false) == [s.index])
        #expect(throws: ElectionError.self) { try s.applyBytes(carried, by: voter, at: Self.inWindow) }
        #expect(s.state.countedBallots == 0)
        _ = try s.applyBytes(payload, by: voter, at: Self.inWindow)
        #expect(s.state.countedBallots == 1)
    }
}
