import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// `perennial bench node`: how long a node takes to open and to answer, by log size (JSON lines).
///
/// Each node is a simulation term with roll enrolments appended through the batch path (the
/// registrar's `roll import`), with fsync skipped. Figures: `node.roll_import_registrar` (people/s through
/// `Registrar.enrolAll`, credentials made and signed included, up to 10,000), `node.roll_import` (people/s through the
/// batch path), `node.open_cold` (open with no snapshot: the whole log replayed, then a snapshot
/// written), `node.open` (open from the snapshot), `node.term_status` (open and read the counts).
public enum NodeBench {
    public struct Line: Sendable {
        public let name: String
        public let unit: String
        public let value: Double
        public let entries: Int
        public var json: String {
            "{\"name\":\"\(name)\",\"unit\":\"\(unit)\",\"value\":\((value * 1000).rounded() / 1000),\"entries\":\(entries),\"cores\":1}"
        }
    }

    public static func run(sizes: [Int], directory: URL, emit: (Line) -> Void) throws {
        for size in sizes {
            let dir = directory.appendingPathComponent("node-\(size)")
            try? FileManager.default.removeItem(at: dir)
            defer { try? FileManager.default.removeItem(at: dir) }
            let clock = ManualClock(milliseconds: 1_790_000_000_000)
            let trustee = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
            let node = try Node.setUp(directory: dir, origin: "bench.example/node", simulation: true, clock: clock, durability: .simulation) { o, r in
                try TermSetupService.makeSetup(term: "bench", title: "Bench", timeZone: "Europe/Paris", start: "2026-01-01", end: "2032-01-01",
                                               trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [trustee], officer: o, registrar: r,
                                               simulation: true)
            }
            let registrar = try node.key("registrar")
            var appended = 1
            // The registrar's own path (`perennial roll import`): fresh credentials made and signed on
            // every core, appended in one batch, the private people file written after.
            let rows = (0..<min(10_000, size - 1)).map { i in
                RollImport.Row(line: i + 2, person: "person-\(i)", birthday: String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1),
                               eligibleFrom: nil, eligibleUntil: nil)
            }
            if !rows.isEmpty {
                let cpuBefore = cpuSeconds()
                let registrarSeconds = try time { _ = try Registrar(node: node).enrolAll(rows) }
                let cpu = cpuSeconds() - cpuBefore
                emit(Line(name: "node.roll_import_registrar", unit: "per_s", value: Double(rows.count) / max(registrarSeconds, 1e-9), entries: rows.count))
                // Per CPU-second of this process (all its threads): steady on a machine shared with other work.
                emit(Line(name: "node.roll_import_registrar_cpu", unit: "per_cpu_s", value: Double(rows.count) / max(cpu, 1e-9), entries: rows.count))
                appended += rows.count
            }
            var seconds = 0.0
            while appended < size {
                let count = min(10_000, size - appended)
                let envelopes = try (0..<count).map { i -> EntryEnvelope in
                    let key = Ed25519.SigningKey.generate()
                    let payload = RollEnrol(credential: Hex.encode(key.publicKey.rawRepresentation),
                                            birthday: String(format: "%02d-%02d", (appended + i) % 12 + 1, (appended + i) % 28 + 1),
                                            eligibleFrom: nil, eligibleUntil: nil).payloadBytes(record: node.origin, term: "bench")
                    return try Node.envelope(payload: payload, signer: registrar)
                }
                seconds += try time { try node.submit(batch: envelopes) }
                appended += count
            }
            if size - 1 > rows.count {
                emit(Line(name: "node.roll_import", unit: "per_s", value: Double(size - 1 - rows.count) / max(seconds, 1e-9), entries: size))
            }
            // Cold: no snapshot, the whole log replayed (this writes the snapshot).
            try node.store.database.write { db in try db.execute(sql: "DELETE FROM node_snapshot") }
            emit(Line(name: "node.open_cold", unit: "ms", value: try time { _ = try Node(directory: dir, clock: clock) } * 1000, entries: size))
            try Node(directory: dir, clock: clock).saveSnapshot()
            emit(Line(name: "node.open", unit: "ms", value: try time { _ = try Node(directory: dir, clock: clock) } * 1000, entries: size))
            emit(Line(name: "node.term_status", unit: "ms", value: try time {
                _ = try Node(directory: dir, clock: clock).requireElection().statistics
            } * 1000, entries: size))
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
