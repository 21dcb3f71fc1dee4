import BallotCore
import CivicCrypto
import CivicLedger
import Foundation
import Testing

/// A ledger fed by hand: entries get consecutive indices and a log time (by default long after any
/// date used, so that LED-5's "already over" holds).
struct Harness {
    static let record = "perennial.example/test"
    static let term = "paris-2026"
    let officer = Ed25519.SigningKey.generate()
    var state: LedgerState
    var index = 1
    var timeMs: UInt64 = 2_000_000_000_000   // 2033-05-18

    init(start: String = "2026-01-01", end: String = "2032-01-01") throws {
        let context = try LedgerContext(
            record: Self.record, term: Self.term, officer: Hex.encode(officer.publicKey.rawRepresentation),
            timeZone: "Europe/Paris", termStart: LocalDate(iso: start), termEnd: LocalDate(iso: end))
        state = LedgerState(context: context)
    }

    static func hex(_ key: Ed25519.SigningKey) -> String { Hex.encode(key.publicKey.rawRepresentation) }

    /// Applies a payload signed by `author`; returns the change or throws the refusal.
    @discardableResult
    mutating func append(_ payload: some LedgerPayload, by author: Ed25519.SigningKey) throws -> LedgerChange {
        let entry = LedgerEntry(index: index, timeMs: timeMs, author: author.publicKey.rawRepresentation,
                                payload: payload.payloadBytes(record: Self.record, term: Self.term))
        let change = try state.apply(entry)
        index += 1
        return change
    }

    /// Like ``append(_:by:)`` but expects a refusal with `check`, and checks nothing changed.
    mutating func refuse(_ payload: some LedgerPayload, by author: Ed25519.SigningKey, check: String,
                         sourceLocation: SourceLocation = #_sourceLocation) -> LedgerError? {
        let before = fingerprint
        do {
            try append(payload, by: author)
            Issue.record("expected \(check) refusal, but the entry was accepted", sourceLocation: sourceLocation)
            return nil
        } catch let error as LedgerError {
            #expect(error.check == check, "\(error)", sourceLocation: sourceLocation)
            #expect(fingerprint == before, "a refused entry changed the ledger", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A summary of everything the state holds.
    var fingerprint: String {
        let c = ((try? state.allContributions()) ?? []).map { "\($0.index):\($0.minutes):\($0.reversedBy ?? -1)" }
        let o = state.organisations.values.sorted { $0.org < $1.org }.map { "\($0.org):\($0.periods.count):\($0.suspensions.count)" }
        return "\(c)|\(o)|\((try? state.counts().reversals) ?? -1)|\(state.settingsEntries.count)|\(state.kinds.count)"
    }

    /// Accredits `org` with a fresh key; returns the key.
    @discardableResult
    mutating func accredit(_ org: String, categories: [String] = ["food-aid", "social"], from: String = "2026-01-01",
                           until: String? = nil, key: Ed25519.SigningKey = .generate()) throws -> Ed25519.SigningKey {
        try append(Accreditation(org: org, name: "Org \(org)", key: Self.hex(key), categories: categories, validFrom: from, validUntil: until), by: officer)
        return key
    }

    static func contribution(_ org: String, account: AccountID = .numbered(1), category: String = "food-aid", date: String,
                             start: String, end: String? = nil, minutes: Int? = nil, attestation: String? = nil) -> Contribution {
        let att = attestation ?? "att-\(date)-\(start)-\(end ?? "")-\(minutes ?? 0)-\(account.text.prefix(4))"
        return Contribution(org: org, attestation: att, account: account.text, category: category, date: date, start: start,
                            end: end, minutes: minutes, description: "help")
    }
}
