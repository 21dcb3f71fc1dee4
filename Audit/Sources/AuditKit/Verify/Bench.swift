import AuditSodium
import Foundation

/// `perennial-audit bench`: times a full verification and the group operations it cannot avoid.
public enum Bench {
    /// One benchmark figure (DESIGN.md §8 format).
    public struct Figure: Sendable {
        public let name: String
        public let unit: String
        public let value: Double
        public let floor: Double?
        public let cores: Int
        public let group: String

        public var json: JSON {
            var m: [(String, JSON)] = [("name", .string(name)), ("unit", .string(unit)), ("value", .number(Bench.format(value)))]
            if let floor { m.append(("floor", .number(Bench.format(floor)))) }
            m += [("cores", .int(cores)), ("group", .string(group))]
            return .object(m)
        }
    }

    static func format(_ v: Double) -> String {
        v >= 100 ? String(Int64(v.rounded())) : String(format: "%.3f", v)
    }

    /// Verifies `directory` on `workers` threads and measures the primitive exponentiations of its group.
    /// - Throws: ``AuditError`` (unreadable) if the record cannot be read.
    public static func run(directory: String, workers: Int) throws(AuditError) -> (Report, [Figure]) {
        let checker = ElectionChecker()
        let verifier = RecordVerifier(directory: directory, options: VerifyOptions(workers: workers),
                                      checkers: [checker, LedgerChecker(election: checker), DeliberationChecker(election: checker)])
        let started = DispatchTime.now()
        let cpuStarted = cpuSeconds()
        let report = try verifier.verify()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let cpu = cpuSeconds() - cpuStarted
        guard let groupName = checker.groupName, let group = try? AnyGroup(name: groupName) else { return (report, []) }
        let cost = checker.ballotCost
        let (variable, fixed, short): (Double, Double, Double)
        switch group {
        case let .ristretto255(g): (variable, fixed, short) = measure(g)
        case let .modp(g): (variable, fixed, short) = measure(g)
        }
        // The floor: the ballots' exponentiations alone, spread over the same cores.
        let floorSeconds = (Double(cost.variableBase) * variable + Double(cost.fixedBase) * fixed) / 1e9 / Double(workers)
        let ballots = Double(cost.ballots)
        var figures = [
            Figure(name: "audit.\(groupName).ballots_per_s", unit: "per_s", value: seconds > 0 ? ballots / seconds : 0,
                   floor: floorSeconds > 0 ? ballots / floorSeconds : nil, cores: workers, group: groupName),
            Figure(name: "audit.\(groupName).verify", unit: "s", value: seconds, floor: floorSeconds, cores: workers, group: groupName),
            Figure(name: "audit.\(groupName).exp", unit: "ns", value: variable, floor: nil, cores: 1, group: groupName),
            Figure(name: "audit.\(groupName).exp_g", unit: "ns", value: fixed, floor: nil, cores: 1, group: groupName),
            Figure(name: "audit.\(groupName).exp_hash_size", unit: "ns", value: short, floor: nil, cores: 1, group: groupName),
        ]
        figures.append(Figure(name: "audit.\(groupName).ballots", unit: "count", value: ballots, floor: nil, cores: workers, group: groupName))
        // CPU time, and the rate `workers` dedicated cores would reach (ballots / (CPU / workers)): stable
        // on a loaded machine, where wall time is not.
        figures.append(Figure(name: "audit.\(groupName).cpu", unit: "s", value: cpu, floor: nil, cores: workers, group: groupName))
        figures.append(Figure(name: "audit.\(groupName).ballots_per_core_s", unit: "per_s", value: cpu > 0 ? ballots * Double(workers) / cpu : 0,
                              floor: nil, cores: workers, group: groupName))
        let (batched, alone) = measureSignatures()
        figures.append(Figure(name: "audit.ed25519.verify_batch", unit: "ns", value: batched, floor: nil, cores: 1, group: "ed25519"))
        figures.append(Figure(name: "audit.ed25519.verify_one", unit: "ns", value: alone, floor: nil, cores: 1, group: "ed25519"))
        let curve = measureCurve()
        figures.append(Figure(name: "audit.ristretto255.decode", unit: "ns", value: curve.decode, floor: nil, cores: 1, group: "ristretto255"))
        figures.append(Figure(name: "audit.ristretto255.bucket_sum_per_point", unit: "ns", value: curve.bucketPerPoint, floor: nil, cores: 1, group: "ristretto255"))
        return (report, figures)
    }

    /// User + system CPU seconds of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// Median ns per signature of 256 entry-sized Ed25519 signatures (8 keys) checked in one batch
    /// (``Ed25519/verifyAll(_:)``), and one by one by libsodium.
    static func measureSignatures() -> (Double, Double) {
        Sodium.ensure()
        var items: [SignatureCheck] = []
        for i in 0..<256 {
            var pk = [UInt8](repeating: 0, count: 32), sk = [UInt8](repeating: 0, count: 64)
            crypto_sign_seed_keypair(&pk, &sk, Hash.sha256(Array("bench key \(i % 8)".utf8)))
            let message = Array(repeating: UInt8(i & 0xff), count: 2048)
            var sig = [UInt8](repeating: 0, count: 64)
            crypto_sign_detached(&sig, nil, Entry.signaturePrefix + message, UInt64(Entry.signaturePrefix.count + message.count), sk)
            items.append(SignatureCheck(signature: sig, publicKey: pk, prefix: Entry.signaturePrefix, message: message))
        }
        func time(_ body: () -> Bool) -> Double {
            var samples: [Double] = []
            for _ in 0..<3 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                precondition(body(), "the bench signatures verify")
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(items.count))
            }
            return samples.sorted()[1]
        }
        return (time { Ed25519.verifyAll(items).allSatisfy { $0 } }, time { items.allSatisfy(\.verifiesAlone) })
    }

    /// Median ns of one variable-base and one fixed-base exponentiation by a full-size scalar, and of
    /// one exponentiation by a challenge-size (512-bit hash) scalar.
    static func measure<G: PrimeOrderGroup>(_ g: G) -> (Double, Double, Double) {
        var digest = Hash.sha512(Array("perennial-audit bench".utf8))
        var scalars: [G.Scalar] = []
        var challenges: [G.Scalar] = []
        for _ in 0..<16 {
            challenges.append(g.scalar(fromDigest: digest))
            // A full-size scalar: enough hash output to fill len(q), reduced by the group's decoder.
            var wide: [UInt8] = []
            while wide.count < g.scalarLength { digest = Hash.sha512(digest); wide += digest }
            var bytes = Array(wide.prefix(g.scalarLength))
            if g.name == "ristretto255" { bytes[31] &= 0x0f } else { bytes[0] &= 0x3f }
            scalars.append((try? g.scalar(bytes)) ?? challenges.last!)
        }
        let base = g.expG(scalars[0])
        func time(_ body: () -> Void) -> Double {
            var samples: [Double] = []
            for _ in 0..<5 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(scalars.count))
            }
            return samples.sorted()[samples.count / 2]
        }
        var sink = g.identity
        let variable = time { for s in scalars { sink = g.exp(base, s) } }
        let fixed = time { for s in scalars { sink = g.expG(s) } }
        let short = time { for c in challenges { sink = g.exp(base, c) } }
        _ = sink
        return (variable, fixed, short)
    }
}
