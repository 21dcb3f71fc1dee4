import AuditKit
import Foundation
import Testing

/// SPEC.md §5: a valid ledger passes; each rule LED-0…LED-10 is tried.
@Suite struct LedgerTests {
    typealias B = ElectionBuilder<Ristretto255>
    let orgKey = TestKey(seed: 0x91)

    func base() -> B {
        let b = B(group: Ristretto255())
        b.setup()
        b.add("ledger.settings", [("from", .string("2026-01-01")), ("obligation_hours", .int(20)), ("hour_value_minor", .int(1500)),
                                  ("currency", .string("EUR")), ("daily_cap_minutes", .int(600)), ("max_minutes", .int(480))], by: b.officer)
        accredit(b, "restos-nancy", key: orgKey, categories: ["food-aid", "social"], from: "2026-01-01")
        return b
    }

    func accredit(_ b: B, _ org: String, key: TestKey, categories: [String], from: String, until: String? = nil, by: TestKey? = nil) {
        b.add("ledger.accredit", [("org", .string(org)), ("name", .string("Restos du Cœur — Nancy")), ("key", b.hex(key.publicKey)),
                                  ("categories", .array(categories.map { .string($0) })), ("valid_from", .string(from)),
                                  ("valid_until", until.map { .string($0) } ?? .null)], by: by ?? b.officer)
    }

    func contribute(_ b: B, attestation: String, account: String = "0000-0000-0000-001Y", category: String = "food-aid",
                    date: String, start: String, end: String?, minutes: Int? = nil, at time: UInt64, by key: TestKey? = nil, org: String = "restos-nancy") {
        b.add("ledger.contribution", [("org", .string(org)), ("attestation", .string(attestation)), ("account", .string(account)),
                                      ("category", .string(category)), ("date", .string(date)), ("start", .string(start)),
                                      ("end", end.map { .string($0) } ?? .null), ("minutes", minutes.map { .int($0) } ?? .null),
                                      ("description", .string("Maraude de nuit"))], by: key ?? orgKey, at: time)
    }

    func run(_ b: B) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    func expectOnly(_ report: Report, _ ids: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(report.failedIDs) == ids, "expected exactly \(ids.sorted()) to fail:\n\(report.text)", sourceLocation: sourceLocation)
    }

    @Test func instantsFollowTheSpecExamples() throws {
        let clock = try #require(TermClock(zone: "Europe/Paris"))
        let spring = LocalDate(year: 2026, month: 3, day: 29)!, autumn = LocalDate(year: 2026, month: 10, day: 25)!
        #expect(clock.instant(spring, minutes: 150) == 1_774_746_000_000)   // 2026-03-29T01:00:00Z, the jump
        #expect(clock.instant(autumn, minutes: 150) == 1_792_888_200_000)   // 2026-10-25T00:30:00Z, the first 02:30
        #expect(clock.instant(spring, minutes: 210) - clock.instant(spring, minutes: 90) == 60 * 60_000)
        #expect(clock.instant(autumn, minutes: 210) - clock.instant(autumn, minutes: 90) == 180 * 60_000)
        #expect(clock.instant(spring, minutes: 0) == clock.midnight(spring))
    }

    @Test func accountIDs() {
        #expect(LedgerTestHooks.isAccount("0000-0000-0000-001Y"))
        #expect(!LedgerTestHooks.isAccount("0000-0000-0000-001Z"))
        #expect(!LedgerTestHooks.isAccount("0000-0000-0000-001y"))
        #expect(!LedgerTestHooks.isAccount("00000000-0000-001Y"))
    }

    @Test func aValidLedgerPasses() throws {
        let b = base()
        contribute(b, attestation: "R-1", date: "2026-03-27", start: "22:00", end: "02:00", at: b.at(2026, 3, 28, plus: 3 * 3_600_000))
        contribute(b, attestation: "R-2", date: "2026-03-28", start: "09:00", end: nil, minutes: 90, at: b.at(2026, 3, 28, plus: 12 * 3_600_000))
        b.add("ledger.reversal", [("entry", .int(b.log.entries.count - 1)), ("reason", .string("Wrong volunteer"))], by: orgKey)
        b.add("ledger.suspend", [("org", .string("restos-nancy")), ("from", .string("2026-06-01")), ("until", .string("2026-07-01")),
                                 ("reason", .string("Inquiry"))], by: b.officer)
        let r = try run(b)
        expectOnly(r, [])
        #expect(r["LED-7"]?.checked == 2)
        #expect(r.facts.contains { $0.0 == "ledger" && $0.1.contains("1 reversed") })
    }

    @Test func eachRuleIsEnforced() throws {
        // LED-0: a bad account id.
        var b = base()
        contribute(b, attestation: "R-1", account: "0000-0000-0000-0010", date: "2026-03-27", start: "10:00", end: "11:00", at: b.at(2026, 3, 28))
        expectOnly(try run(b), ["LED-0"])
        // LED-1: categories out of order; the officer's key.
        b = base()
        accredit(b, "other", key: TestKey(seed: 0x92), categories: ["social", "food-aid"], from: "2026-01-01")
        accredit(b, "third", key: b.officer, categories: ["social"], from: "2026-01-01")
        accredit(b, "fourth", key: orgKey, categories: ["social"], from: "2026-01-01")
        #expect(try run(b)["LED-1"]?.failed == 3)
        // LED-2: suspending an unknown organisation.
        b = base()
        b.add("ledger.suspend", [("org", .string("nobody")), ("from", .string("2026-06-01")), ("until", .null), ("reason", .string("x"))], by: b.officer)
        expectOnly(try run(b), ["LED-2"])
        // LED-3: settings by someone else, and out of range.
        b = base()
        b.add("ledger.settings", [("from", .string("2026-01-01")), ("obligation_hours", .int(9000)), ("hour_value_minor", .int(1)),
                                  ("currency", .string("EUR")), ("daily_cap_minutes", .int(600)), ("max_minutes", .int(480))], by: b.officer)
        b.add("ledger.settings", [("from", .string("2026-01-01")), ("obligation_hours", .int(1)), ("hour_value_minor", .int(1)),
                                  ("currency", .string("EUR")), ("daily_cap_minutes", .int(600)), ("max_minutes", .int(480))], by: b.registrar)
        #expect(try run(b)["LED-3"]?.failed == 2)
        // LED-4: wrong category, wrong key, suspended.
        b = base()
        contribute(b, attestation: "R-1", category: "culture", date: "2026-03-27", start: "10:00", end: "11:00", at: b.at(2026, 3, 28))
        contribute(b, attestation: "R-2", date: "2026-03-27", start: "12:00", end: "13:00", at: b.at(2026, 3, 28), by: TestKey(seed: 0x93))
        b.add("ledger.suspend", [("org", .string("restos-nancy")), ("from", .string("2026-03-01")), ("until", .null), ("reason", .string("x"))], by: b.officer)
        contribute(b, attestation: "R-3", date: "2026-03-27", start: "14:00", end: "15:00", at: b.at(2026, 3, 28, plus: 10))
        let r4 = try run(b)
        expectOnly(r4, ["LED-4"])
        #expect(r4["LED-4"]?.failed == 3)
        // LED-5: in the future; outside the term.
        b = base()
        contribute(b, attestation: "R-1", date: "2026-03-27", start: "10:00", end: "11:00", at: b.at(2026, 3, 27, plus: 10 * 3_600_000 + 59 * 60_000))
        contribute(b, attestation: "R-2", date: "2025-12-31", start: "10:00", end: "11:00", at: b.at(2026, 3, 28))
        #expect(try run(b)["LED-5"]?.failed == 2)
        // LED-6: too long; end = start.
        b = base()
        contribute(b, attestation: "R-1", date: "2026-03-27", start: "08:00", end: "17:00", at: b.at(2026, 3, 28))
        contribute(b, attestation: "R-2", date: "2026-03-27", start: "18:00", end: "18:00", at: b.at(2026, 3, 28))
        #expect(try run(b)["LED-6"]?.failed == 2)
        // LED-7: overlap (touching is fine).
        b = base()
        contribute(b, attestation: "R-1", date: "2026-03-27", start: "10:00", end: "11:00", at: b.at(2026, 3, 28))
        contribute(b, attestation: "R-2", date: "2026-03-27", start: "11:00", end: "12:00", at: b.at(2026, 3, 28))
        contribute(b, attestation: "R-3", date: "2026-03-27", start: "11:30", end: "12:30", at: b.at(2026, 3, 28))
        expectOnly(try run(b), ["LED-7"])
        // LED-8: daily cap of 600 minutes.
        b = base()
        contribute(b, attestation: "R-1", date: "2026-04-02", start: "06:00", end: "14:00", at: b.at(2026, 4, 3))
        contribute(b, attestation: "R-2", date: "2026-04-02", start: "15:00", end: "17:30", at: b.at(2026, 4, 3))
        expectOnly(try run(b), ["LED-8"])
        // LED-9: an attestation twice, even after reversal.
        b = base()
        contribute(b, attestation: "R-1", date: "2026-04-02", start: "06:00", end: "07:00", at: b.at(2026, 4, 3))
        b.add("ledger.reversal", [("entry", .int(b.log.entries.count - 1)), ("reason", .string("typo"))], by: b.officer)
        contribute(b, attestation: "R-1", date: "2026-04-02", start: "08:00", end: "09:00", at: b.at(2026, 4, 3, plus: 10))
        expectOnly(try run(b), ["LED-9"])
        // LED-10: reversing a non-contribution, twice, or by a stranger.
        b = base()
        contribute(b, attestation: "R-1", date: "2026-04-02", start: "06:00", end: "07:00", at: b.at(2026, 4, 3))
        let c = b.log.entries.count - 1
        b.add("ledger.reversal", [("entry", .int(0)), ("reason", .string("x"))], by: b.officer)
        b.add("ledger.reversal", [("entry", .int(c)), ("reason", .string("x"))], by: TestKey(seed: 0x94))
        b.add("ledger.reversal", [("entry", .int(c)), ("reason", .string("x"))], by: orgKey)
        b.add("ledger.reversal", [("entry", .int(c)), ("reason", .string("x"))], by: orgKey)
        let r10 = try run(b)
        expectOnly(r10, ["LED-10"])
        #expect(r10["LED-10"]?.failed == 3)
    }
}

@Suite struct LedgerIncrementalTests {
    @Test func resumingKeepsTheLedgerState() throws {
        let t = LedgerTests()
        let b = t.base()
        t.contribute(b, attestation: "R-1", date: "2026-04-02", start: "06:00", end: "14:00", at: b.at(2026, 4, 3))
        let dir = TempDir()
        let state = dir.path + "/state.json"
        b.write(to: dir.path)
        #expect(try verifyElection(dir.path, statePath: state).passed)
        // After resuming, the cap, the overlap and the attestation rules still see the first contribution.
        t.contribute(b, attestation: "R-1", date: "2026-04-02", start: "15:00", end: "17:30", at: b.at(2026, 4, 3, plus: 10))
        b.log.checkpointSizes = []
        var sizes = [5, b.log.entries.count - 1]
        sizes = Array(stride(from: 5, through: b.log.entries.count - 1, by: 5)) + [b.log.entries.count - 1]
        b.log.checkpointSizes = Array(Set(sizes)).sorted() + [b.log.entries.count]
        b.log.write(to: dir.path)
        let resumed = try verifyElection(dir.path, statePath: state)
        #expect(Set(resumed.failedIDs) == ["LED-8", "LED-9"], "\(resumed.text)")
    }
}
