import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Testing

/// The rules the audit enforces from SPEC.md that the engine must enforce too, one test each: what the
/// audit would refuse, the engine never appends.
@Suite("Engine follows the SPEC")
struct SpecConformanceTests {
    typealias S = ElectionScenario<Ristretto255Group>
    static let inWindow = "2027-03-11T10:00:00+01:00"

    func openScenario() throws -> (S, Ed25519.SigningKey) {
        var s = try S(group: .shared)
        try s.ceremony()
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        return (s, voter)
    }

    func refusal(_ body: () throws -> Void) -> ElectionError? {
        do {
            try body()
            return nil
        } catch let error as ElectionError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func enrolPayload(_ s: S) -> String {
        text(RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "03-10",
                       eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: s.record, term: s.term))
    }

    // MARK: §2.3 payload values

    @Test func duplicateKeyIsRefused() throws {
        var (s, _) = try openScenario()
        let doubled = enrolPayload(s).replacingOccurrences(of: "\"birthday\":\"03-10\"", with: "\"birthday\":\"03-10\",\"birthday\":\"04-10\"")
        let error = refusal { try s.applyBytes(bytes(doubled), by: s.registrar, at: "2026-12-04T09:00:00+01:00") }
        #expect(error?.reason == .malformed)
        #expect(error?.message.contains("twice") == true)
        #expect(s.state.roll.count == 1)
    }

    @Test func unknownKeyIsRefusedAtTopLevelAndNested() throws {
        var (s, voter) = try openScenario()
        let extra = enrolPayload(s).replacingOccurrences(of: "\"birthday\"", with: "\"note\":\"hi\",\"birthday\"")
        let error = refusal { try s.applyBytes(bytes(extra), by: s.registrar, at: "2026-12-04T09:00:00+01:00") }
        #expect(error?.reason == .malformed)
        #expect(error?.message.contains("note") == true)
        // Inside a ballot's contest answer.
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        let nested = text(b.payload).replacingOccurrences(of: "\"contest\":\"office\"", with: "\"contest\":\"office\",\"weight\":2")
        let nestedError = refusal { try s.applyBytes(bytes(nested), by: voter, at: Self.inWindow) }
        #expect(nestedError?.reason == .malformed)
        #expect(nestedError?.message.contains("contests[0].weight") == true)
        #expect(s.state.countedBallots == 0)
    }

    /// A decoder takes its kind's canonical shape from the decoded value's fields, without writing them:
    /// it must be the shape of the bytes the kind writes, or a defined key could be refused as unknown
    /// (an optional one written as null, a ballot's carried commitments) or an unknown one let through.
    @Test func canonicalShapeFromFieldsIsTheShapeOfTheWrittenBytes() throws {
        var (s, voter) = try openScenario()
        let ballot = try BallotCast.decode(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload)
        let enrol = try RollEnrol.decode(bytes(enrolPayload(s)))
        func shape(_ fields: [(String, OrderedJSON)]) -> PayloadShape {
            PayloadShape(.object([("kind", .null), ("record", .null), ("term", .null)] + fields))
        }
        #expect(shape(ballot.fields) == (try PayloadShape.parse(ballot.payloadBytes(record: s.record, term: s.term))))
        #expect(shape(enrol.fields) == (try PayloadShape.parse(enrol.payloadBytes(record: s.record, term: s.term))))
        #expect(shape(S.office.fields) == (try PayloadShape.parse(S.office.payloadBytes(record: s.record, term: s.term))))
        // And it tells them apart: one more key, one fewer, one more array item.
        #expect(shape(enrol.fields + [("note", .string("x"))]) != shape(enrol.fields))
        #expect(shape(Array(enrol.fields.dropLast())) != shape(enrol.fields))
        #expect(PayloadShape(.array([.int(1), .int(2)])) != PayloadShape(.array([.int(1)])))
    }

    @Test(arguments: ["1.0", "1e0", "01", "-0"])
    func numberThatIsNotAnIntegerIsRefused(number: String) throws {
        var (s, _) = try openScenario()
        var referendum = S.office
        referendum.contest = "ref"
        let payload = text(referendum.payloadBytes(record: s.record, term: s.term))
            .replacingOccurrences(of: "\"version\":1", with: "\"version\":\(number)")
        let error = refusal { try s.applyBytes(bytes(payload), by: s.officer, at: "2026-12-04T09:00:00+01:00") }
        #expect(error?.reason == .malformed)
        #expect(s.state.contests.current("ref") == nil)
    }

    // MARK: §4.1, §4.2 setup and ids

    func setup(term: String = "t-2027", n: Int = 3, keys: [String]? = nil) -> TermSetup {
        let trusteeKeys = keys ?? (1...n).map { _ in Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation) }
        return TermSetup(term: term, title: "T", timeZone: "Europe/Paris", start: "2027-01-01", end: "2029-01-01", windowDays: 7,
                         leapDay: "feb28", group: "ristretto255", trustees: TrusteeCount(n: n, t: 1), trusteeKeys: trusteeKeys,
                         officer: "", registrar: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation),
                         perYearResults: false)
    }

    func applySetup(_ setup: TermSetup) -> ElectionError? {
        let officer = Ed25519.SigningKey.generate()
        var payload = setup
        payload.officer = Hex.encode(officer.publicKey.rawRepresentation)
        var state = ElectionState(group: Ristretto255Group.shared, record: "test.example/perennial")
        return refusal {
            try state.apply(ElectionEntry(index: 0, timeMs: 1_800_000_000_000, author: officer.publicKey.rawRepresentation,
                                          payload: payload.payloadBytes(record: "test.example/perennial", term: payload.term)))
        }
    }

    @Test func setupWithSixtyFourTrusteesIsAcceptedAndSixtyFiveRefused() {
        #expect(applySetup(setup(n: 64)) == nil)
        let error = applySetup(setup(n: 65))
        #expect(error?.reason == .termSetup)
        #expect(error?.message.contains("64") == true)
    }

    @Test func sameTrusteeKeyTwiceIsRefused() {
        let key = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        let other = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        let error = applySetup(setup(n: 3, keys: [key, other, key]))
        #expect(error?.reason == .termSetup)
        #expect(error?.message.contains("twice") == true)
    }

    @Test(arguments: ["", "Nancy", "-nancy", "nancy-", "nan cy", "nancy_2026", String(repeating: "a", count: 65)])
    func badTermIdIsRefused(term: String) {
        #expect(applySetup(setup(term: term))?.reason == .termSetup)
    }

    @Test(arguments: ["a", "nancy-2026", String(repeating: "9", count: 64)])
    func goodTermIdIsAccepted(term: String) {
        #expect(applySetup(setup(term: term)) == nil)
    }

    @Test(arguments: ["Office", "office-", "of fice", "bureau_1"])
    func badContestIdIsRefused(contest: String) throws {
        var (s, _) = try openScenario()
        var version = S.office
        version.contest = contest
        let error = refusal { try s.apply(version, by: s.officer, at: "2026-12-04T09:00:00+01:00") }
        #expect(error?.reason == .contests)
        #expect(s.state.contests.current(contest) == nil)
    }

    // MARK: §3.1 identity, §4.5 ROLL-3, §4.7 BAL-5

    @Test func identityCiphertextIsRefusedBeforeItsProofs() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        var ballot = try BallotCast.decode(b.payload)
        ballot.contests[0].selections[0].a = s.group.hex(s.group.identity)
        let error = refusal { try s.apply(ballot, by: voter, at: Self.inWindow) }
        #expect(error?.reason == .badProof)
        #expect(error?.message.contains("identity") == true)
    }

    @Test func identityElectionKeyIsRefused() throws {
        var s = try S(group: .shared)
        // Before the ceremony the key is refused anyway; the identity is refused by its own rule too.
        let error = refusal { try s.apply(ElectionKeyPayload(publicKey: s.group.hex(s.group.identity)), by: s.officer, at: "2026-12-02T12:00:00+01:00") }
        #expect(error?.reason == .ceremony)
    }

    @Test func replacementBySmallOrderKeyIsRefused() throws {
        var (s, _) = try openScenario()
        let old = try s.enrol("05-05")
        // The encoding of the neutral point: 32 bytes, on the curve, of small order.
        let smallOrder = "01" + String(repeating: "00", count: 31)
        let replace = RollReplace(old: Hex.encode(old.publicKey.rawRepresentation), new: smallOrder, date: "2027-02-01", reason: "lost")
        let error = refusal { try s.apply(replace, by: s.registrar, at: "2026-12-05T09:00:00+01:00") }
        #expect(error?.reason == .roll)
        #expect(s.state.roll[smallOrder] == nil)
    }

    @Test func castReusingChallengedCiphertextsIsRefusedWhateverTheBytes() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        let (_, spoil) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        try s.applyBytes(spoil, by: device, at: Self.inWindow)
        // The same ciphertexts and proofs, other bytes (a space after the opening brace).
        let respaced = [UInt8(ascii: "{"), UInt8(ascii: " ")] + b.payload.dropFirst()
        let error = refusal { try s.applyBytes(respaced, by: voter, at: Self.inWindow) }
        #expect(error?.reason == .replay)
        #expect(s.state.countedBallots == 0)
        // A fresh encryption of the same choice is fine.
        let fresh = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        try s.applyBytes(fresh.payload, by: voter, at: Self.inWindow)
        #expect(s.state.countedBallots == 1)
    }
}
