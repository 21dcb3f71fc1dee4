import ArgumentParser
import BallotCore
import CivicLog
import Foundation
import Perennial
import PerennialRemote

/// Options every command shares: the node's directory and the output format.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "The node's data directory (its log database and key files).")
    var data: String = "perennial-data"

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Act as if it were this moment (ISO 8601, e.g. 2027-03-14T10:00:00+01:00): for simulations and tests only.",
        valueName: "time"))
    var at: String?

    var directory: URL { URL(fileURLWithPath: data, isDirectory: true) }

    /// The clock `--at` sets, if given.
    func clock() throws -> ManualClock? {
        try at.map { ManualClock(milliseconds: try Self.milliseconds(iso: $0)) }
    }

    /// Opens the node. `--at` is accepted only on a simulation node (exit 2 otherwise).
    /// - Parameter throughServer: for the clerk commands a running term needs (roll, kiosks,
    ///   contests): while `perennial serve` runs on the directory, their signed entries go through
    ///   its officer endpoint (``OfficeAPI``) instead of being refused.
    func open(throughServer: Bool = false) throws -> Node {
        let node: Node
        do {
            node = try Node(directory: directory, clock: try clock())
        } catch let error as NodeError where error.message == NodeError.realClock.message {
            throw ValidationError(error.message)
        }
        if throughServer {
            let officerFile = directory.appendingPathComponent("keys/officer.key")
            node.throughServer = { envelopes, listen in
                try OfficeClient.submit(envelopes, listen: listen, officer: try KeyFile.load(officerFile))
            }
        }
        return node
    }

    static func milliseconds(iso: String) throws -> UInt64 {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        guard let date = f.date(from: iso) else {
            throw ValidationError("--at needs an ISO 8601 time with its offset, e.g. 2027-03-14T10:00:00+01:00.")
        }
        return UInt64(date.timeIntervalSince1970 * 1000)
    }

    /// Prints a JSON object (with `--json`) or the text lines.
    func emit(_ text: [String], json object: [String: Any]) {
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            text.forEach { print($0) }
        }
    }
}

/// Where a trustee's passphrase comes from: never a command-line argument (it would show in `ps`).
struct PassphraseOptions: ParsableArguments {
    @Option(name: .long, help: "The environment variable holding the trustee's passphrase.")
    var passphraseEnv: String = "PERENNIAL_PASSPHRASE"

    @Option(name: .long, help: "A file whose first line is the trustee's passphrase (instead of the environment).")
    var passphraseFile: String?

    func passphrase() throws -> String {
        if let passphraseFile {
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw ValidationError("Cannot read the passphrase file \(passphraseFile).")
            }
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw ValidationError("The passphrase file \(passphraseFile) is empty.") }
            return line
        }
        guard let value = ProcessInfo.processInfo.environment[passphraseEnv], !value.isEmpty else {
            throw ValidationError("Set the trustee's passphrase in the environment variable \(passphraseEnv), or pass --passphrase-file.")
        }
        return value
    }
}

/// A refusal the command line reports on one line with exit code 1.
struct Refusal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
