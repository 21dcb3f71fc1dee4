import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Writes many files into `directory`, each whole or not at all, with ONE sync of the file
    /// system instead of one per file (a registrar's thousands of letters: a sync each took
    /// milliseconds, far longer than enrolling the person): ``stageAll(_:in:permissions:)`` then
    /// ``StagedFiles/commit(as:)``.
    /// - Returns: the files' paths, in order.
    /// - Throws: ``NodeError`` naming the file that could not be written. If staging fails, nothing is
    ///   left; if a rename fails, those already renamed are complete and the rest are kept staged.
    @discardableResult
    public static func writeAll(_ files: [(name: String, data: Data)], in directory: URL, permissions: Int = 0o600) throws -> [String] {
        try stageAll(files.map(\.data), in: directory, permissions: permissions).commit(as: files.map(\.name))
    }

    /// Files written and synced under hidden names in one directory, not yet in place: the caller
    /// renames them (``commit(as:)``) once what they belong to is durable — a registrar stages the
    /// letters while the log writes the roll — or removes them (``discard()``).
    public struct StagedFiles: Sendable {
        public let directory: URL
        let temps: [String]

        /// Renames the staged files to `names` (in order; names inside the directory) and syncs the
        /// directory so that the names are durable too.
        /// - Returns: the files' paths, in order.
        /// - Throws: ``NodeError`` if a rename fails. The files not yet renamed are KEPT under their
        ///   hidden names (a letter's code may exist nowhere else once its entry is durable), and the
        ///   message says how to put them in place.
        @discardableResult
        public func commit(as names: [String]) throws -> [String] {
            precondition(names.count == temps.count, "one name per staged file")
            let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
            var paths: [String] = []
            paths.reserveCapacity(names.count)
            for (i, name) in names.enumerated() {
                let path = base + name
                guard rename(temps[i], path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    throw NodeError("Could not move \(temps[i]) to \(path) (\(reason)). It and the \(temps.count - i - 1) files after it are kept, whole, under their hidden names in \(directory.path) (the number before .tmp is each one's position, from 0, in the order of \(names[0]) onward): rename them by hand.")
                }
                paths.append(path)
            }
            AtomicFile.syncDirectory(directory)
            return paths
        }

        /// Removes every staged file.
        public func discard() { for temp in temps { unlink(temp) } }
    }

    /// Writes each of `contents` to a hidden file of `directory` (plain `open`/`write`, mode
    /// `permissions`, exactly), then makes them all durable with one sync (`syncfs`, or each file in
    /// turn where that call is missing).
    /// - Throws: ``NodeError`` naming the file that could not be written; nothing staged is left.
    public static func stageAll(_ contents: [Data], in directory: URL, permissions: Int = 0o600) throws -> StagedFiles {
        let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        var staged: [String] = []
        staged.reserveCapacity(contents.count)
        var done = false
        defer { if !done { for temp in staged { unlink(temp) } } }
        // One random token for the whole call (a `UUID()` each read /dev/urandom anew: three system
        // calls per letter).
        let token = UUID().uuidString
        for (i, data) in contents.enumerated() {
            let temp = base + ".staged-\(token)-\(i).tmp"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
            guard fd >= 0 else {
                throw NodeError("Could not write \(temp) (\(String(cString: strerror(errno)))); check that \(directory.path) is writable and has free space.")
            }
            staged.append(temp)
            let written = data.withUnsafeBytes { bytes in writeWhole(fd, bytes) }
            let modeSet = fchmod(fd, mode_t(permissions)) == 0  // exactly `permissions`, whatever the umask
            close(fd)
            guard written, modeSet else {
                throw NodeError("Could not write \(temp) (\(String(cString: strerror(errno)))); check that \(directory.path) has free space.")
            }
        }
        try syncAll(staged, directory: directory)
        done = true
        return StagedFiles(directory: directory, temps: staged)
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and interruptions).
    private static func writeWhole(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Makes the staged files durable: one `syncfs` of their file system, else an `fsync` each.
    private static func syncAll(_ files: [String], directory: URL) throws {
        if let syncfs = syncFileSystem {
            let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
            if fd >= 0 {
                defer { close(fd) }
                if syncfs(fd) == 0 { return }
            }
        }
        for file in files {
            let fd = open(file, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw NodeError("Could not reopen \(file) to sync it; check the directory's permissions.") }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw NodeError("Could not sync \(file) to disk (\(String(cString: strerror(errno)))); check the disk.") }
        }
    }

    /// Syncs a directory's entries (the names of files just renamed into it); best effort.
    static func syncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Linux's `syncfs(2)` (glibc 2.14+), which Swift's Glibc module does not import.
    private static var syncFileSystem: (@convention(c) (Int32) -> Int32)? {
        // A nil handle is glibc's RTLD_DEFAULT: the symbol wherever the process has it.
        guard let symbol = dlsym(nil, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }
}
