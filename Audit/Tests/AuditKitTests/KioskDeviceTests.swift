import AuditKit
import Foundation
import Testing

/// SPEC.md §4.9 (`KSK-1`, `KSK-2`) and the device rules of `ballot.spoil` (`BAL-8`): each refusal,
/// tried on a record built independently of the checker.
@Suite struct KioskDeviceTests {
    typealias B = ElectionBuilder<Ristretto255>

    func base() -> (B, Int) {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10")
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        return (b, ana)
    }

    func run(_ b: B) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    func expectOnly(_ report: Report, _ ids: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(report.failedIDs) == ids, "expected exactly \(ids.sorted()) to fail:\n\(report.text)", sourceLocation: sourceLocation)
    }

    @Test func enrolRevokeAndAChallengeByTheKioskPass() throws {
        let (b, ana) = base()
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        b.cast(ana, window: 1, at: b.at(2026, 3, 10, plus: 60_000), choices: ["office": ["bob"]])
        b.add("kiosk.revoke", [("device", .string("kiosk-1"))], by: b.officer, at: b.at(2026, 3, 11))
        let r = try run(b)
        expectOnly(r, [])
        #expect(r["KSK-1"]?.checked == 1)
        #expect(r["KSK-2"]?.checked == 1)
    }

    @Test func aChallengeSignedByTheVotersCredentialFails() throws {
        let (b, ana) = base()
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]], by: b.voters[ana].key)
        let r = try run(b)
        expectOnly(r, ["BAL-8"])
        #expect(r["BAL-8"]?.failures.first?.reason.contains("kiosk device") == true)
    }

    @Test func aChallengeByAnUnknownOrRevokedDeviceFails() throws {
        let (b, ana) = base()
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10), choices: ["office": ["bob"]], by: TestKey(seed: 0x55))
        expectOnly(try run(b), ["BAL-8"])
        let (c, ana2) = base()
        c.enrolDevice("k2", TestKey(seed: 0x56))
        c.add("kiosk.revoke", [("device", .string("k2"))], by: c.officer)
        c.spoil(ana2, window: 1, at: c.at(2026, 3, 10), choices: ["office": ["bob"]], by: TestKey(seed: 0x56))
        expectOnly(try run(c), ["BAL-8"])
    }

    @Test func aChallengeForAWindowNoBirthdayHasOpenFails() throws {
        let (b, ana) = base()
        // In March 2026, the first year of the term, no birthday has a window 2.
        b.spoil(ana, window: 2, at: b.at(2026, 3, 10), choices: ["office": ["bob"]])
        expectOnly(try run(b), ["BAL-8"])
    }

    @Test func onlyTheOfficerEnrolsAndRevokes() throws {
        let (b, _) = base()
        b.add("kiosk.enrol", [("device", .string("k1")), ("key", b.hex(TestKey(seed: 0x57).publicKey))], by: b.registrar)
        expectOnly(try run(b), ["AUTH"])
        let (c, _) = base()
        c.enrolDevice("k1", TestKey(seed: 0x57))
        c.add("kiosk.revoke", [("device", .string("k1"))], by: c.registrar)
        expectOnly(try run(c), ["AUTH"])
    }

    @Test func enrolmentRefusals() throws {
        let cases: [(String, (B) -> Void)] = [
            ("name taken", { b in b.enrolDevice("k1", TestKey(seed: 0x57)); b.enrolDevice("k1", TestKey(seed: 0x58)) }),
            ("key taken", { b in b.enrolDevice("k1", TestKey(seed: 0x57)); b.enrolDevice("k2", TestKey(seed: 0x57)) }),
            ("revoked name reused", { b in
                b.enrolDevice("k1", TestKey(seed: 0x57))
                b.add("kiosk.revoke", [("device", .string("k1"))], by: b.officer)
                b.enrolDevice("k1", TestKey(seed: 0x58))
            }),
            ("bad name", { b in b.enrolDevice("Kiosk_1", TestKey(seed: 0x57)) }),
            ("name ending with -", { b in b.enrolDevice("k1-", TestKey(seed: 0x57)) }),
            ("registrar's key", { b in b.enrolDevice("k1", b.registrar) }),
            ("a credential", { b in b.enrolDevice("k1", b.voters[0].key) }),
            ("extra key", { b in
                b.add("kiosk.enrol", [("device", .string("k1")), ("key", b.hex(TestKey(seed: 0x57).publicKey)), ("x", .int(1))], by: b.officer)
            }),
        ]
        for (what, mutate) in cases {
            let (b, _) = base()
            mutate(b)
            let r = try run(b)
            #expect(Set(r.failedIDs) == ["KSK-1"], "\(what):\n\(r.text)")
        }
    }

    @Test func revocationRefusals() throws {
        let (b, _) = base()
        b.add("kiosk.revoke", [("device", .string("ghost"))], by: b.officer)
        expectOnly(try run(b), ["KSK-2"])
        let (c, _) = base()
        c.enrolDevice("k1", TestKey(seed: 0x57))
        c.add("kiosk.revoke", [("device", .string("k1"))], by: c.officer)
        c.add("kiosk.revoke", [("device", .string("k1"))], by: c.officer)
        expectOnly(try run(c), ["KSK-2"])
    }
}

/// SPEC.md §4.6: the optional English title and labels, in their place only.
@Suite struct EnglishContestWordingTests {
    typealias B = ElectionBuilder<Ristretto255>

    func record(_ fields: [(String, JSON)]) throws -> Report {
        let b = B(group: Ristretto255())
        b.setup()
        b.add("contest.version", fields, by: b.officer)
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    func fields(titleEnAfter: String? = "title", optionKeys: [(String, JSON)]) -> [(String, JSON)] {
        var f: [(String, JSON)] = [("contest", .string("maire")), ("version", .int(1)), ("title", .string("Maire")),
                                   ("year", .null), ("options", .array([.object(optionKeys)])), ("min", .int(1)), ("max", .int(1))]
        if let after = titleEnAfter, let i = f.firstIndex(where: { $0.0 == after }) { f.insert(("title_en", .string("Mayor")), at: i + 1) }
        return f
    }

    @Test func englishWordingIsAcceptedInItsPlace() throws {
        let r = try record(fields(optionKeys: [("id", .string("a")), ("label", .string("Vote blanc")), ("label_en", .string("Blank vote"))]))
        #expect(r.failedIDs.isEmpty, "\(r.text)")
    }

    @Test func englishWordingOutOfPlaceIsRefused() throws {
        let misplacedTitle = try record(fields(titleEnAfter: "year", optionKeys: [("id", .string("a")), ("label", .string("A"))]))
        #expect(misplacedTitle.failedIDs.contains("CON-1"))
        let misplacedLabel = try record(fields(optionKeys: [("id", .string("a")), ("label_en", .string("A")), ("label", .string("A"))]))
        #expect(misplacedLabel.failedIDs.contains("CON-1"))
        let notAString = try record(fields(titleEnAfter: nil, optionKeys: [("id", .string("a")), ("label", .string("A")), ("label_en", .null)]))
        #expect(notAString.failedIDs.contains("CON-1"))
    }
}
