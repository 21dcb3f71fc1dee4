import CivicLog
import Foundation

/// `perennial bench log`: throughput and proof costs of the civic log, printed as JSON lines.
///
/// Figures (one JSON object per line, `{"name":…,"unit":…,"value":…,"cores":…}`):
/// - `log.append_durable` — single appends per second, each committed with a full fsync;
/// - `log.append_batch1000` — entries per second appended in batches of 1000 (building the big log);
/// - `log.inclusion_proof_1e6`, `log.consistency_proof_1e6` — microseconds to generate one proof
///   from the database at the full size (10^6 by default), and `…_verify` to check one;
/// - `log.export` — entries per second writing the record at the full size;
/// - `log.import` — entries per second importing (and fully verifying) a record of `importEntries`;
/// - `log.bytes_per_entry` — database bytes per entry beyond the payload (entry row, indexes,
///   Merkle nodes), measured after a WAL checkpoint.
///
/// `cores` is the number of cores the figure may use: batch appends and imports verify
/// signatures on all cores, the rest is single-threaded.
///
/// Entries are signed ahead of time (a pool reused in turn) so the figures measure the log,
/// which still verifies every signature on append and on import.
public enum LogBench {
    /// One measured figure.
    public struct Figure: Sendable, Equatable {
        public let name: String
        public let unit: String
        public let value: Double
        public let cores: Int

        /// The figure as one JSON line (no trailing newline).
        public var jsonLine: String {
            let rounded = (value * 100).rounded() / 100
            return #"{"name":"\#(name)","unit":"\#(unit)","value":\#(rounded),"cores":\#(cores)}"#
        }
    }

    /// Bench parameters.
    public struct Options: Sendable {
        /// Size of the big log for proof and export figures.
        public var entries: Int = 1_000_000
        /// Size of the record imported for the import figure.
        public var importEntries: Int = 100_000
        /// Number of single durable appends.
        public var durableAppends: Int = 500
        /// Working directory (a fresh temporary one when nil); removed afterwards unless `keep`.
        public var directory: URL? = nil
        public var keep = false
        public init() {}
    }

    static let origin = "perennial.example/bench"

    /// Runs the bench, passing each figure to `report` as soon as it is measured.
    /// - Throws: ``LogError`` if the log fails.
    public static func run(_ options: Options = Options(), report: (Figure) -> Void) throws {
        let base = options.directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("perennial-bench-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { if !options.keep { try? FileManager.default.removeItem(at: base) } }

        let logKey = LogSigningKey.generate()
        let author = AuthorSigningKey.generate()
        let pool = (0..<1000).map { n in
            EntryEnvelope.sign(
                payload: Array(#"{"kind":"bench.note","record":"\#(origin)","n":\#(n),"text":"a ballot-sized payload of about a hundred bytes"}"#.utf8),
                with: author)
        }
        let payloadBytes = pool.map(\.payload.count)
        // Batches and imports check signatures on all cores; everything else runs on one.
        let cores = ProcessInfo.processInfo.activeProcessorCount

        // 1. Durable single appends.
        do {
            let store = try LogStore(directory: base.appendingPathComponent("durable"), origin: origin, signingKey: logKey)
            let start = DispatchTime.now()
            for n in 0..<options.durableAppends { try store.append(pool[n % pool.count]) }
            report(Figure(name: "log.append_durable", unit: "per_s", value: Double(options.durableAppends) / seconds(since: start), cores: 1))
        }

        // 2. The big log, in batches of 1000; export/import measured at `importEntries`.
        let big = try LogStore(directory: base.appendingPathComponent("big"), origin: origin, signingKey: logKey)
        let batch = pool
        var appended = 0
        var appendTime = 0.0
        var payloadTotal = 0
        while appended < options.entries {
            let count = min(1000, options.entries - appended)
            let start = DispatchTime.now()
            try big.append(contentsOf: Array(batch.prefix(count)))
            appendTime += seconds(since: start)
            payloadTotal += payloadBytes.prefix(count).reduce(0, +)
            appended += count
            if appended == options.importEntries {
                try big.signCheckpoint()
                let record = base.appendingPathComponent("record-import")
                try big.exportRecord(to: record)
                let copy = try LogStore(directory: base.appendingPathComponent("imported"), origin: origin, signingKey: logKey)
                let start = DispatchTime.now()
                try copy.importRecord(from: record)
                report(Figure(name: "log.import", unit: "per_s", value: Double(appended) / seconds(since: start), cores: cores))
            }
        }
        report(Figure(name: "log.append_batch1000", unit: "per_s", value: Double(appended) / appendTime, cores: cores))

        // 3. Proofs at full size.
        let checkpoint = try big.signCheckpoint()
        let size = checkpoint.size
        var rng = SystemRandomNumberGenerator()
        let samples = 1000
        var start = DispatchTime.now()
        var proofs: [(UInt64, [MerkleHash])] = []
        for _ in 0..<samples {
            let index = UInt64.random(in: 0..<size, using: &rng)
            proofs.append((index, try big.inclusionProof(index: index, treeSize: size)))
        }
        report(Figure(name: "log.inclusion_proof_1e6", unit: "us", value: seconds(since: start) * 1e6 / Double(samples), cores: 1))
        let leaves = try proofs.map { try big.entry(at: $0.0).leafHash }
        start = DispatchTime.now()
        for (i, (index, proof)) in proofs.enumerated() {
            try MerkleVerifier.verifyInclusion(leafHash: leaves[i], index: index, treeSize: size, proof: proof, root: checkpoint.rootHash)
        }
        report(Figure(name: "log.inclusion_verify_1e6", unit: "us", value: seconds(since: start) * 1e6 / Double(samples), cores: 1))
        let sizes = (0..<samples).map { _ in UInt64.random(in: 1..<size, using: &rng) }
        start = DispatchTime.now()
        var consistency: [[MerkleHash]] = []
        for size1 in sizes { consistency.append(try big.consistencyProof(size1: size1, size2: size)) }
        report(Figure(name: "log.consistency_proof_1e6", unit: "us", value: seconds(since: start) * 1e6 / Double(samples), cores: 1))
        let roots = try sizes.prefix(100).map { try big.root(atSize: $0) }
        start = DispatchTime.now()
        for (i, size1) in sizes.prefix(100).enumerated() {
            try MerkleVerifier.verifyConsistency(size1: size1, size2: size, root1: roots[i], root2: checkpoint.rootHash, proof: consistency[i])
        }
        report(Figure(name: "log.consistency_verify_1e6", unit: "us", value: seconds(since: start) * 1e6 / 100, cores: 1))

        // 4. Export at full size.
        start = DispatchTime.now()
        try big.exportRecord(to: base.appendingPathComponent("record-full"))
        report(Figure(name: "log.export", unit: "per_s", value: Double(size) / seconds(since: start), cores: 1))

        // 5. Storage overhead.
        try big.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let fileSize = (try FileManager.default.attributesOfItem(atPath: big.databaseURL.path)[.size] as? NSNumber)?.doubleValue ?? 0
        report(Figure(name: "log.bytes_per_entry", unit: "bytes", value: (fileSize - Double(payloadTotal)) / Double(size), cores: 1))
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
