import BallotCore
import CivicCrypto
import Foundation

/// A small election driven entry by entry, as the log would feed it (the log's own signature check is
/// not part of these tests: `author` is what the log verified).
struct ElectionScenario<G: PrimeOrderGroup> {
    let group: G
    let record = "test.example/perennial"
    let term = "t-2027"
    var state: ElectionState<G>
    var index = 0
    let officer = Ed25519.SigningKey.generate()
    let registrar = Ed25519.SigningKey.generate()
    let trusteeKeys = (1...3).map { _ in Ed25519.SigningKey.generate() }
    var trusteeSecrets: [TrusteeSecrets] = []
    let calendar: TermCalendar

    init(group: G, perYear: Bool = false) throws {
        self.group = group
        state = ElectionState(group: group, record: record)
        calendar = try TermCalendar(timeZone: "Europe/Paris", start: LocalDate(iso: "2027-01-01"), end: LocalDate(iso: "2029-01-01"))
        let setup = TermSetup(term: term, title: "Test term", timeZone: "Europe/Paris", start: "2027-01-01", end: "2029-01-01",
                              windowDays: 7, leapDay: "feb28", group: group.name, trustees: TrusteeCount(n: 3, t: 2),
                              trusteeKeys: trusteeKeys.map { Hex.encode($0.publicKey.rawRepresentation) },
                              officer: Hex.encode(officer.publicKey.rawRepresentation),
                              registrar: Hex.encode(registrar.publicKey.rawRepresentation), perYearResults: perYear)
        try apply(setup, by: officer, at: "2026-12-01T09:00:00+01:00")
    }

    static func time(_ iso: String) -> Int64 {
        let f = ISO8601DateFormatter()
        return Int64(f.date(from: iso)!.timeIntervalSince1970 * 1000)
    }

    func entry(_ payload: [UInt8], by key: Ed25519.SigningKey, at iso: String) -> ElectionEntry {
        ElectionEntry(index: index, timeMs: Self.time(iso), author: key.publicKey.rawRepresentation, payload: payload)
    }

    @discardableResult
    mutating func apply(_ payload: some ElectionPayload, by key: Ed25519.SigningKey, at iso: String) throws -> ElectionEffect {
        try applyBytes(payload.payloadBytes(record: record, term: term), by: key, at: iso)
    }

    @discardableResult
    mutating func applyBytes(_ bytes: [UInt8], by key: Ed25519.SigningKey, at iso: String) throws -> ElectionEffect {
        let effect = try state.apply(entry(bytes, by: key, at: iso))
        index += 1
        return effect
    }

    /// Runs the whole ceremony and publishes the key.
    mutating func ceremony() throws {
        let bench = TrusteeWorkbench(group: group)
        trusteeSecrets = try (1...3).map { try bench.start(record: record, term: term, index: $0, n: 3, t: 2) }
        for (i, s) in trusteeSecrets.enumerated() { try apply(try bench.commitments(s), by: trusteeKeys[i], at: "2026-12-02T09:00:00+01:00") }
        for (i, s) in trusteeSecrets.enumerated() {
            try apply(try bench.shares(s, boxKeys: state.boxKeys), by: trusteeKeys[i], at: "2026-12-02T10:00:00+01:00")
        }
        for (i, s) in trusteeSecrets.enumerated() {
            guard case .ready(let updated, let ready) = try bench.check(s, received: Array(state.sharePayloads.values), commitments: state.commitments) else {
                fatalError("honest ceremony produced a complaint")
            }
            trusteeSecrets[i] = updated
            try apply(ready, by: trusteeKeys[i], at: "2026-12-02T11:00:00+01:00")
        }
        try apply(ElectionKeyPayload(publicKey: group.hex(state.expectedElectionKey!)), by: officer, at: "2026-12-02T12:00:00+01:00")
    }

    static var office: ContestVersion {
        ContestVersion(contest: "office", version: 1, title: "Mayor", year: nil,
                       options: [ContestOption(id: "ana", label: "Ana"), ContestOption(id: "ben", label: "Ben"),
                                 ContestOption(id: "blank", label: "Blank")], min: 1, max: 1)
    }

    /// Enrols a fresh credential born on `birthday`.
    mutating func enrol(_ birthday: String, from: String? = nil, until: String? = nil) throws -> Ed25519.SigningKey {
        let key = Ed25519.SigningKey.generate()
        try apply(RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation), birthday: birthday, eligibleFrom: from, eligibleUntil: until),
                  by: registrar, at: "2026-12-03T09:00:00+01:00")
        return key
    }

    func ballot(for key: Ed25519.SigningKey, window: Int, choices: [String: String]) throws -> PreparedBallot {
        let builder = BallotBuilder(group: group, record: record, term: term, electionKey: state.electionKey!)
        return try builder.build(contests: state.contests.inForce(window: window),
                                 choices: choices.map { ContestChoice(contest: $0.key, selected: [$0.value]) },
                                 credential: key.publicKey.rawRepresentation, window: window)
    }

    /// Enrols a kiosk device (officer) and returns its key.
    mutating func enrolDevice(_ name: String = "kiosk-1", at iso: String = "2026-12-03T08:30:00+01:00") throws -> Ed25519.SigningKey {
        let key = Ed25519.SigningKey.generate()
        try apply(KioskEnrol(device: name, key: Hex.encode(key.publicKey.rawRepresentation)), by: officer, at: iso)
        return key
    }

    /// The challenged form of `ballot` (same ciphertexts, proofs bound to `device`) as a spoil payload.
    func spoil(of ballot: PreparedBallot, choices: [String: String], device: Ed25519.SigningKey) throws -> (PreparedBallot, [UInt8]) {
        let builder = BallotBuilder(group: group, record: record, term: term, electionKey: state.electionKey!)
        let challenged = try builder.build(contests: state.contests.inForce(window: ballot.window),
                                           choices: choices.map { ContestChoice(contest: $0.key, selected: [$0.value]) },
                                           credential: device.publicKey.rawRepresentation, window: ballot.window,
                                           randomness: ballot.openings)
        return (challenged, challenged.spoilPayload(record: record, term: term))
    }

    /// Closes, decrypts with trustees 1 and 3 and returns the computed result (not yet applied).
    mutating func closeAndDecrypt(at iso: String = "2029-01-02T09:00:00+01:00") throws -> TallyResult {
        try apply(TermClose(tally: state.closeItems(), counted: state.countedBallots), by: officer, at: iso)
        let bench = TrusteeWorkbench(group: group)
        for i in [0, 2] { try apply(try bench.decrypt(trusteeSecrets[i], items: state.close!.tally), by: trusteeKeys[i], at: iso) }
        let solver = try DiscreteLogSolver(group: group, max: max(state.countedBallots, 1))
        return try state.computeResult(trustees: [1, 3]) { try? solver.solve($0) }
    }
}
