import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// The `"path":"registrar"` figure of `node.roll_import`: everything `perennial roll import` does
/// for a roll of `people`, timed as one, on a fresh simulation node opened as the command opens it
/// (full durability): the CSV read and checked, the node opened, the credentials made and signed,
/// the batch appended, the private people file written, then every letter filed.
enum RollImportBench {
    struct Figures {
        let seconds: Double
        let cpuSeconds: Double
    }

    /// Runs in `directory`, which must not exist yet (a fresh one: see ``freshDirectory(in:name:)``), and
    /// leaves it for the caller to remove AFTER its last measurement: on ext4, deleting thousands of
    /// files just before a timed run makes the next file creations scan the recently deleted inodes
    /// (the sys time of the run doubled).
    static func run(people: Int, directory: URL) throws -> Figures {
        let dir = directory.appendingPathComponent("node"), letters = directory.appendingPathComponent("letters")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = ManualClock(milliseconds: 1_790_000_000_000)  // 2026-09-21
        let trusteeKey = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        _ = try Node.setUp(directory: dir, origin: NodeBench.origin, simulation: true, clock: clock) { o, r in
            try TermSetupService.makeSetup(term: NodeBench.term, title: "Bench", timeZone: "Europe/Paris", start: "2026-01-01",
                                           end: "2032-01-01", trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [trusteeKey],
                                           officer: o, registrar: r, simulation: true)
        }
        var csv = "person,birthday,eligible_from,eligible_until\n"
        for i in 0..<people { csv += "person-\(i),\(String(format: "%02d-%02d", i % 12 + 1, i % 28 + 1)),,\n" }
        let data = Data(csv.utf8)
        let cpuBefore = NodeBench.cpuSeconds()
        let seconds = try NodeBench.time {
            let file = try RollImport(data: data, name: "roll.csv")
            try AtomicFile.requireWritableDirectory(letters)
            _ = try Registrar(node: try Node(directory: dir, clock: clock)).enrolAll(file.rows, lettersIn: letters)
        }
        return Figures(seconds: seconds, cpuSeconds: NodeBench.cpuSeconds() - cpuBefore)
    }

    /// A directory named `name-N` in `parent` that does not exist yet (N counts up from 1), so that no
    /// earlier run's files are deleted before a measurement.
    static func freshDirectory(in parent: URL, name: String) -> URL {
        var n = 1
        while FileManager.default.fileExists(atPath: parent.appendingPathComponent("\(name)-\(n)").path) { n += 1 }
        return parent.appendingPathComponent("\(name)-\(n)")
    }
}
