import CivicCrypto

/// `perennial bench crypto`: the cost of the group primitives and of one selection (encrypt with its
/// 0/1 proof; verify that proof), printed as JSON lines (DESIGN §8).
///
/// Every line has `name` (`crypto.<group>.<measure>`), `unit` (`ns` per operation), `value`, `group`
/// and `cores` (always 1: everything runs on the calling thread). `encrypt01` and `verify01` also
/// carry `floor`: the cost, measured in the same run, of the exponentiations the step cannot avoid
/// (fixed-base × `exp_fixed` + variable-base × `exp_var`), so `value / floor` is the overhead.
/// Each figure is the fastest of ``rounds`` rounds (a shared machine only ever adds time).
///
/// Proving uses the constant-time exponentiations (`exp_fixed`, `exp_var`); verification uses the
/// public-exponent ones (`exp_fixed_public`, `exp_var_public`; for the Schnorr groups a fixed-base table and
/// `mpz_powm`), and each floor is priced with the kind the step uses.
public enum CryptoBench {
    /// One measured figure.
    public struct Line: Sendable, Hashable {
        public var name: String
        public var unit: String
        public var value: Double
        public var floor: Double?
        public var group: String
        public var cores: Int
        /// For a figure that is the median of repeated runs: how many, and the fastest and slowest run
        /// (`"reps"`, `"min"`, `"max"` in the JSON).
        public var reps: Int? = nil
        public var spread: (min: Double, max: Double)? = nil

        public init(name: String, unit: String, value: Double, floor: Double?, group: String, cores: Int,
                    reps: Int? = nil, spread: (min: Double, max: Double)? = nil) {
            self.name = name; self.unit = unit; self.value = value; self.floor = floor; self.group = group; self.cores = cores
            self.reps = reps; self.spread = spread
        }

        public static func == (a: Line, b: Line) -> Bool { a.json == b.json }
        public func hash(into hasher: inout Hasher) { hasher.combine(json) }

        /// The line as one compact JSON object with keys in a fixed order.
        public var json: String {
            var s = "{\"name\":\"\(name)\",\"unit\":\"\(unit)\",\"value\":\(Self.number(value))"
            if let floor { s += ",\"floor\":\(Self.number(floor))" }
            if let reps { s += ",\"reps\":\(reps)" }
            if let spread { s += ",\"min\":\(Self.number(spread.min)),\"max\":\(Self.number(spread.max))" }
            s += ",\"group\":\"\(group)\",\"cores\":\(cores)}"
            return s
        }

        /// One decimal, or three below 10 (a ratio of milliseconds per ballot needs them).
        static func number(_ v: Double) -> String {
            let scale = abs(v) < 10 ? 1000.0 : 10.0
            let rounded = (v * scale).rounded() / scale
            return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
        }
    }

    /// Default number of expensive operations (exponentiations, proofs) timed per measure; cheap
    /// operations (group operation, ciphertext addition, decoding) run `cheapFactor` times as many.
    public static func defaultIterations(for group: GroupName) -> Int {
        switch group {
        case .ristretto255: 2000
        case .belenios2048: 400
        case .eg4096: 100
        }
    }

    /// How many more times the cheap operations run than the expensive ones.
    public static let cheapFactor = 20

    /// Runs the benchmark for one group, handing each line to `emit` as soon as it is measured.
    /// - Parameters:
    ///   - group: which group.
    ///   - iterations: expensive operations per measure (default ``defaultIterations(for:)``).
    ///   - emit: receives each line (e.g. prints its ``Line/json``).
    /// - Returns: all lines.
    @discardableResult
    public static func run(group: GroupName, iterations: Int? = nil, emit: @escaping (Line) -> Void = { _ in }) throws -> [Line] {
        let n = max(1, iterations ?? defaultIterations(for: group))
        return try group.accept(Runner(iterations: n, emit: emit))
    }

    private struct Runner: GroupVisitor {
        let iterations: Int
        let emit: (Line) -> Void

        func visit<G: PrimeOrderGroup>(_ group: G) throws -> [Line] {
            var lines: [Line] = []
            func record(_ measure: String, _ value: Double, floor: Double? = nil) {
                let line = Line(name: "crypto.\(group.name).\(measure)", unit: "ns", value: value, floor: floor, group: group.name, cores: 1)
                lines.append(line)
                emit(line)
            }
            let n = iterations
            let cheap = iterations * cheapFactor
            let scalars = (0..<64).map { _ in group.randomScalar() }
            let elements = scalars.prefix(16).map { group.expGenerator($0) }
            var sink = group.identity

            // Fixed base (g) and variable base, constant time (what proving and encryption use).
            let expFixed = measure(n) { i in sink = group.expGenerator(scalars[i & 63]) }
            record("exp_fixed", expFixed)
            let expVar = measure(n) { i in sink = group.exp(elements[i & 15], scalars[i & 63]) }
            record("exp_var", expVar)
            // Public-exponent variants (what verification uses).
            let expFixedPublic = measure(n) { i in sink = group.expGeneratorPublic(scalars[i & 63]) }
            record("exp_fixed_public", expFixedPublic)
            let expVarPublic = measure(n) { i in sink = group.expPublic(elements[i & 15], scalars[i & 63]) }
            record("exp_var_public", expVarPublic)
            // What a compact proof's verification actually computes per commitment: a^s·b^t in one pass
            // (ristretto255: Straus with the generator's table; Schnorr groups: tables for g and pk).
            let doubleExpPublic = measure(n) { i in
                sink = group.doubleExpPublic(group.generator, scalars[i & 63], elements[i & 15], scalars[(i + 1) & 63])
            }
            record("double_exp_public", doubleExpPublic)

            var acc = group.generator
            record("op", measure(cheap) { i in acc = group.op(acc, elements[i & 15]) })

            // One selection: encryption with its 0/1 proof, then its verification.
            let pk = ElGamalPublicKey(group: group, element: elements[0])
            let context: [UInt8] = Array("bench;contest=1;option=1".utf8)
            let binding: [UInt8] = Array("bench-credential;window=1".utf8)
            var ballots: [(ElGamalCiphertext<G>, DisjunctiveProof<G>)] = []
            let encryptCount = ExponentiationCount(fixedBase: 1, variableBase: 1) + DisjunctiveProof<G>.provingExponentiations
            let encrypt = try measureThrowing(n) { i in
                let r = group.randomScalar()
                let ct = pk.encrypt(m: i & 1, randomness: r)
                let proof = try DisjunctiveProof.prove(m: i & 1, randomness: r, ciphertext: ct, pk: pk, context: context, binding: binding)
                if ballots.count < 16 { ballots.append((ct, proof)) }
            }
            record("encrypt01", encrypt, floor: Double(encryptCount.fixedBase) * expFixed + Double(encryptCount.variableBase) * expVar)

            // The floor: the proof's four commitments, each one double exponentiation as just measured
            // (pricing them as separate exponentiations would count work no verifier does).
            var valid = true
            let verify = measure(n) { i in
                let (ct, proof) = ballots[i % ballots.count]
                valid = valid && proof.verify(ciphertext: ct, pk: pk, context: context, binding: binding)
            }
            guard valid else { throw CryptoBenchError(message: "a benchmark proof did not verify") }
            record(
                "verify01", verify,
                floor: 4 * doubleExpPublic)

            var total = ElGamalCiphertext<G>.zero(in: group)
            record("homomorphic_add", measure(cheap) { i in total = total + ballots[i % ballots.count].0 })

            let encodings = elements.map { group.encode($0) }
            var decoded = 0
            try record("decode_element", measureThrowing(cheap) { i in
                if try group.decodeElement(encodings[i & 15]) == sink { decoded += 1 }
            })

            blackHole(sink, acc, total, decoded)
            return lines
        }
    }

    /// Rounds each measure is split into; the fastest round is reported, since on a shared machine
    /// other processes only ever add time.
    public static let rounds = 5

    /// Nanoseconds per call of `body`: `count` calls split into ``rounds`` rounds after a short
    /// warm-up; the fastest round's mean.
    static func measure(_ count: Int, _ body: (Int) -> Void) -> Double {
        // A non-throwing body never throws; `try!` only satisfies the shared implementation.
        try! measureThrowing(count, body)
    }

    static func measureThrowing(_ count: Int, _ body: (Int) throws -> Void) throws -> Double {
        for i in 0..<min(count, 8) { try body(i) }
        let roundCount = min(rounds, count)
        let perRound = max(1, count / roundCount)
        var best = Double.infinity
        var i = 0
        for _ in 0..<roundCount {
            let start = ContinuousClock.now
            for _ in 0..<perRound {
                try body(i)
                i += 1
            }
            best = min(best, nanoseconds(ContinuousClock.now - start) / Double(perRound))
        }
        return best
    }

    static func nanoseconds(_ d: Duration) -> Double {
        let (seconds, attoseconds) = d.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }

    @inline(never)
    static func blackHole<each T>(_ values: repeat each T) {}
}

/// A benchmark self-check failed (a proof produced in the run did not verify).
public struct CryptoBenchError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "Benchmark aborted: \(message)." }
}
