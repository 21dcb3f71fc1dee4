import CivicLog
import CivicCrypto
import Foundation

/// Ed25519 keys kept by a node in its `keys/` directory, one file per role, readable by the owner
/// only (mode 0600). The file holds the 32-byte seed in hex; it is never printed or logged.
public enum KeyFile {
    /// Loads the key in `file`, creating a fresh one if the file does not exist.
    public static func loadOrCreate(_ file: URL) throws -> Ed25519.SigningKey {
        if FileManager.default.fileExists(atPath: file.path) { return try load(file) }
        let key = Ed25519.SigningKey.generate()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = Hex.encode(key.seed.copyBytes()) + "\n"
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw NodeError("Could not write the key file \(file.path). Check that the data directory is writable.")
        }
        return key
    }

    /// Creates a fresh key in `file`, which must not exist (never overwritten, even in a race: the
    /// file is created with `O_EXCL`), readable by the owner only (mode 0600).
    /// - Throws: ``NodeError`` if the file exists or cannot be written; then nothing is left behind.
    public static func createNew(_ file: URL) throws -> Ed25519.SigningKey {
        let key = Ed25519.SigningKey.generate()
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw NodeError("\(file.path) already exists; a key file is never overwritten. Choose another file name.")
            }
            throw NodeError("Could not create the key file \(file.path). Check that its directory exists and is writable.")
        }
        let bytes = Array((Hex.encode(key.seed.copyBytes()) + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            try? FileManager.default.removeItem(at: file)
            throw NodeError("Could not write the key file \(file.path) (disk full?). Nothing was enrolled.")
        }
        return key
    }

    /// Loads the key in `file`.
    public static func load(_ file: URL) throws -> Ed25519.SigningKey {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw NodeError("The key file \(file.path) is missing. Run the command on the node that holds it, or restore it from backup.")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let seed = try? Hex.decode(text), seed.count == 32 else {
            throw NodeError("The key file \(file.path) is damaged (it should hold 64 hex digits). Restore it from backup.")
        }
        return try Ed25519.SigningKey(seed: SecureBytes(seed))
    }
}
