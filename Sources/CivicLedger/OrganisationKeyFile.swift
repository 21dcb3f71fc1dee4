import CivicCrypto
import Foundation

/// An organisation's signing key, kept in the organisation's own file and encrypted at rest under
/// its passphrase (``PassphraseSeal``: Argon2id + XSalsa20-Poly1305).
///
/// File form (JSON): `{"format":"perennial-organisation-key","version":1,"org":"…","public_key":"hex","seal":{…}}`.
/// The public key is in clear so the officer can accredit it; the seed is only in the seal.
///
/// - Important: the seed never appears in errors or descriptions; the file is written with mode 0600.
public struct OrganisationKeyFile: Codable, Sendable, Equatable {
    public static let formatName = "perennial-organisation-key"
    public var format: String
    public var version: Int
    public var org: String
    public var publicKey: String
    public var seal: PassphraseSeal

    enum CodingKeys: String, CodingKey { case format, version, org, seal, publicKey = "public_key" }

    /// Generates a fresh key for `org` and seals it under `passphrase`.
    /// - Returns: the file and the signing key (use it, then let it go).
    public static func generate(org: String, passphrase: String, cost: PassphraseSeal.Cost = .moderate) throws -> (OrganisationKeyFile, Ed25519.SigningKey) {
        try Form.slug(org, "organisation id", check: "LED-1")
        guard !passphrase.isEmpty else {
            throw LedgerError(.keyFile, "An organisation key needs a passphrase; choose one and keep it apart from the file.")
        }
        let key = Ed25519.SigningKey.generate()
        let seal = try PassphraseSeal.seal(key.seed, passphrase: passphrase, cost: cost)
        let file = OrganisationKeyFile(format: formatName, version: 1, org: org, publicKey: Hex.encode(key.publicKey.rawRepresentation), seal: seal)
        return (file, key)
    }

    /// Opens the seal.
    /// - Throws: ``LedgerError`` (`keyFile`) for a wrong passphrase or an altered file.
    public func signingKey(passphrase: String) throws -> Ed25519.SigningKey {
        let seed: SecureBytes
        do { seed = try seal.open(passphrase: passphrase) } catch {
            throw LedgerError(.keyFile, "The passphrase does not open the key of \"\(org)\" (or the file was altered). Check the passphrase.")
        }
        let key = try Ed25519.SigningKey(seed: seed)
        guard Hex.encode(key.publicKey.rawRepresentation) == publicKey else {
            throw LedgerError(.keyFile, "The key file of \"\(org)\" is inconsistent (its public key does not match its secret). Restore it from backup.")
        }
        return key
    }

    /// Writes the file (mode 0600), refusing to overwrite one.
    public func write(to url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw LedgerError(.keyFile, "\(url.path) already exists; an organisation key is never overwritten. Choose another file name.")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(self)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError(.keyFile, "Could not write \(url.path). Check that the directory exists and is writable.")
        }
    }

    /// Reads a key file.
    public static func read(from url: URL) throws -> OrganisationKeyFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LedgerError(.keyFile, "The organisation key file \(url.path) cannot be read. Check the path.")
        }
        guard let file = try? JSONDecoder().decode(OrganisationKeyFile.self, from: data), file.format == formatName, file.version == 1 else {
            throw LedgerError(.keyFile, "\(url.path) is not a Perennial organisation key file. Create one with `perennial ledger org-key`.")
        }
        return file
    }
}
