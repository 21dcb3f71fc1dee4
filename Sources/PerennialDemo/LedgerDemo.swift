import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation
import Perennial

/// The civic time ledger's part of the demo: settings, three organisations (each key sealed in its
/// own file), a few hundred contributions over the term in monthly batches, a correction (reversal),
/// refusals the rules catch, and the city's totals.
///
/// Call it on a node whose term is set up, at a moment when the clock is past the dates to attest
/// (e.g. from `DemoSimulator.run()` just before the term is closed); contributions are dated from the
/// term's start up to the day before the clock's current date.
public enum LedgerDemo {
    public struct Summary: Sendable {
        public let organisations: Int
        public let accounts: Int
        /// Contributions appended (reversed ones included).
        public let contributions: Int
        public let reversals: Int
        /// Refusals tried on purpose, by check id (e.g. `LED-7` for an overlap).
        public let refused: [String: Int]
        /// The city's totals for the whole term.
        public let totals: CityTotals
        /// One account's statement for the first year, as an example.
        public let sampleStatement: AccountStatement?

        /// Short lines for the demo's printed summary.
        public var lines: [String] {
            var out = ["civic time ledger: \(organisations) organisations, \(contributions) contributions by \(accounts) accounts, \(reversals) reversed"]
            out.append("  city total: \(totals.totalMinutes / 60) h \(totals.totalMinutes % 60) min counted")
            for c in totals.byCategory { out.append("    \(c.category): \(c.minutes / 60) h \(c.minutes % 60) min") }
            out.append("  refused as expected: " + refused.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
            return out
        }
    }

    /// Runs the ledger demo on `node`.
    /// - Parameters:
    ///   - keyDirectory: where the organisations' sealed key files are written (created if needed).
    ///   - seed: the deterministic generator's seed.
    ///   - accounts: how many citizen accounts give time.
    ///   - sealCost: Argon2id cost of the key files (the minimum is enough for a demo).
    public static func run(on node: Node, keyDirectory: URL, seed: UInt64 = 7, accounts: Int = 40,
                           sealCost: PassphraseSeal.Cost = .minimumForTesting) throws -> Summary {
        var rng = SeededGenerator(seed: seed)
        let setup = try node.ledgerTermSetup()
        let officer = try node.key("officer")
        let context = try LedgerContext(record: node.origin, setup: setup)
        let today = context.clock.localDate(at: Int(node.clock.nowMilliseconds() / 1000))
        let lastDay = min(today.adding(days: -1), context.termEnd.adding(days: -1))
        guard lastDay >= context.termStart else {
            throw NodeError("The ledger demo needs the clock past the term's first day.")
        }
        try FileManager.default.createDirectory(at: keyDirectory, withIntermediateDirectories: true)

        try node.submitLedger(LedgerSettings(from: context.termStart.iso, obligationHours: 20, hourValueMinor: 1500, currency: "EUR",
                                             dailyCapMinutes: 720, maxMinutes: 600), signer: officer)
        let orgs: [(id: String, name: String, categories: [String])] = [
            ("restos-nancy", "Restos du Cœur — Nancy", ["food-aid", "social"]),
            ("jardins-partages", "Jardins partagés du Grand Nancy", ["environment", "gardening"]),
            ("bibliotheque-stan", "Bibliothèque Stanislas — lecture aux aînés", ["culture", "elderly-care"]),
        ]
        var keys: [String: Ed25519.SigningKey] = [:]
        for o in orgs {
            let file = keyDirectory.appendingPathComponent("\(o.id).orgkey")
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            let (keyFile, key) = try OrganisationKeyFile.generate(org: o.id, passphrase: "demo passphrase of \(o.id)", cost: sealCost)
            try keyFile.write(to: file)
            keys[o.id] = key
            try node.submitLedger(Accreditation(org: o.id, name: o.name, key: keyFile.publicKey, categories: o.categories,
                                                validFrom: context.termStart.iso, validUntil: nil), signer: officer)
        }

        // Contributions: each month, each organisation sends one batch.
        let people = (1...max(1, accounts)).map { AccountID.numbered(1000 + $0) }
        var appended: [LogEntry] = []
        var serial = 0
        var month = try LocalDate(year: context.termStart.year, month: context.termStart.month, day: 1)
        while month <= lastDay {
            for o in orgs {
                var batch: [Contribution] = []
                var busy: Set<String> = []
                for _ in 0..<Int.random(in: 2...5, using: &rng) {
                    let day = month.adding(days: Int.random(in: 0..<28, using: &rng))
                    guard day >= context.termStart, day <= lastDay else { continue }
                    let person = people[Int.random(in: 0..<people.count, using: &rng)]
                    // One slot per person and day per organisation; organisations use different hours.
                    let slot = person.text + day.iso
                    guard busy.insert(slot).inserted else { continue }
                    let startHour = 8 + 4 * (orgs.firstIndex { $0.id == o.id } ?? 0) + Int.random(in: 0...1, using: &rng)
                    let minutes = [60, 90, 120, 180][Int.random(in: 0..<4, using: &rng)]
                    serial += 1
                    let category = o.categories[Int.random(in: 0..<o.categories.count, using: &rng)]
                    let byEnd = Int.random(in: 0...1, using: &rng) == 0
                    let startTime = "\(startHour < 10 ? "0" : "")\(startHour):00"
                    let endMinute = startHour * 60 + minutes
                    let endTime = "\(endMinute / 60 < 10 ? "0" : "")\(endMinute / 60):\(endMinute % 60 < 10 ? "0" : "")\(endMinute % 60)"
                    batch.append(Contribution(org: o.id, attestation: "\(o.id.prefix(4))-\(serial)", account: person.text, category: category,
                                              date: day.iso, start: startTime, end: byEnd ? endTime : nil, minutes: byEnd ? nil : minutes,
                                              description: "\(category) session"))
                }
                guard !batch.isEmpty else { continue }
                // A batch may collide with another organisation's hours for the same person: check
                // first (as an organisation's import does) and send only the lines that pass.
                let state = try node.ledgerState()
                let lines = ContributionCSV.check(batch.enumerated().map { ContributionCSV.Line(number: $0.offset + 2, contribution: $0.element, error: nil) },
                                                  state: state, author: keys[o.id]!.publicKey.rawRepresentation, record: node.origin,
                                                  timeMs: node.clock.nowMilliseconds(), nextIndex: Int(try node.store.size()))
                let valid = lines.filter(\.isValid).compactMap(\.contribution)
                if !valid.isEmpty { appended += try node.submitContributions(valid, signer: keys[o.id]!) }
            }
            month = month.adding(days: LocalDate.daysInMonth(month.month, year: month.year))
        }

        // Refusals the rules catch (nothing is written for them).
        var refused: [String: Int] = [:]
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch let error as LedgerError { refused[error.check ?? error.reason.description, default: 0] += 1 } catch {}
        }
        if let first = appended.first, let c = try node.ledgerState().contribution(at: Int(first.index)) {
            let key = keys[c.payload.org]!
            attempt { try node.submitLedger(c.payload, signer: key) }                         // LED-9 same attestation
            var overlapping = c.payload
            overlapping.attestation += "-bis"
            attempt { try node.submitLedger(overlapping, signer: key) }                       // LED-7 overlap
            var wrongCategory = c.payload
            wrongCategory.attestation += "-ter"
            wrongCategory.category = "sport"
            attempt { try node.submitLedger(wrongCategory, signer: key) }                     // LED-4 category
            var tooLong = c.payload
            tooLong.attestation += "-long"
            tooLong.date = context.termStart.adding(days: 1).iso
            tooLong.start = "00:00"
            tooLong.end = nil
            tooLong.minutes = 900
            attempt { try node.submitLedger(tooLong, signer: key) }                           // LED-6 duration
        }
        // A correction: the second contribution was recorded by mistake.
        var reversals = 0
        if appended.count > 1 {
            let c = try node.ledgerState().contribution(at: Int(appended[1].index))!
            let r = try node.submitLedger(Reversal(entry: c.index, reason: "Recorded for the wrong volunteer; corrected."), signer: keys[c.payload.org]!)
            reversals += 1
            attempt { try node.submitLedger(Reversal(entry: Int(r.index), reason: "undo"), signer: officer) }   // LED-10
        }
        _ = try node.store.signCheckpoint()

        let state = try node.ledgerState()
        let sample = try people.first.map { try state.statement(account: $0, year: context.termStart.year) { node.existingReceipt(index: $0) } }
        let contributions = try state.allContributions()
        return Summary(organisations: orgs.count, accounts: Set(contributions.map(\.account)).count,
                       contributions: contributions.count, reversals: reversals, refused: refused,
                       totals: try state.cityTotals(), sampleStatement: sample)
    }
}
