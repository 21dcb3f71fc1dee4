import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data directory's writer lock, `DIR/serve.lock`, held by `perennial serve` for as long as it
/// runs (an exclusive `flock(2)`, released by the kernel when the server exits, even on `kill -9`).
///
/// While a server holds it, every other process refuses to append to that node: ``Node/submit(batch:)``
/// checks it, so clerk commands and a `--data` kiosk say which server to stop (or to go through)
/// instead of racing it. Reading (status, export, audit) is never blocked.
public final class ServeLock: @unchecked Sendable {
    public let file: URL
    private let fd: Int32

    /// What the holder writes into the file, for the refusal message.
    public struct Holder: Codable, Sendable, Equatable {
        public var pid: Int32
        public var listen: String
        public init(pid: Int32, listen: String) { self.pid = pid; self.listen = listen }
    }

    static func file(in directory: URL) -> URL { directory.appendingPathComponent("serve.lock") }

    private init(file: URL, fd: Int32) { self.file = file; self.fd = fd }

    /// Takes the lock for this process.
    /// - Throws: ``NodeError`` if another process holds it (naming it) or the file cannot be opened.
    public static func acquire(directory: URL, listen: String) throws -> ServeLock {
        let file = Self.file(in: directory)
        let fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw NodeError("Could not open \(file.path) to lock the node: check that \(directory.path) is writable.")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = readHolder(fd)
            close(fd)
            throw NodeError(busyMessage(directory: directory, holder: holder))
        }
        let lock = ServeLock(file: file, fd: fd)
        lock.record(listen: listen)
        return lock
    }

    /// Writes who holds the lock (this process, listening on `listen`) into the file.
    public func record(listen: String) {
        var text = (try? JSONEncoder().encode(Holder(pid: getpid(), listen: listen))) ?? Data()
        text.append(0x0A)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The server (another process) holding the lock of `directory`, or nil if none runs.
    /// - Throws: ``NodeError`` (the usual refusal) if one runs but its address cannot be read.
    public static func runningServer(directory: URL) throws -> Holder? {
        let file = Self.file(in: directory)
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            guard let holder = readHolder(fd) else { throw NodeError(busyMessage(directory: directory, holder: nil)) }
            return holder
        }
        _ = flock(fd, LOCK_UN)
        return nil
    }

    /// Refuses if a server (another process) holds the lock of `directory`; says nothing otherwise.
    public static func requireNoServer(directory: URL) throws {
        let file = Self.file(in: directory)
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }  // never served, or not readable: nobody holds it
        defer { close(fd) }
        // A shared lock is refused only while a server holds the exclusive one.
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            throw NodeError(busyMessage(directory: directory, holder: readHolder(fd)))
        }
        _ = flock(fd, LOCK_UN)
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: Data(buffer[0..<count]))
    }

    static func busyMessage(directory: URL, holder: Holder?) -> String {
        let who = holder.map { "perennial serve (pid \($0.pid), listening on \($0.listen))" } ?? "perennial serve"
        return "\(who) is running on \(directory.path) and is its only writer. Stop it first (SIGTERM) and run this again, or, for a kiosk, use --server; nothing was written."
    }

    /// Releases the lock (also released when the process exits).
    public func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
