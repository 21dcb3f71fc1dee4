import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// Prepares a node on which anyone can try the kiosk at once (`perennial demo --kiosk-trial`): a
/// six-year term that is open today, its trustees' ceremony, two contests, and a handful of citizens
/// whose window is open today (plus one whose window opens later and one who lost a card), with
/// their credential letters as the registrar prints them.
///
/// Layout of `output`: `node/` (for `perennial-kiosk --data OUT/node`), `trustees/trustee-1…3/`,
/// `letters/NN-what.txt`. Those three are replaced; anything else in `output` is left alone.
public struct KioskTrial {
    public struct Options: Sendable {
        public var output: URL
        /// The moment the trial is prepared for ("today"); the kiosk must then run at that date too.
        public var now = Date()
        public var timeZone = "Europe/Paris"
        public var windowDays = 7
        public var group: GroupName = .ristretto255
        /// Argon2id cost for the trustees' sealed secrets (the trial uses the minimum to stay fast).
        public var trusteeSealCost: PassphraseSeal.Cost = .minimumForTesting
        public init(output: URL) { self.output = output }
    }

    /// One letter written.
    public struct Letter: Sendable {
        public var file: URL
        public var birthday: String
        /// What to expect at the kiosk today, in English (for the command's summary).
        public var expect: String
    }

    public struct Summary: Sendable {
        public var node: URL
        public var term: String
        public var today: LocalDate
        public var letters: [Letter]
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run() throws -> Summary {
        let fm = FileManager.default
        for sub in ["node", "trustees", "letters"] {
            let url = options.output.appendingPathComponent(sub)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
        }
        try fm.createDirectory(at: options.output.appendingPathComponent("letters"), withIntermediateDirectories: true)

        let nowMs = UInt64((options.now.timeIntervalSince1970 * 1000).rounded())
        // The log must not sit in the future of the kiosk that opens it: use the trial's "now".
        let clock = ManualClock(milliseconds: nowMs)
        let probe = try TermCalendar(timeZone: options.timeZone, start: LocalDate(iso: "2000-01-01"), end: LocalDate(iso: "2100-01-01"),
                                     windowDays: options.windowDays, leapDayPolicy: .february28)
        let today = probe.localDate(of: options.now)
        // A six-year term that started on 1 January of last year: this year is its year 2.
        let start = try LocalDate(year: today.year - 1, month: 1, day: 1)
        let end = try LocalDate(year: today.year + 5, month: 1, day: 1)
        let termID = "essai-kiosque-\(today.year)"

        let trustees = (1...3).map { i in
            TrusteeFiles(directory: options.output.appendingPathComponent("trustees/trustee-\(i)"), cost: options.trusteeSealCost)
        }
        let passphrases = (1...3).map { "kiosk trial passphrase of trustee \($0)" }
        let trusteeKeys = try trustees.map { Hex.encode(try $0.signingKey().publicKey.rawRepresentation) }
        let node = try Node.setUp(directory: options.output.appendingPathComponent("node"), origin: "perennial.example/\(termID)",
                                  simulation: true, clock: clock) { officer, registrar in
            try TermSetupService.makeSetup(
                term: termID, title: "Élection municipale tout au long de la vie — essai de la borne",
                timeZone: options.timeZone, start: start.iso, end: end.iso, windowDays: options.windowDays, group: options.group,
                trustees: TrusteeCount(n: 3, t: 2), trusteeKeys: trusteeKeys, officer: officer, registrar: registrar, simulation: true)
        }
        let officer = try node.key("officer")
        for (i, t) in trustees.enumerated() { try t.commit(index: i + 1, on: node, passphrase: passphrases[i]) }
        for (i, t) in trustees.enumerated() { try t.sendShares(on: node, passphrase: passphrases[i]) }
        for (i, t) in trustees.enumerated() {
            guard try t.check(on: node, passphrase: passphrases[i]) else { throw NodeError("Trustee \(i + 1) complained in the trial ceremony.") }
        }
        let election = try node.requireElection()
        try node.submit(payload: election.electionKeyPayload().payloadBytes(record: node.origin, term: termID), signer: officer)

        let yearOfTerm = today.year - start.year + 1
        let office = ContestVersion(contest: "maire", version: 1, title: "Maire du Grand Nancy", titleEn: "Mayor of Grand Nancy", year: nil, options: [
            ContestOption(id: "cand-a", label: "Amélie Arnaud"), ContestOption(id: "cand-b", label: "Bruno Barbier"),
            ContestOption(id: "cand-c", label: "Chloé Chevalier"), ContestOption(id: "cand-d", label: "David Dupont"),
            ContestOption(id: ContestOption.blankID, label: "Vote blanc", labelEn: "Blank vote"),
        ], min: 1, max: 1)
        let referendum = ContestVersion(contest: "referendum-temps", version: 1,
                                        title: "Adopter l'impôt payé en temps d'intérêt général ?",
                                        titleEn: "Adopt the tax paid in time given to the general interest?", year: yearOfTerm,
                                        options: [ContestOption(id: "oui", label: "Oui", labelEn: "Yes"), ContestOption(id: "non", label: "Non", labelEn: "No"),
                                                  ContestOption(id: ContestOption.blankID, label: "Vote blanc", labelEn: "Blank vote")], min: 1, max: 1)
        for c in [office, referendum] { try node.submit(payload: c.payloadBytes(record: node.origin, term: termID), signer: officer) }
        // The trial's own kiosk device (node/keys/kiosk.key), enrolled by the officer.
        _ = try node.simulationKioskKey()

        // Citizens: birthdays today or in the last W−1 days (window open), one later this year or
        // next (window not open), and one whose card is replaced today.
        let desk = Registrar(node: node)
        var letters: [Letter] = []
        func birthday(_ days: Int) -> String {
            var d = today.adding(days: days)
            if d.month == 2 && d.day == 29 { d = d.adding(days: -1) }   // keep the trial simple around leap days
            return String(format: "%02d-%02d", d.month, d.day)
        }
        let w = options.windowDays
        var plan: [(String, Int, String)] = [
            ("open-today", 0, "window opens today"),
            ("open-since-yesterday", -1, "window open since yesterday"),
        ]
        if w > 2 { plan.append(("open-mid-window", -(w / 2), "window open, in its middle")) }
        if w > 1 { plan.append(("open-last-day", -(w - 1), "window open, last day")) }
        plan.append(("opens-in-10-days", 10, "window not open today: opens in 10 days"))
        for (n, (name, offset, expect)) in plan.enumerated() {
            let issued = try desk.enrol(person: "Trial citizen \(n + 1)", birthday: birthday(offset), eligibleFrom: nil, eligibleUntil: nil)
            letters.append(try write(issued.letter, number: n + 1, name: name, birthday: birthday(offset), expect: expect))
        }
        let lost = try desk.enrol(person: "Trial citizen who lost a card", birthday: birthday(0), eligibleFrom: nil, eligibleUntil: nil)
        letters.append(try write(lost.letter, number: plan.count + 1, name: "replaced-old-card", birthday: birthday(0),
                                 expect: "old card, replaced today: refused"))
        let renewed = try desk.replace(credential: lost.credential, date: today.iso, reason: "lost", person: "Trial citizen who lost a card")
        letters.append(try write(renewed.letter, number: plan.count + 2, name: "replaced-new-card", birthday: birthday(0),
                                 expect: "new card: window open today"))
        _ = try node.store.signCheckpoint()
        return Summary(node: node.directory, term: termID, today: today, letters: letters)
    }

    private func write(_ letter: String, number: Int, name: String, birthday: String, expect: String) throws -> Letter {
        let file = options.output.appendingPathComponent("letters").appendingPathComponent(String(format: "%02d-%@.txt", number, name))
        // Letters hold secret codes: readable by their owner only, like the registrar's files.
        guard FileManager.default.createFile(atPath: file.path, contents: Data(letter.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw NodeError("Could not write \(file.path); check that the output directory is writable.")
        }
        return Letter(file: file, birthday: birthday, expect: expect)
    }
}
