import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import GRDB

/// A Perennial node: its data directory (`--data DIR`), the civic log inside it, and the election
/// state projected from that log.
///
/// Layout of `DIR`:
/// - `node.json` — `{"origin": …}` the log origin (also the record id);
/// - `log/` — the SQLite log (see `CivicLog.LogStore`);
/// - `keys/log.key`, `keys/officer.key`, `keys/registrar.key` — the node's signing keys (mode 0600).
///
/// Every append goes through ``submit(payload:signer:)``: the election checks the entry inside the
/// log's write transaction, so a refused entry writes nothing, and an acknowledged one is durable.
public final class ElectionNode {
    public let directory: URL
    public let origin: String
    public let store: LogStore
    public let clock: any LogClock
    public private(set) var election: (any ElectionHandle)?
    /// Modules owning other entry kinds (ledger, deliberation); register them before appending.
    public private(set) var modules: [any LogModule] = []
    /// Index of the last entry applied to the election and the modules.
    public private(set) var appliedThrough = -1

    /// Opens the node in `directory`, creating it with `origin` if it does not exist yet.
    /// - Parameters:
    ///   - origin: required to create a node; when opening, it must match (or be nil).
    ///   - clock: the log's clock (inject a `ManualClock` to simulate a term).
    ///   - durability: `.simulation` only for simulated terms (see `LogStore.Durability`).
    public init(directory: URL, origin: String? = nil, clock: any LogClock = SystemClock(),
                durability: LogStore.Durability = .full) throws {
        self.directory = directory
        self.clock = clock
        let nodeFile = directory.appendingPathComponent("node.json")
        if let data = FileManager.default.contents(atPath: nodeFile.path) {
            guard let info = try? JSONDecoder().decode(NodeInfo.self, from: data) else {
                throw NodeError("\(nodeFile.path) is damaged; restore it from backup.")
            }
            if let origin, origin != info.origin {
                throw NodeError("The data directory holds the log \"\(info.origin)\", not \"\(origin)\". Use another --data directory.")
            }
            self.origin = info.origin
        } else {
            guard let origin else {
                throw NodeError("No node in \(directory.path). Set up a term first (perennial term setup), or pass the right --data directory.")
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(NodeInfo(origin: origin)).write(to: nodeFile)
            self.origin = origin
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let logKey = try LogSigningKey.loadOrCreate(keyFile: directory.appendingPathComponent("keys/log.key"))
        store = try LogStore(directory: directory.appendingPathComponent("log"), origin: self.origin, signingKey: logKey, clock: clock,
                             durability: durability)
        try catchUp()
    }

    struct NodeInfo: Codable { var origin: String }

    /// Entry kinds owned by modules rather than the election.
    public static let moduleKindPrefixes = ["ledger.", "delib."]

    /// A key of this node by role (`officer`, `registrar`), created on first use.
    public func key(_ role: String) throws -> Ed25519.SigningKey {
        try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/\(role).key"))
    }

    // MARK: - Replay

    /// Adds a module and replays into it the entries of its kinds already in the log (the election
    /// and the other modules are not replayed again).
    public func register(_ module: any LogModule) throws {
        let through = appliedThrough
        try store.database.write { db in try module.reset(db: db) }
        var next = 0
        while next <= through {
            var chunk: [LogEntry] = []
            try store.forEachEntry(in: UInt64(next)..<UInt64(min(through + 1, next + 2_000))) { chunk.append($0) }
            try store.database.write { db in
                for entry in chunk {
                    guard let kind = try? JSONDecoder().decode(PayloadHeader.self, from: Data(entry.envelope.payload)).kind,
                          kind.hasPrefix(module.kindPrefix), let setup = election?.setup else { continue }
                    try module.apply(entry, kind: kind, setup: setup, db: db, trusted: true)
                }
            }
            next += chunk.count
        }
        modules.append(module)
    }

    /// Applies entries appended since the state was last brought up to date (by this process or
    /// another one writing the same directory). Proofs of entries already in the log were verified
    /// when they were appended, so replay skips them.
    public func catchUp() throws {
        let size = Int(try store.size())
        var next = appliedThrough + 1
        while next < size {
            // Read a chunk, then apply it in one write transaction (GRDB forbids nesting the two).
            var chunk: [LogEntry] = []
            try store.forEachEntry(in: UInt64(next)..<UInt64(min(size, next + 2_000))) { chunk.append($0) }
            try store.database.write { db in
                for entry in chunk { try project(entry, db: db, trusted: true) }
            }
            next += chunk.count
        }
    }

    /// Rebuilds the election and every module from the whole log.
    public func reload() throws {
        election = nil
        appliedThrough = -1
        try store.database.write { db in
            for module in modules { try module.reset(db: db) }
        }
        try catchUp()
    }

    private func project(_ entry: LogEntry, db: Database, trusted: Bool) throws {
        let header = try? JSONDecoder().decode(PayloadHeader.self, from: Data(entry.envelope.payload))
        if let kind = header?.kind, let module = modules.first(where: { kind.hasPrefix($0.kindPrefix) }) {
            guard let setup = election?.setup else {
                throw ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.")
            }
            guard header?.term == setup.term else {
                throw ElectionError.init(.malformed, "The entry names term \"\(header?.term ?? "")\", but this log holds term \"\(setup.term)\".")
            }
            try module.apply(entry, kind: kind, setup: setup, db: db, trusted: trusted)
            appliedThrough = Int(entry.index)
            return
        }
        if trusted, let kind = header?.kind, EntryKind(rawValue: kind) == nil, Self.moduleKindPrefixes.contains(where: kind.hasPrefix) {
            // Written by a module this process did not register (e.g. deliberation through its own
            // log front end); that module checked it when it was appended.
            appliedThrough = Int(entry.index)
            return
        }
        try projectElection(entry, trusted: trusted)
        appliedThrough = Int(entry.index)
    }

    private func projectElection(_ entry: LogEntry, trusted: Bool) throws {
        let e = ElectionEntry(index: Int(entry.index), timeMs: Int64(entry.timeMs), author: entry.envelope.author, payload: entry.envelope.payload)
        if election == nil {
            let setup = try TermSetup.decode(e.payload)
            let group: GroupName
            do { group = try GroupName.named(setup.group) } catch { throw ElectionError(.termSetup, "\(error)") }
            let handle = try group.accept(MakeElection(record: origin))
            _ = try handle.apply(e)
            election = handle
            return
        }
        let handle = election!
        let saved = handle.verifyProofs
        handle.verifyProofs = !trusted
        defer { handle.verifyProofs = saved }
        _ = try handle.apply(e)
    }

    // MARK: - Appending

    /// Signs `payload` with `signer` and appends it, after the election has checked it against every
    /// rule at its log time.
    /// - Returns: the acknowledged (durable) entry.
    /// - Throws: ``BallotCore/ElectionError`` or `LogError`; then nothing was written.
    @discardableResult
    public func submit(payload: [UInt8], signer: Ed25519.SigningKey) throws -> LogEntry {
        let signature = try signer.signature(for: EntryEnvelope.signingInput(payload: payload))
        let envelope = try EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signature)
        return try submit(envelope)
    }

    /// Appends an envelope signed elsewhere (a kiosk, a trustee's machine).
    ///
    /// If another process appended to the same log since this node last read it, the node reads
    /// those entries and tries again (a few times), so concurrent writers never clash.
    @discardableResult
    public func submit(_ envelope: EntryEnvelope) throws -> LogEntry {
        try submit(batch: [envelope])[0]
    }

    /// Appends several envelopes in ONE log transaction: every entry is checked in order (each against
    /// the state left by the previous ones) and all are written, or none.
    ///
    /// Added for the civic time ledger's CSV import (an organisation's batch is never half applied);
    /// any module may use it. On a refusal the log is unchanged and the in-memory state is rebuilt.
    /// - Throws: the first refusal or log error.
    @discardableResult
    public func submit(batch envelopes: [EntryEnvelope]) throws -> [LogEntry] {
        var attempt = 0
        while true {
            attempt += 1
            try catchUp()
            var projected = false
            var raced = false
            do {
                return try store.append(contentsOf: envelopes) { db, entry in
                    guard Int(entry.index) == self.appliedThrough + 1 else {
                        raced = true
                        throw NodeError("Another writer keeps appending to this log at the same moment; try again.")
                    }
                    try self.project(entry, db: db, trusted: false)
                    projected = true
                }
            } catch {
                // The projection changed memory but nothing was committed: rebuild from what is durable.
                if projected { try reload() }
                if raced && attempt < 5 { continue }
                throw error
            }
        }
    }

    /// The election, or a clear error if no term is set up.
    public func requireElection() throws -> any ElectionHandle {
        guard let election else {
            throw NodeError("No term is set up in this node yet. Run `perennial term setup` first.")
        }
        return election
    }
}
