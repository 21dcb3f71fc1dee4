import AuditKit
import Foundation
import Testing

/// The audit side of "Clerk-proof operations": supersession across sweeps, the latest *valid*
/// ballot, challenged ciphertexts, the trustee bound, the published result and the SPEC decisions
/// of §3.1, §4.3–§4.8. Each test builds a record that the previous audit judged wrongly.
@Suite struct ClerkProofTests {
    typealias B = ElectionBuilder<Ristretto255>

    func run(_ b: B, sweepInterval: Int = 4096) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path, sweepInterval: sweepInterval)
    }

    func expectOnly(_ report: Report, _ ids: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(report.failedIDs) == ids, "expected exactly \(ids.sorted()) to fail:\n\(report.text)", sourceLocation: sourceLocation)
    }

    /// Term, ceremony, the office contest, ana (03-10, eligible until 2026-03-12 unless `anaUntil`
    /// is nil) and four other voters born on 03-10.
    func base(anaUntil: String? = "2026-03-12") -> (B, Int, [Int]) {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10", until: anaUntil)
        let others = (0..<4).map { b.enrol(UInt8(0xc0 + $0), birthday: "03-10") }
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        return (b, ana, others)
    }

    /// Closes, decrypts with trustees 1 and 2 and publishes the result.
    func finish(_ b: B, countedOverride: Int? = nil) {
        b.close(at: b.at(2028, 1, 1), countedOverride: countedOverride)
        b.tallyShare(1)
        b.tallyShare(2)
        _ = b.result(trustees: [1, 2])
    }

    // MARK: TAL-1 — sweeping by the window's own close

    /// ana votes, her eligibility is extended after its clipped close, other ballots trigger sweeps,
    /// then she votes again in the same window: her second ballot supersedes the first.
    func extendedEligibility(countBoth: Bool) -> B {
        let (b, ana, others) = base()
        let first = b.cast(ana, window: 1, at: b.at(2026, 3, 10, plus: 1000), choices: ["office": ["bob"]])
        b.add("roll.update", [("credential", b.hex(b.voters[ana].key.publicKey)), ("eligible_from", .null),
                              ("eligible_until", .null), ("reason", .string("correction"))], by: b.registrar, at: b.at(2026, 3, 11))
        for (i, v) in others.enumerated() { b.cast(v, window: 1, at: b.at(2026, 3, 12, plus: Int64(3_600_000 * (i + 1)))) }
        b.cast(ana, window: 1, at: b.at(2026, 3, 14), choices: ["office": ["alice"]])
        if countBoth { for (k, ct) in first.selections { b.tally[k] = b.tally[k]!.adding(ct, in: b.group) } }
        finish(b, countedOverride: countBoth ? b.countedCount + 1 : nil)
        return b
    }

    @Test(arguments: [1, 2, 4096])
    func supersessionSurvivesASweepAfterAnEligibilityExtension(sweepInterval: Int) throws {
        expectOnly(try run(extendedEligibility(countBoth: false), sweepInterval: sweepInterval), [])
        expectOnly(try run(extendedEligibility(countBoth: true), sweepInterval: sweepInterval), ["TAL-1"])
    }

    /// ana (eligible until 2026-03-13) votes; her card is replaced on 2026-03-11 and the new card's
    /// eligibility is extended; after sweeps past 2026-03-13 the new card votes again in window 1: it
    /// supersedes the old card's ballot (one lineage).
    func replacedCard(countBoth: Bool) -> B {
        let (b, ana, others) = base(anaUntil: "2026-03-13")
        let first = b.cast(ana, window: 1, at: b.at(2026, 3, 10, plus: 1000), choices: ["office": ["bob"]])
        let newCard = TestKey(seed: 0xb1)
        b.add("roll.replace", [("old", b.hex(b.voters[ana].key.publicKey)), ("new", b.hex(newCard.publicKey)),
                               ("date", .string("2026-03-11")), ("reason", .string("lost"))], by: b.registrar, at: b.at(2026, 3, 10, plus: 2000))
        b.add("roll.update", [("credential", b.hex(newCard.publicKey)), ("eligible_from", .string("2026-03-11")),
                              ("eligible_until", .null), ("reason", .string("correction"))], by: b.registrar, at: b.at(2026, 3, 10, plus: 3000))
        b.voters.append(.init(key: newCard, birthday: "03-10", lineage: b.voters[ana].lineage))
        for (i, v) in others.enumerated() { b.cast(v, window: 1, at: b.at(2026, 3, 13, plus: Int64(3_600_000 * (i + 1)))) }
        b.cast(b.voters.count - 1, window: 1, at: b.at(2026, 3, 14), choices: ["office": ["alice"]])
        if countBoth { for (k, ct) in first.selections { b.tally[k] = b.tally[k]!.adding(ct, in: b.group) } }
        finish(b, countedOverride: countBoth ? b.countedCount + 1 : nil)
        return b
    }

    @Test func supersessionSurvivesASweepAcrossAReplacement() throws {
        expectOnly(try run(replacedCard(countBoth: false), sweepInterval: 2), [])
        expectOnly(try run(replacedCard(countBoth: true), sweepInterval: 2), ["TAL-1"])
    }

    /// The real interval: more than 4,096 counted ballots between ana's two ballots. The ballots have
    /// no contest (none is in force), so they cost no proof; whitespace makes each payload distinct.
    @Test func supersessionSurvivesTheRealSweepInterval() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10", until: "2026-03-12")
        let filler = b.enrol(0xa2, birthday: "03-10")
        func emptyBallot(_ n: Int) -> [UInt8] {
            // n written in base 4 with the four JSON whitespace characters.
            var pad = "", v = n
            repeat { pad += [" ", "\t", "\n", "\r"][v % 4]; v /= 4 } while v > 0
            return Array((String(decoding: b.payload("ballot.cast", [("window", .int(1)), ("contests", .array([]))]), as: UTF8.self)
                .dropLast() + pad + "}").utf8)
        }
        b.add(raw: emptyBallot(0), by: b.voters[ana].key, at: b.at(2026, 3, 10))
        b.add("roll.update", [("credential", b.hex(b.voters[ana].key.publicKey)), ("eligible_from", .null),
                              ("eligible_until", .null), ("reason", .string("correction"))], by: b.registrar, at: b.at(2026, 3, 11))
        for i in 1...4100 { b.add(raw: emptyBallot(i), by: b.voters[filler].key, at: b.at(2026, 3, 12, plus: Int64(i))) }
        b.add(raw: emptyBallot(4101), by: b.voters[ana].key, at: b.at(2026, 3, 14))
        b.countedCount = 2
        b.lastWindow = 1
        b.close(at: b.at(2028, 1, 1))
        let r = try run(b)
        expectOnly(r, [])
        #expect(r.facts.contains { $0.0 == "ballots" && $0.1.hasPrefix("2 counted, 4100 superseded") })
    }

    // MARK: BAL-6 — the latest valid ballot counts

    /// ana's valid ballot, then a second one whose range proof is broken.
    func invalidSecondBallot(b: B, ana: Int) -> (first: B.MadeBallot, second: B.MadeBallot) {
        let first = b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        let second = b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: ["office": ["alice"]])
        var text = String(decoding: second.payload, as: UTF8.self)
        let r = text.range(of: "\"range\":{\"c\":[\"")!
        text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: Hex.encode(b.group.encodeScalar(b.prover.randomScalar())))
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 11))
        return (first, second)
    }

    @Test func aBallotWithFailingProofsNeitherCountsNorSupersedes() throws {
        let (b, ana, _) = base(anaUntil: nil)
        _ = invalidSecondBallot(b: b, ana: ana)
        finish(b)  // the builder counts the valid ballot only (bob)
        let r = try run(b)
        expectOnly(r, ["BAL-4"])
        #expect(r.facts.contains { $0.0 == "ballots" && $0.1.hasPrefix("1 counted, 0 superseded") })
    }

    @Test func aTallyCountingTheInvalidBallotFails() throws {
        let (b, ana, _) = base(anaUntil: nil)
        let (first, second) = invalidSecondBallot(b: b, ana: ana)
        for (k, ct) in first.selections { b.tally[k] = b.tally[k]!.subtracting(ct, in: b.group) }
        for (k, ct) in second.selections { b.tally[k] = b.tally[k]!.adding(ct, in: b.group) }
        finish(b)
        expectOnly(try run(b), ["BAL-4", "TAL-1"])
    }

    // MARK: BAL-5 and BAL-8 — challenged ballots

    /// A challenge, then a cast by the same voter of a ballot with the very same ciphertexts (re-proved
    /// for the voter's credential, so its proofs verify), its bytes changed by `reuse`.
    func spoiledThenCast(_ b: B, ana: Int, reuse: (inout String) -> Void) {
        let spoiled = b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        let again = b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: ["office": ["bob"]],
                                 randomness: spoiled.randomness)
        var text = String(decoding: again.payload, as: UTF8.self)
        reuse(&text)
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 11))
    }

    @Test func castingTheCiphertextsOfAChallengedBallotIsRefused() throws {
        let (b, ana, _) = base(anaUntil: nil)
        // The same ciphertexts, valid proofs for the voter, other bytes (a space): not a payload replay.
        spoiledThenCast(b, ana: ana) { $0 = String($0.dropLast()) + " }" }
        let r = try run(b)
        expectOnly(r, ["BAL-5"])
        #expect(r["BAL-5"]?.failures.first?.reason.contains("challenged") == true)
    }

    @Test func castingTheSameCiphertextsExactlyReProvedIsRefused() throws {
        let (b, ana, _) = base(anaUntil: nil)
        spoiledThenCast(b, ana: ana) { _ in }
        expectOnly(try run(b), ["BAL-5"])
    }

    @Test func castingTheChallengedPayloadItselfIsRefused() throws {
        let (b, ana, _) = base(anaUntil: nil)
        let spoiled = b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        b.add(raw: spoiled.payload, by: b.voters[ana].key, at: b.at(2026, 3, 11))
        // A replay of the embedded bytes (BAL-5), whose proofs name the device, not the voter (BAL-4).
        expectOnly(try run(b), ["BAL-4", "BAL-5"])
    }

    /// A challenge re-proving a counted ballot's ciphertexts for the kiosk publishes that ballot's
    /// randomness, i.e. its choices (BAL-8, fresh randomness as BAL-5 states it).
    @Test func aChallengeOfACountedBallotsCiphertextsFails() throws {
        let (b, ana, _) = base(anaUntil: nil)
        let cast = b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10, plus: 60_000), randomness: cast.randomness)
        let r = try run(b)
        expectOnly(r, ["BAL-8"])
        #expect(r["BAL-8"]?.failures.first?.reason.contains("randomness") == true, "\(r.text)")
    }

    /// The randomness of a challenged ballot with other choices: no (a, b) pair repeats, every `a` does.
    @Test func castingTheRandomnessOfAChallengedBallotWithOtherChoicesFails() throws {
        let (b, ana, _) = base(anaUntil: nil)
        let spoiled = b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        var randomness = spoiled.randomness
        randomness[2] = b.prover.randomScalar()
        let again = b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: ["office": ["alice"]], randomness: randomness)
        #expect(Set(again.selections.map { b.group.encodeElement($0.1.beta) }).isDisjoint(with: spoiled.selections.map { b.group.encodeElement($0.1.beta) }))
        b.add(raw: again.payload, by: b.voters[ana].key, at: b.at(2026, 3, 11))
        let r = try run(b)
        expectOnly(r, ["BAL-5"])
        #expect(r["BAL-5"]?.failures.first?.reason.contains("challenged") == true, "\(r.text)")
    }

    /// Two voters' ballots with the same randomness, and a ballot whose two selections share it.
    @Test func sharedRandomnessBetweenOrWithinBallotsFails() throws {
        let (b, ana, others) = base(anaUntil: nil)
        let first = b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        let copied = b.makeBallot(credential: b.voters[others[0]].key.publicKey, window: 1, choices: ["office": ["alice"]], randomness: first.randomness)
        b.add(raw: copied.payload, by: b.voters[others[0]].key, at: b.at(2026, 3, 10, plus: 60_000))
        var twice = (0..<3).map { _ in b.prover.randomScalar() }
        twice[1] = twice[0]
        let within = b.makeBallot(credential: b.voters[others[1]].key.publicKey, window: 1, choices: ["office": ["bob"]], randomness: twice)
        b.add(raw: within.payload, by: b.voters[others[1]].key, at: b.at(2026, 3, 10, plus: 120_000))
        let r = try run(b)
        expectOnly(r, ["BAL-5"])
        #expect(r["BAL-5"]?.failed == 2, "\(r.text)")
        #expect(r["BAL-5"]?.failures.map(\.reason).contains { $0.contains("two ciphertexts") } == true, "\(r.text)")
    }

    @Test func aChallengedBallotsProofsMustVerify() throws {
        let (b, ana, _) = base(anaUntil: nil)
        b.enrolDevice("kiosk-1", b.kiosk)
        let made = b.makeBallot(credential: b.kiosk.publicKey, window: 1, choices: ["office": ["bob"]])
        var text = String(decoding: made.payload, as: UTF8.self)
        let r = text.range(of: "\"range\":{\"c\":[\"")!
        text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: Hex.encode(b.group.encodeScalar(b.prover.randomScalar())))
        b.add("ballot.spoil", [("window", .int(1)), ("ballot", .string(Base64.encode(Array(text.utf8)))), ("openings", .array(made.openings))],
              by: b.kiosk, at: b.at(2026, 3, 10))
        _ = ana
        let report = try run(b)
        expectOnly(report, ["BAL-8"])
        #expect(report["BAL-8"]?.failures.first?.reason.contains("proofs") == true)
    }

    // MARK: TERM, TRU, ROLL — bounds and the identity

    @Test func atMost64Trustees() throws {
        for n in [64, 65] {
            let b = B(group: Ristretto255())
            var fields = b.setupFields()
            let i = fields.firstIndex { $0.0 == "trustees" }!
            fields[i].1 = .object([("n", .int(n)), ("t", .int(1))])
            fields[i + 1].1 = .array((0..<n).map { b.hex(TestKey(index: $0).publicKey) })
            b.add("term.setup", fields, by: b.officer)
            let r = try run(b)
            if n == 64 { expectOnly(r, []) } else { expectOnly(r, ["TERM"]) }
        }
    }

    @Test func theSameTrusteeKeyTwiceIsRefused() throws {
        let b = B(group: Ristretto255())
        var fields = b.setupFields()
        let i = fields.firstIndex { $0.0 == "trustees" }!
        fields[i].1 = .object([("n", .int(3)), ("t", .int(2))])
        fields[i + 1].1 = .array([0, 1, 0].map { b.hex(TestKey(index: $0).publicKey) })
        b.add("term.setup", fields, by: b.officer)
        let r = try run(b)
        expectOnly(r, ["TERM"])
        #expect(r["TERM"]?.failures.first?.reason.contains("twice") == true)
    }

    @Test func aCommitmentMustNotBeTheIdentity() throws {
        let b = B(group: Ristretto255())
        b.setup()
        // Trustee 1's coefficient 1 is zero: its commitment is the identity, with a valid proof.
        let (C, p) = b.prover.schnorr(x: b.group.zeroScalar, ProofBinding(context: b.trusteeContext, binding: Bytes.u32be(1) + Bytes.u32be(1)))
        let (C0, p0) = b.prover.schnorr(x: b.group.oneScalar, ProofBinding(context: b.trusteeContext, binding: Bytes.u32be(1) + Bytes.u32be(0)))
        #expect(C == b.group.identity)
        b.add("trustee.commitments", [("trustee", .int(1)), ("box_key", b.hex([UInt8](repeating: 1, count: 32))),
                                      ("commitments", .array([b.el(C0), b.el(C)])),
                                      ("proofs", .array([.object([("c", b.sc(p0.c)), ("r", b.sc(p0.r))]), .object([("c", b.sc(p.c)), ("r", b.sc(p.r))])]))],
              by: b.trustees[0])
        let r = try run(b)
        expectOnly(r, ["TRU-1"])
        #expect(r["TRU-1"]?.failures.first?.reason.contains("identity") == true)
    }

    @Test func aBallotCiphertextMustNotBeTheIdentity() throws {
        let (b, ana, _) = base(anaUntil: nil)
        var text = String(decoding: b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        let r = text.range(of: "\"a\":\"")!
        text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: String(repeating: "0", count: 64))
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 10))
        let report = try run(b)
        expectOnly(report, ["BAL-4"])
        #expect(report["BAL-4"]?.failures.first?.reason.contains("identity") == true)
    }

    @Test func aReplacementMustLeaveTheNewCredentialAnInterval() throws {
        for (date, fails) in [("2026-05-31", false), ("2026-06-01", true)] {
            let (b, _, _) = base(anaUntil: "2026-06-01")
            b.add("roll.replace", [("old", b.hex(b.voters[0].key.publicKey)), ("new", b.hex(TestKey(seed: 0xb1).publicKey)),
                                   ("date", .string(date)), ("reason", .string("lost"))], by: b.registrar)
            expectOnly(try run(b), fails ? ["ROLL-3"] : [])
        }
        // The old credential may be left an empty interval (lost before its eligibility began).
        let (c, _, _) = base(anaUntil: nil)
        c.enrol(0xd1, birthday: "05-05", from: "2027-01-01")
        c.add("roll.replace", [("old", c.hex(TestKey(seed: 0xd1).publicKey)), ("new", c.hex(TestKey(seed: 0xd2).publicKey)),
                               ("date", .string("2026-04-01")), ("reason", .string("lost"))], by: c.registrar)
        expectOnly(try run(c), [])
    }

    @Test func termAndContestIDsHaveAFormat() throws {
        let b = B(group: Ristretto255())
        b.setup()
        for id in ["Office", "-office", "office-", "off ice", String(repeating: "a", count: 65)] {
            b.add("contest.version", [("contest", .string(id)), ("version", .int(1)), ("title", .string("x")), ("year", .null),
                                      ("options", .array([])), ("min", .int(0)), ("max", .int(0))], by: b.officer)
        }
        b.contest(String(repeating: "a", count: 64), options: [("blank", "Blanc")], min: 0, max: 1)
        let r = try run(b)
        expectOnly(r, ["CON-1"])
        #expect(r["CON-1"]?.failed == 5)
    }

    // MARK: §4.6 — entries in the same millisecond

    @Test func logOrderDecidesTheContestVersionWithinAMillisecond() throws {
        let (b, ana, others) = base(anaUntil: nil)
        let t = b.at(2026, 3, 10, plus: 5000)
        b.cast(ana, window: 1, at: t)  // before version 2 in the log: version 1
        b.contest("office", options: [("alice", "Alice"), ("blank", "Blanc")], at: t)
        b.cast(others[0], window: 1, at: t)  // after it: version 2
        expectOnly(try run(b), [])
        // A ballot after version 2 in the log but still answering version 1.
        let stale = B(group: Ristretto255())
        stale.setup()
        stale.ceremony()
        let v = stale.enrol(0xa1, birthday: "03-10")
        stale.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        let made = stale.makeBallot(credential: stale.voters[v].key.publicKey, window: 1, choices: [:])
        stale.contest("office", options: [("alice", "Alice"), ("blank", "Blanc")], at: t)
        stale.add(raw: made.payload, by: stale.voters[v].key, at: t)
        expectOnly(try run(stale), ["BAL-3"])
    }

    // MARK: TAL-1, TAL-3 — per-year results and winners

    @Test func perYearResultsOnlyForContestsOnThatWindowsBallots() throws {
        let honest = B.standard(Ristretto255(), perYear: true)
        expectOnly(try run(honest), [])
        // The referendum of window 2 also listed for window 1 (as 0 votes): refused.
        let padded = B.standard(Ristretto255(), perYear: true)
        padded.log.entries.removeLast(4)
        let keys = padded.closeKeys()
        let extra = keys.filter { $0.contest == "ref-tram" && $0.year == nil }.map { B.Key(contest: $0.contest, option: $0.option, year: 1) }
        padded.close(at: padded.at(2028, 1, 1, plus: 10)) { items in
            let at = items.firstIndex { $0["year"]?.intValue == 2 }!
            items.insert(contentsOf: extra.map { k in
                .object([("contest", .string(k.contest)), ("option", .string(k.option)), ("year", .int(1)),
                         ("a", padded.el(padded.group.identity)), ("b", padded.el(padded.group.identity))])
            }, at: at)
        }
        #expect(try run(padded).failedIDs.contains("TAL-1"))
    }

    /// alice and bob tie; nobody votes in the referendum.
    func tieRecord(mutate: ((inout [JSON]) -> Void)? = nil) -> B {
        let (b, ana, others) = base(anaUntil: nil)
        b.contest("ref", options: [("oui", "Oui"), ("non", "Non"), ("blank", "Blanc")], min: 0, max: 1)
        b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"], "ref": []])
        b.cast(others[0], window: 1, at: b.at(2026, 3, 11), choices: ["office": ["alice"], "ref": []])
        b.close(at: b.at(2028, 1, 1))
        b.tallyShare(1)
        b.tallyShare(2)
        _ = b.result(trustees: [1, 2], mutate: mutate)
        return b
    }

    func setWinners(_ results: inout [JSON], contest: String, _ winners: [String], tie: Bool) {
        let i = results.firstIndex { $0["contest"]?.stringValue == contest }!
        var m = results[i].objectMembers!
        m[3].1 = .array(winners.map { .string($0) })
        m[4].1 = .bool(tie)
        results[i] = .object(m)
    }

    @Test func winnersInOptionOrderAndNoneWithoutAVote() throws {
        let honest = try run(tieRecord())
        expectOnly(honest, [])
        let office = honest.electionResults?.first { $0.contest == "office" }
        #expect(office?.winners == ["alice", "bob"])
        #expect(office?.tie == true)
        #expect(honest.electionResults?.first { $0.contest == "ref" }?.winners == [])
        expectOnly(try run(tieRecord { setWinners(&$0, contest: "office", ["bob", "alice"], tie: true) }), ["TAL-3"])
        expectOnly(try run(tieRecord { setWinners(&$0, contest: "ref", ["oui", "non"], tie: true) }), ["TAL-3"])
    }

    // MARK: The verified result in the report

    @Test func theReportShowsTheVerifiedResult() throws {
        let r = try run(B.standard(Ristretto255(), perYear: true))
        expectOnly(r, [])
        let results = try #require(r.electionResults)
        #expect(results.map(\.contest) == ["office", "ref-tram", "office", "office", "ref-tram"])
        #expect(results.map(\.year) == [nil, nil, 1, 2, 2])
        let office = results[0]
        #expect(office.options.map(\.id) == ["alice", "bob", "blank", "carol"])
        #expect(office.options.first { $0.id == "bob" }?.withdrawn == true)
        #expect(r.text.contains("Results (verified):"))
        #expect(r.text.contains("Alice Martin"))
        let json = r.json
        #expect(json["results"]?.arrayValue?.count == 5)
        #expect(json["results"]?.arrayValue?.first?["options"]?.arrayValue?.first?["label"]?.stringValue == "Alice Martin")
    }

    @Test func anUnverifiedResultIsWithheld() throws {
        let b = B.standard(Ristretto255())
        b.log.entries.removeLast()
        _ = b.result(trustees: [1, 3]) { results in
            var m = results[0].objectMembers!
            var opts = m[2].1.arrayValue!
            var o = opts[0].objectMembers!
            o[2].1 = .int((o[2].1.intValue ?? 0) + 1)
            opts[0] = .object(o)
            m[2].1 = .array(opts)
            results[0] = .object(m)
        }
        let r = try run(b)
        #expect(r.failedIDs.contains("TAL-3"))
        #expect(r.electionResults == nil)
        #expect(r.resultsWithheld?.contains("TAL-3") == true)
        #expect(r.json["results"] == nil)
        #expect(!r.text.contains("Results (verified)"))
    }
}
