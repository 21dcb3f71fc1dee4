import BallotCore
import CivicCrypto
import Foundation

/// The registrar's desk: issues credentials, keeps the private link person ↔ credential outside the
/// public log (`registrar/people.csv` in the node directory, mode 0600), and writes the letters.
public struct Registrar {
    public let node: Node

    public init(node: Node) { self.node = node }

    var peopleFile: URL { node.directory.appendingPathComponent("registrar/people.csv") }

    /// A credential just issued: the letter to print (it holds the secret code) and the entry.
    public struct Issued {
        public let credential: String
        public let letter: String
        public let index: UInt64
    }

    /// Enrols a citizen: a fresh credential code, its public key on the roll.
    /// - Parameter person: the registrar's own reference for the person (kept privately, never logged).
    public func enrol(person: String, birthday: String, eligibleFrom: String?, eligibleUntil: String?) throws -> Issued {
        let election = try node.requireElection()
        let term = election.setup!.term
        let (code, credential) = Self.freshCredential(term: term)
        let payload = RollEnrol(credential: credential, birthday: birthday, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil)
        let entry = try node.submit(payload: payload.payloadBytes(record: node.origin, term: term), signer: node.key("registrar"))
        try remember(person: person, credential: credential)
        return Issued(credential: credential, letter: Self.letter(code: code, setup: election.setup!, birthday: birthday), index: entry.index)
    }

    /// Replaces a lost, stolen or damaged card: the old credential stops at `date`.
    public func replace(credential old: String, date: String, reason: String, person: String) throws -> Issued {
        let election = try node.requireElection()
        let term = election.setup!.term
        guard let record = election.roll[old] else { throw NodeError("This credential is not on the roll.") }
        let (code, credential) = Self.freshCredential(term: term)
        let payload = RollReplace(old: old, new: credential, date: date, reason: reason)
        let entry = try node.submit(payload: payload.payloadBytes(record: node.origin, term: term), signer: node.key("registrar"))
        try remember(person: person, credential: credential)
        return Issued(credential: credential, letter: Self.letter(code: code, setup: election.setup!, birthday: record.birthday.iso),
                      index: entry.index)
    }

    /// Changes a credential's eligibility (moving in or out, death, coming of age, correction).
    public func update(credential: String, eligibleFrom: String?, eligibleUntil: String?, reason: String) throws -> UInt64 {
        let election = try node.requireElection()
        let payload = RollUpdate(credential: credential, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil, reason: reason)
        return try node.submit(payload: payload.payloadBytes(record: node.origin, term: election.setup!.term), signer: node.key("registrar")).index
    }

    /// A new card's code (from libsodium's CSPRNG, straight into wiped memory) and its public
    /// credential key in hex.
    static func freshCredential(term: String) -> (CredentialCode, String) {
        let code = CredentialCode.generate { SecureRandom.fill($0) }
        return (code, Hex.encode(CredentialKey.signingKey(for: code, term: term).publicKey.rawRepresentation))
    }

    private func remember(person: String, credential: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: peopleFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !fm.fileExists(atPath: peopleFile.path) {
            guard fm.createFile(atPath: peopleFile.path, contents: Data("person,credential\n".utf8), attributes: [.posixPermissions: 0o600]) else {
                throw NodeError("Could not create \(peopleFile.path); check that the data directory is writable.")
            }
        }
        let handle = try FileHandle(forWritingTo: peopleFile)
        defer { try? handle.close() }
        try handle.seekToEnd()
        let safe = person.replacingOccurrences(of: "\"", with: "\"\"")
        try handle.write(contentsOf: Data("\"\(safe)\",\(credential)\n".utf8))
        try handle.synchronize()
    }

    /// The letter the registrar prints and sends (French, then English).
    public static func letter(code: CredentialCode, setup: TermSetup, birthday: String) -> String {
        // Month in words in each language: "1/12" reads as 1 December in French and January 12 in English.
        let parsed = try? Birthday(iso: birthday)
        let fr = parsed.map { "\($0.day == 1 ? "1er" : String($0.day)) \(KioskText.frenchMonths[$0.month - 1])" } ?? birthday
        let en = parsed.map { "\($0.day) \(KioskText.englishMonths[$0.month - 1])" } ?? birthday
        return """
            ============================================================
            \(setup.title)
            ------------------------------------------------------------
            Votre code de vote personnel — Your personal voting code

                \(code.revealForPrinting())

            Chaque année, votre bureau de vote s'ouvre le jour de votre
            anniversaire (\(fr)) à minuit et reste ouvert \(setup.windowDays) jours.
            Tapez ce code sur une borne de vote. Gardez-le secret.
            Si vous le perdez, demandez une nouvelle carte en mairie.

            Every year, your vote opens at midnight on your birthday
            (\(en)) and stays open for \(setup.windowDays) days. Type this code at a
            voting kiosk. Keep it secret. If you lose it, ask the town
            hall for a new card.
            ============================================================

            """
    }
}
