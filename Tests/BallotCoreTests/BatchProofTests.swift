import BallotCore
import CivicCrypto
import Foundation
import Testing

/// Bulk ballot validation (SPEC §3.5.1): the batch names exactly the ballots whose proofs fail, for a
/// tampering of every field a proof depends on, and agrees with one-by-one checking and with `apply`.
@Suite("Ballot proofs in a batch")
struct BatchProofTests {
    typealias S = ElectionScenario<Ristretto255Group>
    static let inWindow = "2027-03-11T10:00:00+01:00"
    static let fields = ["c0", "c1", "r0", "r1", "range.c", "range.r", "a", "b", "t.A", "t.B", "t.swapped", "t.missing", "t.short",
                         "t.extra", "range.t", "range.t.B", "range.t.missing", "t.noncanonical", "version", "credential", "first.a", "first.t.B"]

    /// Six voters with a valid ballot each (window 1).
    func ballots() throws -> (S, [(Ed25519.SigningKey, [UInt8])]) {
        var s = try S(group: .shared)
        try s.ceremony()
        try s.apply(ElectionScenario<Ristretto255Group>.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        var out: [(Ed25519.SigningKey, [UInt8])] = []
        for i in 0..<6 {
            let voter = try s.enrol("03-10")
            let choice = i % 2 == 0 ? "ana" : "ben"
            out.append((voter, try s.ballot(for: voter, window: 1, choices: ["office": choice]).payload))
        }
        return (s, out)
    }

    func tamper(_ payload: [UInt8], _ field: String, in s: S) throws -> [UInt8] {
        let g = s.group
        var ballot = try BallotCast.decode(payload)
        let bump = { (hex: String) -> String in g.hex(g.scalarAdd(try! g.decodeScalar(hex: hex), g.scalar(1))) }
        let shift = { (hex: String) -> String in g.hex(g.op(try! g.decodeElement(hex: hex), g.generator)) }
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
        case "t.A": sel.t![0] = shift(sel.t![0])
        case "t.B": sel.t![3] = shift(sel.t![3])
        case "t.swapped": sel.t!.swapAt(0, 2)
        case "t.missing": sel.t = nil
        case "t.short": sel.t!.removeLast()
        case "t.extra": sel.t!.append(sel.t![0])
        case "range.t": range.t![0] = shift(range.t![0])
        case "range.t.B": range.t![1] = shift(range.t![1])
        case "first.a": ballot.contests[0].selections[0].a = shift(ballot.contests[0].selections[0].a)
        case "first.t.B": ballot.contests[0].selections[0].t![1] = shift(ballot.contests[0].selections[0].t![1])
        case "range.t.missing": range.t = nil
        case "t.noncanonical":
            // Bit 255 set on a valid encoding: the same point to libsodium 1.0.18, refused by RFC 9496.
            var bytes = try Hex.decode(sel.t![1], what: "t")
            bytes[31] |= 0x80
            sel.t![1] = Hex.encode(bytes)
        case "version": ballot.contests[0].version += 1
        default: break
        }
        ballot.contests[0].selections[1] = sel
        ballot.contests[0].range = range
        return ballot.payloadBytes(record: s.record, term: s.term)
    }

    @Test("valid ballots: the batch and one-by-one both accept all")
    func allValid() throws {
        let (s, ballots) = try ballots()
        let entries = ballots.enumerated().map { i, b in s.entry(b.1, by: b.0, at: Self.inWindow).with(index: i) }
        #expect(s.state.failingBallotProofs(entries, batch: true) == [])
        #expect(s.state.failingBallotProofs(entries, batch: false) == [])
        let payload = try BallotCast.decode(ballots[0].1)
        #expect(payload.contests[0].selections.allSatisfy { $0.t?.count == 4 })
        #expect(payload.contests[0].range.t?.count == 2)  // office: min = max = 1
    }

    @Test("one tampered ballot in a batch is named, and refused by apply", arguments: Self.fields)
    func tamperedBallotIsNamed(field: String) throws {
        var (s, ballots) = try ballots()
        let bad = 3
        var entries = ballots.enumerated().map { i, b in s.entry(b.1, by: b.0, at: Self.inWindow).with(index: 100 + i) }
        if field == "credential" {
            // The ballot of voter 3 under voter 4's credential: the binding differs.
            entries[bad] = s.entry(ballots[bad].1, by: ballots[4].0, at: Self.inWindow).with(index: 100 + bad)
        } else {
            let payload = try tamper(ballots[bad].1, field, in: s)
            let record = try BallotCast.decode(ballots[bad].1)
            #expect(record != (try BallotCast.decode(payload)), "the tampering changed nothing")
            entries[bad] = s.entry(payload, by: ballots[bad].0, at: Self.inWindow).with(index: 100 + bad)
        }
        #expect(s.state.failingBallotProofs(entries, batch: true) == [100 + bad])
        #expect(s.state.failingBallotProofs(entries, batch: false) == [100 + bad])
        #expect(throws: ElectionError.self) { try s.applyBytes(entries[bad].payload, by: field == "credential" ? ballots[4].0 : ballots[bad].0, at: Self.inWindow) }
        #expect(s.state.countedBallots == 0)
    }

    /// A single cast checks all of its proofs in one combination over ciphertexts decoded once; when the
    /// combination fails, the one-by-one pass names the failing proof in the refusal.
    @Test("a single tampered ballot is refused naming the failing proof, and changes nothing",
          arguments: Self.fields.filter { $0 != "credential" })
    func singleTamperedBallotNamesItsProof(field: String) throws {
        var (s, ballots) = try ballots()
        let payload = try tamper(ballots[2].1, field, in: s)
        do {
            _ = try s.applyBytes(payload, by: ballots[2].0, at: Self.inWindow)
            Issue.record("the ballot tampered in \(field) was accepted")
        } catch let error as ElectionError {
            switch field {
            case "version": #expect(error.reason == .staleContest, "\(error.message)")
            case let f where f.hasPrefix("first"):
                #expect(error.reason == .badProof && error.message.contains("option 1 "), "\(error.message)")
            case let f where f.hasPrefix("range"):
                #expect(error.reason == .badProof && error.message.contains("choices"), "\(error.message)")
            default:
                #expect(error.reason == .badProof && error.message.contains("option 2 "), "\(error.message)")
            }
        }
        #expect(s.state.countedBallots == 0)
        // The same voter's untampered ballot is still accepted: the refusal changed nothing.
        _ = try s.applyBytes(ballots[2].1, by: ballots[2].0, at: Self.inWindow)
        #expect(s.state.countedBallots == 1)
    }

    @Test("two tampered ballots are both named; an empty batch names none")
    func twoTampered() throws {
        let (s, ballots) = try ballots()
        var entries = ballots.enumerated().map { i, b in s.entry(b.1, by: b.0, at: Self.inWindow).with(index: i) }
        for (i, field) in [(1, "r0"), (5, "t.B")] {
            entries[i] = s.entry(try tamper(ballots[i].1, field, in: s), by: ballots[i].0, at: Self.inWindow).with(index: i)
        }
        #expect(s.state.failingBallotProofs(entries, batch: true) == [1, 5])
        #expect(s.state.failingBallotProofs([], batch: true) == [])
    }

}

extension ElectionEntry {
    func with(index: Int) -> ElectionEntry { ElectionEntry(index: index, timeMs: timeMs, author: author, payload: payload) }
}
