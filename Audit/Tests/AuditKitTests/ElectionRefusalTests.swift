import AuditKit
import Foundation
import Testing

/// Every rule of SPEC.md §4 tried against a record that breaks it: each must fail under its check id.
@Suite struct ElectionRefusalTests {
    typealias B = ElectionBuilder<Ristretto255>

    /// Term, ceremony, two voters (ana 03-10, bea 06-15) and the office contest.
    func base(ceremony: Bool = true) -> (B, Int, Int) {
        let b = B(group: Ristretto255())
        b.setup()
        if ceremony { b.ceremony() }
        let ana = b.enrol(0xa1, birthday: "03-10")
        let bea = b.enrol(0xa2, birthday: "06-15")
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        return (b, ana, bea)
    }

    func run(_ b: B) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    func expectOnly(_ report: Report, _ ids: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(report.failedIDs) == ids, "expected exactly \(ids.sorted()) to fail:\n\(report.text)", sourceLocation: sourceLocation)
    }

    @Test func baseRecordPasses() throws {
        let (b, ana, _) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        expectOnly(try run(b), [])
    }

    @Test func authorsMustHoldTheirRoles() throws {
        let (b, _, _) = base()
        b.add("contest.version", [("contest", .string("x")), ("version", .int(1)), ("title", .string("x")), ("year", .null),
                                  ("options", .array([])), ("min", .int(0)), ("max", .int(0))], by: b.registrar)
        b.add("roll.enrol", [("credential", b.hex(TestKey(seed: 5).publicKey)), ("birthday", .string("01-01")),
                             ("eligible_from", .null), ("eligible_until", .null)], by: b.officer)
        b.add("trustee.ready", [("trustee", .int(2)), ("verification_key", b.el(b.group.generator))], by: b.trustees[0])
        let r = try run(b)
        expectOnly(r, ["AUTH"])
        #expect(r["AUTH"]?.failed == 3)
    }

    @Test func entriesMustNameTheTerm() throws {
        let (b, _, _) = base()
        let p = Array(JSON.object([("kind", .string("roll.enrol")), ("record", .string(b.record)), ("term", .string("other")),
                                   ("credential", b.hex(TestKey(seed: 5).publicKey)), ("birthday", .string("01-01")),
                                   ("eligible_from", .null), ("eligible_until", .null)]).compactText.utf8)
        b.add(raw: p, by: b.registrar)
        expectOnly(try run(b), ["AUTH"])
    }

    @Test func termSetupRules() throws {
        let b = B(group: Ristretto255())
        var fields = b.setupFields()
        fields[4] = ("window_days", .int(40))
        b.add("term.setup", fields, by: b.officer)
        #expect(try run(b).failedIDs.contains("TERM"))

        let c = B(group: Ristretto255())
        c.add("roll.enrol", [("credential", c.hex(TestKey(seed: 5).publicKey)), ("birthday", .string("01-01")),
                             ("eligible_from", .null), ("eligible_until", .null)], by: c.registrar)
        c.setup()
        let r = try run(c)
        #expect(r.failedIDs.contains("TERM"))
        #expect(r.failedIDs.contains("AUTH"))

        let d = B(group: Ristretto255())
        var f2 = d.setupFields()
        f2[1] = ("time_zone", .string("Mars/Olympus_Mons"))
        d.add("term.setup", f2, by: d.officer)
        #expect(try run(d).failedIDs == ["TERM"])
    }

    @Test func trusteeCommitmentProofsMustVerify() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremonyCommitments()
        // Trustee 2 republishes? No: a fresh record where trustee 1's proofs are swapped.
        var lines = b.log.entries
        let p = try JSON.parse(lines[1].payload)
        var members = p.objectMembers!
        let proofs = members[6].1.arrayValue!
        members[6].1 = .array([proofs[1], proofs[0]])
        let key = b.trustees[0]
        let payload = Array(JSON.object(members).compactText.utf8)
        lines[1] = Entry(index: 1, time: lines[1].time, author: key.publicKey, signature: key.sign(Entry.signaturePrefix + payload), payload: payload)
        b.log.entries = lines
        expectOnly(try run(b), ["TRU-1"])
    }

    @Test func sharesNeedEveryCommitmentFirst() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremonyCommitments()
        let last = b.log.entries.removeLast()
        b.ceremonyShares()
        b.log.append(payload: last.payload, key: b.trustees[2], time: b.log.entries.last!.time)
        let r = try run(b)
        #expect(r.failedIDs.contains("TRU-2"))
        #expect(r.failedIDs.contains("TRU-1"))
    }

    @Test func aComplaintForbidsTheKey() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremonyCommitments()
        b.ceremonyShares()
        b.add("trustee.complaint", [("trustee", .int(2)), ("against", .int(1)), ("reason", .string("bad share"))], by: b.trustees[1])
        b.ceremonyReady()
        b.electionKey()
        expectOnly(try run(b), ["TRU-3"])
    }

    @Test func verificationKeysAndPublicKeyMustMatchCommitments() throws {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremonyCommitments()
        b.ceremonyShares()
        b.ceremonyReady()
        // Rewrite trustee 2's ready with a wrong key.
        let i = b.log.entries.count - 2
        let bad = b.payload("trustee.ready", [("trustee", .int(2)), ("verification_key", b.el(b.group.generator))])
        let k = b.trustees[1]
        b.log.entries[i] = Entry(index: UInt64(i), time: b.log.entries[i].time, author: k.publicKey,
                                 signature: k.sign(Entry.signaturePrefix + bad), payload: bad)
        b.add("election.key", [("public_key", b.el(b.group.generator))], by: b.officer)
        expectOnly(try run(b), ["TRU-4", "TRU-5"])
    }

    @Test func rollRules() throws {
        let (b, ana, _) = base()
        b.add("roll.enrol", [("credential", b.hex(b.voters[ana].key.publicKey)), ("birthday", .string("01-01")),
                             ("eligible_from", .null), ("eligible_until", .null)], by: b.registrar)
        b.add("roll.enrol", [("credential", b.hex([UInt8](repeating: 0, count: 32))), ("birthday", .string("01-01")),
                             ("eligible_from", .null), ("eligible_until", .null)], by: b.registrar)
        b.add("roll.enrol", [("credential", b.hex(TestKey(seed: 9).publicKey)), ("birthday", .string("02-30")),
                             ("eligible_from", .null), ("eligible_until", .null)], by: b.registrar)
        b.add("roll.update", [("credential", b.hex(TestKey(seed: 8).publicKey)), ("eligible_from", .null),
                              ("eligible_until", .null), ("reason", .string("death"))], by: b.registrar)
        b.add("roll.update", [("credential", b.hex(b.voters[ana].key.publicKey)), ("eligible_from", .string("2027-01-01")),
                              ("eligible_until", .string("2026-01-01")), ("reason", .string("correction"))], by: b.registrar)
        b.add("roll.replace", [("old", b.hex(b.voters[ana].key.publicKey)), ("new", b.hex(TestKey(seed: 7).publicKey)),
                               ("date", .string("2026-05-01")), ("reason", .string("lost"))], by: b.registrar)
        b.add("roll.replace", [("old", b.hex(b.voters[ana].key.publicKey)), ("new", b.hex(TestKey(seed: 6).publicKey)),
                               ("date", .string("2026-06-01")), ("reason", .string("stolen"))], by: b.registrar)
        let r = try run(b)
        expectOnly(r, ["ROLL-1", "ROLL-2", "ROLL-3"])
        #expect(r["ROLL-1"]?.failed == 3)
        #expect(r["ROLL-2"]?.failed == 2)
        #expect(r["ROLL-3"]?.failed == 1)
    }

    @Test func contestRules() throws {
        let (b, _, _) = base()
        b.add("contest.version", [("contest", .string("office")), ("version", .int(3)), ("title", .string("x")), ("year", .null),
                                  ("options", .array([.object([("id", .string("a")), ("label", .string("A"))])])),
                                  ("min", .int(1)), ("max", .int(1))], by: b.officer)
        b.add("contest.version", [("contest", .string("ref")), ("version", .int(1)), ("title", .string("x")), ("year", .int(1)),
                                  ("options", .array([.object([("id", .string("a")), ("label", .string("A"))]),
                                                      .object([("id", .string("a")), ("label", .string("B"))])])),
                                  ("min", .int(1)), ("max", .int(1))], by: b.officer)
        b.add("contest.version", [("contest", .string("ref2")), ("version", .int(1)), ("title", .string("x")), ("year", .null),
                                  ("options", .array([.object([("id", .string("a")), ("label", .string("A"))])])),
                                  ("min", .int(1)), ("max", .int(2))], by: b.officer)
        let r = try run(b)
        expectOnly(r, ["CON-1", "CON-2"])
        #expect(r["CON-2"]?.failed == 2)
    }

    @Test func ballotFromACredentialNotOnTheRoll() throws {
        let (b, _, _) = base()
        let stranger = TestKey(seed: 0x55)
        let ballot = b.makeBallot(credential: stranger.publicKey, window: 1, choices: [:])
        b.add(raw: ballot.payload, by: stranger, at: b.at(2026, 3, 10))
        let r = try run(b)
        #expect(r.failedIDs.contains("BAL-1"))
        #expect(r.failedIDs.contains("BAL-2"))
    }

    @Test func windowBoundariesAreExact() throws {
        // Opening instant and the last millisecond pass; one millisecond before and the closing instant fail.
        let (b, ana, bea) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        b.cast(bea, window: 1, at: b.at(2026, 6, 22) - 1)
        expectOnly(try run(b), [])
        let (c, ana2, bea2) = base()
        c.cast(ana2, window: 1, at: c.at(2026, 3, 10) - 1, count: false)
        c.cast(bea2, window: 1, at: c.at(2026, 6, 22), count: false)
        c.cast(bea2, window: 2, at: c.at(2026, 6, 23), count: false)
        let r = try run(c)
        expectOnly(r, ["BAL-2"])
        #expect(r["BAL-2"]?.failed == 3)
    }

    @Test func windowsFollowDaylightSavingTime() throws {
        // 2026-03-29 is the spring-forward day in Europe/Paris: a window opening on 03-25 with 7 days
        // closes at local midnight of 04-01, i.e. 7·24 − 1 hours later.
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let v = b.enrol(0xc1, birthday: "03-25")
        b.contest("office", options: [("alice", "Alice"), ("blank", "Blanc")])
        let open = b.at(2026, 3, 25)
        let close = b.at(2026, 4, 1)
        #expect(close - open == UInt64(7 * 24 - 1) * 3_600_000)
        b.cast(v, window: 1, at: close - 1)
        expectOnly(try run(b), [])
        b.cast(v, window: 1, at: close, count: false)
        expectOnly(try run(b), ["BAL-2"])
    }

    @Test func leapDayBirthdaysUseTheTermRule() throws {
        let (b, _, _) = base()
        let leap = b.enrol(0xd1, birthday: "02-29")
        b.cast(leap, window: 1, at: b.at(2026, 2, 28))     // feb28 rule in a common year
        expectOnly(try run(b), [])
        b.cast(leap, window: 2, at: b.at(2027, 3, 1, plus: 1), count: false)  // still inside [02-28, 03-07)
        expectOnly(try run(b), [])
    }

    @Test func eligibilityChangesApplyToLaterBallotsOnly() throws {
        let (b, ana, _) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 11))
        b.add("roll.update", [("credential", b.hex(b.voters[ana].key.publicKey)), ("eligible_from", .null),
                              ("eligible_until", .string("2026-03-12")), ("reason", .string("moved-out"))], by: b.registrar,
              at: b.at(2026, 3, 12, plus: 5))
        expectOnly(try run(b), [])                          // the earlier ballot keeps counting
        b.cast(ana, window: 1, at: b.at(2026, 3, 13), count: false)
        expectOnly(try run(b), ["BAL-2"])                   // a later one is outside the clipped window
    }

    @Test func ballotContestsMustBeThoseInForce() throws {
        let (b, ana, bea) = base()
        let stale = b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:])
        b.contest("office", options: [("alice", "Alice"), ("blank", "Blanc")], at: b.at(2026, 3, 1))
        b.add(raw: stale.payload, by: b.voters[ana].key, at: b.at(2026, 3, 10))        // version 1 after version 2
        b.contest("ref", options: [("yes", "Oui"), ("no", "Non")], year: 1, at: b.at(2026, 6, 1))
        let missing = ElectionBuilder<Ristretto255>.MadeBallot.self
        _ = missing
        // A ballot for window 1 built before the referendum existed lacks it.
        b.contests["ref"] = nil
        let noRef = b.makeBallot(credential: b.voters[bea].key.publicKey, window: 1, choices: [:])
        b.contests["ref"] = [.init(contest: "ref", version: 1, year: 1, options: [("yes", "Oui"), ("no", "Non")], min: 1, max: 1)]
        b.add(raw: noRef.payload, by: b.voters[bea].key, at: b.at(2026, 6, 15))
        let r = try run(b)
        expectOnly(r, ["BAL-3"])
        #expect(r["BAL-3"]?.failed == 2)
    }

    @Test func ballotProofsBindTheCredential() throws {
        let (b, ana, bea) = base()
        // bea re-signs ana's ballot: its proofs are bound to ana's credential.
        let copied = b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:])
        b.add(raw: copied.payload, by: b.voters[bea].key, at: b.at(2026, 6, 15))
        expectOnly(try run(b), ["BAL-4"])
    }

    @Test func tamperedBallotProofFails() throws {
        let (b, ana, bea) = base()
        for (field, voter, time) in [("\"r\":[\"", ana, b.at(2026, 3, 10)), ("\"c\":[\"", bea, b.at(2026, 6, 15))] {
            var text = String(decoding: b.makeBallot(credential: b.voters[voter].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
            let r = text.range(of: field)!
            let other = Hex.encode(b.group.encodeScalar(b.prover.randomScalar()))
            text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: other)
            b.add(raw: Array(text.utf8), by: b.voters[voter].key, at: time)
        }
        let r = try run(b)
        expectOnly(r, ["BAL-4"])
        #expect(r["BAL-4"]?.failed == 2)
    }

    @Test func invalidElementInABallotFails() throws {
        let (b, ana, _) = base()
        var text = String(decoding: b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        let r = text.range(of: "\"a\":\"")!
        text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 64), with: "ff" + String(repeating: "f", count: 60) + "7f")
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 10))
        expectOnly(try run(b), ["BAL-4"])
    }

    @Test func replayedBallotFails() throws {
        let (b, ana, _) = base()
        let made = b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        b.add(raw: made.payload, by: b.voters[ana].key, at: b.at(2026, 3, 11))
        expectOnly(try run(b), ["BAL-5"])
    }

    @Test func supersededBallotIsNotCounted() throws {
        let (b, ana, bea) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        b.cast(ana, window: 1, at: b.at(2026, 3, 11), choices: ["office": ["alice"]])
        b.cast(bea, window: 1, at: b.at(2026, 6, 15), choices: ["office": ["alice"]])
        b.close(at: b.at(2028, 1, 1))
        b.tallyShare(2)
        b.tallyShare(3)
        let counts = b.result(trustees: [2, 3])
        #expect(counts[.init(contest: "office", option: "alice", year: nil)] == 2)
        #expect(counts[.init(contest: "office", option: "bob", year: nil)] == 0)
        let r = try run(b)
        expectOnly(r, [])
        #expect(r["BAL-6"]?.checked == 3)
        #expect(r.facts.contains { $0.0 == "ballots" && $0.1.hasPrefix("2 counted, 1 superseded") })
    }

    @Test func countingASupersededBallotFailsTheTally() throws {
        let (b, ana, _) = base()
        let first = b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        b.cast(ana, window: 1, at: b.at(2026, 3, 11), choices: ["office": ["alice"]])
        // The close counts both ballots.
        for (k, ct) in first.selections { b.tally[k] = b.tally[k]!.adding(ct, in: b.group) }
        b.close(at: b.at(2028, 1, 1), countedOverride: 2)
        expectOnly(try run(b), ["TAL-1"])
    }

    @Test func ballotsNeedTheKeyAndNoClose() throws {
        let (b, ana, _) = base(ceremony: false)
        b.pk = b.group.expG(b.prover.randomScalar())
        b.cast(ana, window: 1, at: b.at(2026, 3, 10), count: false)
        #expect(try run(b).failedIDs.contains("BAL-7"))
        let (c, ana2, bea2) = base()
        c.cast(ana2, window: 1, at: c.at(2026, 3, 10))
        c.close(at: c.at(2028, 1, 1))
        c.cast(bea2, window: 1, at: c.at(2028, 1, 2), count: false)
        let r = try run(c)
        #expect(r.failedIDs.contains("BAL-7"))
        #expect(r.failedIDs.contains("BAL-2"))
    }

    @Test func spoiledBallotOpeningsMustMatch() throws {
        let (b, ana, bea) = base()
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        expectOnly(try run(b), [])
        b.spoil(bea, window: 1, at: b.at(2026, 6, 15), choices: ["office": ["bob"]]) { openings in
            // Claim the voter chose alice: m flipped on the first two selections.
            var o = openings[0].objectMembers!
            var sels = o[1].1.arrayValue!
            for i in 0..<2 {
                var s = sels[i].objectMembers!
                s[0].1 = .int(s[0].1.intValue == 1 ? 0 : 1)
                sels[i] = .object(s)
            }
            o[1].1 = .array(sels)
            openings[0] = .object(o)
        }
        expectOnly(try run(b), ["BAL-8"])
    }

    @Test func closeRules() throws {
        // Too early.
        let (b, ana, _) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        b.close(at: b.at(2027, 12, 31))
        expectOnly(try run(b), ["TAL-1"])
        // Wrong count.
        let (c, ana2, _) = base()
        c.cast(ana2, window: 1, at: c.at(2026, 3, 10))
        c.close(at: c.at(2028, 1, 1), countedOverride: 5)
        expectOnly(try run(c), ["TAL-1"])
        // A swapped ciphertext.
        let (d, ana3, _) = base()
        d.cast(ana3, window: 1, at: d.at(2026, 3, 10), choices: ["office": ["alice"]])
        d.close(at: d.at(2028, 1, 1)) { items in
            var a = items[0].objectMembers!, bb = items[1].objectMembers!
            (a[3], bb[3]) = (bb[3], a[3]); (a[4], bb[4]) = (bb[4], a[4])
            items[0] = .object(a); items[1] = .object(bb)
        }
        expectOnly(try run(d), ["TAL-1"])
    }

    @Test func decryptionSharesAndResultRules() throws {
        func closed() -> B {
            let (b, ana, bea) = base()
            b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["alice"]])
            b.cast(bea, window: 1, at: b.at(2026, 6, 15), choices: ["office": ["bob"]])
            b.close(at: b.at(2028, 1, 1))
            return b
        }
        // A bad decryption share.
        let b = closed()
        b.tallyShare(1, tamperItem: 1)
        expectOnly(try run(b), ["TAL-2"])
        // A wrong count.
        let c = closed()
        c.tallyShare(1); c.tallyShare(2)
        _ = c.result(trustees: [1, 2]) { results in
            var r = results[0].objectMembers!
            var opts = r[2].1.arrayValue!
            var o = opts[0].objectMembers!
            o[2].1 = .int(2)
            opts[0] = .object(o)
            r[2].1 = .array(opts)
            r[3].1 = .array([.string("alice")]); r[4].1 = .bool(false)
            results[0] = .object(r)
        }
        expectOnly(try run(c), ["TAL-3"])
        // Winners must include every tied option (ties are never broken).
        let d = closed()
        d.tallyShare(2); d.tallyShare(3)
        _ = d.result(trustees: [2, 3]) { results in
            var r = results[0].objectMembers!
            r[3].1 = .array([.string("alice")]); r[4].1 = .bool(false)
            results[0] = .object(r)
        }
        expectOnly(try run(d), ["TAL-3"])
        // Fewer than t trustees.
        let e = closed()
        e.tallyShare(1)
        _ = e.result(trustees: [1])
        expectOnly(try run(e), ["TAL-3"])
        // A withdrawn candidate must be reported as withdrawn.
        let f = closed()
        f.contests["office"]!.append(.init(contest: "office", version: 2, year: nil, options: [("alice", "Alice"), ("blank", "Blanc")], min: 1, max: 1))
        f.tallyShare(1); f.tallyShare(3)
        _ = f.result(trustees: [1, 3])
        expectOnly(try run(f), ["TAL-3"])   // the record has no version 2: bob is not withdrawn
    }

    @Test func unknownKindsAreReported() throws {
        let (b, _, _) = base()
        b.add("ledger.mystery", [], by: b.officer)
        expectOnly(try run(b), ["KND-1"])
    }

    @Test func rollAndContestsFreezeAtTheClose() throws {
        let (b, ana, _) = base()
        b.contest("ref", options: [("yes", "Oui"), ("no", "Non")], year: 1, at: b.at(2026, 2, 1))
        b.cast(ana, window: 1, at: b.at(2026, 3, 10), choices: ["ref": ["yes"]])
        b.close(at: b.at(2028, 1, 1))
        b.enrol(0xe1, birthday: "01-01")
        b.add("contest.version", [("contest", .string("office")), ("version", .int(2)), ("title", .string("x")), ("year", .null),
                                  ("options", .array([.object([("id", .string("alice")), ("label", .string("A"))])])),
                                  ("min", .int(1)), ("max", .int(1))], by: b.officer)
        let r = try run(b)
        expectOnly(r, ["ROLL-4", "CON-1"])
    }

    @Test func aContestKeepsItsYear() throws {
        let (b, _, _) = base()
        b.add("contest.version", [("contest", .string("office")), ("version", .int(2)), ("title", .string("x")), ("year", .int(1)),
                                  ("options", .array([.object([("id", .string("alice")), ("label", .string("A"))])])),
                                  ("min", .int(1)), ("max", .int(1))], by: b.officer)
        expectOnly(try run(b), ["CON-1"])
    }
}
