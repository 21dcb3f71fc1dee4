import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// `perennial bench ballot` and `perennial bench tally` (DESIGN §8): JSON lines with `name`, `unit`,
/// `value`, `floor` where it applies, `group` and `cores`.
///
/// - `ballot.<group>.construct` / `.validate` (ms per ballot, one core): a birthday ballot for one
///   contest of `options` options (10 candidates + blank by default), with its floor priced at this
///   run's measured costs: proving = the constant-time exponentiations it cannot avoid; validating =
///   ``validateFloor(_:options:prices:)`` (ristretto255: the element decodings and the ONE multi-scalar
///   multiplication of the ballot's shape; Schnorr groups: decodings and the fixed-/variable-base
///   exponentiations of the compact proofs). Validation is the election's whole check (window, roll,
///   contests, every proof, replay, tally update), without the log.
/// - `ballot.<group>.append_validated` (per_s): ballots appended through a node, each checked inside
///   the log's durable write transaction.
/// - `tally.<group>.term_end_<N>` (ms): the whole term-end work for a tally of N ballots: t = 2
///   trustees' partial decryptions with proofs, their verification, the combination and the bounded
///   discrete logs. It does not grow with N but through the discrete-log search (√N).
public enum BallotBench {
    public typealias Line = CryptoBench.Line

    /// - Parameter reps: how many times the validation is timed over the same ballots (each time from
    ///   the same state); its figure is the median, with the fastest and slowest run.
    public static func ballot(group: GroupName, ballots: Int, options: Int, reps: Int = 1, emit: @escaping (Line) -> Void) throws {
        try group.accept(BallotRunner(ballots: max(2, ballots), options: max(2, options), reps: max(1, reps), emit: emit))
    }

    /// The median of `runs` (the mean of the middle two for an even count).
    static func median(_ runs: [Double]) -> Double {
        let sorted = runs.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    public static func tally(group: GroupName, sizes: [Int], emit: @escaping (Line) -> Void) throws {
        try group.accept(TallyRunner(sizes: sizes, emit: emit))
    }

    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// Measured cost in ms of the four kinds of exponentiation.
    struct Prices {
        var fixedSecret = 0.0, varSecret = 0.0, fixedPublic = 0.0, varPublic = 0.0

        /// Each price is the fastest of five rounds (a shared machine only ever adds time).
        init<G: PrimeOrderGroup>(_ group: G) {
            let n = group.name == "ristretto255" ? 200 : 40
            let s = (0..<n).map { _ in group.randomScalar() }
            let base = group.expGenerator(group.randomScalar())
            var sink = group.identity
            func fastest(_ body: () -> Void) -> Double { (0..<5).map { _ in BallotBench.milliseconds(body) }.min()! / Double(n) }
            fixedSecret = fastest { for x in s { sink = group.op(sink, group.expGenerator(x)) } }
            varSecret = fastest { for x in s { sink = group.op(sink, group.exp(base, x)) } }
            fixedPublic = fastest { for x in s { sink = group.op(sink, group.expGeneratorPublic(x)) } }
            varPublic = fastest { for x in s { sink = group.op(sink, group.expPublic(base, x)) } }
            withExtendedLifetime(sink) {}
        }

        func proving(_ c: ExponentiationCount) -> Double { Double(c.fixedBase) * fixedSecret + Double(c.variableBase) * varSecret }
    }

    /// The floor of validating one ballot of `k` options with one contest whose range proof has one
    /// branch (min = max = 1), in ms: the work no implementation of the current verification avoids,
    /// measured on this run (fastest of five rounds).
    ///
    /// - ristretto255 and eg4096 (commitments carried, SPEC §3.5.1): decoding the ballot's `2k` ciphertext
    ///   and `4k + 2` commitment elements (eg4096: their Jacobi symbols, SPEC §3.1), then ONE
    ///   multi-scalar multiplication (multi-exponentiation) of the ballot's shape, which
    ///   is the whole of its proof arithmetic: `4k + 2` commitments under 128-bit weights, `2k + 2`
    ///   ciphertext and sum terms and the key under full scalars, plus the generator; eg4096 folds the
    ///   ciphertexts' membership into it (`+ q·w` on their `2k` exponents, SPEC §3.1 folded membership).
    /// - belenios2048 (compact proofs): decoding (subgroup check, which keeps the element's squarings)
    ///   of the `2k` ciphertext elements, then per branch `A = g^r·α^(−c)` and `B = pk^r·β^(−c)`
    ///   recomputed, each a fixed-base table times the kept squarings of `α` or `β` (one
    ///   `doubleExpPublic` with a decoded second base), and `g^(j·c)` (fixed base) in the `k + 1`
    ///   branches with `j = 1`; `2k + 1` branches.
    static func validateFloor<G: PrimeOrderGroup>(_ group: G, options k: Int, prices: Prices) -> Double {
        func fastest(_ rounds: Int, _ body: () -> Void) -> Double { (0..<rounds).map { _ in BallotBench.milliseconds(body) }.min()! }
        // Fresh values every round: a Schnorr group remembers the values it has just decoded.
        let rounds = (0..<5).map { _ in (0..<16).map { _ in group.encode(group.expGenerator(group.randomScalar())) } }
        var sink = 0
        var round = 0
        let decodeOne = fastest(5) {
            for e in rounds[round] { if (try? group.decodeElement(e)) != nil { sink += 1 } }
            round += 1
        } / 16
        withExtendedLifetime(sink) {}
        if group.groupName.carriesCommitments {
            // The ballot's 2k ciphertext and 4k + 2 commitment elements decoded as the ballot check decodes
            // them (eg4096: Jacobi symbols only, their membership folded into the multi-exponentiation,
            // SPEC §3.1; ristretto255 one by one).
            let ballotRounds = (0..<5).map { _ in (0..<(6 * k + 2)).map { _ in group.encode(group.expGenerator(group.randomScalar())) } }
            var ballotRound = 0
            let decodeAll = fastest(5) {
                let encodings = ballotRounds[ballotRound]
                if let cts = try? group.decodeMembershipCandidates(Array(encodings[..<(2 * k)])),
                   let ts = try? group.decodeCarriedCommitments(Array(encodings[(2 * k)...])) { sink += cts.count + ts.count }
                ballotRound += 1
            }
            withExtendedLifetime(sink) {}
            let twoTo64 = group.scalarAdd(group.scalar(UInt64.max), group.scalar(1))
            func weight() -> G.Scalar {
                group.scalarAdd(group.scalarMul(group.scalar(UInt64.random(in: 0...UInt64.max)), twoTo64), group.scalar(UInt64.random(in: 0...UInt64.max)))
            }
            func element() -> G.Element { group.expGenerator(group.randomScalar()) }
            var terms = (0..<(4 * k + 2)).map { _ in (element(), weight()) }
            terms += (0..<(2 * k + 3)).map { _ in (element(), group.randomScalar()) }
            terms.append((group.generator, group.randomScalar()))
            var holds = false
            let candidates = Array((4 * k + 2)..<(6 * k + 2))
            let msm = fastest(5) { holds = group.multiExpIsIdentity(terms, recurring: [], candidates: candidates) }
            withExtendedLifetime(holds) {}
            return decodeAll + msm
        }
        let pk = group.expGenerator(group.randomScalar())
        let decoded = (0..<16).compactMap { _ in try? group.decodeElement(group.encode(group.expGenerator(group.randomScalar()))) }
        let exponents = (0..<16).map { _ in (group.randomScalar(), group.randomScalar()) }
        var product = group.identity
        let branchPart = fastest(5) {
            for (b, (s, t)) in zip(decoded, exponents) { product = group.op(product, group.doubleExpPublic(pk, s, b, t)) }
        } / 16
        withExtendedLifetime(product) {}
        return Double(2 * k) * decodeOne + Double(2 * k + 1) * 2 * branchPart + Double(k + 1) * prices.fixedPublic
    }

    struct BallotRunner: GroupVisitor {
        let ballots: Int
        let options: Int
        let reps: Int
        let emit: (Line) -> Void

        func visit<G: PrimeOrderGroup>(_ group: G) throws {
            let prices = Prices(group)
            var bench = try BenchElection(group: group, voters: ballots, options: options)
            let builder = BallotBuilder(group: group, record: bench.record, term: bench.term, electionKey: bench.state.electionKey!)
            let contests = bench.state.contests.inForce(window: 1)
            var prepared: [PreparedBallot] = []
            let choice = [ContestChoice(contest: "office", selected: ["c1"])]
            let build = try BallotBench.milliseconds {
                for v in bench.voters {
                    prepared.append(try builder.build(contests: contests, choices: choice, credential: v.publicKey.rawRepresentation, window: 1))
                }
            }
            let k = options
            let constructFloor = Double(k) * (prices.fixedSecret + prices.varSecret)
                + Double(k) * prices.proving(RangeProof<G>.provingExponentiations(branches: 2))
                + prices.proving(RangeProof<G>.provingExponentiations(branches: 1))
            emit(Line(name: "ballot.\(group.name).construct", unit: "ms", value: build / Double(ballots), floor: constructFloor, group: group.name, cores: 1))

            let validateFloor = BallotBench.validateFloor(group, options: k, prices: prices)
            // Each repetition validates the same ballots from the same state (a value: copied, not shared).
            // A shared machine only ever adds time, unevenly: the median of several runs is the figure.
            // Only once in the Schnorr groups, which keep the power ladders of elements they have seen: a
            // second run over the same ballots would not be a first validation.
            let before = bench.state, firstIndex = bench.index
            let reps = group.groupName.carriesCommitments ? self.reps : 1
            var runs: [Double] = []
            for _ in 0..<reps {
                bench.state = before
                bench.index = firstIndex
                runs.append(try BallotBench.milliseconds {
                    for (v, b) in zip(bench.voters, prepared) { try bench.apply(b.payload, by: v, at: bench.voteTime) }
                } / Double(ballots))
            }
            emit(Line(name: "ballot.\(group.name).validate", unit: "ms", value: BallotBench.median(runs), floor: validateFloor,
                      group: group.name, cores: 1, reps: reps, spread: (runs.min()!, runs.max()!)))
            // Proofs only (BAL-4), over the same ballots: ballot by ballot as a single cast checks them (in
            // ristretto255 one combination per ballot), then all ballots as one batch (SPEC §3.5.1).
            let entries = zip(bench.voters, prepared).enumerated().map { i, vb in
                ElectionEntry(index: i, timeMs: bench.voteTime, author: Array(vb.0.publicKey.rawRepresentation), payload: vb.1.payload)
            }
            var failed: [Int] = []
            let oneByOne = BallotBench.milliseconds { failed += bench.state.failingBallotProofs(entries, batch: false) }
            emit(Line(name: "ballot.\(group.name).verify_proofs", unit: "ms", value: oneByOne / Double(ballots), floor: validateFloor,
                      group: group.name, cores: 1))
            if group.groupName.carriesCommitments {
                let batched = BallotBench.milliseconds { failed += bench.state.failingBallotProofs(entries, batch: true) }
                emit(Line(name: "ballot.\(group.name).verify_batch", unit: "ms", value: batched / Double(ballots), floor: nil,
                          group: group.name, cores: 1))
            }
            guard failed.isEmpty else { throw NodeError("Benchmark ballots failed proof verification: \(failed).") }
            emit(Line(name: "ballot.\(group.name).payload", unit: "bytes", value: Double(prepared[0].payload.count), floor: nil, group: group.name, cores: 1))

            // Appends through a node: the same checks inside the log's durable transaction.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let clock = ManualClock(milliseconds: UInt64(bench.setupTime))
            let node = try Node.create(directory: dir, origin: bench.record, simulation: true, clock: clock)
            for (payload, key, time) in bench.history {
                clock.set(milliseconds: UInt64(time))
                try node.submit(payload: node.withOwnLogKey(payload), signer: key)
            }
            clock.set(milliseconds: UInt64(bench.voteTime))
            let append = try BallotBench.milliseconds {
                for (v, b) in zip(bench.voters, prepared) { try node.submit(payload: b.payload, signer: v) }
            }
            emit(Line(name: "ballot.\(group.name).append_validated", unit: "per_s", value: Double(ballots) / (append / 1000), floor: nil,
                      group: group.name, cores: 1))

            // The same ballots through a second node in ONE submit(batch:): their proofs are verified together
            // first (SPEC §3.5.1, ristretto255), then every ballot is applied with its other checks.
            let batchDir = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: batchDir) }
            let batchClock = ManualClock(milliseconds: UInt64(bench.setupTime))
            let batchNode = try Node.create(directory: batchDir, origin: bench.record, simulation: true, clock: batchClock)
            for (payload, key, time) in bench.history {
                batchClock.set(milliseconds: UInt64(time))
                try batchNode.submit(payload: batchNode.withOwnLogKey(payload), signer: key)
            }
            batchClock.set(milliseconds: UInt64(bench.voteTime))
            let envelopes = try zip(bench.voters, prepared).map { try Node.envelope(payload: $0.1.payload, signer: $0.0) }
            let appendBatch = try BallotBench.milliseconds { try batchNode.submit(batch: envelopes) }
            emit(Line(name: "ballot.\(group.name).append_batch", unit: "per_s", value: Double(ballots) / (appendBatch / 1000), floor: nil,
                      group: group.name, cores: 1))
        }
    }

    struct TallyRunner: GroupVisitor {
        let sizes: [Int]
        let emit: (Line) -> Void

        func visit<G: PrimeOrderGroup>(_ group: G) throws {
            let bench = TrusteeWorkbench(group: group)
            var secrets = try (1...3).map { try bench.start(record: "bench.example/t", term: "t", index: $0, n: 3, t: 2) }
            let commitments = try Dictionary(uniqueKeysWithValues: secrets.map { s in
                (s.index, try bench.commitments(s).commitments.map { try group.decodeElement(hex: $0) })
            })
            var boxKeys: [Int: [UInt8]] = [:]
            for s in secrets { boxKeys[s.index] = try Hex.decode(try bench.commitments(s).boxKey) }
            let shares = try secrets.map { try bench.shares($0, boxKeys: boxKeys) }
            for i in secrets.indices {
                guard case .ready(let updated, _) = try bench.check(secrets[i], received: shares, commitments: commitments) else {
                    throw NodeError("The benchmark's own ceremony failed.")
                }
                secrets[i] = updated
            }
            let pk = ElGamalPublicKey(group: group, element: group.product((1...3).map { commitments[$0]![0] }))
            let verificationKeys = (1...3).map { j in Threshold.verificationKey(index: j, group: group, commitments: (1...3).map {
                FeldmanCommitments(group: group, elements: commitments[$0]!) }) }
            for n in sizes {
                // An encrypted tally of n ballots over 11 options (its counts add up to n).
                var counts = Array(repeating: n / 11, count: 11)
                counts[0] += n - counts.reduce(0, +)
                let items = counts.map { m -> TallyItem in
                    let ct = pk.encrypt(m: m, randomness: group.randomScalar())
                    return TallyItem(contest: "office", option: "o", year: nil, a: group.hex(ct.alpha), b: group.hex(ct.beta))
                }
                var recovered: [Int] = []
                let ms = try BallotBench.milliseconds {
                    let partials = try [0, 2].map { try bench.decrypt(secrets[$0], items: items) }
                    let lambdas = try [1, 3].map { try Threshold.lagrangeCoefficientAtZero(index: $0, subset: [1, 3], group: group) }
                    let solver = try DiscreteLogSolver(group: group, max: n)
                    for (i, item) in items.enumerated() {
                        let a = try group.decodeElement(hex: item.a), b = try group.decodeElement(hex: item.b)
                        var combined = group.identity
                        for (p, (j, lambda)) in zip(partials, zip([1, 3], lambdas)) {
                            let d = try group.decodeElement(hex: p.shares[i].d)
                            let proof = try ChaumPedersenProof(group: group, cHex: p.shares[i].c, rHex: p.shares[i].r)
                            guard proof.verify(X: verificationKeys[j - 1], h: a, Y: d, group: group,
                                               context: ElectionState<G>.decryptionContext(record: "bench.example/t", term: "t", item: i),
                                               binding: Bytes.u32(j)) else { throw NodeError("A benchmark share did not verify.") }
                            combined = group.op(combined, group.expPublic(d, lambda))
                        }
                        recovered.append(try solver.solve(group.divide(b, combined)))
                    }
                }
                guard recovered == counts else { throw NodeError("The benchmark's tally decrypted to the wrong counts.") }
                emit(Line(name: "tally.\(group.name).term_end_\(n)", unit: "ms", value: ms, floor: nil, group: group.name, cores: 1))
            }
        }
    }
}

/// A ready election (ceremony done, one contest, `voters` credentials with a window open on
/// 2027-03-10) for benchmarks, built without a log; `history` replays it into a node.
struct BenchElection<G: PrimeOrderGroup> {
    let record = "bench.example/perennial"
    let term = "bench"
    var state: ElectionState<G>
    var voters: [Ed25519.SigningKey] = []
    var history: [([UInt8], Ed25519.SigningKey, Int64)] = []
    var index = 0
    let setupTime: Int64 = 1_795_000_000_000          // 2026-11-18
    let voteTime: Int64 = 1_804_669_200_000           // 2027-03-10 10:00 Paris

    init(group: G, voters count: Int, options: Int) throws {
        state = ElectionState(group: group, record: record)
        let officer = Ed25519.SigningKey.generate(), registrar = Ed25519.SigningKey.generate()
        let trustees = (1...3).map { _ in Ed25519.SigningKey.generate() }
        try apply(TermSetup(term: term, title: "Benchmark", timeZone: "Europe/Paris", start: "2027-01-01", end: "2033-01-01",
                            windowDays: 7, leapDay: "feb28", group: group.name, trustees: TrusteeCount(n: 3, t: 2),
                            trusteeKeys: trustees.map { Hex.encode($0.publicKey.rawRepresentation) },
                            officer: Hex.encode(officer.publicKey.rawRepresentation),
                            registrar: Hex.encode(registrar.publicKey.rawRepresentation), perYearResults: false, simulation: true).payloadBytes(record: record, term: term),
                  by: officer, at: setupTime)
        let bench = TrusteeWorkbench(group: group)
        var secrets = try (1...3).map { try bench.start(record: record, term: term, index: $0, n: 3, t: 2) }
        for i in 0..<3 { try apply(try bench.commitments(secrets[i]).payloadBytes(record: record, term: term), by: trustees[i], at: setupTime) }
        for i in 0..<3 { try apply(try bench.shares(secrets[i], boxKeys: state.boxKeys).payloadBytes(record: record, term: term), by: trustees[i], at: setupTime) }
        for i in 0..<3 {
            guard case .ready(let s, let ready) = try bench.check(secrets[i], received: Array(state.sharePayloads.values), commitments: state.commitments) else {
                throw NodeError("The benchmark's own ceremony failed.")
            }
            secrets[i] = s
            try apply(ready.payloadBytes(record: record, term: term), by: trustees[i], at: setupTime)
        }
        try apply(ElectionKeyPayload(publicKey: group.hex(state.expectedElectionKey!)).payloadBytes(record: record, term: term), by: officer, at: setupTime)
        let office = ContestVersion(contest: "office", version: 1, title: "Office", year: nil,
                                    options: (1..<options).map { ContestOption(id: "c\($0)", label: "Candidate \($0)") }
                                        + [ContestOption(id: ContestOption.blankID, label: "Blank")], min: 1, max: 1)
        try apply(office.payloadBytes(record: record, term: term), by: officer, at: setupTime)
        for _ in 0..<count {
            let v = Ed25519.SigningKey.generate()
            voters.append(v)
            try apply(RollEnrol(credential: Hex.encode(v.publicKey.rawRepresentation), birthday: "03-10", eligibleFrom: nil, eligibleUntil: nil)
                .payloadBytes(record: record, term: term), by: registrar, at: setupTime)
        }
    }

    mutating func apply(_ payload: [UInt8], by key: Ed25519.SigningKey, at time: Int64) throws {
        try state.apply(ElectionEntry(index: index, timeMs: time, author: key.publicKey.rawRepresentation, payload: payload))
        index += 1
        if time == setupTime { history.append((payload, key, time)) }
    }
}
