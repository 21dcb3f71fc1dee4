import AuditKit
import AuditSodium
import Foundation

/// Builds election records following SPEC.md §4 (in the tests, independently of AuditKit's checker):
/// it signs every entry, runs the trustee ceremony and the ballots with ``TestProver``, keeps its own
/// encrypted tally, and decrypts it at the end. Tests then tamper with what it produces.
final class ElectionBuilder<G: PrimeOrderGroup> {
    let group: G
    let prover: TestProver<G>
    var log = RecordBuilder()
    let term = "nancy-test"
    let zone = "Europe/Paris"
    let start = "2026-01-01"
    let end = "2028-01-01"
    let windowDays = 7
    let n = 3
    let t = 2
    var perYear = false
    let officer = TestKey(seed: 0x0f)
    let registrar = TestKey(seed: 0x0e)
    /// The kiosk device that signs challenged ballots (SPEC §4.9), enrolled on first use.
    let kiosk = TestKey(seed: 0x6b)
    var kioskEnrolled = false
    let trustees: [TestKey] = (1...3).map { TestKey(seed: UInt8(0x70 + $0)) }
    var calendar: Calendar

    // Ceremony.
    var polys: [[G.Scalar]] = []
    var commitments: [[G.Element]] = []
    var pk: G.Element!
    var shares: [G.Scalar] = []
    var verificationKeys: [G.Element] = []

    // Contests: id → versions (options as (id, label)), min, max, year.
    struct Version { let contest: String; let version: Int; let year: Int?; let options: [(String, String)]; let min: Int; let max: Int }
    var contests: [String: [Version]] = [:]
    var optionOrder: [String: [String]] = [:]

    // Voters and the builder's own tally.
    struct Voter { let key: TestKey; let birthday: String; var lineage: Int }
    var voters: [Voter] = []
    struct Key: Hashable { let contest: String; let option: String; let year: Int? }
    var tally: [Key: Ciphertext<G>] = [:]
    var counted: [String: [(Key, Ciphertext<G>)]] = [:]   // "lineage/window" → selections
    var countedCount = 0
    var lastWindow = 0
    var closeItems: [(Key, Ciphertext<G>)] = []
    var decryptionShares: [Int: [G.Element]] = [:]

    init(group: G, perYear: Bool = false) {
        self.group = group
        self.prover = TestProver(group: group)
        self.perYear = perYear
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: zone)!
        calendar = c
        log.entries = []
    }

    var record: String { log.origin }

    /// ms of local midnight of y-m-d in the term's zone, plus `plus` ms.
    func at(_ y: Int, _ m: Int, _ d: Int, plus: Int64 = 0) -> UInt64 {
        let noon = calendar.date(from: DateComponents(year: y, month: m, day: d, hour: 12))!
        return UInt64(Int64((calendar.startOfDay(for: noon).timeIntervalSince1970 * 1000).rounded()) + plus)
    }

    func hex(_ b: [UInt8]) -> JSON { .string(Hex.encode(b)) }
    func el(_ e: G.Element) -> JSON { hex(group.encodeElement(e)) }
    func sc(_ s: G.Scalar) -> JSON { hex(group.encodeScalar(s)) }
    func lp(_ s: String) -> [UInt8] { Bytes.lp(Array(s.utf8)) }

    func payload(_ kind: String, _ fields: [(String, JSON)]) -> [UInt8] {
        Array(JSON.object([("kind", .string(kind)), ("record", .string(record)), ("term", .string(term))] + fields).compactText.utf8)
    }

    /// Appends an entry; the time never goes backwards unless a test asks for it.
    func add(_ kind: String, _ fields: [(String, JSON)], by key: TestKey, at time: UInt64? = nil) {
        add(raw: payload(kind, fields), by: key, at: time)
    }

    func add(raw: [UInt8], by key: TestKey, at time: UInt64? = nil) {
        let tm = time ?? (log.entries.last.map { $0.time + 1 } ?? at(2025, 12, 1))
        log.append(payload: raw, key: key, time: tm)
    }

    // MARK: Setup and ceremony

    func setupFields() -> [(String, JSON)] {
        [("title", .string("Conseil métropolitain")), ("time_zone", .string(zone)), ("start", .string(start)), ("end", .string(end)),
         ("window_days", .int(windowDays)), ("leap_day", .string("feb28")), ("group", .string(group.name)),
         ("trustees", .object([("n", .int(n)), ("t", .int(t))])), ("trustee_keys", .array(trustees.map { hex($0.publicKey) })),
         ("officer", hex(officer.publicKey)), ("registrar", hex(registrar.publicKey)),
         ("per_year_results", .bool(perYear)), ("winner_rule", .string("plurality")), ("simulation", .bool(false)),
         ("log_key", .string(Checkpoint.verifierKey(name: log.origin, publicKey: log.logKey.publicKey)))]
    }

    func setup() { add("term.setup", setupFields(), by: officer) }

    var trusteeContext: [UInt8] { lp("perennial-trustee-v1") + lp(record) + lp(term) }

    func ceremonyCommitments() {
        for i in 1...n {
            let poly = (0..<t).map { _ in prover.randomScalar() }
            polys.append(poly)
            var cs: [G.Element] = []
            var proofs: [JSON] = []
            for (k, a) in poly.enumerated() {
                let (C, p) = prover.schnorr(x: a, ProofBinding(context: trusteeContext, binding: Bytes.u32be(UInt32(i)) + Bytes.u32be(UInt32(k))))
                cs.append(C)
                proofs.append(.object([("c", sc(p.c)), ("r", sc(p.r))]))
            }
            commitments.append(cs)
            add("trustee.commitments", [("trustee", .int(i)), ("box_key", hex([UInt8](repeating: UInt8(i), count: 32))),
                                        ("commitments", .array(cs.map(el))), ("proofs", .array(proofs))], by: trustees[i - 1])
        }
    }

    func eval(_ poly: [G.Scalar], _ j: Int) -> G.Scalar {
        var acc = group.zeroScalar
        var p = group.oneScalar
        for a in poly { acc = group.add(acc, group.mul(a, p)); p = group.mul(p, group.scalar(UInt64(j))) }
        return acc
    }

    func ceremonyShares() {
        for i in 1...n {
            let items: [JSON] = (1...n).filter { $0 != i }.map { j in
                var sealed = [UInt8](repeating: 0, count: group.scalarLength + 48)
                randombytes_buf(&sealed, sealed.count)
                return .object([("to", .int(j)), ("sealed", .string(Base64.encode(sealed)))])
            }
            add("trustee.shares", [("trustee", .int(i)), ("shares", .array(items))], by: trustees[i - 1])
        }
    }

    func ceremonyReady() {
        for j in 1...n {
            let s = polys.map { eval($0, j) }.reduce(group.zeroScalar, group.add)
            shares.append(s)
            verificationKeys.append(group.expG(s))
            add("trustee.ready", [("trustee", .int(j)), ("verification_key", el(group.expG(s)))], by: trustees[j - 1])
        }
    }

    func electionKey() {
        pk = commitments.map { $0[0] }.reduce(group.identity, group.op)
        add("election.key", [("public_key", el(pk))], by: officer)
    }

    func ceremony() {
        ceremonyCommitments()
        ceremonyShares()
        ceremonyReady()
        electionKey()
    }

    // MARK: Roll and contests

    @discardableResult
    func enrol(_ seed: UInt8, birthday: String, from: String? = nil, until: String? = nil) -> Int {
        enrol(key: TestKey(seed: seed), birthday: birthday, from: from, until: until)
    }

    @discardableResult
    func enrol(key: TestKey, birthday: String, from: String? = nil, until: String? = nil) -> Int {
        voters.append(Voter(key: key, birthday: birthday, lineage: voters.count))
        add("roll.enrol", [("credential", hex(key.publicKey)), ("birthday", .string(birthday)),
                           ("eligible_from", from.map { .string($0) } ?? .null), ("eligible_until", until.map { .string($0) } ?? .null)],
            by: registrar)
        return voters.count - 1
    }

    func contest(_ id: String, options: [(String, String)], min: Int = 1, max: Int = 1, year: Int? = nil, at time: UInt64? = nil) {
        let v = (contests[id]?.last?.version ?? 0) + 1
        contests[id, default: []].append(Version(contest: id, version: v, year: year, options: options, min: min, max: max))
        var order = optionOrder[id] ?? []
        for o in options where !order.contains(o.0) { order.append(o.0) }
        optionOrder[id] = order
        add("contest.version", [("contest", .string(id)), ("version", .int(v)), ("title", .string("Élection \(id)")),
                                ("year", year.map { .int($0) } ?? .null),
                                ("options", .array(options.map { .object([("id", .string($0.0)), ("label", .string($0.1))]) })),
                                ("min", .int(min)), ("max", .int(max))], by: officer, at: time)
    }

    func inForce(window k: Int) -> [Version] {
        contests.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.compactMap {
            let v = contests[$0]!.last!
            return v.year == nil || v.year == k ? v : nil
        }
    }

    // MARK: Ballots

    func ballotContext(_ c: String, _ v: Int, _ pos: UInt32) -> [UInt8] {
        lp("perennial-ballot-v1") + lp(record) + lp(term) + lp(c) + Bytes.u32be(UInt32(v)) + Bytes.u32be(pos)
    }

    struct MadeBallot { let payload: [UInt8]; let selections: [(Key, Ciphertext<G>)]; let openings: [JSON]; let randomness: [G.Scalar] }

    /// A ballot.cast payload for `credential` in window `k`, choosing option ids `choices[contest]`;
    /// `randomness` (one scalar per selection, in order) re-encrypts the ciphertexts of another ballot.
    func makeBallot(credential: [UInt8], window k: Int, choices: [String: [String]], randomness: [G.Scalar]? = nil) -> MadeBallot {
        var used: [G.Scalar] = []
        var contestsJSON: [JSON] = []
        var selections: [(Key, Ciphertext<G>)] = []
        var openings: [JSON] = []
        let binding = credential + Bytes.u32be(UInt32(k))
        for v in inForce(window: k) {
            let chosen = choices[v.contest] ?? [v.options.last!.0]
            var sels: [JSON] = []
            var opened: [JSON] = []
            var sum = Ciphertext<G>.zero(group)
            var rSum = group.zeroScalar
            var mSum: UInt32 = 0
            for (pos, o) in v.options.enumerated() {
                let m: UInt32 = chosen.contains(o.0) ? 1 : 0
                let r = randomness.map { $0[used.count] } ?? prover.randomScalar()
                used.append(r)
                let ct = prover.encrypt(UInt64(m), pk: pk, r: r)
                let proof = prover.range(pk: pk, ct: ct, m: m, r: r, lo: 0, hi: 1,
                                         ProofBinding(context: ballotContext(v.contest, v.version, UInt32(pos)), binding: binding), proto: "disjunctive")
                sels.append(.object([("a", el(ct.alpha)), ("b", el(ct.beta)), ("c", .array(proof.c.map(sc))), ("r", .array(proof.r.map(sc)))]
                    + (proof.t.map { [("t", JSON.array($0.map(el)))] } ?? [])))
                opened.append(.object([("m", .int(m)), ("r", sc(r))]))
                sum = sum.adding(ct, in: group)
                rSum = group.add(rSum, r)
                mSum += m
                selections.append((Key(contest: v.contest, option: o.0, year: nil), ct))
                if perYear { selections.append((Key(contest: v.contest, option: o.0, year: k), ct)) }
            }
            let rp = prover.range(pk: pk, ct: sum, m: mSum, r: rSum, lo: UInt32(v.min), hi: UInt32(v.max),
                                  ProofBinding(context: ballotContext(v.contest, v.version, 0xFFFF_FFFF), binding: binding))
            contestsJSON.append(.object([("contest", .string(v.contest)), ("version", .int(v.version)), ("selections", .array(sels)),
                                         ("range", .object([("c", .array(rp.c.map(sc))), ("r", .array(rp.r.map(sc)))]
                                             + (rp.t.map { [("t", JSON.array($0.map(el)))] } ?? [])))]))
            openings.append(.object([("contest", .string(v.contest)), ("selections", .array(opened))]))
        }
        let p = payload("ballot.cast", [("window", .int(k)), ("contests", .array(contestsJSON))])
        return MadeBallot(payload: p, selections: selections, openings: openings, randomness: used)
    }

    /// Casts (and counts, superseding an earlier ballot of the same lineage and window).
    @discardableResult
    func cast(_ voter: Int, window k: Int, at time: UInt64, choices: [String: [String]] = [:], count: Bool = true) -> MadeBallot {
        let v = voters[voter]
        let b = makeBallot(credential: v.key.publicKey, window: k, choices: choices)
        add(raw: b.payload, by: v.key, at: time)
        if count {
            let slot = "\(v.lineage)/\(k)"
            if let old = counted[slot] {
                for (key, ct) in old { tally[key] = (tally[key] ?? .zero(group)).subtracting(ct, in: group) }
            } else {
                countedCount += 1
            }
            for (key, ct) in b.selections { tally[key] = (tally[key] ?? .zero(group)).adding(ct, in: group) }
            counted[slot] = b.selections
            lastWindow = max(lastWindow, k)
        }
        return b
    }

    /// Enrols a kiosk device (officer, SPEC §4.9).
    func enrolDevice(_ name: String, _ key: TestKey, at time: UInt64? = nil) {
        add("kiosk.enrol", [("device", .string(name)), ("key", hex(key.publicKey))], by: officer, at: time)
    }

    /// A challenged ballot of `voter`'s choices, signed by the kiosk device `by` (the builder's own
    /// kiosk, enrolled on first use, by default), its proofs bound to that device; `randomness`
    /// re-encrypts with another ballot's.
    @discardableResult
    func spoil(_ voter: Int, window k: Int, at time: UInt64, choices: [String: [String]] = [:], by device: TestKey? = nil,
               randomness: [G.Scalar]? = nil, tamper: ((inout [JSON]) -> Void)? = nil) -> MadeBallot {
        if device == nil && !kioskEnrolled {
            enrolDevice("kiosk-1", kiosk, at: time)
            kioskEnrolled = true
        }
        let signer = device ?? kiosk
        let b = makeBallot(credential: signer.publicKey, window: k, choices: choices, randomness: randomness)
        var openings = b.openings
        tamper?(&openings)
        add("ballot.spoil", [("window", .int(k)), ("ballot", .string(Base64.encode(b.payload))), ("openings", .array(openings))],
            by: signer, at: time)
        return b
    }

    // MARK: Close and result

    func closeKeys() -> [Key] {
        var base: [Key] = []
        for c in contests.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            for o in optionOrder[c]! { base.append(Key(contest: c, option: o, year: nil)) }
        }
        var keys = base
        if perYear && lastWindow >= 1 {
            for y in 1...lastWindow {
                keys += base.filter { contests[$0.contest]!.first!.year.map { $0 == y } ?? true }
                    .map { Key(contest: $0.contest, option: $0.option, year: y) }
            }
        }
        return keys
    }

    func close(at time: UInt64, countedOverride: Int? = nil, mutate: ((inout [JSON]) -> Void)? = nil) {
        closeItems = closeKeys().map { ($0, tally[$0] ?? .zero(group)) }
        var items: [JSON] = closeItems.map { key, ct in
            .object([("contest", .string(key.contest)), ("option", .string(key.option)), ("year", key.year.map { .int($0) } ?? .null),
                     ("a", el(ct.alpha)), ("b", el(ct.beta))])
        }
        mutate?(&items)
        add("term.close", [("tally", .array(items)), ("counted", .int(countedOverride ?? countedCount))], by: officer, at: time)
    }

    var decryptionContext: (Int) -> [UInt8] { { [self] i in lp("perennial-decryption-v1") + lp(record) + lp(term) + Bytes.u32be(UInt32(i)) } }

    func tallyShare(_ j: Int, tamperItem: Int? = nil) {
        var items: [JSON] = []
        var ds: [G.Element] = []
        for (i, (_, ct)) in closeItems.enumerated() {
            let (_, D, proof) = prover.chaumPedersen(x: shares[j - 1], h: ct.alpha, ProofBinding(context: decryptionContext(i), binding: Bytes.u32be(UInt32(j))))
            let d = i == tamperItem ? group.op(D, group.generator) : D
            ds.append(D)
            items.append(.object([("d", el(d)), ("c", sc(proof.c)), ("r", sc(proof.r))]))
        }
        decryptionShares[j] = ds
        add("tally.share", [("trustee", .int(j)), ("shares", .array(items))], by: trustees[j - 1])
    }

    /// Decrypts with trustees `set` and publishes the result; `mutate` may alter the results JSON.
    func result(trustees set: [Int], mutate: ((inout [JSON]) -> Void)? = nil) -> [Key: UInt64] {
        var counts: [Key: UInt64] = [:]
        for (i, (key, ct)) in closeItems.enumerated() {
            let partials = set.map { (index: UInt64($0), share: decryptionShares[$0]![i]) }
            let gm = group.div(ct.beta, Threshold.combine(group, shares: partials)!)
            counts[key] = Threshold.discreteLog(group, gm, bound: 1000) ?? 0
        }
        var results: [JSON] = []
        var groups: [(String, Int?, [Key])] = []
        for (key, _) in closeItems {
            if let last = groups.last, last.0 == key.contest, last.1 == key.year { groups[groups.count - 1].2.append(key) }
            else { groups.append((key.contest, key.year, [key])) }
        }
        for (contest, year, keys) in groups {
            let latest = contests[contest]!.last!
            var opts: [JSON] = []
            var eligible: [(String, UInt64)] = []
            for key in keys {
                let label = contests[contest]!.last { $0.options.contains { $0.0 == key.option } }!.options.first { $0.0 == key.option }!.1
                let withdrawn = !latest.options.contains { $0.0 == key.option }
                opts.append(.object([("id", .string(key.option)), ("label", .string(label)), ("count", .int(counts[key]!)), ("withdrawn", .bool(withdrawn))]))
                if key.option != "blank" && !withdrawn { eligible.append((key.option, counts[key]!)) }
            }
            let top = eligible.map(\.1).max() ?? 0
            let winners = top == 0 ? [] : eligible.filter { $0.1 == top }.map(\.0)
            results.append(.object([("contest", .string(contest)), ("year", year.map { .int($0) } ?? .null), ("options", .array(opts)),
                                    ("winners", .array(winners.map { .string($0) })), ("tie", .bool(winners.count > 1))]))
        }
        mutate?(&results)
        add("tally.result", [("trustees", .array(set.map { .int($0) })), ("results", .array(results))], by: officer)
        return counts
    }

    /// Writes the record with a checkpoint after every entry batch of 5 and at the end.
    func write(to dir: String) {
        log.checkpointSizes = Array(stride(from: 5, through: log.entries.count, by: 5))
        if log.checkpointSizes.last != log.entries.count { log.checkpointSizes.append(log.entries.count) }
        log.write(to: dir)
    }

    /// A complete, valid two-year term: 4 voters, a candidate withdrawn and another declared in the
    /// second year, a superseded ballot, a spoiled ballot, a replaced credential, a referendum.
    static func standard(_ group: G, perYear: Bool = false) -> ElectionBuilder<G> {
        let b = ElectionBuilder(group: group, perYear: perYear)
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10")
        let bea = b.enrol(0xa2, birthday: "06-15")
        let cam = b.enrol(0xa3, birthday: "02-29")
        let dan = b.enrol(0xa4, birthday: "10-30", from: "2026-11-01")
        b.contest("office", options: [("alice", "Alice Martin"), ("bob", "Bob Durand"), ("blank", "Vote blanc")])
        // Year 1 (2026).
        b.cast(cam, window: 1, at: b.at(2026, 2, 28, plus: 3_600_000), choices: ["office": ["bob"]])
        b.spoil(ana, window: 1, at: b.at(2026, 3, 10, plus: 1000), choices: ["office": ["bob"]])
        b.cast(ana, window: 1, at: b.at(2026, 3, 10, plus: 60_000), choices: ["office": ["bob"]])
        b.cast(ana, window: 1, at: b.at(2026, 3, 12), choices: ["office": ["alice"]])  // supersedes
        b.cast(bea, window: 1, at: b.at(2026, 6, 21, plus: 86_399_000), choices: ["office": ["alice"]])
        b.contest("ref-tram", options: [("yes", "Oui"), ("no", "Non"), ("blank", "Blanc")], year: 2, at: b.at(2026, 11, 2))
        b.cast(dan, window: 1, at: b.at(2026, 11, 2, plus: 1), choices: ["office": ["blank"]])
        // Year 2 (2027): bob withdraws, carol declares; ana's credential is replaced.
        b.contest("office", options: [("alice", "Alice Martin"), ("carol", "Carol Petit"), ("blank", "Vote blanc")], at: b.at(2027, 1, 5))
        let newAna = TestKey(seed: 0xb1)
        b.add("roll.replace", [("old", b.hex(b.voters[ana].key.publicKey)), ("new", b.hex(newAna.publicKey)),
                               ("date", .string("2027-02-01")), ("reason", .string("lost"))], by: b.registrar)
        b.voters.append(Voter(key: newAna, birthday: "03-10", lineage: b.voters[ana].lineage))
        let ana2 = b.voters.count - 1
        b.cast(cam, window: 2, at: b.at(2027, 2, 28), choices: ["office": ["carol"], "ref-tram": ["yes"]])
        b.cast(ana2, window: 2, at: b.at(2027, 3, 16, plus: 86_000_000), choices: ["office": ["carol"], "ref-tram": ["no"]])
        b.add("roll.update", [("credential", b.hex(b.voters[bea].key.publicKey)), ("eligible_from", .null),
                              ("eligible_until", .string("2027-06-17")), ("reason", .string("moved-out"))], by: b.registrar)
        b.cast(bea, window: 2, at: b.at(2027, 6, 16, plus: 5), choices: ["office": ["alice"], "ref-tram": ["yes"]])
        b.cast(dan, window: 2, at: b.at(2027, 10, 30, plus: 7), choices: ["office": ["carol"], "ref-tram": ["yes"]])
        b.close(at: b.at(2028, 1, 1, plus: 10))
        b.tallyShare(1)
        b.tallyShare(3)
        _ = b.result(trustees: [1, 3])
        return b
    }
}

func verifyElection(_ dir: String, statePath: String? = nil, workers: Int = 2, sweepInterval: Int = 4096) throws -> Report {
    let election = ElectionChecker(sweepInterval: sweepInterval)
    return try RecordVerifier(directory: dir, options: VerifyOptions(workers: workers, batchSize: 8, statePath: statePath),
                              checkers: [election, LedgerChecker(election: election), DeliberationChecker(election: election)]).verify()
}
