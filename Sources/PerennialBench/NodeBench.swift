import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Deliberation
import Foundation
import Perennial

/// `perennial bench node`: how long a node takes to open and to answer, by log size (JSON lines).
///
/// Each node is a simulation term built through the batch path with fsync skipped, with a realistic
/// mix of entries: the term's setup, a one-trustee ceremony and a referendum, then, chunk by chunk,
/// roll enrolments (about 45 %), ledger contributions (30 %), deliberation comments (20 %) and
/// ballots (5 %, at most `maxBallots`, a tenth of them revotes; the rest of the share goes to the
/// roll, since building a ballot costs milliseconds).
///
/// Figures (each line also gives the node's `entries`):
/// - `node.roll_import` with `"path":"registrar"` (people/s), and `node.roll_import_cpu` (people per
///   CPU-second, steadier on a shared machine): what `perennial roll import` does, whole (see
///   ``RollImportBench``: CSV, credentials made and signed, one batch, people file, letters), for a
///   quarter of the size, up to 10,000 people, on its own fresh node;
/// - `node.roll_import` with `"path":"batch"` (people/s): roll enrolments already signed, through the
///   node's batch path alone (the bench node's own roll);
/// - `node.open_cold` (ms): open with no snapshot (the whole log replayed, then a snapshot written);
/// - `node.open` (ms): open from the snapshot;
/// - `node.term_status` (ms): open, then read the election's counts;
/// - `node.ledger_statement` (ms): open, then one account's statement for the year;
/// - `node.ballot_cast` (ms): open, then check and append one new ballot;
/// - `node.mix` (entries): the mix actually built, one line per kind.
public enum NodeBench {
    public struct Line: Sendable {
        public let name: String
        public let unit: String
        public let value: Double
        public let entries: Int
        public var kind: String? = nil
        /// Which path a `node.roll_import` figure measures: `registrar` (the whole command) or `batch`.
        public var path: String? = nil
        public var json: String {
            let kindField = kind.map { ",\"kind\":\"\($0)\"" } ?? ""
            let pathField = path.map { ",\"path\":\"\($0)\"" } ?? ""
            return "{\"name\":\"\(name)\",\"unit\":\"\(unit)\",\"value\":\((value * 1000).rounded() / 1000),\"entries\":\(entries)\(kindField)\(pathField),\"cores\":1}"
        }
    }

    static let term = "bench"
    static let origin = "bench.example/node"
    static let accounts = 5_000

    public static func run(sizes: [Int], directory: URL, maxBallots: Int = 2_000, keep: Bool = false, emit: (Line) -> Void) throws {
        // The roll-import runs' directories (10,000 letters each) are removed once every size is
        // measured, not between sizes (see RollImportBench.run).
        var rollDirectories: [URL] = []
        defer { for d in rollDirectories { try? FileManager.default.removeItem(at: d) } }
        for size in sizes {
            let dir = directory.appendingPathComponent("node-\(size)")
            let side = directory.appendingPathComponent("node-\(size)-keys")
            for d in [dir, side] { try? FileManager.default.removeItem(at: d) }
            defer { if !keep { for d in [dir, side] { try? FileManager.default.removeItem(at: d) } } }
            let clock = ManualClock(milliseconds: 1_790_000_000_000)  // 2026-09-21
            let people = min(10_000, max(size / 4, 1))
            let rollDirectory = RollImportBench.freshDirectory(in: directory, name: "roll-import-\(size)")
            rollDirectories.append(rollDirectory)
            let command = try RollImportBench.run(people: people, directory: rollDirectory)
            var line = Line(name: "node.roll_import", unit: "per_s", value: Double(people) / max(command.seconds, 1e-9), entries: people)
            line.path = "registrar"
            emit(line)
            line = Line(name: "node.roll_import_cpu", unit: "per_cpu_s", value: Double(people) / max(command.cpuSeconds, 1e-9), entries: people)
            line.path = "registrar"
            emit(line)
            var builder = try Builder(dir: dir, side: side, clock: clock)
            let built = try builder.fill(to: size, maxBallots: maxBallots)
            let entries = Int(try builder.node.store.size())
            for (kind, count) in built.counts.sorted(by: { $0.key < $1.key }) {
                var line = Line(name: "node.mix", unit: "entries", value: Double(count), entries: entries)
                line.kind = kind
                emit(line)
            }
            var batch = Line(name: "node.roll_import", unit: "per_s", value: Double(built.rollTimed) / max(built.rollSeconds, 1e-9),
                             entries: entries)
            batch.path = "batch"
            emit(batch)
            // Cold: no snapshot, the whole log replayed (this writes the snapshot).
            try builder.node.store.database.write { db in try db.execute(sql: "DELETE FROM node_snapshot") }
            emit(Line(name: "node.open_cold", unit: "ms", value: try time { _ = try Node(directory: dir, clock: clock) } * 1000, entries: entries))
            try Node(directory: dir, clock: clock).saveSnapshot()
            emit(Line(name: "node.open", unit: "ms", value: try time { _ = try Node(directory: dir, clock: clock) } * 1000, entries: entries))
            emit(Line(name: "node.term_status", unit: "ms", value: try time {
                _ = try Node(directory: dir, clock: clock).requireElection().statistics
            } * 1000, entries: entries))
            let account = AccountID.numbered(1_000_000 + 1)
            emit(Line(name: "node.ledger_statement", unit: "ms", value: try time {
                let node = try Node(directory: dir, clock: clock)
                _ = try node.ledgerState().statement(account: account, year: 2026) { node.existingReceipt(index: $0) }
            } * 1000, entries: entries))
            let voter = Ed25519.SigningKey.generate()
            try builder.node.submit(batch: [try builder.enrolment(voter, birthday: builder.today)])
            emit(Line(name: "node.ballot_cast", unit: "ms", value: try time {
                let node = try Node(directory: dir, clock: clock)
                try node.submit(batch: [try Builder.ballot(node: node, voter: voter, choice: 0)])
            } * 1000, entries: entries))
        }
    }

    /// Builds one benchmark node.
    struct Builder {
        let node: Node
        let today: String
        let registrar: Ed25519.SigningKey
        let organisation: Ed25519.SigningKey
        let participants: [(ParticipantID, ProposalID, Ed25519.SigningKey)]
        let ledgerStart: LocalDate
        let ledgerDays: Int
        var counts: [String: Int] = [:]
        var rollSeconds = 0.0
        /// Roll entries appended in ``rollSeconds`` (the timed batches only).
        var rollTimed = 0
        var serial = 0

        init(dir: URL, side: URL, clock: ManualClock) throws {
            let trustee = TrusteeFiles(directory: side.appendingPathComponent("trustee"), cost: .minimumForTesting)
            let trusteeKey = Hex.encode(try trustee.signingKey().publicKey.rawRepresentation)
            node = try Node.setUp(directory: dir, origin: NodeBench.origin, simulation: true, clock: clock, durability: .simulation) { o, r in
                try TermSetupService.makeSetup(term: NodeBench.term, title: "Bench", timeZone: "Europe/Paris", start: "2026-01-01",
                                               end: "2032-01-01", trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [trusteeKey],
                                               officer: o, registrar: r, simulation: true)
            }
            let officer = try node.key("officer")
            registrar = try node.key("registrar")
            try trustee.commit(index: 1, on: node, passphrase: "bench")
            try trustee.sendShares(on: node, passphrase: "bench")
            guard try trustee.check(on: node, passphrase: "bench") else { throw NodeError("The benchmark's trustee complained.") }
            let election = try node.requireElection()
            try node.submit(payload: election.electionKeyPayload().payloadBytes(record: node.origin, term: NodeBench.term), signer: officer)
            let referendum = ContestVersion(contest: "referendum", version: 1, title: "Bench question", year: nil, options: [
                ContestOption(id: "oui", label: "Oui"), ContestOption(id: "non", label: "Non"),
                ContestOption(id: ContestOption.blankID, label: "Vote blanc"),
            ], min: 1, max: 1)
            try node.submit(payload: referendum.payloadBytes(record: node.origin, term: NodeBench.term), signer: officer)

            // The ledger: settings and one accredited organisation.
            let context = try LedgerContext(record: node.origin, setup: try node.ledgerTermSetup())
            ledgerStart = context.termStart
            let now = context.clock.localDate(at: Int(clock.nowMilliseconds() / 1000))
            ledgerDays = ledgerStart.distance(to: now) - 1
            today = String(now.iso.dropFirst(5))
            try node.submitLedger(LedgerSettings(from: context.termStart.iso, obligationHours: 20, hourValueMinor: 1500, currency: "EUR",
                                                 dailyCapMinutes: 720, maxMinutes: 600), signer: officer)
            let (keyFile, key) = try OrganisationKeyFile.generate(org: "bench-org", passphrase: "bench", cost: .minimumForTesting)
            organisation = key
            try node.submitLedger(Accreditation(org: "bench-org", name: "Bench organisation", key: keyFile.publicKey, categories: ["social"],
                                                validFrom: context.termStart.iso, validUntil: nil), signer: officer)

            // Deliberation: participants, each with one open proposal.
            let delib = node.deliberation()
            var people: [(ParticipantID, ProposalID, Ed25519.SigningKey)] = []
            for i in 0..<20 {
                let id = try ParticipantID("p\(i)")
                let key = Ed25519.SigningKey.generate()
                _ = try delib.submit(.registerParticipant(id: id, displayName: "Participant \(i)", publicKey: key.publicKey.rawRepresentation,
                                                          moderator: false), signer: registrar)
                let proposal = try ProposalID("proposal-\(i)")
                _ = try delib.submit(.createProposal(id: proposal, content: ProposalContent(title: "Proposal \(i)", track: .democratieVivante,
                                                                                           body: "A proposal to measure the node."),
                                                     status: .open), signer: key)
                people.append((id, proposal, key))
            }
            participants = people
        }

        func enrolment(_ key: Ed25519.SigningKey, birthday: String) throws -> EntryEnvelope {
            let payload = RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: birthday, eligibleFrom: nil,
                                    eligibleUntil: nil).payloadBytes(record: node.origin, term: NodeBench.term)
            return try Node.envelope(payload: payload, signer: registrar)
        }

        static func ballot(node: Node, voter: Ed25519.SigningKey, choice: Int) throws -> EntryEnvelope {
            let election = try node.requireElection()
            let window = try election.openWindow(credential: Hex.encode(voter.publicKey.rawRepresentation),
                                                 at: Date(timeIntervalSince1970: Double(node.clock.nowMilliseconds()) / 1000))
            let options = ["oui", "non", ContestOption.blankID]
            let ballot = try election.prepareBallot(choices: [ContestChoice(contest: "referendum", selected: [options[choice % 3]])],
                                                    credential: voter.publicKey.rawRepresentation, window: window.number)
            return try Node.envelope(payload: ballot.payload, signer: voter)
        }

        /// Appends chunks of the mix until the log holds `size` entries.
        mutating func fill(to size: Int, maxBallots: Int) throws -> (counts: [String: Int], rollSeconds: Double, rollTimed: Int) {
            var ballots = 0
            while true {
                let remaining = size - Int(try node.store.size())
                guard remaining > 0 else { break }
                let chunk = min(10_000, remaining)
                let ballotShare = min(chunk / 20, maxBallots - ballots)
                let ledgerShare = chunk * 3 / 10, delibShare = chunk / 5
                let rollShare = chunk - ballotShare - ledgerShare - delibShare
                try appendRoll(rollShare)
                try appendLedger(ledgerShare)
                try appendDeliberation(delibShare)
                ballots += try appendBallots(ballotShare)
            }
            return (counts, rollSeconds, rollTimed)
        }

        mutating func appendRoll(_ count: Int) throws {
            guard count > 0 else { return }
            var envelopes: [EntryEnvelope] = []
            envelopes.reserveCapacity(count)
            for i in 0..<count {
                let n = serial + i
                let birthday = String(format: "%02d-%02d", n % 12 + 1, n % 28 + 1)
                envelopes.append(try enrolment(Ed25519.SigningKey.generate(), birthday: birthday))
            }
            serial += count
            rollSeconds += try NodeBench.time { try node.submit(batch: envelopes) }
            rollTimed += count
            counts["roll", default: 0] += count
        }

        mutating func appendLedger(_ count: Int) throws {
            guard count > 0 else { return }
            let done = counts["ledger", default: 0]
            let contributions = (done..<(done + count)).map { k in
                Contribution(org: "bench-org", attestation: "a-\(k)", account: AccountID.numbered(1_000_000 + k % NodeBench.accounts).text,
                             category: "social", date: ledgerStart.adding(days: (k / NodeBench.accounts) % max(ledgerDays, 1)).iso,
                             start: "09:00", end: nil, minutes: 60, description: "volunteering")
            }
            _ = try node.submitContributions(contributions, signer: organisation)
            counts["ledger", default: 0] += count
        }

        mutating func appendDeliberation(_ count: Int) throws {
            guard count > 0 else { return }
            let done = counts["deliberation", default: 0]
            let actions = try (done..<(done + count)).map { k -> (DeliberationEvent.Action, Ed25519.SigningKey) in
                let (_, proposal, key) = participants[k % participants.count]
                return (.comment(id: try CommentID("b\(k)"), target: .proposal(proposal), parent: nil, stance: .neutral,
                                 body: "Comment \(k) on \(proposal.rawValue)."), key)
            }
            _ = try node.deliberation().submit(actions)
            counts["deliberation", default: 0] += count
        }

        /// Voters born today (their window is open), a tenth of whom vote again. Returns the ballots appended.
        mutating func appendBallots(_ count: Int) throws -> Int {
            guard count > 0 else { return 0 }
            let first = count - count / 10
            let voters = (0..<first).map { _ in Ed25519.SigningKey.generate() }
            try node.submit(batch: try voters.map { try enrolment($0, birthday: today) })
            counts["roll", default: 0] += first
            let cast = try voters.enumerated().map { try Self.ballot(node: node, voter: $0.element, choice: $0.offset) }
            try node.submit(batch: cast)
            let again = try voters.prefix(count - first).enumerated().map { try Self.ballot(node: node, voter: $0.element, choice: $0.offset + 1) }
            if !again.isEmpty { try node.submit(batch: again) }
            counts["ballot", default: 0] += count
            return count
        }
    }

    /// User and system CPU time this process has used, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
