import ArgumentParser
import Foundation
import Perennial
@testable import PerennialCommand

/// Runs `perennial` commands in this process, exactly as `main` does (parse, run, report), and
/// fingerprints directories so a test can prove that a refused command changed nothing.
enum Invocation {
    struct Outcome {
        var code: Int32
        /// What `main` would write on stderr (empty on success).
        var stderr: String
    }

    /// Parses and runs `arguments` (without the program name) and reports as `main` would.
    static func run(_ arguments: [String]) async -> Outcome {
        do {
            var command = try PerennialCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return Outcome(code: 0, stderr: "")
        } catch {
            let outcome = ErrorReport.outcome(for: error)
            return Outcome(code: outcome.code, stderr: outcome.toStdout ? "" : outcome.message + "\n")
        }
    }

    /// Every regular file under `directories` (recursively) with its bytes, keyed by path.
    static func fingerprint(_ directories: [URL]) -> [String: Data] {
        var files: [String: Data] = [:]
        let fm = FileManager.default
        for directory in directories {
            guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                // SQLite's shared-memory WAL index: lock and read marks every reader updates, rebuilt
                // from the WAL at need; it holds no data (the log, its WAL and every other file do).
                if url.lastPathComponent.hasSuffix(".sqlite-shm") { continue }
                files[url.path] = fm.contents(atPath: url.path) ?? Data()
            }
            // The directory itself, so that its creation or removal shows.
            var isDirectory: ObjCBool = false
            files[directory.path + "/"] = fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) ? Data([1]) : Data([0])
        }
        return files
    }

    /// The files that differ between two fingerprints (added, removed or changed).
    static func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }
}
