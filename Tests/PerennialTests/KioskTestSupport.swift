import BallotCore
import CivicLog
import Foundation
import Perennial
import PerennialDemo
import PerennialKioskCore

/// A kiosk trial node prepared for a fixed "today" (Sunday 14 March 2027, 10:00 in Paris), with the
/// codes of its letters.
struct KioskFixture {
    /// 2027-03-14T10:00:00+01:00.
    static let nowISO = "2027-03-14T10:00:00+01:00"
    static let nowMs: UInt64 = 1_805_014_800_000

    let directory: URL
    let summary: KioskTrial.Summary
    /// Letter name (e.g. "open-today") → the code as printed.
    let codes: [String: String]

    var nodeDirectory: URL { summary.node }
    var receipts: URL { directory.appendingPathComponent("receipts") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        var options = KioskTrial.Options(output: directory)
        options.now = Date(timeIntervalSince1970: Double(Self.nowMs) / 1000)
        summary = try KioskTrial(options: options).run()
        var codes: [String: String] = [:]
        for letter in summary.letters {
            let text = try String(contentsOf: letter.file, encoding: .utf8)
            let name = String(letter.file.deletingPathExtension().lastPathComponent.dropFirst(3))
            codes[name] = Self.code(in: text)
        }
        self.codes = codes
    }

    /// The code printed in a letter (`XXXXX-XXXXX-XXXXX-XXXXX`).
    static func code(in letter: String) -> String? {
        for line in letter.split(separator: "\n") {
            let word = line.trimmingCharacters(in: .whitespaces)
            if word.count == 23, word.split(separator: "-").count == 4 { return word }
        }
        return nil
    }

    func code(_ name: String) -> String { codes[name]! }

    /// Opens the node at "now" plus `seconds`.
    func openNode(after seconds: UInt64 = 60) throws -> Node {
        try Node(directory: nodeDirectory, clock: ManualClock(milliseconds: Self.nowMs + seconds * 1000))
    }

    /// The session over a fresh node, writing receipts to `receipts`.
    func session(language: KioskLanguage = .french) throws -> (KioskSession, Node) {
        let node = try openNode()
        let backend = NodeKioskBackend(node: node, deviceKey: try node.simulationKioskKey(), receiptsDirectory: receipts)
        return (KioskSession(backend: backend, language: language, idleTimeoutSeconds: 30), node)
    }

    /// Counted, superseded, spoiled ballots in the log (reopening the node from disk).
    func statistics() throws -> ElectionStatistics {
        try openNode().requireElection().statistics
    }

    func logSize() throws -> UInt64 { try openNode().store.size() }

    /// The receipt files written, parsed and verified.
    func verifiedReceipts() throws -> [Receipt] {
        let files = (try? FileManager.default.contentsOfDirectory(at: receipts, includingPropertiesForKeys: nil)) ?? []
        return try files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.map { file in
            let receipt = try Receipt.parse(json: String(contentsOf: file, encoding: .utf8))
            try receipt.verify()
            try openNode().store.verify(receipt: receipt)
            return receipt
        }
    }

    /// A code with one character changed (the checksum catches it).
    static func typo(_ code: String) -> String {
        var chars = Array(code)
        chars[2] = chars[2] == "7" ? "8" : "7"
        return String(chars)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
