import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// Simulates a whole term on an injected clock: setup, the trustees' ceremony (each trustee with its
/// own directory), enrolment with random birthdays, roll changes, candidates entering and withdrawing,
/// birthday votes with realistic turnout and some revotes, one challenged ballot, then the term-end
/// close, partial decryptions by two of three trustees, and the result — compared with the ground
/// truth the simulator kept.
public struct DemoSimulator {
    public struct Options: Sendable {
        public var citizens = 2_000
        public var years = 6
        public var seed: UInt64 = 2026
        public var group: GroupName = .ristretto255
        public var output: URL
        public var turnout = 0.72
        public var revoteRate = 0.05
        public var perYearResults = true
        public var checkpointEveryDays = 7
        /// Full durability by default, as a real node; `.simulation` skips fsync (`perennial demo --skip-fsync`).
        public var durability: LogStore.Durability = .full
        /// Argon2id cost for the trustees' sealed secrets (the demo uses the minimum to stay fast).
        public var trusteeSealCost: PassphraseSeal.Cost = .minimumForTesting
        /// The `Proposals/` corpus to import into deliberation (its tax-in-time proposal becomes the
        /// referendum); without it the demo declares the referendum by hand.
        public var proposals: URL?
        public init(output: URL) { self.output = output }
    }

    /// What the demo did, and whether the published result matched the ground truth.
    public struct Summary: Sendable {
        public var entries: Int
        public var ballotsCast: Int
        public var counted: Int
        public var superseded: Int
        public var spoiled: Int
        public var refused: [String: Int]
        public var result: TallyResult
        public var truth: [String: [String: Int]]
        public var matches: Bool
        public var seconds: Double
        public var checkpoints: Int
        /// The civic time ledger's part (organisations, contributions, the city's totals).
        public var ledger: LedgerDemo.Summary?
    }

    public let options: Options
    public let progress: (String) -> Void

    public init(options: Options, progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.progress = progress
    }

    // MARK: Citizens and events

    struct Citizen {
        var birthday: Birthday
        var codes: [CredentialCode]          // the card, then replacements
        var keys: [Ed25519.SigningKey]
        var enrolAt: LocalDate?              // nil: enrolled at setup
        var eligibleFrom: LocalDate?
        var eligibleUntil: LocalDate?        // final
        var leaveReason: String?
        var replaceOn: LocalDate?
    }

    enum Action {
        case enrol(Int)
        case leave(Int)
        case replace(Int)
        case contest(ContestVersion)
        case vote(citizen: Int, window: Int, challenge: Bool)
        case strayVote(citizen: Int)
    }

    struct Event {
        var time: Date
        var order: Int
        var action: Action
    }

    // MARK: Run

    public func run() throws -> Summary {
        let began = Date()
        var rng = SeededGenerator(seed: options.seed)
        let fm = FileManager.default
        let nodeDir = options.output.appendingPathComponent("node")
        for sub in ["node", "trustees", "record", "organisations"] {
            let url = options.output.appendingPathComponent(sub)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
        }
        try fm.createDirectory(at: options.output, withIntermediateDirectories: true)

        let termID = "nancy-\(2027)"
        let start = try LocalDate(iso: "2027-01-01")
        let end = try LocalDate(year: 2027 + options.years, month: 1, day: 1)
        let zone = "Europe/Paris"
        let calendar = try TermCalendar(timeZone: zone, start: start, end: end, windowDays: 7, leapDayPolicy: .february28)
        let clock = ManualClock(milliseconds: Self.ms(calendar.instant(of: start.adding(days: -30))))

        // Trustees, each with its own directory.
        let trustees = (1...3).map { i in
            TrusteeFiles(directory: options.output.appendingPathComponent("trustees/trustee-\(i)"), cost: options.trusteeSealCost)
        }
        let passphrases = (1...3).map { "demo passphrase of trustee \($0)" }
        let trusteeKeys = try trustees.map { Hex.encode(try $0.signingKey().publicKey.rawRepresentation) }
        let node = try Node.setUp(directory: nodeDir, origin: "perennial.example/\(termID)", simulation: true, clock: clock,
                                  durability: options.durability) { officer, registrar in
            try TermSetupService.makeSetup(
                term: termID, title: "Élection municipale tout au long de la vie — Grand Nancy (simulation)",
                timeZone: zone, start: start.iso, end: end.iso, group: options.group, trustees: TrusteeCount(n: 3, t: 2),
                trusteeKeys: trusteeKeys, officer: officer, registrar: registrar, perYearResults: options.perYearResults,
                simulation: true)
        }
        let officer = try node.key("officer"), registrar = try node.key("registrar")
        progress("term \(termID) set up: \(start.iso) → \(end.iso), group \(options.group), 3 trustees, threshold 2")
        for (i, t) in trustees.enumerated() { try t.commit(index: i + 1, on: node, passphrase: passphrases[i]) }
        for (i, t) in trustees.enumerated() { try t.sendShares(on: node, passphrase: passphrases[i]) }
        for (i, t) in trustees.enumerated() {
            guard try t.check(on: node, passphrase: passphrases[i]) else { throw NodeError("Trustee \(i + 1) complained in the demo ceremony.") }
        }
        let election = try node.requireElection()
        try node.submit(payload: election.electionKeyPayload().payloadBytes(record: node.origin, term: termID), signer: officer)
        progress("key ceremony done: election key published")
        // The demo's kiosk device (keys/kiosk.key), enrolled by the officer: it signs challenges.
        let kioskDevice = try node.simulationKioskKey()

        // Contests: the office, and a referendum on the ballots of year 3.
        var office = ContestVersion(contest: "maire", version: 1, title: "Maire du Grand Nancy", year: nil, options: [
            ContestOption(id: "cand-a", label: "Amélie Arnaud"), ContestOption(id: "cand-b", label: "Bruno Barbier"),
            ContestOption(id: "cand-c", label: "Chloé Chevalier"), ContestOption(id: "cand-d", label: "David Dupont"),
            ContestOption(id: ContestOption.blankID, label: "Vote blanc"),
        ], min: 1, max: 1)
        let referendumWindow = min(3, options.years)
        var referendum = ContestVersion(contest: "referendum-temps", version: 1,
                                        title: "Adopter l'impôt payé en temps d'intérêt général ?", year: referendumWindow,
                                        options: [ContestOption(id: "oui", label: "Oui"), ContestOption(id: "non", label: "Non"),
                                                  ContestOption(id: ContestOption.blankID, label: "Vote blanc")], min: 1, max: 1)
        if let corpus = options.proposals,
           let fromDeliberation = try DeliberationDemo.run(node: node, corpus: corpus, window: referendumWindow,
                                                           year: start.year + referendumWindow - 1, progress: progress) {
            referendum = fromDeliberation
        }
        for c in [office, referendum] {
            try node.submit(payload: c.payloadBytes(record: node.origin, term: termID), signer: officer)
        }

        // Citizens.
        var citizens: [Citizen] = []
        for _ in 0..<options.citizens {
            let month = Int.random(in: 1...12, using: &rng)
            let day = Int.random(in: 1...LocalDate.daysInMonth(month, year: 2028), using: &rng)
            var c = Citizen(birthday: try Birthday(month: month, day: day), codes: [], keys: [], enrolAt: nil,
                            eligibleFrom: nil, eligibleUntil: nil, leaveReason: nil, replaceOn: nil)
            let roll = Double.random(in: 0..<1, using: &rng)
            let someDay = start.adding(days: Int.random(in: 30..<(365 * options.years - 30), using: &rng))
            if roll < 0.03 { c.eligibleFrom = someDay }                                  // comes of age
            else if roll < 0.05 { c.enrolAt = someDay; c.eligibleFrom = someDay }          // moves in
            else if roll < 0.08 { c.eligibleUntil = someDay; c.leaveReason = "moved-out" }
            else if roll < 0.09 { c.eligibleUntil = someDay; c.leaveReason = "death" }
            else if roll < 0.10 { c.replaceOn = someDay }                                  // loses the card
            let cards = c.replaceOn == nil ? 1 : 2
            for _ in 0..<cards {
                let code = CredentialCode.random(using: &rng)
                c.codes.append(code)
                c.keys.append(CredentialKey.signingKey(for: code, term: termID))
            }
            citizens.append(c)
        }

        // Events on the term's timeline.
        var events: [Event] = []
        var order = 0
        func push(_ time: Date, _ a: Action) { events.append(Event(time: time, order: order, action: a)); order += 1 }
        let setupTime = calendar.instant(of: start.adding(days: -20))
        for (i, c) in citizens.enumerated() {
            if let d = c.enrolAt { push(calendar.instant(of: d), .enrol(i)) } else { push(setupTime, .enrol(i)) }
            if let d = c.eligibleUntil, c.leaveReason != nil { push(calendar.instant(of: d), .leave(i)) }
            if let d = c.replaceOn { push(calendar.instant(of: d), .replace(i)) }
            let windows = calendar.windows(for: c.birthday, eligibleFrom: c.eligibleFrom, eligibleUntil: c.eligibleUntil)
            for w in windows where Double.random(in: 0..<1, using: &rng) < options.turnout {
                let span = w.closes.timeIntervalSince(w.opens)
                let t = w.opens.addingTimeInterval(Double.random(in: 60..<max(61, span * 0.6), using: &rng))
                push(t, .vote(citizen: i, window: w.number, challenge: false))
                if Double.random(in: 0..<1, using: &rng) < options.revoteRate {
                    push(t.addingTimeInterval(Double.random(in: 60..<max(61, span * 0.35), using: &rng)),
                         .vote(citizen: i, window: w.number, challenge: false))
                }
            }
        }
        // A candidate enters in year 2, another withdraws in year 4 (when the term is long enough).
        let termYears = options.years
        if termYears >= 2 {
            var v2 = office
            v2.version = 2
            v2.options.insert(ContestOption(id: "cand-e", label: "Émilie Estève"), at: 4)
            push(calendar.instant(of: start.adding(days: 365 + 45)), .contest(v2))
            office = v2
            if termYears >= 4 {
                var v3 = v2
                v3.version = 3
                v3.options.removeAll { $0.id == "cand-b" }
                push(calendar.instant(of: start.adding(days: 3 * 365 + 100)), .contest(v3))
            }
        }
        // One challenged ballot (cast-or-challenge), and a few voters who come outside their window.
        if let firstVote = events.first(where: { if case .vote = $0.action { return true } else { return false } }),
           case .vote(let ci, let w, _) = firstVote.action {
            push(firstVote.time.addingTimeInterval(-30), .vote(citizen: ci, window: w, challenge: true))
        }
        for _ in 0..<min(5, citizens.count) {
            push(calendar.instant(of: start.adding(days: Int.random(in: 0..<(365 * termYears), using: &rng))).addingTimeInterval(3600),
                 .strayVote(citizen: Int.random(in: 0..<citizens.count, using: &rng)))
        }
        events.sort { ($0.time, $0.order) < ($1.time, $1.order) }

        // Ground truth: the last choices of each voter in each window.
        var truthSlots: [String: [ContestChoice]] = [:]
        var refused: [String: Int] = [:]
        var ballotsCast = 0
        var nextCheckpoint = calendar.termStartInstant
        var checkpoints = 0
        let total = events.count
        var lastReported = -1
        for (n, event) in events.enumerated() {
            while event.time >= nextCheckpoint {
                clock.set(milliseconds: Self.ms(nextCheckpoint))
                let size = try node.store.size()
                if size > (try node.store.latestCheckpoint()?.size ?? 0) {
                    _ = try node.store.signCheckpoint()
                    checkpoints += 1
                }
                nextCheckpoint = nextCheckpoint.addingTimeInterval(Double(options.checkpointEveryDays) * 86_400)
            }
            clock.set(milliseconds: Self.ms(event.time))
            let percent = n * 100 / max(total, 1)
            if percent / 10 != lastReported / 10 {
                lastReported = percent
                progress("simulating: \(percent)% of \(total) events (\(calendar.localDate(of: event.time).iso))")
            }
            switch event.action {
            case .enrol(let i):
                let c = citizens[i]
                let p = RollEnrol(credential: Hex.encode(c.keys[0].publicKey.rawRepresentation), birthday: c.birthday.iso,
                                  eligibleFrom: c.eligibleFrom?.iso, eligibleUntil: nil)
                try node.submit(payload: p.payloadBytes(record: node.origin, term: termID), signer: registrar)
            case .leave(let i):
                let c = citizens[i]
                let p = RollUpdate(credential: Hex.encode(c.keys[0].publicKey.rawRepresentation), eligibleFrom: c.eligibleFrom?.iso,
                                   eligibleUntil: c.eligibleUntil?.iso, reason: c.leaveReason!)
                try node.submit(payload: p.payloadBytes(record: node.origin, term: termID), signer: registrar)
            case .replace(let i):
                let c = citizens[i]
                let p = RollReplace(old: Hex.encode(c.keys[0].publicKey.rawRepresentation), new: Hex.encode(c.keys[1].publicKey.rawRepresentation),
                                    date: c.replaceOn!.iso, reason: "lost")
                try node.submit(payload: p.payloadBytes(record: node.origin, term: termID), signer: registrar)
            case .contest(let v):
                try node.submit(payload: v.payloadBytes(record: node.origin, term: termID), signer: officer)
            case .vote(let i, let window, let challenge):
                let c = citizens[i]
                let key = (c.replaceOn.map { event.time >= calendar.instant(of: $0) } ?? false) ? c.keys[1] : c.keys[0]
                let credential = key.publicKey.rawRepresentation
                let choices = election.contests.inForce(window: window).map { v in
                    ContestChoice(contest: v.contest, selected: [Self.pick(v.options, &rng)])
                }
                let ballot = try election.prepareBallot(choices: choices, credential: credential, window: window)
                if challenge {
                    let challenged = try election.prepareChallenge(of: ballot, choices: choices,
                                                                   device: kioskDevice.publicKey.rawRepresentation)
                    try node.submit(payload: challenged.spoilPayload(record: node.origin, term: termID), signer: kioskDevice)
                    progress("a voter challenged ballot \(challenged.trackerCode); its openings are in the log, signed by the kiosk")
                } else {
                    try node.submit(payload: ballot.payload, signer: key)
                    ballotsCast += 1
                    truthSlots[Hex.encode(c.keys[0].publicKey.rawRepresentation) + "#\(window)"] = choices
                }
            case .strayVote(let i):
                let key = citizens[i].keys[0]
                do {
                    _ = try election.openWindow(credential: Hex.encode(key.publicKey.rawRepresentation), at: event.time)
                } catch let error as ElectionError {
                    refused[error.reason.rawValue, default: 0] += 1
                }
            }
        }

        // Term end: first the hours citizens gave over the term, then the close.
        clock.set(milliseconds: Self.ms(calendar.termEndInstant.addingTimeInterval(86_400)))
        let ledger = try LedgerDemo.run(on: node, keyDirectory: options.output.appendingPathComponent("organisations"), seed: options.seed)
        progress("civic time ledger: \(ledger.contributions) contributions attested by \(ledger.organisations) organisations")
        try node.submit(payload: election.closePayload().payloadBytes(record: node.origin, term: termID), signer: officer)
        progress("term closed: the encrypted tally is frozen; trustees 1 and 3 decrypt")
        for i in [0, 2] { try trustees[i].decrypt(on: node, passphrase: passphrases[i]) }
        let result = try election.resultPayload(trustees: [1, 3])
        try node.submit(payload: result.payloadBytes(record: node.origin, term: termID), signer: officer)
        _ = try node.store.signCheckpoint()
        checkpoints += 1

        // Ground truth, overall.
        var truth: [String: [String: Int]] = [:]
        for (_, choices) in truthSlots {
            for choice in choices { for id in choice.selected { truth[choice.contest, default: [:]][id, default: 0] += 1 } }
        }
        var matches = true
        for r in result.results where r.year == nil {
            for o in r.options where (truth[r.contest]?[o.id] ?? 0) != o.count { matches = false }
        }
        let stats = election.statistics
        return Summary(entries: Int(try node.store.size()), ballotsCast: ballotsCast, counted: stats.counted,
                       superseded: stats.superseded, spoiled: stats.spoiled, refused: refused, result: result, truth: truth,
                       matches: matches && stats.counted == truthSlots.count, seconds: Date().timeIntervalSince(began),
                       checkpoints: checkpoints, ledger: ledger)
    }

    /// A random option with a mild popularity order (earlier candidates a little more popular).
    static func pick(_ options: [ContestOption], _ rng: inout SeededGenerator) -> String {
        let weights = options.indices.map { options[$0].id == ContestOption.blankID ? 0.4 : 3.0 / Double($0 + 2) + 0.5 }
        var x = Double.random(in: 0..<weights.reduce(0, +), using: &rng)
        for (o, w) in zip(options, weights) {
            if x < w { return o.id }
            x -= w
        }
        return options.last!.id
    }

    static func ms(_ date: Date) -> UInt64 { UInt64((date.timeIntervalSince1970 * 1000).rounded()) }
}
