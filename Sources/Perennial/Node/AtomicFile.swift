import Foundation

/// Files the clerk's commands write beside the log (letters, receipts, trustee secrets): checked
/// writable before anything is appended, then written whole or not at all (a temporary file in the
/// same directory, synced, then renamed over the destination).
public enum AtomicFile {
    /// Checks that `file` can be created or replaced: its directory exists (or can be created) and
    /// accepts a new file. Writes and removes a probe file.
    /// - Throws: ``NodeError`` saying which path and what to do.
    public static func requireWritable(_ file: URL) throws {
        try requireWritableDirectory(file.deletingLastPathComponent())
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw NodeError("\(file.path) is a directory; give a file name instead.")
        }
    }

    /// Checks that files can be created in `directory` (creating it and its parents if needed).
    public static func requireWritableDirectory(_ directory: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw NodeError("\(directory.path) is a file, not a directory; pick another path.") }
        } else {
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw NodeError("Cannot create the directory \(directory.path); check the path and its permissions. Nothing was written.")
            }
        }
        let probe = directory.appendingPathComponent(".perennial-probe-\(UUID().uuidString)")
        guard fm.createFile(atPath: probe.path, contents: Data(), attributes: [.posixPermissions: 0o600]) else {
            throw NodeError("Cannot write in \(directory.path); check its permissions and free space. Nothing was written.")
        }
        try? fm.removeItem(at: probe)
    }

    /// Writes `data` to a hidden temporary file beside `file` (mode `permissions`), synced; returns
    /// it. ``commit(_:to:)`` then renames it into place, ``discard(_:)`` removes it.
    public static func stage(_ data: Data, for file: URL, permissions: Int = 0o600) throws -> URL {
        let temp = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw NodeError("Could not write \(temp.path); check that \(file.deletingLastPathComponent().path) is writable and has free space.")
        }
        if let handle = try? FileHandle(forWritingTo: temp) {
            try? handle.synchronize()
            try? handle.close()
        }
        return temp
    }

    /// Renames a staged file over `file` (atomic on one file system).
    public static func commit(_ staged: URL, to file: URL) throws {
        if rename(staged.path, file.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw NodeError("Could not move \(staged.path) to \(file.path) (\(reason)); the data is safe in \(staged.path): rename it by hand.")
        }
    }

    /// Removes a staged file that will not be committed.
    public static func discard(_ staged: URL) { try? FileManager.default.removeItem(at: staged) }

    /// Stages and commits at once.
    public static func write(_ data: Data, to file: URL, permissions: Int = 0o600) throws {
        try commit(try stage(data, for: file, permissions: permissions), to: file)
    }
}
