import BallotCore
import CivicCrypto
import Foundation
import Testing

/// Every refusal rule of the election (SPEC §4), tried one by one, plus the paths that must succeed.
@Suite("Election rules")
struct ElectionRulesTests {
    typealias S = ElectionScenario<Ristretto255Group>
    static let inWindow = "2027-03-11T10:00:00+01:00"

    func openScenario() throws -> (S, Ed25519.SigningKey) {
        var s = try S(group: .shared)
        try s.ceremony()
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        return (s, voter)
    }

    func expectRefusal(_ reason: ElectionError.Reason, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a refusal (\(reason)) but the entry was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == reason, "\(error.message)")
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func validBallotIsCountedAndTallied() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        let effect = try s.applyBytes(b.payload, by: voter, at: Self.inWindow)
        #expect(effect == .ballotCounted(window: 1, superseded: nil))
        #expect(s.state.countedBallots == 1)
        let result = try s.closeAndDecrypt()
        #expect(result.results[0].options.map(\.count) == [0, 1, 0])
        #expect(result.results[0].winners == ["ben"])
        try s.apply(result, by: s.officer, at: "2029-01-02T10:00:00+01:00")
        #expect(s.state.phase == .tallied)
    }

    @Test func ballotOutsideWindowIsRefused() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        expectRefusal(.outsideWindow) { try s.applyBytes(b.payload, by: voter, at: "2027-03-17T00:00:00+01:00") }
        expectRefusal(.outsideWindow) { try s.applyBytes(b.payload, by: voter, at: "2027-03-09T23:59:59+01:00") }
        #expect(s.state.countedBallots == 0)
    }

    @Test func windowOpensAtLocalMidnight() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        try s.applyBytes(b.payload, by: voter, at: "2027-03-10T00:00:00+01:00")
        #expect(s.state.countedBallots == 1)
    }

    @Test func unknownCredentialIsRefused() throws {
        var (s, _) = try openScenario()
        let stranger = Ed25519.SigningKey.generate()
        let b = try s.ballot(for: stranger, window: 1, choices: ["office": "ana"])
        expectRefusal(.unknownCredential) { try s.applyBytes(b.payload, by: stranger, at: Self.inWindow) }
    }

    @Test func wrongWindowNumberIsRefused() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 2, choices: ["office": "ana"])
        expectRefusal(.wrongWindow) { try s.applyBytes(b.payload, by: voter, at: Self.inWindow) }
    }

    @Test func ballotCopiedUnderAnotherCredentialFailsItsProofs() throws {
        var (s, voter) = try openScenario()
        let other = try s.enrol("03-10")
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        // Same payload, signed by another credential: the proofs bind the first credential.
        expectRefusal(.badProof) { try s.applyBytes(b.payload, by: other, at: Self.inWindow) }
    }

    @Test(arguments: ["c0", "r1", "range", "a", "b"])
    func tamperedBallotIsRefused(field: String) throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        var ballot = try BallotCast.decode(b.payload)
        let g = s.group
        let bump = { (hex: String) -> String in g.hex(g.scalarAdd(try! g.decodeScalar(hex: hex), g.scalar(1))) }
        switch field {
        case "c0": ballot.contests[0].selections[0].c[0] = bump(ballot.contests[0].selections[0].c[0])
        case "r1": ballot.contests[0].selections[1].r[1] = bump(ballot.contests[0].selections[1].r[1])
        case "range": ballot.contests[0].range.r[0] = bump(ballot.contests[0].range.r[0])
        case "a": ballot.contests[0].selections[0].a = g.hex(g.op(try g.decodeElement(hex: ballot.contests[0].selections[0].a), g.generator))
        default: ballot.contests[0].selections[2].b = g.hex(g.op(try g.decodeElement(hex: ballot.contests[0].selections[2].b), g.generator))
        }
        expectRefusal(.badProof) { try s.apply(ballot, by: voter, at: Self.inWindow) }
        #expect(s.state.countedBallots == 0)
    }

    @Test func ballotVotingTwiceForOneOptionIsRefused() throws {
        // A selection that encrypts 2 cannot carry a valid 0/1 proof: forge one by doubling a ciphertext.
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        var ballot = try BallotCast.decode(b.payload)
        let g = s.group
        let sel = ballot.contests[0].selections[0]
        ballot.contests[0].selections[0].a = g.hex(g.op(try g.decodeElement(hex: sel.a), try g.decodeElement(hex: sel.a)))
        ballot.contests[0].selections[0].b = g.hex(g.op(try g.decodeElement(hex: sel.b), try g.decodeElement(hex: sel.b)))
        expectRefusal(.badProof) { try s.apply(ballot, by: voter, at: Self.inWindow) }
    }

    @Test func replayIsRefused() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        try s.applyBytes(b.payload, by: voter, at: Self.inWindow)
        expectRefusal(.replay) { try s.applyBytes(b.payload, by: voter, at: "2027-03-12T10:00:00+01:00") }
        #expect(s.state.countedBallots == 1)
    }

    @Test func revoteSupersedesAndTheLastOneCounts() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        let effect = try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ben"]).payload, by: voter,
                                      at: "2027-03-12T10:00:00+01:00")
        // Entries: setup 0, commitments 1–3, shares 4–6, ready 7–9, key 10, contest 11, enrol 12, first ballot 13.
        #expect(effect == .ballotCounted(window: 1, superseded: 13))
        #expect(s.state.countedBallots == 1)
        #expect(s.state.supersededBallots == 1)
        // The next year's window is a separate slot.
        try s.applyBytes(try s.ballot(for: voter, window: 2, choices: ["office": "ben"]).payload, by: voter, at: "2028-03-11T10:00:00+01:00")
        #expect(s.state.countedBallots == 2)
        let result = try s.closeAndDecrypt()
        #expect(result.results[0].options.map(\.count) == [0, 2, 0])
    }

    @Test func staleContestVersionIsRefused() throws {
        var (s, voter) = try openScenario()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ana"])
        var v2 = S.office
        v2.version = 2
        v2.options.insert(ContestOption(id: "cleo", label: "Cléo"), at: 2)
        try s.apply(v2, by: s.officer, at: "2027-03-11T09:00:00+01:00")
        expectRefusal(.staleContest) { try s.applyBytes(b.payload, by: voter, at: Self.inWindow) }
        // A fresh ballot on version 2 is fine.
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "cleo"]).payload, by: voter, at: Self.inWindow)
    }

    @Test func withdrawnCandidateIsReportedNotDropped() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        var v2 = S.office
        v2.version = 2
        v2.options.removeAll { $0.id == "ana" }
        try s.apply(v2, by: s.officer, at: "2027-06-01T09:00:00+01:00")
        let result = try s.closeAndDecrypt()
        let ana = result.results[0].options.first { $0.id == "ana" }
        #expect(ana?.count == 1)
        #expect(ana?.withdrawn == true)
        // "ana" leads but withdrew: never a winner; no remaining option got a vote, so there is no winner (SPEC §4.8).
        #expect(result.results[0].winners.isEmpty)
        #expect(result.results[0].tie == false)
    }

    @Test func movedOutCredentialIsRefusedAfterItsDateButEarlierBallotsCount() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        try s.apply(RollUpdate(credential: Hex.encode(voter.publicKey.rawRepresentation), eligibleFrom: nil, eligibleUntil: "2027-03-12",
                               reason: "moved-out"), by: s.registrar, at: "2027-03-12T00:00:00+01:00")
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        expectRefusal(.outsideWindow) { try s.applyBytes(b.payload, by: voter, at: "2027-03-13T10:00:00+01:00") }
        #expect(s.state.countedBallots == 1)
    }

    @Test func replacedCardStopsAndTheNewCardSupersedesInTheSameWindow() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        let newCard = Ed25519.SigningKey.generate()
        try s.apply(RollReplace(old: Hex.encode(voter.publicKey.rawRepresentation), new: Hex.encode(newCard.publicKey.rawRepresentation),
                                date: "2027-03-12", reason: "lost"), by: s.registrar, at: "2027-03-12T00:00:00+01:00")
        let old = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        expectRefusal(.notEligible) { try s.applyBytes(old.payload, by: voter, at: "2027-03-13T10:00:00+01:00") }
        let effect = try s.applyBytes(try s.ballot(for: newCard, window: 1, choices: ["office": "ben"]).payload, by: newCard,
                                      at: "2027-03-13T10:00:00+01:00")
        guard case .ballotCounted(1, .some) = effect else { Issue.record("the new card should supersede the old card's ballot"); return }
        #expect(s.state.countedBallots == 1)
        expectRefusal(.roll) {
            try s.apply(RollReplace(old: Hex.encode(voter.publicKey.rawRepresentation), new: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation),
                                    date: "2027-04-01", reason: "lost"), by: s.registrar, at: "2027-04-01T00:00:00+01:00")
        }
    }

    @Test func ballotBeforeTheElectionKeyIsRefused() throws {
        var s = try S(group: .shared)
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        let b = BallotCast(term: s.term, window: 1, contests: []).payloadBytes(record: s.record, term: s.term)
        expectRefusal(.noElectionKey) { try s.applyBytes(b, by: voter, at: Self.inWindow) }
    }

    @Test func onlyTheRightRolesMayWrite() throws {
        var (s, voter) = try openScenario()
        var v2 = S.office
        v2.version = 2
        expectRefusal(.notAuthorised) { try s.apply(v2, by: s.registrar, at: Self.inWindow) }
        expectRefusal(.notAuthorised) {
            try s.apply(RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "01-01",
                                  eligibleFrom: nil, eligibleUntil: nil), by: s.officer, at: Self.inWindow)
        }
        expectRefusal(.notAuthorised) { try s.apply(TermClose(tally: [], counted: 0), by: voter, at: "2029-01-02T09:00:00+01:00") }
    }

    @Test func resultsAreSealedUntilTheTermEnds() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        expectRefusal(.sealed) {
            try s.apply(TermClose(tally: s.state.closeItems(), counted: 1), by: s.officer, at: "2028-12-31T23:59:59+01:00")
        }
        expectRefusal(.sealed) { try s.apply(TallyShare(trustee: 1, shares: []), by: s.trusteeKeys[0], at: Self.inWindow) }
        expectRefusal(.notClosed) { try s.apply(TallyResult(trustees: [1, 2], results: []), by: s.officer, at: Self.inWindow) }
    }

    @Test func closeMustFreezeTheRunningTally() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        var items = s.state.closeItems()
        items.swapAt(0, 1)
        expectRefusal(.tally) { try s.apply(TermClose(tally: items, counted: 1), by: s.officer, at: "2029-01-02T09:00:00+01:00") }
        expectRefusal(.tally) { try s.apply(TermClose(tally: s.state.closeItems(), counted: 2), by: s.officer, at: "2029-01-02T09:00:00+01:00") }
    }

    @Test func wrongPublishedCountAndForgedShareAreRefused() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        try s.apply(TermClose(tally: s.state.closeItems(), counted: 1), by: s.officer, at: "2029-01-02T09:00:00+01:00")
        let bench = TrusteeWorkbench(group: s.group)
        var forged = try bench.decrypt(s.trusteeSecrets[1], items: s.state.close!.tally)
        forged.shares[0].d = s.group.hex(s.group.op(try s.group.decodeElement(hex: forged.shares[0].d), s.group.generator))
        expectRefusal(.badProof) { try s.apply(forged, by: s.trusteeKeys[1], at: "2029-01-02T09:00:00+01:00") }
        // A trustee cannot publish another trustee's shares.
        expectRefusal(.notAuthorised) {
            try s.apply(try bench.decrypt(s.trusteeSecrets[0], items: s.state.close!.tally), by: s.trusteeKeys[1], at: "2029-01-02T09:00:00+01:00")
        }
        for i in [0, 2] { try s.apply(try bench.decrypt(s.trusteeSecrets[i], items: s.state.close!.tally), by: s.trusteeKeys[i], at: "2029-01-02T09:00:00+01:00") }
        let solver = try DiscreteLogSolver(group: s.group, max: 1)
        var result = try s.state.computeResult(trustees: [1, 3]) { try? solver.solve($0) }
        result.results[0].options[0].count = 0
        result.results[0].options[1].count = 1
        expectRefusal(.tally) { try s.apply(result, by: s.officer, at: "2029-01-02T10:00:00+01:00") }
        expectRefusal(.tally) { _ = try s.state.computeResult(trustees: [1]) { _ in 0 } }
    }

    @Test func challengedBallotIsLoggedNeverCountedAndCannotBeCastLater() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        let (challenged, spoil) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        let effect = try s.applyBytes(spoil, by: device, at: Self.inWindow)
        #expect(effect == .ballotSpoiled(window: 1))
        #expect(s.state.countedBallots == 0)
        #expect(s.state.spoiledBallots == 1)
        // The prepared ballot shares the challenged ciphertexts: refused, whatever bytes surround them.
        expectRefusal(.replay) { try s.applyBytes(b.payload, by: voter, at: Self.inWindow) }
        // The challenged payload itself cannot be cast either (its proofs name the device, too).
        expectRefusal(.replay) { try s.applyBytes(challenged.payload, by: voter, at: Self.inWindow) }
        // A fresh encryption of the same choices is cast.
        let fresh = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        #expect(try s.applyBytes(fresh.payload, by: voter, at: Self.inWindow) == .ballotCounted(window: 1, superseded: nil))
    }

    /// BAL-5/BAL-8's fresh randomness: a challenge that re-proves a counted ballot's ciphertexts for the
    /// kiosk would publish that ballot's randomness, i.e. the voter's choices. Refused, nothing changes.
    @Test func challengingTheCiphertextsOfACountedBallotIsRefused() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        #expect(try s.applyBytes(b.payload, by: voter, at: Self.inWindow) == .ballotCounted(window: 1, superseded: nil))
        let before = s.state.snapshot()
        let (_, spoil) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        expectRefusal(.replay) { try s.applyBytes(spoil, by: device, at: Self.inWindow) }
        // The same randomness with other choices (other `b`s, the same `a`s) is refused too.
        let (_, other) = try s.spoil(of: b, choices: ["office": "ana"], device: device)
        expectRefusal(.replay) { try s.applyBytes(other, by: device, at: Self.inWindow) }
        #expect(s.state.spoiledBallots == 0 && s.state.countedBallots == 1)
        #expect(s.state.snapshot() == before)
    }

    /// A cast that reuses the randomness of a challenged ballot with other choices: no ciphertext pair
    /// is equal (the old rule compared pairs), but the public `r` decrypts every one of them.
    @Test func castingTheRandomnessOfAChallengedBallotWithOtherChoicesIsRefused() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        let (_, spoil) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        _ = try s.applyBytes(spoil, by: device, at: Self.inWindow)
        // ana/ben swapped, blank fresh: every (a, b) pair differs from the challenged ones.
        var randomness = b.openings
        randomness[0].selections[2].r = Hex.encode(s.group.encode(s.group.randomScalar()))
        let builder = BallotBuilder(group: s.group, record: s.record, term: s.term, electionKey: s.state.electionKey!)
        let reused = try builder.build(contests: s.state.contests.inForce(window: 1), choices: [ContestChoice(contest: "office", selected: ["ana"])],
                                       credential: voter.publicKey.rawRepresentation, window: 1, randomness: randomness)
        expectRefusal(.replay) { try s.applyBytes(reused.payload, by: voter, at: Self.inWindow) }
        #expect(s.state.countedBallots == 0)
    }

    /// Two ballots (of two voters) with the same randomness, or one ballot whose two selections share
    /// it: anyone could compare the choices. Refused.
    @Test func sharedRandomnessBetweenOrWithinBallotsIsRefused() throws {
        var (s, voter) = try openScenario()
        let other = try s.enrol("03-10")
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        _ = try s.applyBytes(b.payload, by: voter, at: Self.inWindow)
        let builder = BallotBuilder(group: s.group, record: s.record, term: s.term, electionKey: s.state.electionKey!)
        let contests = s.state.contests.inForce(window: 1)
        let copied = try builder.build(contests: contests, choices: [ContestChoice(contest: "office", selected: ["ana"])],
                                       credential: other.publicKey.rawRepresentation, window: 1, randomness: b.openings)
        expectRefusal(.replay) { try s.applyBytes(copied.payload, by: other, at: Self.inWindow) }
        var twice = try s.ballot(for: other, window: 1, choices: ["office": "ana"]).openings
        twice[0].selections[1].r = twice[0].selections[0].r
        let within = try builder.build(contests: contests, choices: [ContestChoice(contest: "office", selected: ["ana"])],
                                       credential: other.publicKey.rawRepresentation, window: 1, randomness: twice)
        expectRefusal(.replay) { try s.applyBytes(within.payload, by: other, at: Self.inWindow) }
        #expect(s.state.countedBallots == 1)
        // A fresh ballot of the same voter is counted.
        let fresh = try s.ballot(for: other, window: 1, choices: ["office": "ana"])
        #expect(try s.applyBytes(fresh.payload, by: other, at: Self.inWindow) == .ballotCounted(window: 1, superseded: nil))
    }

    @Test func challengeSignedByCredentialOrUnknownOrRevokedDeviceIsRefused() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        // Signed by the voter's credential (the old, linkable way).
        let (_, byVoter) = try s.spoil(of: b, choices: ["office": "ben"], device: voter)
        expectRefusal(.device) { try s.applyBytes(byVoter, by: voter, at: Self.inWindow) }
        // Signed by a device never enrolled.
        let stranger = Ed25519.SigningKey.generate()
        let (_, byStranger) = try s.spoil(of: b, choices: ["office": "ben"], device: stranger)
        expectRefusal(.device) { try s.applyBytes(byStranger, by: stranger, at: Self.inWindow) }
        // Proofs bound to another key than the signing device.
        let (_, boundElsewhere) = try s.spoil(of: b, choices: ["office": "ben"], device: stranger)
        expectRefusal(.badProof) { try s.applyBytes(boundElsewhere, by: device, at: Self.inWindow) }
        // Revoked.
        try s.apply(KioskRevoke(device: "kiosk-1"), by: s.officer, at: "2027-03-10T08:00:00+01:00")
        let (_, byRevoked) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        expectRefusal(.device) { try s.applyBytes(byRevoked, by: device, at: Self.inWindow) }
        #expect(s.state.spoiledBallots == 0)
    }

    @Test func spoiledBallotWithWrongOpeningIsRefused() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 1, choices: ["office": "ben"])
        var spoil = try BallotSpoil.decode(try s.spoil(of: b, choices: ["office": "ben"], device: device).1)
        spoil.openings[0].selections[0].m = 1  // claims "ana" was chosen
        expectRefusal(.badProof) { try s.apply(spoil, by: device, at: Self.inWindow) }
    }

    @Test func challengeForAWindowNoBirthdayHasOpenIsRefused() throws {
        var (s, voter) = try openScenario()
        let device = try s.enrolDevice()
        let b = try s.ballot(for: voter, window: 2, choices: ["office": "ben"])
        let (_, spoil) = try s.spoil(of: b, choices: ["office": "ben"], device: device)
        // In March 2027 only windows 1 exist (the term started on 1 January 2027).
        expectRefusal(.wrongWindow) { try s.applyBytes(spoil, by: device, at: Self.inWindow) }
    }

    @Test func refusedEntryChangesNothing() throws {
        var (s, voter) = try openScenario()
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        let before = (s.state.countedBallots, s.state.tally, s.state.lastIndex)
        var bad = try BallotCast.decode(try s.ballot(for: voter, window: 1, choices: ["office": "ben"]).payload)
        bad.contests[0].range.c[0] = bad.contests[0].range.r[0]
        expectRefusal(.badProof) { try s.apply(bad, by: voter, at: Self.inWindow) }
        #expect(s.state.countedBallots == before.0)
        #expect(s.state.tally == before.1)
        #expect(s.state.lastIndex == before.2)
    }

    @Test func ceremonyRules() throws {
        var s = try S(group: .shared)
        let bench = TrusteeWorkbench(group: s.group)
        let secrets = try (1...3).map { try bench.start(record: s.record, term: s.term, index: $0, n: 3, t: 2) }
        try s.apply(try bench.commitments(secrets[0]), by: s.trusteeKeys[0], at: "2026-12-02T09:00:00+01:00")
        expectRefusal(.ceremony) { try s.apply(try bench.commitments(secrets[0]), by: s.trusteeKeys[0], at: "2026-12-02T09:00:00+01:00") }
        expectRefusal(.notAuthorised) { try s.apply(try bench.commitments(secrets[1]), by: s.trusteeKeys[2], at: "2026-12-02T09:00:00+01:00") }
        var badProof = try bench.commitments(secrets[1])
        badProof.proofs[1] = badProof.proofs[0]
        expectRefusal(.badProof) { try s.apply(badProof, by: s.trusteeKeys[1], at: "2026-12-02T09:00:00+01:00") }
        expectRefusal(.ceremony) { try s.apply(try bench.shares(secrets[0], boxKeys: [2: Array(repeating: 1, count: 32), 3: Array(repeating: 2, count: 32)]),
                                               by: s.trusteeKeys[0], at: "2026-12-02T09:00:00+01:00") }
        try s.apply(try bench.commitments(secrets[1]), by: s.trusteeKeys[1], at: "2026-12-02T09:00:00+01:00")
        try s.apply(try bench.commitments(secrets[2]), by: s.trusteeKeys[2], at: "2026-12-02T09:00:00+01:00")
        for i in 0..<3 { try s.apply(try bench.shares(secrets[i], boxKeys: s.state.boxKeys), by: s.trusteeKeys[i], at: "2026-12-02T10:00:00+01:00") }
        // A wrong verification key is refused; a complaint blocks the election key.
        expectRefusal(.ceremony) {
            try s.apply(TrusteeReady(trustee: 1, verificationKey: s.group.hex(s.group.generator)), by: s.trusteeKeys[0], at: "2026-12-02T11:00:00+01:00")
        }
        try s.apply(TrusteeComplaint(trustee: 2, against: 1, reason: "test"), by: s.trusteeKeys[1], at: "2026-12-02T11:00:00+01:00")
        for i in 0..<3 {
            guard case .ready(_, let ready) = try bench.check(secrets[i], received: Array(s.state.sharePayloads.values), commitments: s.state.commitments) else {
                Issue.record("honest shares should check"); return
            }
            try s.apply(ready, by: s.trusteeKeys[i], at: "2026-12-02T11:00:00+01:00")
        }
        expectRefusal(.ceremony) {
            try s.apply(ElectionKeyPayload(publicKey: s.group.hex(s.state.expectedElectionKey!)), by: s.officer, at: "2026-12-02T12:00:00+01:00")
        }
    }

    @Test func trusteeDetectsABadShare() throws {
        var s = try S(group: .shared)
        let bench = TrusteeWorkbench(group: s.group)
        let secrets = try (1...3).map { try bench.start(record: s.record, term: s.term, index: $0, n: 3, t: 2) }
        for i in 0..<3 { try s.apply(try bench.commitments(secrets[i]), by: s.trusteeKeys[i], at: "2026-12-02T09:00:00+01:00") }
        // Trustee 1 seals a wrong value to trustee 2.
        var shares = try bench.shares(secrets[0], boxKeys: s.state.boxKeys)
        let wrong = SecureBytes(s.group.encode(s.group.randomScalar()))
        shares.shares[0].sealed = Data(try SealedBox.seal(wrong, to: s.state.boxKeys[2]!)).base64EncodedString()
        try s.apply(shares, by: s.trusteeKeys[0], at: "2026-12-02T10:00:00+01:00")
        for i in 1..<3 { try s.apply(try bench.shares(secrets[i], boxKeys: s.state.boxKeys), by: s.trusteeKeys[i], at: "2026-12-02T10:00:00+01:00") }
        guard case .complaint(let c) = try bench.check(secrets[1], received: Array(s.state.sharePayloads.values), commitments: s.state.commitments) else {
            Issue.record("trustee 2 should complain about trustee 1"); return
        }
        #expect(c.against == 1)
        #expect(c.trustee == 2)
    }

    @Test func rollRules() throws {
        var (s, voter) = try openScenario()
        let hex = Hex.encode(voter.publicKey.rawRepresentation)
        expectRefusal(.roll) {
            try s.apply(RollEnrol(credential: hex, birthday: "05-05", eligibleFrom: nil, eligibleUntil: nil), by: s.registrar, at: Self.inWindow)
        }
        expectRefusal(.roll) {
            try s.apply(RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "02-30",
                                  eligibleFrom: nil, eligibleUntil: nil), by: s.registrar, at: Self.inWindow)
        }
        expectRefusal(.roll) {
            try s.apply(RollEnrol(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), birthday: "05-05",
                                  eligibleFrom: "2028-01-01", eligibleUntil: "2027-01-01"), by: s.registrar, at: Self.inWindow)
        }
        expectRefusal(.unknownCredential) {
            try s.apply(RollUpdate(credential: Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation), eligibleFrom: nil,
                                   eligibleUntil: nil, reason: "death"), by: s.registrar, at: Self.inWindow)
        }
        expectRefusal(.roll) {
            try s.apply(RollUpdate(credential: hex, eligibleFrom: nil, eligibleUntil: nil, reason: "vacation"), by: s.registrar, at: Self.inWindow)
        }
    }

    @Test func perYearTotalsAreKeptWhenTheTermAsksForThem() throws {
        var s = try S(group: .shared, perYear: true)
        try s.ceremony()
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        try s.applyBytes(try s.ballot(for: voter, window: 2, choices: ["office": "ben"]).payload, by: voter, at: "2028-03-11T10:00:00+01:00")
        let result = try s.closeAndDecrypt()
        #expect(result.results.map(\.year) == [nil, 1, 2])
        #expect(result.results[1].options.map(\.count) == [1, 0, 0])
        #expect(result.results[2].options.map(\.count) == [0, 1, 0])
    }

    @Test func tieIsReportedNeverBroken() throws {
        var (s, voter) = try openScenario()
        let other = try s.enrol("03-10")
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter, at: Self.inWindow)
        try s.applyBytes(try s.ballot(for: other, window: 1, choices: ["office": "ben"]).payload, by: other, at: Self.inWindow)
        let result = try s.closeAndDecrypt()
        #expect(result.results[0].tie)
        #expect(result.results[0].winners == ["ana", "ben"])
    }
}
