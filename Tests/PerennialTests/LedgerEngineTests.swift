import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import GRDB
@testable import PerennialDemo
import Testing
@testable import Perennial

@Suite("Ledger through the engine")
struct LedgerEngineTests {
    struct Fixture {
        let directory: URL
        let clock: ManualClock
        let node: Node
        let officer: Ed25519.SigningKey
        let org: Ed25519.SigningKey

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-engine-\(UUID().uuidString)")
            clock = ManualClock(milliseconds: 1_780_000_000_000)   // 2026-05-28
            node = try Node.create(directory: directory, origin: "perennial.example/ledger-test", simulation: true, clock: clock)
            officer = try node.key("officer")
            var setup = try TermSetupService.makeSetup(
                term: "paris-2026", title: "Ledger test", timeZone: "Europe/Paris", start: "2026-01-01", end: "2032-01-01",
                trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
                officer: officer.publicKey.rawRepresentation, registrar: try node.key("registrar").publicKey.rawRepresentation, simulation: true)
            setup.logKey = node.verifierKey
            try node.submit(payload: setup.payloadBytes(record: node.origin, term: "paris-2026"), signer: officer)
            org = Ed25519.SigningKey.generate()
            try node.submitLedger(Accreditation(org: "restos", name: "Restos", key: Hex.encode(org.publicKey.rawRepresentation),
                                                categories: ["food-aid"], validFrom: "2026-01-01", validUntil: nil), signer: officer)
        }

        func contribution(_ attestation: String, account: Int = 1, date: String = "2026-05-02", start: String = "10:00", end: String = "12:00") -> Contribution {
            Contribution(org: "restos", attestation: attestation, account: AccountID.numbered(account).text, category: "food-aid",
                         date: date, start: start, end: end, minutes: nil, description: "")
        }

        func rows() throws -> Int {
            try node.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_contributions") ?? -1 }
        }
    }

    @Test func refusedEntriesLeaveTheLogUnchanged() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let first = try f.node.submitLedger(f.contribution("R-1"), signer: f.org)
        let size = try f.node.store.size()
        let root = try f.node.store.root(atSize: size)
        let refusals: [(Contribution, Ed25519.SigningKey, String)] = [
            (f.contribution("R-1", account: 2), f.org, "LED-9"),                          // same attestation
            (f.contribution("R-2", start: "11:00", end: "13:00"), f.org, "LED-7"),         // overlap
            (f.contribution("R-3", account: 3), f.officer, "LED-4"),                       // not the organisation's key
            (f.contribution("R-4", date: "2026-06-30"), f.org, "LED-5"),                   // not over yet
            (f.contribution("R-5", start: "06:00", end: "19:00"), f.org, "LED-6"),         // too long
        ]
        for (c, key, check) in refusals {
            do {
                try f.node.submitLedger(c, signer: key)
                Issue.record("\(check) not refused")
            } catch let error as LedgerError {
                #expect(error.check == check)
            }
            #expect(try f.node.store.size() == size)
            #expect(try f.node.store.root(atSize: size) == root)
        }
        #expect(try f.rows() == 1)
        #expect(try f.node.ledgerState().counts().contributions == 1)
        // A reversal, then a reversal of it: refused, log unchanged.
        let r = try f.node.submitLedger(Reversal(entry: Int(first.index), reason: "wrong person"), signer: f.org)
        let after = try f.node.store.size()
        #expect(throws: LedgerError.self) { try f.node.submitLedger(Reversal(entry: Int(r.index), reason: "undo"), signer: f.officer) }
        #expect(try f.node.store.size() == after)
        // A badly signed envelope is refused by the log itself.
        let payload = f.contribution("R-9", account: 9).payloadBytes(record: f.node.origin, term: "paris-2026")
        let forged = try EntryEnvelope(payload: payload, author: f.org.publicKey.rawRepresentation, signature: [UInt8](repeating: 7, count: 64))
        #expect(throws: LogError.self) { try f.node.submit(forged) }
        #expect(try f.node.store.size() == after)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let size = try f.node.store.size()
        let bad = [f.contribution("B-1"), f.contribution("B-2", account: 2), f.contribution("B-3", start: "11:00", end: "11:30")]  // third overlaps the first
        #expect(throws: LedgerError.self) { try f.node.submitContributions(bad, signer: f.org) }
        #expect(try f.node.store.size() == size)
        #expect(try f.rows() == 0)
        #expect(try f.node.ledgerState().counts().contributions == 0)
        let good = try f.node.submitContributions(Array(bad.prefix(2)), signer: f.org)
        #expect(good.count == 2)
        #expect(try f.rows() == 2)
    }

    @Test func reopeningReplaysTheSameLedgerAndReceiptsVerify() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        try f.node.submitLedger(LedgerSettings(from: "2026-01-01", obligationHours: 10, hourValueMinor: 2000, currency: "EUR",
                                               dailyCapMinutes: 600, maxMinutes: 600), signer: f.officer)
        let a = try f.node.submitLedger(f.contribution("R-1"), signer: f.org)
        try f.node.submitLedger(f.contribution("R-2", date: "2026-05-03", start: "22:00", end: "01:00"), signer: f.org)
        try f.node.submitLedger(Reversal(entry: Int(a.index), reason: "duplicate"), signer: f.officer)
        let receipt = try f.node.ledgerReceipt(index: Int(a.index), tracker: "restos:R-1")
        try receipt.verify()
        let withReceipts = try f.node.ledgerState().statement(account: .numbered(1), year: 2026) { f.node.existingReceipt(index: $0) }
        #expect(withReceipts.lines.first { $0.index == Int(a.index) }?.receipt?.leafHash == a.leafHash)
        let json = try JSONSerialization.jsonObject(with: Data(withReceipts.json().utf8)) as! [String: Any]
        let first = (json["entries"] as! [[String: Any]]).first { $0["entry"] as? Int == Int(a.index) }!
        let receiptJSON = try JSONSerialization.data(withJSONObject: first["receipt"]!)
        try Receipt.parse(json: String(decoding: receiptJSON, as: UTF8.self)).verify()
        let before = try f.node.ledgerState().statement(account: .numbered(1), year: 2026).json()

        let reopened = try Node(directory: f.directory, clock: f.clock)
        let statement = try reopened.ledgerState().statement(account: .numbered(1), year: 2026)
        #expect(statement.json() == before)
        #expect(statement.totalMinutes == 180)
        #expect(statement.valueMinor == 6000)
        #expect(try reopened.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_contributions WHERE idx NOT IN (SELECT entry FROM ledger_reversals)") } == 1)
        #expect(reopened.existingReceipt(index: Int(a.index)) != nil)
    }

    @Test func demoAddsOrganisationsContributionsAndTotals() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        f.clock.set(milliseconds: 1_790_000_000_000)   // 2026-09-21
        let summary = try LedgerDemo.run(on: f.node, keyDirectory: f.directory.appendingPathComponent("orgs"), accounts: 12)
        #expect(summary.contributions > 20)
        #expect(summary.totals.totalMinutes > 0)
        #expect(summary.reversals == 1)
        #expect(summary.refused["LED-9"] == 1)
        #expect(summary.refused["LED-7"] == 1)
        #expect(summary.refused["LED-10"] == 1)
        #expect(!summary.lines.isEmpty)
    }
}
