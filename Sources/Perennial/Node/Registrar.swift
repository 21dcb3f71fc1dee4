import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Foundation

/// The registrar's desk: issues credentials, keeps the private link person ↔ credential outside the
/// public log (`registrar/people.csv` in the node directory, mode 0600), and writes the letters.
public struct Registrar {
    public let node: Node

    public init(node: Node) { self.node = node }

    var peopleFile: URL { node.directory.appendingPathComponent("registrar/people.csv") }

    /// A credential just issued: the letter to print (it holds the secret code) and the entry.
    public struct Issued: Sendable {
        public let credential: String
        public let letter: String
        public let index: UInt64
        /// The registrar's reference for the person, as given (also printed on the letter).
        public let person: String
    }

    /// Enrols a citizen: a fresh credential code, its public key on the roll.
    /// - Parameter person: the registrar's own reference for the person (kept privately, never logged).
    /// - Throws: ``NodeError`` if the person is already on the roll, or the entry's refusal.
    public func enrol(person: String, birthday: String, eligibleFrom: String?, eligibleUntil: String?) throws -> Issued {
        try enrolAll([RollImport.Row(line: 0, person: person, birthday: birthday, eligibleFrom: eligibleFrom, eligibleUntil: eligibleUntil)])[0]
    }

    /// Enrols every row in ONE log transaction (the node's batch path): all of them, or none.
    ///
    /// Checked first: a person reference already on the roll (`registrar/people.csv`) is refused with
    /// both line numbers. Then the credentials are made (on every core), the entries appended in one
    /// batch, and only once they are durable is the private link person ↔ credential written.
    /// - Returns: one ``Issued`` per row, in order.
    public func enrolAll(_ rows: [RollImport.Row]) throws -> [Issued] {
        try enrolAll(rows, lettersIn: nil).issued
    }

    /// ``enrolAll(_:)``, and each letter filed as `letter-INDEX.txt` in `letters` (mode 0600: it holds
    /// the secret code). The letters are written and synced under hidden names WHILE the log writes
    /// the batch, and renamed into place only once the entries are durable; a refused batch removes
    /// them. (Filing 10,000 letters after the batch took a quarter of the whole command.)
    /// - Returns: the credentials issued and the letters' paths (empty without `letters`).
    public func enrolAll(_ rows: [RollImport.Row], lettersIn letters: URL?) throws -> (issued: [Issued], files: [String]) {
        let election = try node.requireElection()
        guard let setup = election.setup else { throw NodeError("No term is set up in this node yet. Run `perennial term setup` first.") }
        guard !rows.isEmpty else { return ([], []) }
        let known = try knownPeople()
        let clashes = rows.compactMap { row -> String? in
            guard let line = known[row.person] else { return nil }
            return "\(row.line > 0 ? "line \(row.line): " : "")person \"\(row.person.prefix(40))\" is already on the roll (line \(line) of \(peopleFile.path)); to change a card use `perennial roll replace`"
        }
        guard clashes.isEmpty else {
            throw NodeError("Nothing was enrolled: " + clashes.prefix(20).joined(separator: "; ") + (clashes.count > 20 ? "; and \(clashes.count - 20) more" : "") + ".")
        }
        let signer = try node.key("registrar")
        let origin = node.origin
        let prepared = try Self.prepare(rows, setup: setup, record: origin, signer: signer)
        let staged = try stagePeople(zip(rows, prepared).map { ($0.person, $1.credential) })
        let texts = prepared.map(\.letter)
        let filing = letters.map { directory in LetterStaging(texts: texts, directory: directory) }
        let entries: [LogEntry]
        do {
            entries = try submit(prepared.map(\.envelope), people: staged, derived: Set(prepared.map(\.credential)))
        } catch {
            filing?.discard()
            throw error
        }
        let files = try filing?.commit(as: entries.map { "letter-\($0.index).txt" }) ?? []
        let issued = zip(zip(rows, prepared), zip(texts, entries)).map { pair, filed in
            Issued(credential: pair.1.credential, letter: filed.0, index: filed.1.index, person: pair.0.person)
        }
        return (issued, files)
    }

    struct Prepared: Sendable {
        let code: CredentialCode
        let credential: String
        let envelope: EntryEnvelope
        /// The letter to print (it holds the code).
        let letter: String
    }

    /// Fresh credentials, their signed `roll.enrol` envelopes and their letters, made on every core, in
    /// chunks of ``prepareChunk`` rows: a chunk's credential keys, then its signatures, are made
    /// together (one field inversion per chunk for each, `Ed25519.SigningKey.keys(seeds:)` and
    /// `signatures(for:)`; the inversion was a sixth of each fixed-base multiplication).
    static func prepare(_ rows: [RollImport.Row], setup: TermSetup, record: String, signer: Ed25519.SigningKey) throws -> [Prepared] {
        let term = setup.term
        let results = PreparedSlots(count: rows.count)
        let chunks = (rows.count + prepareChunk - 1) / prepareChunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * prepareChunk)..<min(rows.count, (c + 1) * prepareChunk)
            let codes = range.map { _ in CredentialCode.generate { SecureRandom.fill($0) } }
            let credentials = CredentialKey.signingKeys(for: codes, term: term).map { Hex.encode($0.publicKey.rawRepresentation) }
            let payloads = zip(range, credentials).map { i, credential in
                RollEnrol(credential: credential, birthday: rows[i].birthday, eligibleFrom: rows[i].eligibleFrom,
                          eligibleUntil: rows[i].eligibleUntil).payloadBytes(record: record, term: term)
            }
            let signatures = signer.signatures(for: payloads.map { EntryEnvelope.signingInput(payload: $0) })
            for (k, i) in range.enumerated() {
                let row = rows[i]
                let letter = letter(code: codes[k], setup: setup, birthday: row.birthday, person: row.person)
                results.set(i, Result {
                    Prepared(code: codes[k], credential: credentials[k],
                             envelope: try EntryEnvelope(payload: payloads[k], author: signer.publicKey.rawRepresentation, signature: signatures[k]),
                             letter: letter)
                })
            }
        }
        return try results.values()
    }

    /// Rows per chunk of ``prepare(_:setup:record:signer:)``: the batch size of the fixed-base
    /// multiplication (`cr_ed25519_scalarmult_base_batch`), and small enough to spread 2 cores evenly.
    static let prepareChunk = 32

    /// Replaces a lost, stolen or damaged card: the old credential stops at `date`.
    public func replace(credential old: String, date: String, reason: String, person: String) throws -> Issued {
        let election = try node.requireElection()
        let term = election.setup!.term
        guard let record = try node.rollRecord(old) else { throw NodeError("This credential is not on the roll.") }
        let (code, credential) = Self.freshCredential(term: term)
        let payload = RollReplace(old: old, new: credential, date: date, reason: reason)
        let envelope = try Node.envelope(payload: payload.payloadBytes(record: node.origin, term: term), signer: node.key("registrar"))
        let entry = try submit([envelope], people: try stagePeople([(person, credential)]))[0]
        return Issued(credential: credential, letter: Self.letter(code: code, setup: election.setup!, birthday: record.birthday.iso, person: person),
                      index: entry.index, person: person)
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

    /// Every person reference in `registrar/people.csv`, with its line number.
    func knownPeople() throws -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: peopleFile.path) else { return [:] }
        guard let text = String(validating: data, as: UTF8.self), let records = try? ContributionCSV.split(text) else {
            throw NodeError.damaged("\(peopleFile.path) cannot be read as CSV")
        }
        var people: [String: Int] = [:]
        for record in records.dropFirst() where record.fields.count == 2 {
            people[record.fields[0]] = people[record.fields[0]] ?? record.line
        }
        return people
    }

    /// The private links person ↔ credential, staged: `registrar/people.csv` with the new lines
    /// appended, written to a temporary file beside it (synced) before anything is appended to the log.
    /// ``AtomicFile/commit(_:to:)`` puts it in place once the entries are durable; a refused entry
    /// discards it, so the people file never names a credential the log does not hold.
    private func stagePeople(_ links: [(person: String, credential: String)]) throws -> URL {
        let directory = peopleFile.deletingLastPathComponent()
        try AtomicFile.requireWritableDirectory(directory)
        var data = FileManager.default.contents(atPath: peopleFile.path) ?? Data("person,credential\n".utf8)
        var text = ""
        for (person, credential) in links {
            text += "\"\(person.replacingOccurrences(of: "\"", with: "\"\""))\",\(credential)\n"
        }
        data.append(Data(text.utf8))
        return try AtomicFile.stage(data, for: peopleFile)
    }

    /// Appends `envelopes` and, once they are durable, the staged people file; all or nothing.
    /// `derived`: the credentials made here (see ``Node/submit(batch:derivedCredentials:)``).
    private func submit(_ envelopes: [EntryEnvelope], people staged: URL, derived: Set<String> = []) throws -> [LogEntry] {
        let entries: [LogEntry]
        do {
            entries = try node.submit(batch: envelopes, derivedCredentials: derived)
        } catch {
            AtomicFile.discard(staged)
            throw error
        }
        try AtomicFile.commit(staged, to: peopleFile)
        return entries
    }

    /// Files each letter as `letter-INDEX.txt` in `directory` (mode 0600: it holds the secret code),
    /// whole or not at all, the letters of one call synced to disk together (thousands of letters
    /// with a sync each took far longer than enrolling their people; see ``AtomicFile/writeAll(_:in:permissions:)``).
    /// Call it once the entries are durable.
    /// - Returns: the files' paths, in order.
    public static func fileLetters(_ issued: [Issued], in directory: URL) throws -> [String] {
        try AtomicFile.writeAll(issued.map { (name: "letter-\($0.index).txt", data: Data($0.letter.utf8)) }, in: directory)
    }

    /// The letter the registrar prints and sends (French, then English).
    public static func letter(code: CredentialCode, setup: TermSetup, birthday: String, person: String? = nil) -> String {
        // Month in words in each language: "1/12" reads as 1 December in French and January 12 in English.
        let parsed = try? Birthday(iso: birthday)
        let fr = parsed.map { "\($0.day == 1 ? "1er" : String($0.day)) \(MonthNames.french[$0.month - 1])" } ?? birthday
        let en = parsed.map { "\($0.day) \(MonthNames.english[$0.month - 1])" } ?? birthday
        return """
            ============================================================
            \(setup.title)\(person.map { "\nRéférence / Reference: \($0)" } ?? "")
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

/// One result slot per row, filled from many threads (each index written once).
final class PreparedSlots: @unchecked Sendable {
    private var slots: [Result<Registrar.Prepared, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<Registrar.Prepared, any Error>) { lock.withLock { slots[i] = value } }
    func values() throws -> [Registrar.Prepared] {
        try lock.withLock { try slots.map { slot in
            guard let slot else { throw NodeError("A credential could not be made; nothing was enrolled.") }
            return try slot.get()
        } }
    }
}

/// Letters written and synced on a background thread while the log writes their entries
/// (`AtomicFile.stageAll`), then put in place or removed.
final class LetterStaging: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<AtomicFile.StagedFiles, any Error>?  // set once, before `done` is signalled

    init(texts: [String], directory: URL) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try AtomicFile.stageAll(texts.map { Data($0.utf8) }, in: directory) }
            done.signal()
        }
    }

    private func staged() throws -> AtomicFile.StagedFiles {
        done.wait()
        done.signal()  // later calls return at once
        return try result!.get()
    }

    /// Once the entries are durable: the letters renamed to `names`.
    func commit(as names: [String]) throws -> [String] { try staged().commit(as: names) }

    /// The batch was refused: every staged letter removed.
    func discard() { (try? staged())?.discard() }
}
