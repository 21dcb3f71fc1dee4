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

    /// Opens the node in `directory`, creating it with `origin` if it does not exist yet.
    /// - Parameters:
    ///   - origin: required to create a node; when opening, it must match (or be nil).
    ///   - clock: the log's clock (inject a `ManualClock` to simulate a term).
    public init(directory: URL, origin: String? = nil, clock: any LogClock = SystemClock()) throws {
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
        let logKey = try LogSigningKey.loadOrCreate(keyFile: directory.appendingPathComponent("keys/log.key"))
        store = try LogStore(directory: directory.appendingPathComponent("log"), origin: self.origin, signingKey: logKey, clock: clock)
        try catchUp()
    }

    struct NodeInfo: Codable { var origin: String }

    /// A key of this node by role (`officer`, `registrar`), created on first use.
    public func key(_ role: String) throws -> Ed25519.SigningKey {
        try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/\(role).key"))
    }

    // MARK: - Replay

    /// Applies entries appended since the state was last brought up to date (by this process or
    /// another one writing the same directory). Proofs of entries already in the log were verified
    /// when they were appended, so replay skips them.
    public func catchUp() throws {
        let size = Int(try store.size())
        let next = (election?.lastIndex ?? -1) + 1
        guard size > next else { return }
        try store.forEachEntry(in: UInt64(next)..<UInt64(size)) { entry in
            try project(entry, trusted: true)
        }
    }

    /// Rebuilds the election from the whole log.
    public func reload() throws {
        election = nil
        try catchUp()
    }

    private func project(_ entry: LogEntry, trusted: Bool) throws {
        let e = ElectionEntry(index: Int(entry.index), timeMs: Int64(entry.timeMs), author: entry.envelope.author, payload: entry.envelope.payload)
        if election == nil {
            let setup = try TermSetup.decode(e.payload)
            guard let group = GroupName(rawValue: setup.group) else {
                throw ElectionError(.termSetup, "Unknown group \"\(setup.group)\"; use ristretto255, modp3072 or modp2048.")
            }
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
    @discardableResult
    public func submit(_ envelope: EntryEnvelope) throws -> LogEntry {
        try catchUp()
        var projected = false
        do {
            return try store.append(envelope) { _, entry in
                guard Int(entry.index) == (self.election?.lastIndex ?? -1) + 1 else {
                    throw NodeError("Another writer appended to this log at the same moment; try again.")
                }
                try self.project(entry, trusted: false)
                projected = true
            }
        } catch {
            // The projection changed memory but the commit failed: rebuild from what is durable.
            if projected { try reload() }
            throw error
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
