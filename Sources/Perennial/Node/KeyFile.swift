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

/// A clear, secret-free error from the node.
public struct NodeError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
