import Foundation
import Perennial
import PerennialRemote
#if canImport(Glibc)
import Glibc
#endif

/// The nonces of the signed requests the server accepted (kiosk and office), kept across restarts
/// in `DIR/serve-nonces`, so that a captured request cannot be replayed after a restart either.
///
/// Each nonce is appended (one line, `write(2)` with `O_APPEND`) **before** its request is
/// accepted. Without an fsync per request (it would cost more than the group commit saves), a
/// line survives anything but the loss of the machine's page cache: a process crash, `kill -9` and
/// restarts keep it. So the file starts with the machine's boot id, and a graceful stop fsyncs it
/// and ends it with `stopped`. Opening a file of another boot that did not stop gracefully (the
/// machine crashed) may have lost lines: requests signed before the restart plus the replay window
/// are then refused with 503 (kiosks retry), for one window at most.
///
/// Format: `boot <id>`, then `<time ms> <device hex><nonce hex>` per request, then maybe `stopped`.
public final class NonceJournal: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: UInt64] = [:]
    private var lastSweepMs: UInt64 = 0
    private let file: URL?
    private var fd: Int32 = -1
    private var appended = 0
    /// Requests signed before this are refused (503) after a machine crash; 0 otherwise.
    public let notBeforeMs: UInt64
    private let windowMs = KioskAPI.replayWindowMs

    /// A journal kept in memory only (tests of the authenticator).
    public init() {
        file = nil
        notBeforeMs = 0
    }

    /// Opens (or starts) the journal in `file`: loads the nonces still inside the replay window,
    /// rewrites the file with them, and keeps it open for appending.
    /// - Parameter bootID: this machine's boot id (by default read from the kernel).
    /// - Throws: ``NodeError`` if the file cannot be written.
    public init(file: URL, nowMs: UInt64, bootID: String = NonceJournal.currentBootID()) throws {
        self.file = file
        var kept: [String: UInt64] = [:]
        var floor: UInt64 = 0
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let lines = text.split(separator: "\n")
            for line in lines.dropFirst() {
                let parts = line.split(separator: " ")
                if parts.count == 2, let time = UInt64(parts[0]), time + 2 * windowMs >= nowMs { kept[String(parts[1])] = time }
            }
            let sameBoot = lines.first.map { $0 == "boot \(bootID)" } ?? false
            if !sameBoot && lines.last != "stopped" { floor = nowMs + windowMs }
        }
        seen = kept
        notBeforeMs = floor
        lastSweepMs = nowMs
        try rewrite(bootID: bootID)
    }

    /// Records `key` (device and nonce) of a request signed at `timeMs`; false if it was already seen.
    public func record(_ key: String, timeMs: UInt64, nowMs: UInt64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if nowMs > lastSweepMs + windowMs {
            seen = seen.filter { $0.value + 2 * windowMs >= nowMs }
            lastSweepMs = nowMs
            if appended > 4 * (seen.count + 1_000) { try? rewrite(bootID: Self.currentBootID()) }
        }
        guard seen[key] == nil else { return false }
        seen[key] = timeMs
        if fd >= 0 {
            let line = Array("\(timeMs) \(key)\n".utf8)
            _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            appended += 1
        }
        return true
    }

    /// On a graceful stop: fsyncs the journal and marks it complete.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard fd >= 0 else { return }
        let line = Array("stopped\n".utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = fsync(fd)
        Glibc.close(fd)
        fd = -1
    }

    /// Writes the live nonces into a fresh file (atomically, fsynced) and reopens it for appending.
    private func rewrite(bootID: String) throws {
        guard let file else { return }
        var text = "boot \(bootID)\n"
        for (key, time) in seen { text += "\(time) \(key)\n" }
        try AtomicFile.write(Data(text.utf8), to: file)
        if fd >= 0 { Glibc.close(fd) }
        fd = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw NodeError("Could not open \(file.path) to remember request nonces: check that the data directory is writable.") }
        appended = 0
    }

    /// The kernel's id of this boot (changes at every boot of the machine).
    public static func currentBootID() -> String {
        let id = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        return id.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
