import BallotCore
import CivicCrypto
import CivicLedger
import Foundation
import Testing

/// SplitMix64, for repeatable random ledgers.
struct Mix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Statements and totals equal sums recomputed independently")
struct LedgerStatementTests {
    struct Accepted { let index: Int; let account: AccountID; let org: String; let category: String; let date: String; let minutes: Int }

    /// Minutes between two local times of one day in Paris, computed with Foundation's calendar (not the ledger's code).
    static func foundationMinutes(date: String, start: String, end: String) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        func instant(_ time: String) -> Date {
            let d = date.split(separator: "-").map { Int($0)! }, t = time.split(separator: ":").map { Int($0)! }
            return calendar.date(from: DateComponents(year: d[0], month: d[1], day: d[2], hour: t[0], minute: t[1]))!
        }
        return Int(instant(end).timeIntervalSince(instant(start)) / 60)
    }

    static func time(_ minuteOfDay: Int) -> String {
        String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func statementsAndTotalsMatch(seed: UInt64) throws {
        var rng = Mix(state: seed)
        var h = try Harness()
        try h.append(LedgerSettings(from: "2026-01-01", obligationHours: 20, hourValueMinor: 1500, currency: "EUR", dailyCapMinutes: 360, maxMinutes: 300), by: h.officer)
        try h.append(LedgerSettings(from: "2027-01-01", obligationHours: 30, hourValueMinor: 1800, currency: "EUR", dailyCapMinutes: 360, maxMinutes: 300), by: h.officer)
        let orgs: [(String, [String])] = [("restos", ["food-aid", "social"]), ("jardins", ["gardening"]), ("biblio", ["culture", "elderly-care"])]
        var keys: [String: Ed25519.SigningKey] = [:]
        for (org, cats) in orgs { keys[org] = try h.accredit(org, categories: cats) }
        let accounts = (1...6).map { AccountID.numbered($0 * 37) }
        var accepted: [Accepted] = []
        var reversed: Set<Int> = []
        var refusals = 0
        for n in 0..<400 {
            let (org, cats) = orgs[Int.random(in: 0..<orgs.count, using: &rng)]
            let account = accounts[Int.random(in: 0..<accounts.count, using: &rng)]
            let date = try LocalDate(iso: "2026-01-01").adding(days: Int.random(in: 0..<730, using: &rng))
            let start = Int.random(in: 8 * 4...18 * 4, using: &rng) * 15
            let minutes = Int.random(in: 1...16, using: &rng) * 15
            let byEnd = Bool.random(using: &rng)
            let c = Contribution(org: org, attestation: "A\(n)", account: account.text, category: cats[Int.random(in: 0..<cats.count, using: &rng)],
                                 date: date.iso, start: Self.time(start), end: byEnd ? Self.time(start + minutes) : nil,
                                 minutes: byEnd ? nil : minutes, description: "")
            do {
                let change = try h.append(c, by: keys[org]!)
                accepted.append(Accepted(index: change.index, account: account, org: org, category: c.category, date: c.date,
                                         minutes: Self.foundationMinutes(date: c.date, start: c.start, end: Self.time(start + minutes))))
            } catch is LedgerError { refusals += 1 }
            if n % 9 == 8, let pick = accepted.filter({ !reversed.contains($0.index) }).randomElement(using: &rng) {
                try h.append(Reversal(entry: pick.index, reason: "correction"), by: keys[pick.org]!)
                reversed.insert(pick.index)
            }
        }
        #expect(accepted.count > 100)
        #expect(refusals > 0)   // overlaps and caps do happen with 6 accounts over 2 years

        for account in accounts {
            for year in [2026, 2027] {
                let mine = accepted.filter { $0.account == account && $0.date.hasPrefix("\(year)-") }
                let counted = mine.filter { !reversed.contains($0.index) }
                let s = try h.state.statement(account: account, year: year)
                #expect(s.lines.count == mine.count)
                #expect(s.lines.filter(\.counts).count == counted.count)
                #expect(Set(s.lines.compactMap { $0.reversedBy == nil ? nil : $0.index }) == Set(mine.filter { reversed.contains($0.index) }.map(\.index)))
                let total = counted.reduce(0) { $0 + $1.minutes }
                #expect(s.totalMinutes == total)
                var byCategory: [String: Int] = [:], byOrg: [String: Int] = [:]
                for a in counted { byCategory[a.category, default: 0] += a.minutes; byOrg[a.org, default: 0] += a.minutes }
                #expect(Dictionary(uniqueKeysWithValues: s.byCategory.map { ($0.category, $0.minutes) }) == byCategory)
                #expect(Dictionary(uniqueKeysWithValues: s.byOrganisation.map { ($0.org, $0.minutes) }) == byOrg)
                let (obligation, value) = year == 2026 ? (20, 1500) : (30, 1800)
                #expect(s.obligationMinutes == obligation * 60)
                #expect(s.owedMinutes == max(0, obligation * 60 - total))
                #expect(s.valueMinor == total * value / 60)
                // The JSON form carries the same total.
                let json = try JSONSerialization.jsonObject(with: Data(s.json().utf8)) as! [String: Any]
                #expect(json["total_minutes"] as? Int == total)
                #expect((json["entries"] as? [Any])?.count == mine.count)
            }
        }
        for year in [2026, 2027] {
            let counted = accepted.filter { $0.date.hasPrefix("\(year)-") && !reversed.contains($0.index) }
            var cells: [String: Int] = [:]
            for a in counted { cells[String(a.date.prefix(7)) + "/" + a.category, default: 0] += a.minutes }
            let totals = try h.state.cityTotals(year: year)
            #expect(Dictionary(uniqueKeysWithValues: totals.rows.map { ($0.month + "/" + $0.category, $0.minutes) }) == cells)
            #expect(totals.totalMinutes == counted.reduce(0) { $0 + $1.minutes })
            #expect(totals.contributions == counted.count)
            #expect(totals.reversed == accepted.filter { $0.date.hasPrefix("\(year)-") && reversed.contains($0.index) }.count)
        }
        #expect(try h.state.cityTotals().totalMinutes == h.state.cityTotals(year: 2026).totalMinutes + h.state.cityTotals(year: 2027).totalMinutes)
    }

    @Test(arguments: [0, -1, 10_000]) func aYearNoCalendarHasIsRefused(_ year: Int) throws {
        let h = try Harness()
        #expect(throws: LedgerError.self) { _ = try h.state.statement(account: .numbered(1), year: year) }
    }

    @Test func statementTextNamesEntriesAndReversals() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let a = try h.append(Harness.contribution("restos", date: "2026-06-10", start: "22:00", end: "02:00"), by: key)
        let b = try h.append(Harness.contribution("restos", date: "2026-06-12", start: "10:00", minutes: 90), by: key)
        try h.append(Reversal(entry: b.index, reason: "Duplicate sheet"), by: key)
        let s = try h.state.statement(account: .numbered(1), year: 2026)
        #expect(s.totalMinutes == 240)
        #expect(s.lines.first?.end == "02:00 +1")
        #expect(s.lines.first?.receipt == nil)
        #expect(s.text().contains("not yet covered by a signed checkpoint"))
        let text = s.text()
        #expect(text.contains("#\(a.index)"))
        #expect(text.contains("REVERSED by #\(b.index + 1): Duplicate sheet"))
        #expect(text.contains("Time given: 4 h"))
    }
}

@Suite("Account ids, CSV batches and key files")
struct LedgerFormatTests {
    @Test func accountIDsRoundTripAndCatchEverySingleTypo() throws {
        for n in [0, 1, 42, 123_456_789] {
            let id = AccountID.numbered(n)
            #expect(try AccountID(canonical: id.text) == id)
            #expect(try AccountID(parsing: id.text.lowercased().replacingOccurrences(of: "-", with: " ")) == id)
        }
        let id = AccountID.random()
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var chars = Array(id.text)
        for i in chars.indices where chars[i] != "-" {
            let original = chars[i]
            for replacement in alphabet where replacement != original {
                chars[i] = replacement
                #expect((try? AccountID(parsing: String(chars))) == nil, "typo at \(i) not caught")
            }
            chars[i] = original
        }
        #expect(throws: LedgerError.self) { try AccountID(parsing: "Jean Dupont") }
        #expect(throws: LedgerError.self) { try AccountID(parsing: "0000-0000-0000") }
    }

    @Test func csvReportsEachBadLineAndChecksLinesAgainstEachOther() throws {
        var h = try Harness()
        let key = try h.accredit("restos")
        let a1 = AccountID.numbered(1).text, a2 = AccountID.numbered(2).text
        let csv = """
            account,category,date,start,end,minutes,description,attestation
            \(a1),food-aid,2026-04-01,10:00,12:00,,"Distribution, soir",B-1
            \(a1),food-aid,2026-04-01,11:00,,30,overlaps line 2,B-2
            \(a2),food-aid,2026-04-01,10:00,12:00,,same id as line 2,B-1
            Jean Dupont,food-aid,2026-04-01,10:00,12:00,,a name,B-3
            \(a2),sport,2026-04-02,10:00,12:00,,wrong category,B-4
            \(a2),food-aid,2026-04-02,10:00,,,no end,B-5
            \(a2),food-aid,2026-04-03,10:00,12:00,,"fine ""quoted"" ok",B-6
            short,line
            """
        let parsed = try ContributionCSV.parse(csv, org: "restos")
        #expect(parsed.count == 8)
        let checked = ContributionCSV.check(parsed, state: h.state, author: key.publicKey.rawRepresentation, record: Harness.record,
                                            timeMs: h.timeMs, nextIndex: h.index)
        let errors = Dictionary(uniqueKeysWithValues: checked.filter { !$0.isValid }.map { ($0.number, $0.error?.check ?? "csv") })
        #expect(errors == [3: "LED-7", 4: "LED-9", 5: "LED-0", 6: "LED-4", 7: "LED-0", 9: "csv"])
        #expect(checked.filter(\.isValid).map(\.number) == [2, 8])
        #expect(checked[0].contribution?.description == "Distribution, soir")
        #expect(checked[6].contribution?.description == "fine \"quoted\" ok")
        // Checking changed nothing.
        #expect(try h.state.counts().contributions == 0)
        #expect(throws: LedgerError.self) { try ContributionCSV.parse("account,date\n", org: "restos") }
        #expect(throws: LedgerError.self) { try ContributionCSV.parse("", org: "restos") }
    }

    @Test func organisationKeyFileIsSealed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("restos.orgkey")
        let (file, key) = try OrganisationKeyFile.generate(org: "restos", passphrase: "correct horse", cost: .minimumForTesting)
        try file.write(to: url)
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(!text.contains(Hex.encode(key.seed.copyBytes())))
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let read = try OrganisationKeyFile.read(from: url)
        #expect(read.publicKey == Hex.encode(key.publicKey.rawRepresentation))
        #expect(try read.signingKey(passphrase: "correct horse").publicKey == key.publicKey)
        #expect(throws: LedgerError.self) { try read.signingKey(passphrase: "wrong") }
        #expect(throws: LedgerError.self) { try file.write(to: url) }   // never overwritten
    }
}
