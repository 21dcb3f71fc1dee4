import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// A trustee's own directory (on its own machine if it likes): its Ed25519 signing key
/// (`trustee.key`, mode 0600) and its ceremony secrets sealed under its passphrase
/// (`secrets.sealed.json`: Argon2id + secretbox). Nothing in it is ever written to the log.
public struct TrusteeFiles: Sendable {
    public let directory: URL
    public let cost: PassphraseSeal.Cost

    public init(directory: URL, cost: PassphraseSeal.Cost = .moderate) {
        self.directory = directory
        self.cost = cost
    }

    var keyFile: URL { directory.appendingPathComponent("trustee.key") }
    var secretsFile: URL { directory.appendingPathComponent("secrets.sealed.json") }

    /// The trustee's signing key, created on first use; its public key goes into `term.setup`.
    public func signingKey() throws -> Ed25519.SigningKey { try KeyFile.loadOrCreate(keyFile) }

    func save(_ secrets: TrusteeSecrets, passphrase: String) throws {
        let seal = try secrets.sealed(passphrase: passphrase, cost: cost)
        let data = try JSONEncoder().encode(seal)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Write to a temporary file then rename, so a crash never leaves half a secret file.
        let temp = secretsFile.appendingPathExtension("tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw NodeError("Could not write \(temp.path); check that the trustee directory is writable.")
        }
        if FileManager.default.fileExists(atPath: secretsFile.path) { try FileManager.default.removeItem(at: secretsFile) }
        try FileManager.default.moveItem(at: temp, to: secretsFile)
    }

    func load(passphrase: String) throws -> TrusteeSecrets {
        guard let data = FileManager.default.contents(atPath: secretsFile.path) else {
            throw NodeError("No trustee secrets in \(directory.path). Run `perennial trustee commit` first.")
        }
        let seal = try JSONDecoder().decode(PassphraseSeal.self, from: data)
        do { return try TrusteeSecrets.open(seal, passphrase: passphrase) } catch {
            throw NodeError("The passphrase does not open the trustee secrets in \(directory.path). Check it and try again.")
        }
    }

    /// Ceremony step 1: creates the secrets and publishes the commitments.
    @discardableResult
    public func commit(index: Int, on node: Node, passphrase: String) throws -> LogEntry {
        let election = try node.requireElection()
        if FileManager.default.fileExists(atPath: secretsFile.path) {
            throw NodeError("This trustee directory already holds secrets; use a fresh directory for a new ceremony.")
        }
        let secrets = try election.trusteeStart(index: index)
        let payload = try election.trusteeCommitments(secrets).payloadBytes(record: node.origin, term: secrets.term)
        try save(secrets, passphrase: passphrase)
        return try node.submit(payload: payload, signer: signingKey())
    }

    /// Ceremony step 2: seals a share to every other trustee.
    @discardableResult
    public func sendShares(on node: Node, passphrase: String) throws -> LogEntry {
        let secrets = try load(passphrase: passphrase)
        let payload = try node.requireElection().trusteeShares(secrets).payloadBytes(record: node.origin, term: secrets.term)
        return try node.submit(payload: payload, signer: signingKey())
    }

    /// Ceremony step 3: checks the shares received; publishes `trustee.ready` or a complaint.
    /// - Returns: true when ready, false when a complaint was filed.
    @discardableResult
    public func check(on node: Node, passphrase: String) throws -> Bool {
        let secrets = try load(passphrase: passphrase)
        switch try node.requireElection().trusteeCheck(secrets) {
        case .ready(let updated, let ready):
            try save(updated, passphrase: passphrase)
            try node.submit(payload: ready.payloadBytes(record: node.origin, term: secrets.term), signer: signingKey())
            return true
        case .complaint(let complaint):
            try node.submit(payload: complaint.payloadBytes(record: node.origin, term: secrets.term), signer: signingKey())
            return false
        }
    }

    /// Term end: publishes this trustee's partial decryptions of the frozen tally.
    @discardableResult
    public func decrypt(on node: Node, passphrase: String) throws -> LogEntry {
        let secrets = try load(passphrase: passphrase)
        let payload = try node.requireElection().trusteeDecrypt(secrets).payloadBytes(record: node.origin, term: secrets.term)
        return try node.submit(payload: payload, signer: signingKey())
    }
}
