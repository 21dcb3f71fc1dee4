import BallotCore
import CivicCrypto
import CivicLedger
import Foundation
import Testing

@Suite("Ledger rules: every refusal tried")
struct LedgerRuleTests {
    @Test func acceptsAndRecordsAContribution() throws {
        var h = try Harness()
        try h.accredit("restos")
        let key = Ed25519.SigningKey.generate()
        try h.accredit("jardins", categories: ["gardening"], key: key)
        let change = try h.append(Harness.contribution("jardins", category: "gardening", date: "2026-05-02", start: "09:00", end: "12:30"), by: key)
        guard case .contribution(let c) = change else { Issue.record("not a contribution"); return }
        #expect(c.minutes == 210)
        #expect(try h.state.counts().contributions == 1)
    }

    @Test func accreditationRefusals() throws {
        var h = try Harness()
        let stranger = Ed25519.SigningKey.generate()
        let key = Ed25519.SigningKey.generate()
        func acc(org: String = "restos", key: String? = nil, categories: [String] = ["food-aid"], from: String = "2026-01-01", until: String? = nil) -> Accreditation {
            Accreditation(org: org, name: "Restos", key: key ?? Harness.hex(Ed25519.SigningKey.generate()), categories: categories, validFrom: from, validUntil: until)
        }
        _ = h.refuse(acc(), by: stranger, check: "LED-1")                                       // not the officer
        _ = h.refuse(acc(org: "Restos Du Coeur"), by: h.officer, check: "LED-1")                 // bad id
        _ = h.refuse(acc(key: "abcd"), by: h.officer, check: "LED-1")                            // bad key
        _ = h.refuse(acc(key: Harness.hex(h.officer)), by: h.officer, check: "LED-1")            // officer's key
        _ = h.refuse(acc(categories: []), by: h.officer, check: "LED-1")
        _ = h.refuse(acc(categories: ["social", "food-aid"]), by: h.officer, check: "LED-1")      // not sorted
        _ = h.refuse(acc(categories: ["food-aid", "food-aid"]), by: h.officer, check: "LED-1")    // twice
        _ = h.refuse(acc(from: "2026-02-30"), by: h.officer, check: "LED-1")
        _ = h.refuse(acc(from: "2026-05-01", until: "2026-05-01"), by: h.officer, check: "LED-1")
        try h.append(acc(key: Harness.hex(key), from: "2026-03-01"), by: h.officer)
        _ = h.refuse(acc(org: "other", key: Harness.hex(key)), by: h.officer, check: "LED-1")     // key of another org
        _ = h.refuse(acc(key: Harness.hex(key), from: "2026-02-01"), by: h.officer, check: "LED-1") // starts before current
        try h.append(acc(key: Harness.hex(key), categories: ["food-aid", "social"], from: "2026-06-01"), by: h.officer) // renewal
        #expect(h.state.organisations["restos"]?.periods.count == 2)
    }

    @Test func settingsRefusals() throws {
        var h = try Harness()
        func s(obligation: Int = 20, value: Int = 1500, currency: String = "EUR", cap: Int = 720, max: Int = 720, from: String = "2026-01-01") -> LedgerSettings {
            LedgerSettings(from: from, obligationHours: obligation, hourValueMinor: value, currency: currency, dailyCapMinutes: cap, maxMinutes: max)
        }
        _ = h.refuse(s(), by: Ed25519.SigningKey.generate(), check: "LED-3")
        _ = h.refuse(s(obligation: -1), by: h.officer, check: "LED-3")
        _ = h.refuse(s(value: -5), by: h.officer, check: "LED-3")
        _ = h.refuse(s(currency: "eur"), by: h.officer, check: "LED-3")
        _ = h.refuse(s(cap: 0), by: h.officer, check: "LED-3")
        _ = h.refuse(s(cap: 1441), by: h.officer, check: "LED-3")
        _ = h.refuse(s(max: 0), by: h.officer, check: "LED-3")
        _ = h.refuse(s(from: "2026-13-01"), by: h.officer, check: "LED-3")
        try h.append(s(), by: h.officer)
        #expect(h.state.settings(on: try LocalDate(iso: "2026-06-01")).obligationHours == 20)
        #expect(h.state.settings(on: try LocalDate(iso: "2025-12-31")) == LedgerSettings.defaults)
    }

    @Test func organisationMustBeAccreditedOnTheDateForTheCategory() throws {
        var h = try Harness()
        let key = try h.accredit("restos", from: "2026-03-01", until: "2026-09-01")
        let other = try h.accredit("jardins", categories: ["gardening"])
        _ = h.refuse(Harness.contribution("nobody", date: "2026-04-01", start: "10:00", end: "11:00"), by: key, check: "LED-4")
        _ = h.refuse(Harness.contribution("restos", date: "2026-02-28", start: "10:00", end: "11:00"), by: key, check: "LED-4")   // before
        _ = h.refuse(Harness.contribution("restos", date: "2026-09-01", start: "10:00", end: "11:00"), by: key, check: "LED-4")   // after (exclusive)
        _ = h.refuse(Harness.contribution("restos", category: "gardening", date: "2026-04-01", start: "10:00", end: "11:00"), by: key, check: "LED-4")
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00"), by: other, check: "LED-4") // wrong key
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00"), by: h.officer, check: "LED-4")
        try h.append(Harness.contribution("restos", date: "2026-08-31", start: "10:00", end: "11:00"), by: key)
    }

    @Test func suspendedOrganisationIsRefused() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        _ = h.refuse(Suspension(org: "restos", from: "2026-04-01", until: nil, reason: "audit"), by: key, check: "LED-2")
        _ = h.refuse(Suspension(org: "ghost", from: "2026-04-01", until: nil, reason: "audit"), by: h.officer, check: "LED-2")
        _ = h.refuse(Suspension(org: "restos", from: "2026-04-01", until: "2026-03-01", reason: "audit"), by: h.officer, check: "LED-2")
        _ = h.refuse(Suspension(org: "restos", from: "2026-04-01", until: nil, reason: " "), by: h.officer, check: "LED-2")
        try h.append(Suspension(org: "restos", from: "2026-04-01", until: "2026-05-01", reason: "Inquiry into its records"), by: h.officer)
        try h.append(Harness.contribution("restos", date: "2026-03-31", start: "10:00", end: "11:00"), by: key)
        let e = h.refuse(Harness.contribution("restos", date: "2026-04-15", start: "10:00", end: "11:00"), by: key, check: "LED-4")
        #expect(e?.reason == .suspended)
        try h.append(Harness.contribution("restos", date: "2026-05-01", start: "10:00", end: "11:00"), by: key)
    }

    @Test func formRefusals() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        var c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00")
        c.account = "Jean Dupont"                                         // a name is never an account id
        _ = h.refuse(c, by: key, check: "LED-0")
        c.account = "7K3M-2Q9D-XW4T-HB6R"                                 // check symbol wrong
        if (try? AccountID(canonical: c.account)) == nil { _ = h.refuse(c, by: key, check: "LED-0") }
        c.account = AccountID.numbered(5).text.lowercased()               // not canonical
        _ = h.refuse(c, by: key, check: "LED-0")
        c = Harness.contribution("restos", date: "2026-04-01", start: "25:00", end: "11:00")
        _ = h.refuse(c, by: key, check: "LED-0")
        c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00", minutes: 60)   // both
        _ = h.refuse(c, by: key, check: "LED-0")
        c = Harness.contribution("restos", date: "2026-04-01", start: "10:00")                              // neither
        _ = h.refuse(c, by: key, check: "LED-0")
        c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00", attestation: "has space")
        _ = h.refuse(c, by: key, check: "LED-0")
        c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00")
        c.description = "line\nbreak"
        _ = h.refuse(c, by: key, check: "LED-0")
    }

    @Test func durationMustBePositiveAndBounded() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "10:00"), by: key, check: "LED-6")
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", minutes: 0), by: key, check: "LED-6")
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", minutes: -30), by: key, check: "LED-6")
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "06:00", end: "18:01"), by: key, check: "LED-6") // 721 > 720
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", minutes: 5000), by: key, check: "LED-6")
        try h.append(LedgerSettings(from: "2026-01-01", obligationHours: 20, hourValueMinor: 1500, currency: "EUR", dailyCapMinutes: 720, maxMinutes: 240), by: h.officer)
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "14:01"), by: key, check: "LED-6")
        try h.append(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "14:00"), by: key)
    }

    @Test func dateMustBeInTheTermAndTheTimeOver() throws {
        var h = try Harness()
        let key = try h.accredit("restos", from: "2025-06-01")
        _ = h.refuse(Harness.contribution("restos", date: "2025-12-31", start: "10:00", end: "11:00"), by: key, check: "LED-5")
        _ = h.refuse(Harness.contribution("restos", date: "2032-01-01", start: "10:00", end: "11:00"), by: key, check: "LED-5")
        // Log time 2026-04-01T09:30Z = 11:30 in Paris (CEST): 10:00–11:00 is over, 11:00–12:00 is not.
        h.timeMs = 1_775_035_800_000
        try h.append(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00"), by: key)
        let e = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "11:00", end: "12:00"), by: key, check: "LED-5")
        #expect(e?.reason == .future)
    }

    @Test func sameAttestationTwiceIsRefused() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00", attestation: "R-1")
        try h.append(c, by: key)
        _ = h.refuse(c, by: key, check: "LED-9")
        // Same id, other time and account: still refused.
        _ = h.refuse(Harness.contribution("restos", account: .numbered(2), date: "2026-05-01", start: "10:00", end: "11:00", attestation: "R-1"), by: key, check: "LED-9")
        // Another organisation may use the same reference.
        let other = try h.accredit("jardins", categories: ["food-aid"])
        try h.append(Harness.contribution("jardins", account: .numbered(2), date: "2026-05-01", start: "10:00", end: "11:00", attestation: "R-1"), by: other)
    }

    @Test func overlapWithTheSameAccountIsRefused() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let other = try h.accredit("jardins", categories: ["food-aid"])
        try h.append(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "12:00"), by: key)
        _ = h.refuse(Harness.contribution("jardins", date: "2026-04-01", start: "11:59", end: "13:00"), by: other, check: "LED-7")
        _ = h.refuse(Harness.contribution("jardins", date: "2026-04-01", start: "09:00", minutes: 61), by: other, check: "LED-7")
        _ = h.refuse(Harness.contribution("jardins", date: "2026-04-01", start: "10:30", end: "11:00"), by: other, check: "LED-7")
        // Touching is not overlapping; another account is free.
        try h.append(Harness.contribution("jardins", date: "2026-04-01", start: "12:00", end: "13:00"), by: other)
        try h.append(Harness.contribution("jardins", date: "2026-04-01", start: "09:00", minutes: 60), by: other)
        try h.append(Harness.contribution("jardins", account: .numbered(2), date: "2026-04-01", start: "10:00", end: "12:00"), by: other)
    }

    @Test func overlapAcrossMidnight() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        // 22:00 → 02:00 the next day.
        let change = try h.append(Harness.contribution("restos", date: "2026-06-10", start: "22:00", end: "02:00"), by: key)
        guard case .contribution(let c) = change else { return }
        #expect(c.minutes == 240)
        _ = h.refuse(Harness.contribution("restos", date: "2026-06-11", start: "01:00", end: "03:00"), by: key, check: "LED-7")
        _ = h.refuse(Harness.contribution("restos", date: "2026-06-10", start: "23:30", minutes: 15), by: key, check: "LED-7")
        _ = h.refuse(Harness.contribution("restos", date: "2026-06-09", start: "23:00", minutes: 24 * 60 - 60), by: key, check: "LED-6")
        _ = h.refuse(Harness.contribution("restos", date: "2026-06-10", start: "20:00", end: "22:01"), by: key, check: "LED-7")
        try h.append(Harness.contribution("restos", date: "2026-06-11", start: "02:00", end: "03:00"), by: key)
        try h.append(Harness.contribution("restos", date: "2026-06-10", start: "20:00", end: "22:00"), by: key)
    }

    @Test func overlapAcrossTheSpringDSTChange() throws {
        // Paris, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST.
        var h = try Harness()
        let key = try h.accredit("restos")
        let a = try h.append(Harness.contribution("restos", date: "2026-03-29", start: "01:30", end: "03:30"), by: key)
        guard case .contribution(let ca) = a else { return }
        #expect(ca.minutes == 60)                                     // one real hour
        #expect(ca.startUTC == 1_774_744_200)                         // 00:30Z
        // 03:00 CEST is 01:00Z, inside [00:30Z, 01:30Z).
        _ = h.refuse(Harness.contribution("restos", date: "2026-03-29", start: "03:00", minutes: 30), by: key, check: "LED-7")
        // 02:15 does not exist: it means the jump (01:00Z), also inside.
        _ = h.refuse(Harness.contribution("restos", date: "2026-03-29", start: "02:15", minutes: 10), by: key, check: "LED-7")
        // Across midnight before the jump: 23:00 → 02:30 is 23:00 CET … 03:00 CEST = 2½ real hours, ending at 01:00Z.
        _ = h.refuse(Harness.contribution("restos", date: "2026-03-28", start: "23:00", end: "02:30"), by: key, check: "LED-7")
        let b = try h.append(Harness.contribution("restos", date: "2026-03-28", start: "23:00", end: "01:30"), by: key)
        guard case .contribution(let cb) = b else { return }
        #expect(cb.minutes == 150)
        try h.append(Harness.contribution("restos", date: "2026-03-29", start: "03:30", end: "04:00"), by: key)
    }

    @Test func overlapAcrossTheAutumnDSTChange() throws {
        // Paris, Sunday 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:00–03:00 happens twice.
        var h = try Harness()
        let key = try h.accredit("restos")
        let a = try h.append(Harness.contribution("restos", date: "2026-10-24", start: "22:00", end: "02:00"), by: key)
        guard case .contribution(let ca) = a else { return }
        #expect(ca.minutes == 240)                                     // 20:00Z → 00:00Z (first 02:00)
        let b = try h.append(Harness.contribution("restos", account: .numbered(2), date: "2026-10-25", start: "01:00", end: "03:00"), by: key)
        guard case .contribution(let cb) = b else { return }
        #expect(cb.minutes == 180)                                     // 23:00Z → 02:00Z: three real hours
        // Account 2 at 02:45 (first occurrence, 00:45Z) overlaps its 01:00–03:00.
        _ = h.refuse(Harness.contribution("restos", account: .numbered(2), date: "2026-10-25", start: "02:45", minutes: 30), by: key, check: "LED-7")
        // Account 1: 01:00 for an hour is 23:00Z–00:00Z, inside its 22:00 → 02:00.
        _ = h.refuse(Harness.contribution("restos", date: "2026-10-25", start: "01:00", minutes: 60), by: key, check: "LED-7")
        // Account 1 right after: 02:00 (first) for 90 min is 00:00Z–01:30Z: no overlap.
        try h.append(Harness.contribution("restos", date: "2026-10-25", start: "02:00", minutes: 90), by: key)
    }

    @Test func dailyCapIsEnforcedPerLocalDay() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let other = try h.accredit("jardins", categories: ["food-aid"])
        try h.append(Harness.contribution("restos", date: "2026-04-01", start: "08:00", end: "14:00"), by: key)
        try h.append(Harness.contribution("jardins", date: "2026-04-01", start: "14:00", end: "20:00"), by: other)   // 12 h exactly
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "20:00", end: "20:30"), by: key, check: "LED-8")
        // Across midnight, only the part on each day counts: 10:00–21:00 is 11 h on the 2nd.
        try h.append(Harness.contribution("restos", date: "2026-04-02", start: "10:00", end: "21:00"), by: key)
        _ = h.refuse(Harness.contribution("jardins", date: "2026-04-02", start: "22:00", end: "02:00"), by: other, check: "LED-8")  // 2 h more on the 2nd
        try h.append(Harness.contribution("jardins", date: "2026-04-02", start: "23:00", end: "03:00"), by: other)                 // 1 h on the 2nd, 3 h on the 3rd
        // A lower cap from a date on.
        try h.append(LedgerSettings(from: "2026-05-01", obligationHours: 20, hourValueMinor: 1500, currency: "EUR", dailyCapMinutes: 240, maxMinutes: 720), by: h.officer)
        try h.append(Harness.contribution("restos", date: "2026-05-04", start: "08:00", end: "11:00"), by: key)
        _ = h.refuse(Harness.contribution("jardins", date: "2026-05-04", start: "12:00", end: "13:01"), by: other, check: "LED-8")
        try h.append(Harness.contribution("jardins", date: "2026-05-04", start: "12:00", end: "13:00"), by: other)
    }

    @Test func reversalRules() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let other = try h.accredit("jardins", categories: ["food-aid"])
        let accreditIndex = h.index - 1
        let c = try h.append(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "12:00", attestation: "R-1"), by: key)
        _ = h.refuse(Reversal(entry: c.index, reason: "not ours"), by: other, check: "LED-10")            // another organisation
        _ = h.refuse(Reversal(entry: c.index, reason: ""), by: key, check: "LED-10")                      // no reason
        _ = h.refuse(Reversal(entry: accreditIndex, reason: "no"), by: h.officer, check: "LED-10")        // not a contribution
        _ = h.refuse(Reversal(entry: 999, reason: "no"), by: h.officer, check: "LED-10")                  // not earlier
        let r = try h.append(Reversal(entry: c.index, reason: "Wrong volunteer"), by: key)
        #expect(try h.state.contribution(at: c.index)?.reversedBy == r.index)
        _ = h.refuse(Reversal(entry: c.index, reason: "again"), by: h.officer, check: "LED-10")           // once per entry
        let e = h.refuse(Reversal(entry: r.index, reason: "undo"), by: h.officer, check: "LED-10")         // reversal of a reversal
        #expect(e?.message.contains("cannot be reversed") == true)
        // The time is free again, but the attestation id is spent.
        _ = h.refuse(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "12:00", attestation: "R-1"), by: key, check: "LED-9")
        try h.append(Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:30", attestation: "R-1b"), by: key)
        // The officer may reverse too.
        let d = try h.append(Harness.contribution("jardins", date: "2026-04-02", start: "10:00", end: "12:00"), by: other)
        try h.append(Reversal(entry: d.index, reason: "Organisation error"), by: h.officer)
    }

    @Test func wrongTermOrRecordIsRefused() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let c = Harness.contribution("restos", date: "2026-04-01", start: "10:00", end: "11:00")
        let before = h.fingerprint
        for (record, term) in [("perennial.example/other", Harness.term), (Harness.record, "other-term")] {
            let entry = LedgerEntry(index: h.index, timeMs: h.timeMs, author: key.publicKey.rawRepresentation, payload: c.payloadBytes(record: record, term: term))
            #expect(throws: LedgerError.self) { try h.state.apply(entry) }
        }
        let unknown = LedgerEntry(index: h.index, timeMs: h.timeMs, author: key.publicKey.rawRepresentation,
                                  payload: Array(#"{"kind":"ledger.bonus","record":"perennial.example/test","term":"paris-2026"}"#.utf8))
        #expect(throws: LedgerError.self) { try h.state.apply(unknown) }
        #expect(h.fingerprint == before)
    }

    @Test func payloadBytesAreExactlyAsSpecified() throws {
        let c = Contribution(org: "restos", attestation: "R-1", account: AccountID.numbered(1).text, category: "food-aid", date: "2026-04-01",
                             start: "22:00", end: "02:00", minutes: nil, description: "Distribution — soir")
        let text = String(decoding: c.payloadBytes(record: "perennial.example/x", term: "t"), as: UTF8.self)
        #expect(text == #"{"kind":"ledger.contribution","record":"perennial.example/x","term":"t","org":"restos","attestation":"R-1","account":"0000-0000-0000-001Y","category":"food-aid","date":"2026-04-01","start":"22:00","end":"02:00","minutes":null,"description":"Distribution — soir"}"#)
        let r = Reversal(entry: 12, reason: "x")
        #expect(String(decoding: r.payloadBytes(record: "p/x", term: "t"), as: UTF8.self) == #"{"kind":"ledger.reversal","record":"p/x","term":"t","entry":12,"reason":"x"}"#)
    }
}

@Suite("Ledger payload form")
struct LedgerPayloadFormTests {
    @Test func nullableKeysMustBePresent() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let account = AccountID.numbered(1).text
        let missingEnd = #"{"kind":"ledger.contribution","record":"perennial.example/test","term":"paris-2026","org":"restos","attestation":"X","account":"\#(account)","category":"food-aid","date":"2026-04-01","start":"10:00","minutes":60,"description":""}"#
        let entry = LedgerEntry(index: h.index, timeMs: h.timeMs, author: key.publicKey.rawRepresentation, payload: Array(missingEnd.utf8))
        #expect { try h.state.apply(entry) } throws: { ($0 as? LedgerError)?.check == "LED-0" }
        // Spaces and key escapes are fine (payloads need not be canonical).
        let spaced = #"{ "kind" : "ledger.contribution", "record":"perennial.example\/test","term":"paris-2026","org":"restos","attestation":"X","account":"\#(account)","category":"food-aid","date":"2026-04-01","start":"10:00","end":null,"minutes":60,"description":"" }"#
        try h.state.apply(LedgerEntry(index: h.index, timeMs: h.timeMs, author: key.publicKey.rawRepresentation, payload: Array(spaced.utf8)))
    }
}
