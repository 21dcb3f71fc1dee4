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

    /// Seals `secrets` into a staged file beside `secrets.sealed.json` (see ``AtomicFile``); the caller
    /// commits it once the entry that needs it is accepted, or discards it.
    func stage(_ secrets: TrusteeSecrets, passphrase: String) throws -> URL {
        let seal = try secrets.sealed(passphrase: passphrase, cost: cost)
        let data: Data
        do { data = try JSONEncoder().encode(seal) } catch {
            throw NodeError("Could not encode the sealed trustee secrets; nothing was written.")
        }
        return try AtomicFile.stage(data, for: secretsFile)
    }

    /// Appends `payload` signed by this trustee, and only once the log has accepted it, puts the
    /// staged secrets in place: a refused entry leaves the directory as it was.
    func submit(_ payload: [UInt8], on node: Node, staged: URL?) throws -> LogEntry {
        let signer = try existingSigningKey()
        let entry: LogEntry
        do {
            entry = try node.submit(payload: payload, signer: signer)
        } catch {
            if let staged { AtomicFile.discard(staged) }
            throw error
        }
        if let staged { try AtomicFile.commit(staged, to: secretsFile) }
        return entry
    }

    /// The trustee's key, which `perennial trustee key` created; never created here.
    func existingSigningKey() throws -> Ed25519.SigningKey {
        guard FileManager.default.fileExists(atPath: keyFile.path) else {
            throw NodeError("No trustee key in \(directory.path). Run `perennial trustee key --trustee-dir \(directory.path)` first and give its public key to the officer.")
        }
        return try KeyFile.load(keyFile)
    }

    /// Opens the sealed secrets. A damaged file is refused before any passphrase work, and so is a
    /// cost above the `moderate` preset (the most this engine writes): an altered cost must not
    /// make the trustee's machine derive a key with gigabytes of memory.
    /// - Throws: ``NodeError``: no file, a damaged file, or a passphrase that does not open it
    ///   (which is also what any altered byte of the salt, nonce or ciphertext gives).
    public func load(passphrase: String) throws -> TrusteeSecrets {
        guard let data = FileManager.default.contents(atPath: secretsFile.path) else {
            throw NodeError("No trustee secrets in \(directory.path). Run `perennial trustee commit` first.")
        }
        let ceiling = PassphraseSeal.Cost.moderate
        guard let seal = try? JSONDecoder().decode(PassphraseSeal.self, from: data),
              seal.cost.operations <= ceiling.operations, seal.cost.memoryBytes <= ceiling.memoryBytes else {
            throw NodeError("\(secretsFile.path) is damaged and cannot be read. Restore it from the trustee's backup.")
        }
        do { return try TrusteeSecrets.open(seal, passphrase: passphrase) } catch {
            throw NodeError("The passphrase does not open the trustee secrets in \(directory.path). Check it and try again.")
        }
    }

    /// Ceremony step 1: creates the secrets and publishes the commitments. Everything is checked
    /// first (the index, this directory's key against the term's trustee key, the directory writable);
    /// the sealed secrets are put in place only after the log accepts the commitments.
    @discardableResult
    public func commit(index: Int, on node: Node, passphrase: String) throws -> LogEntry {
        let election = try node.requireElection()
        if FileManager.default.fileExists(atPath: secretsFile.path) {
            throw NodeError("This trustee directory already holds the secrets of a ceremony step that was accepted; go on with `perennial trustee shares`, or use a fresh directory for a new term.")
        }
        guard let setup = election.setup else { throw NodeError("No term is set up in this node yet.") }
        let mine = Hex.encode(try existingSigningKey().publicKey.rawRepresentation)
        guard let position = setup.trusteeKeys.firstIndex(of: mine) else {
            throw NodeError("This trustee directory's key is not one of the term's trustee keys; check --trustee-dir.")
        }
        guard index == position + 1 else {
            throw NodeError("This trustee directory's key is trustee \(position + 1)'s in term.setup, not trustee \(index)'s; run again with --index \(position + 1).")
        }
        guard !election.committedTrustees.contains(index) else {
            throw NodeError("Trustee \(index) already published its commitments; go on with `perennial trustee shares`.")
        }
        try AtomicFile.requireWritableDirectory(directory)
        let secrets = try election.trusteeStart(index: index)
        let payload = try election.trusteeCommitments(secrets).payloadBytes(record: node.origin, term: secrets.term)
        return try submit(payload, on: node, staged: try stage(secrets, passphrase: passphrase))
    }

    /// Ceremony step 2: seals a share to every other trustee.
    @discardableResult
    public func sendShares(on node: Node, passphrase: String) throws -> LogEntry {
        let secrets = try load(passphrase: passphrase)
        let payload = try node.requireElection().trusteeShares(secrets).payloadBytes(record: node.origin, term: secrets.term)
        return try submit(payload, on: node, staged: nil)
    }

    /// Ceremony step 3: checks the shares received; publishes `trustee.ready` or a complaint.
    /// - Returns: true when ready, false when a complaint was filed.
    @discardableResult
    public func check(on node: Node, passphrase: String) throws -> Bool {
        let secrets = try load(passphrase: passphrase)
        switch try node.requireElection().trusteeCheck(secrets) {
        case .ready(let updated, let ready):
            let staged = try stage(updated, passphrase: passphrase)
            try submit(ready.payloadBytes(record: node.origin, term: secrets.term), on: node, staged: staged)
            return true
        case .complaint(let complaint):
            try submit(complaint.payloadBytes(record: node.origin, term: secrets.term), on: node, staged: nil)
            return false
        }
    }

    /// Term end: publishes this trustee's partial decryptions of the frozen tally.
    @discardableResult
    public func decrypt(on node: Node, passphrase: String) throws -> LogEntry {
        let secrets = try load(passphrase: passphrase)
        let payload = try node.requireElection().trusteeDecrypt(secrets).payloadBytes(record: node.origin, term: secrets.term)
        return try submit(payload, on: node, staged: nil)
    }
}
