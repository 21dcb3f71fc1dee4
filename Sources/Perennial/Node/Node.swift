import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Deliberation
import GRDB

/// A Perennial node: its data directory (`--data DIR`), the one civic log inside it, and the state
/// of every module (election, ledger, deliberation) projected from that log.
///
/// Layout of `DIR`:
/// - `node.json` — `{"origin": …, "simulation": …}`: the log origin (also the record id), and whether
///   the node was created as a simulation (only then may its clock be set by hand);
/// - `log/log.sqlite` — the log, the modules' projection tables and the node's snapshot
///   (see `CivicLog.LogStore`);
/// - `keys/log.key`, `keys/officer.key`, `keys/registrar.key` — the node's signing keys (mode 0600),
///   created by ``setUp(directory:origin:simulation:clock:durability:setup:)`` only.
///
/// **One writer, one replay loop.** Every entry goes through ``submit(batch:)``: its header is parsed
/// once, the term is checked once, and the module that owns its kind checks it inside the log's write
/// transaction, so a refused entry writes nothing and an acknowledged one is durable. Replay (at open,
/// and to catch up with another process) runs the same ``project(_:db:trusted:)``.
///
/// **Instant open.** The modules' in-memory state is persisted as a snapshot tied to a tree size and
/// root and authenticated with a key derived from the log key, so opening costs the snapshot plus
/// the entries appended since. A snapshot that does not match the log is discarded and rebuilt.
///
/// **Nothing on disk is trusted unchecked.** Opening checks the latest checkpoint's signature and
/// root against the stored tree, the snapshot's root, the leaf hash of every entry it reads, and
/// the number of rows of every table of trusted rows (a deleted row; see ``RowCounts``); every
/// row read is checked against its tag. A mismatch refuses to open with ``NodeError/damaged(_:)``.
///
/// Safe to share between tasks: every public method runs under one lock.
public final class Node: @unchecked Sendable {
    public let directory: URL
    public let origin: String
    /// True for a node created as a simulation (`term setup --simulation`): only such a node accepts a
    /// clock set by hand (`--at`, `--now`).
    public let isSimulation: Bool
    public let store: LogStore
    public let clock: any LogClock

    let lock = NSRecursiveLock()
    let electionModule: ElectionModule
    public let ledger: LedgerModule
    public let deliberationModule: DeliberationModule
    private var modules: [any LogModule]
    /// Index of the last entry applied to every module.
    public private(set) var appliedThrough = -1
    /// The size the latest snapshot (loaded or written) covers.
    private(set) var snapshotSize = 0
    private let snapshotKey: [UInt8]
    /// The tagged row count of every table of trusted rows (see ``RowCounts``).
    private let rowCounts: RowCounts
    /// The write transaction of the append or replay in progress (read by the election to read back
    /// a counted ballot).
    private let transaction = TransactionSlot()
    /// Set by `perennial serve` while it holds the directory's writer lock; every other process's
    /// node refuses to append while a server holds it (see ``ServeLock``).
    public var serveLock: ServeLock? {
        get { locked { heldServeLock } }
        set { locked { heldServeLock = newValue } }
    }
    private var heldServeLock: ServeLock?
    /// Set by the clerk commands a running term needs (roll, kiosks, contests): while a server holds
    /// the writer lock, ``submit(batch:)`` hands the signed envelopes to it (given the server's
    /// address from the lock) instead of refusing; it returns the indices the server appended at.
    /// Unset (every other command): refused with the lock's message.
    public var throughServer: (@Sendable (_ envelopes: [EntryEnvelope], _ listen: String) throws -> [UInt64])? {
        get { locked { routeThroughServer } }
        set { locked { routeThroughServer = newValue } }
    }
    private var routeThroughServer: (@Sendable ([EntryEnvelope], String) throws -> [UInt64])?

    /// How many entries may be appended after a snapshot before a new one is written.
    public static let snapshotInterval = 2_000
    /// How far ahead of this machine's clock the log's latest entry may be dated on a real node.
    public static let clockSkewMs: UInt64 = 5 * 60 * 1000

    struct NodeInfo: Codable {
        var origin: String
        var simulation: Bool?
    }

    // MARK: - Opening

    /// Opens the node in `directory`.
    /// - Parameters:
    ///   - clock: the log's clock; anything but the system clock only on a simulation node.
    ///   - durability: `.simulation` only for simulated terms (see `LogStore.Durability`).
    /// - Throws: ``NodeError`` if there is no node, if it is damaged, or if a hand-set clock is used
    ///   on a real node.
    public convenience init(directory: URL, clock: (any LogClock)? = nil, durability: LogStore.Durability = .full) throws {
        let info = try Self.readInfo(directory)
        let simulation = info.simulation ?? false
        if clock != nil && !(clock is SystemClock) && !simulation {
            throw NodeError.realClock
        }
        try self.init(directory: directory, info: info, clock: clock ?? SystemClock(), durability: durability, creating: false)
    }

    private init(directory: URL, info: NodeInfo, clock: any LogClock, durability: LogStore.Durability, creating: Bool) throws {
        self.directory = directory
        self.origin = info.origin
        self.isSimulation = info.simulation ?? false
        self.clock = clock
        let databaseFile = directory.appendingPathComponent("log/log.sqlite")
        if !creating && !FileManager.default.fileExists(atPath: databaseFile.path) {
            throw NodeError.damaged("\(databaseFile.path) is missing, but \(directory.appendingPathComponent("node.json").path) says a node lives here")
        }
        let logKey = try LogSigningKey.load(keyFile: directory.appendingPathComponent("keys/log.key"))
        store = try LogStore(directory: directory.appendingPathComponent("log"), origin: info.origin, signingKey: logKey, clock: clock,
                             durability: durability)
        snapshotKey = logKey.derivedSecret(label: "node-snapshot")
        let rowCounts = RowCounts(key: logKey.derivedSecret(label: "row-counts"))
        self.rowCounts = rowCounts
        let slot = transaction
        let store = self.store
        electionModule = ElectionModule(record: info.origin,
                                        tables: ElectionTables(slot: slot, store: store, key: logKey.derivedSecret(label: "election-rows"),
                                                               counts: rowCounts, lock: lock)) { index in
            try slot.payload(at: index, store: store)
        }
        ledger = LedgerModule(record: info.origin,
                              tables: LedgerTables(slot: slot, store: store, key: logKey.derivedSecret(label: "ledger-rows"),
                                                   counts: rowCounts, lock: lock))
        deliberationModule = DeliberationModule(record: info.origin)
        modules = [electionModule, ledger, deliberationModule]
        let modules = self.modules
        try store.database.write { db in
            let migrating = try NodeSnapshot.storedSchemaVersion(db) != NodeSnapshot.schemaVersion
            if migrating {
                // A new database, or tables laid out by an older release: all rebuilt from the log, once.
                try db.execute(sql: "DROP TABLE IF EXISTS node_snapshot")
            }
            try ElectionTables.createTables(db)
            try LedgerTables.createTables(db)
            try DeliberationProjector.createTables(db)
            try NodeSnapshot.createTable(db)
            try RowCounts.createTable(db)
            if migrating {
                for module in modules { try module.reset(db: db) }
                try rowCounts.reset(db)
                try NodeSnapshot.setProjectedSize(db, 0)
                try NodeSnapshot.setSchemaVersion(db)
            }
        }
        if !creating {
            try NodeError.readingDamage {
                guard try store.size() > 0 else {
                    throw NodeError.damaged("the log holds no entry (not even term.setup)")
                }
                try checkStoredTree()
                try store.database.read { db in try rowCounts.check(db) }
                try restoreSnapshot()
                try catchUp()
            }
        }
    }

    static func readInfo(_ directory: URL) throws -> NodeInfo {
        let nodeFile = directory.appendingPathComponent("node.json")
        guard let data = FileManager.default.contents(atPath: nodeFile.path) else {
            throw NodeError("No node in \(directory.path). Set up a term first (perennial term setup), or pass the right --data directory.")
        }
        guard let info = try? JSONDecoder().decode(NodeInfo.self, from: data) else {
            throw NodeError.damaged("\(nodeFile.path) cannot be read")
        }
        return info
    }

    /// Creates an empty node in `directory` (which must not exist or be empty): `node.json`, its keys
    /// and its log. For tools that append their own `term.setup` at once (benchmarks, tests); the
    /// command line uses ``setUp(directory:origin:simulation:clock:durability:setup:)``, which never
    /// leaves a node without its first entry.
    public static func create(directory: URL, origin: String, simulation: Bool, clock: (any LogClock)? = nil,
                              durability: LogStore.Durability = .full) throws -> Node {
        let fm = FileManager.default
        try requireVacant(directory)
        if let clock, !(clock is SystemClock), !simulation { throw NodeError.realClock }
        try LogOrigin.validate(origin)
        do {
            try fm.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
            // The registrar's private people file lives here (see `Registrar`).
            try fm.createDirectory(at: directory.appendingPathComponent("registrar"), withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
        } catch {
            throw NodeError("Could not create \(directory.path): check that its parent directory exists and is writable.")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let info = NodeInfo(origin: origin, simulation: simulation)
        try encoder.encode(info).write(to: directory.appendingPathComponent("node.json"))
        _ = try LogSigningKey.loadOrCreate(keyFile: directory.appendingPathComponent("keys/log.key"))
        _ = try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/officer.key"))
        _ = try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/registrar.key"))
        return try Node(directory: directory, info: info, clock: clock ?? SystemClock(), durability: durability, creating: true)
    }

    /// Creates a node and writes its term's first entry, all or nothing: the node is built in a
    /// temporary directory beside `directory` and moved into place only once `term.setup` is durable.
    /// - Parameters:
    ///   - directory: must not exist yet, or be an empty directory.
    ///   - simulation: a simulation node accepts a hand-set clock; the flag is public in `term.setup`.
    ///   - setup: builds the `term.setup` payload from the officer's and registrar's public keys.
    /// - Throws: ``NodeError`` (then nothing is left behind) or the setup's refusal.
    @discardableResult
    public static func setUp(
        directory: URL, origin: String, simulation: Bool, clock: (any LogClock)? = nil, durability: LogStore.Durability = .full,
        setup: (_ officer: [UInt8], _ registrar: [UInt8]) throws -> TermSetup
    ) throws -> Node {
        let fm = FileManager.default
        try requireVacant(directory)
        let staging = directory.deletingLastPathComponent()
            .appendingPathComponent(".\(directory.lastPathComponent).setup-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? fm.removeItem(at: staging) }
        do {
            let staged = try create(directory: staging, origin: origin, simulation: simulation, clock: clock, durability: durability)
            let officer = try staged.key("officer")
            var termSetup = try setup(officer.publicKey.rawRepresentation, try staged.key("registrar").publicKey.rawRepresentation)
            termSetup.logKey = SignedCheckpoint.verifierKey(origin: origin, publicKey: staged.store.logKey)
            try staged.submit(payload: termSetup.payloadBytes(record: origin, term: termSetup.term), signer: officer)
        }
        if fm.fileExists(atPath: directory.path) { try? fm.removeItem(at: directory) }
        do {
            try fm.moveItem(at: staging, to: directory)
        } catch {
            throw NodeError("Could not move the new node into \(directory.path). Check permissions; nothing was set up.")
        }
        return try Node(directory: directory, clock: clock, durability: durability)
    }

    /// Refuses a directory that exists and is not empty (a node is never created over another, so a
    /// log is never forked under the same origin and key).
    private static func requireVacant(_ directory: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else { return }
        guard ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? ["?"]).isEmpty else {
            if fm.fileExists(atPath: directory.appendingPathComponent("node.json").path) {
                throw NodeError("\(directory.path) already holds a node. Each term has its own data directory; pick a new --data directory (or restore this one from backup if it is damaged).")
            }
            throw NodeError("\(directory.path) is not empty. Pick a new --data directory for the term.")
        }
    }

    /// Runs `body` under the node's lock (the node's state is shared by every task that holds it).
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: - Keys

    /// A key of this node by role (`officer`, `registrar`); they are created by setup, never later.
    public func key(_ role: String) throws -> Ed25519.SigningKey {
        try KeyFile.load(directory.appendingPathComponent("keys/\(role).key"))
    }

    // MARK: - Election

    /// The election, once `term.setup` is applied.
    public var election: (any ElectionHandle)? { locked { electionModule.handle } }

    /// The log's C2SP verifier key string (`origin+keyhash+base64`), which `term.setup` must carry
    /// in `log_key` (SPEC §4.2).
    public var verifierKey: String { SignedCheckpoint.verifierKey(origin: origin, publicKey: store.logKey) }

    /// The election, or a clear error if no term is set up.
    public func requireElection() throws -> any ElectionHandle {
        guard let election else {
            throw NodeError("No term is set up in this node yet. Run `perennial term setup` first.")
        }
        return election
    }

    /// `payload` with this node's verifier key if it is a `term.setup` prepared before the node
    /// existed (benchmarks and tests that replay a prepared term into a fresh node); any other
    /// payload unchanged.
    public func withOwnLogKey(_ payload: [UInt8]) throws -> [UInt8] {
        guard (try? PayloadHeader.parse(payload))?.kind == EntryKind.termSetup.rawValue else { return payload }
        var setup = try TermSetup.decode(payload)
        setup.logKey = verifierKey
        return setup.payloadBytes(record: origin, term: setup.term)
    }

    /// The roll record of `credential` as of the last entry applied (nil if it is not on the roll).
    /// - Throws: ``NodeError/damaged(_:)`` if its stored row cannot be read or was altered.
    public func rollRecord(_ credential: String) throws -> Roll.Record? {
        try locked { try electionModule.rollRecord(credential) }
    }

    /// The index of the ballot counted for a voter (by lineage, the first credential) in a window,
    /// after catching up with entries other processes appended.
    /// - Throws: ``NodeError/damaged(_:)`` if its stored row cannot be read or was altered.
    public func countedBallot(lineage: String, window: Int) throws -> Int? {
        try locked {
            try catchUp()
            return try electionModule.countedBallot(lineage: lineage, window: window)
        }
    }

    /// The entry that first recorded a ballot payload (`ballot.cast`, or the `ballot.spoil` that carried
    /// it) with this SHA-256, after catching up: one row read, however long the log (see ``KioskDesk``).
    /// - Throws: ``NodeError/damaged(_:)`` if its stored row cannot be read or was altered.
    public func ballotEntry(payloadHash: [UInt8]) throws -> UInt64? {
        try locked {
            try catchUp()
            return try electionModule.seenEntry(payloadHash: payloadHash).map(UInt64.init)
        }
    }

    /// The term's setup, or a clear error before `term.setup`.
    func termSetup() throws -> TermSetup {
        guard let setup = try requireElection().setup else {
            throw NodeError("No term is set up in this node yet. Run `perennial term setup` first.")
        }
        return setup
    }

    // MARK: - Replay

    /// Applies entries appended since the state was last brought up to date (by this process or
    /// another one writing the same directory). Every entry read has its leaf hash checked; proofs of
    /// entries already in the log were verified when they were appended, so replay skips them.
    public func catchUp() throws {
        try locked {
            let size = Int(try store.size())
            var next = appliedThrough + 1
            // Projection rows are written in the log's own transactions, so those below this size are
            // in step: entries there only bring memory up to date, and reading writes nothing (a
            // refused command leaves every byte of the data directory as it was).
            let alreadyProjected = next < size ? try store.database.read { db in try NodeSnapshot.projectedSize(db) } : 0
            while next < size {
                // Read a chunk, then apply it in one write transaction (GRDB forbids nesting the two).
                var chunk: [LogEntry] = []
                try store.forEachEntry(in: UInt64(next)..<UInt64(min(size, next + 2_000))) { chunk.append($0) }
                if let last = chunk.last, Int(last.index) < alreadyProjected {
                    for entry in chunk {
                        try Self.requireIntact(entry)
                        do {
                            try project(entry, db: nil, trusted: true)
                        } catch {
                            throw NodeError.damaged("entry \(entry.index) of the stored log breaks a rule (\(error))")
                        }
                    }
                    next += chunk.count
                    continue
                }
                try store.database.write { db in
                    // Projection tables already hold the entries another process appended.
                    let projected = try NodeSnapshot.projectedSize(db)
                    try transaction.during(db) {
                        for entry in chunk {
                            try Self.requireIntact(entry)
                            do {
                                try project(entry, db: Int(entry.index) < projected ? nil : db, trusted: true)
                            } catch {
                                throw NodeError.damaged("entry \(entry.index) of the stored log breaks a rule (\(error))")
                            }
                        }
                    }
                    try NodeSnapshot.setProjectedSize(db, max(projected, appliedThrough + 1))
                }
                next += chunk.count
            }
            if appliedThrough + 1 - snapshotSize >= Self.snapshotInterval { try saveSnapshot() }
        }
    }

    /// Rebuilds every module from the whole log (and writes a fresh snapshot).
    public func reload() throws {
        try locked {
            appliedThrough = -1
            snapshotSize = 0
            try rebuildFromLog()
            try catchUp()
        }
    }

    /// The one routing step of every entry, on append and on replay: the header parsed once, the
    /// record, setup and term checked once, then the module that owns the kind.
    private func project(_ entry: LogEntry, db: Database?, trusted: Bool) throws {
        guard Int(entry.index) == appliedThrough + 1 else {
            throw NodeError("Another writer appended to this log at the same moment; try again.")
        }
        let header = try PayloadHeader.parse(entry.envelope.payload)
        guard header.record == origin else {
            throw ElectionError.malformed("The entry names record \"\(header.record)\", but this log is \"\(origin)\".")
        }
        let setup = electionModule.handle?.setup
        if header.kind != EntryKind.termSetup.rawValue {
            guard let setup else { throw ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.") }
            try header.requireTerm(setup.term, refusal: ElectionError.malformed)
        } else if !trusted {
            let proposed = try TermSetup.decode(entry.envelope.payload)
            guard proposed.simulation == isSimulation else {
                throw ElectionError(.termSetup, "term.setup says simulation: \(proposed.simulation), but this node is \(isSimulation ? "a simulation" : "real").")
            }
            let verifierKey = SignedCheckpoint.verifierKey(origin: origin, publicKey: store.logKey)
            guard proposed.logKey == verifierKey else {
                throw ElectionError(.termSetup, "term.setup must name this log's verifier key \(verifierKey) in log_key (SPEC §4.2), so that observers can pin it; it names \(proposed.logKey == nil ? "none" : "another key").")
            }
        }
        guard let module = modules.first(where: { $0.owns(kind: header.kind) }) else {
            throw ElectionError.malformed("Unknown entry kind \"\(header.kind.prefix(40))\".")
        }
        try module.apply(NodeEntry(entry: entry, header: header, setup: setup), db: db, trusted: trusted)
        appliedThrough = Int(entry.index)
    }

    /// Refuses an entry whose stored leaf hash is not the hash of its stored bytes.
    static func requireIntact(_ entry: LogEntry) throws {
        guard entry.envelope.leafHash(timeMs: entry.timeMs) == entry.leafHash else {
            throw NodeError.damaged("entry \(entry.index)'s stored bytes do not match its leaf hash")
        }
    }

    /// Checks the latest signed checkpoint (its signature and its root against the stored tree).
    private func checkStoredTree() throws {
        guard let checkpoint = try store.latestCheckpoint() else { return }
        do {
            try checkpoint.verify(logKey: store.logKey)
        } catch {
            throw NodeError.damaged("the latest checkpoint's signature does not verify with the log key")
        }
        guard try store.root(atSize: checkpoint.size) == checkpoint.rootHash else {
            throw NodeError.damaged("the stored tree's root at size \(checkpoint.size) is not the root the log signed")
        }
    }

    // MARK: - Appending

    /// An envelope of `payload` signed by `signer`.
    public static func envelope(payload: [UInt8], signer: Ed25519.SigningKey) throws -> EntryEnvelope {
        let signature = try signer.signature(for: EntryEnvelope.signingInput(payload: payload))
        return try EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signature)
    }

    /// Signs `payload` with `signer` and appends it.
    @discardableResult
    public func submit(payload: [UInt8], signer: Ed25519.SigningKey) throws -> LogEntry {
        try submit(Self.envelope(payload: payload, signer: signer))
    }

    /// Appends an envelope signed elsewhere (a kiosk, a trustee's machine).
    @discardableResult
    public func submit(_ envelope: EntryEnvelope) throws -> LogEntry {
        try submit(batch: [envelope])[0]
    }

    /// Appends envelopes in ONE log transaction: each is checked in order (against the state the
    /// previous ones leave) and all are written, or none. The one path by which entries are appended.
    ///
    /// If another process appended to the same log since this node last read it, the node reads
    /// those entries and tries again (a few times), so concurrent writers never clash.
    /// - Throws: the first refusal or log error; then the log is unchanged.
    @discardableResult
    public func submit(batch envelopes: [EntryEnvelope]) throws -> [LogEntry] {
        try locked {
            if heldServeLock == nil {
                if let route = routeThroughServer, let server = try ServeLock.runningServer(directory: directory) {
                    return try submitThroughServer(envelopes, route: route, listen: server.listen)
                }
                try ServeLock.requireNoServer(directory: directory)
            }
            try requireClockNotBehind()
            var attempt = 0
            while true {
                attempt += 1
                try catchUp()
                let before = appliedThrough
                var raced = false
                preverifyBallots(envelopes)
                preverifyCredentials(envelopes)
                defer {
                    electionModule.handle?.preverifyBallots(nil)
                    electionModule.handle?.preverifyCredentials([])
                }
                do {
                    let entries = try store.append(contentsOf: envelopes) { db, entry in
                        guard Int(entry.index) == self.appliedThrough + 1 else {
                            raced = true
                            throw NodeError("Another writer keeps appending to this log at the same moment; try again.")
                        }
                        try self.transaction.during(db) { try self.project(entry, db: db, trusted: false) }
                        try NodeSnapshot.setProjectedSize(db, Int(entry.index) + 1)
                    }
                    if appliedThrough + 1 - snapshotSize >= Self.snapshotInterval { try? saveSnapshot() }
                    return entries
                } catch {
                    // Memory may hold entries the rolled-back transaction does not, or a change decided on
                    // a row that could not be read: restore it from disk.
                    if appliedThrough != before || electionModule.stale { try restoreAfterRollback() }
                    if raced && attempt < 5 { continue }
                    throw error
                }
            }
        }
    }

    /// Hands the envelopes to the running server (which appends them through its own node, in one
    /// transaction, or refuses them all), then reads them back from the shared log.
    private func submitThroughServer(_ envelopes: [EntryEnvelope], route: ([EntryEnvelope], String) throws -> [UInt64],
                                     listen: String) throws -> [LogEntry] {
        let indices = try route(envelopes, listen)
        try catchUp()
        let entries = try indices.map { try store.entry(at: $0) }
        guard entries.count == envelopes.count, zip(entries, envelopes).allSatisfy({ $0.envelope == $1 }) else {
            throw NodeError("The server at \(listen) answered with entries that are not the ones sent; check `perennial term status` and the server's log.")
        }
        return entries
    }

    /// A batch with several `ballot.cast` entries has their proofs verified together first (SPEC §3.5.1):
    /// one multi-scalar multiplication instead of every commitment recomputed; each ballot is then
    /// applied with all its other checks, and one that failed the batch is verified again on its own.
    private func preverifyBallots(_ envelopes: [EntryEnvelope]) {
        guard envelopes.count > 1, let handle = electionModule.handle, handle.hasElectionKey else { return }
        let ballots = envelopes.enumerated().compactMap { i, envelope -> ElectionEntry? in
            guard (try? PayloadHeader.parse(envelope.payload))?.kind == EntryKind.ballotCast.rawValue else { return nil }
            return ElectionEntry(index: i, timeMs: 0, author: envelope.author, payload: envelope.payload)
        }
        if ballots.count > 1 { handle.preverifyBallots(ballots) }
    }

    /// A batch of `roll.enrol` and `roll.replace` entries has their new credentials checked on every
    /// core first (a credential must be a point of Ed25519's main subgroup: a scalar multiplication
    /// each, the costliest check of a roll entry); the rules then skip only that check for the ones
    /// found valid. A credential that is not valid, or an entry that does not decode, is checked
    /// again (and refused) when applied, in order.
    private func preverifyCredentials(_ envelopes: [EntryEnvelope]) {
        guard envelopes.count > 1, let handle = electionModule.handle else { return }
        let valid = ParallelVerification.map(count: envelopes.count) { i -> String? in
            let payload = envelopes[i].payload
            let credential: String?
            switch (try? PayloadHeader.parse(payload))?.kind {
            case EntryKind.rollEnrol.rawValue: credential = (try? RollEnrol.decode(payload))?.credential
            case EntryKind.rollReplace.rawValue: credential = (try? RollReplace.decode(payload))?.new
            default: credential = nil
            }
            return credential.flatMap { ElectionState<Ristretto255Group>.isValidCredential($0) ? $0 : nil }
        }
        handle.preverifyCredentials(Set(valid.compactMap { $0 }))
    }

    /// On a real node, refuses to append while the log's latest entry is dated ahead of this
    /// machine's clock (a clock set back, or a log written under a hand-set clock).
    private func requireClockNotBehind() throws {
        guard !isSimulation else { return }
        let size = try store.size()
        guard size > 0 else { return }
        let last = try store.entry(at: size - 1).timeMs
        let now = clock.nowMilliseconds()
        guard last <= now + Self.clockSkewMs else {
            throw NodeError("The log's latest entry (\(size - 1)) is dated \(Self.iso(last)), ahead of this machine's clock (\(Self.iso(now))). Set the machine's clock right before appending; nothing was written.")
        }
    }

    static func iso(_ ms: UInt64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    private func restoreAfterRollback() throws {
        appliedThrough = -1
        snapshotSize = 0
        try restoreSnapshot()
        try catchUp()
    }

    // MARK: - Snapshots

    /// Persists every module's state, tied to the current tree size and root.
    public func saveSnapshot() throws {
        try locked {
            let size = UInt64(appliedThrough + 1)
            guard size > 0 else { return }
            let root = try store.root(atSize: size)
            let rows = try modules.map { module in
                NodeSnapshot(module: module.name, size: size, root: root.bytes, state: try module.snapshot(), key: snapshotKey)
            }
            try store.database.write { db in
                for row in rows { try row.insert(db) }
                try NodeSnapshot.prune(db)
            }
            snapshotSize = Int(size)
        }
    }

    /// Loads the snapshot if it matches the log; otherwise rebuilds from the log. Only the
    /// election's state is read now (and its tag checked); the other modules read theirs on first
    /// use, and rebuild from the log's entries if it was altered.
    private func restoreSnapshot() throws {
        let headers = try store.database.read { db in try NodeSnapshot.fetchHeaders(db) }
        let byName = Dictionary(headers.map { ($0.module, $0) }, uniquingKeysWith: { a, _ in a })
        guard let first = headers.first, headers.count == modules.count,
              modules.allSatisfy({ byName[$0.name]?.size == first.size && byName[$0.name]?.root == first.root }),
              first.size <= (try store.size()),
              try store.root(atSize: first.size).bytes == first.root
        else {
            try rebuildFromLog()
            return
        }
        // Modules may keep these readers to restore lazily: they hold no reference to the node, and
        // read in the transaction in progress if there is one (GRDB forbids a read inside a write).
        let entryAt: (Int) throws -> NodeEntry = { [store, transaction, electionModule] index in
            guard UInt64(index) < first.size else { throw LogError.damagedSnapshot }
            let entry = try transaction.read(store: store) { db in try LogStore.entry(at: UInt64(index), db: db) }
            try Self.requireIntact(entry)
            return NodeEntry(entry: entry, header: try PayloadHeader.parse(entry.envelope.payload), setup: electionModule.handle?.setup)
        }
        let stored: (NodeSnapshot) -> StoredSnapshot = { [store, transaction, snapshotKey] header in
            StoredSnapshot(size: Int(header.size)) {
                try transaction.read(store: store) { db in try header.withState(key: snapshotKey, db: db)?.state }
            }
        }
        do {
            try electionModule.restore(stored(byName["election"]!), setup: nil, entry: entryAt)
            guard let setup = electionModule.handle?.setup else { throw LogError.damagedSnapshot }
            for module in modules where module !== electionModule {
                try module.restore(stored(byName[module.name]!), setup: setup, entry: entryAt)
            }
            appliedThrough = Int(first.size) - 1
            snapshotSize = Int(first.size)
        } catch let error as NodeError {
            throw error
        } catch {
            try rebuildFromLog()
        }
    }

    /// Forgets memory so that the next catch-up replays the whole log (a snapshot that did not
    /// match). The projection tables stay: they are written in the entries' own transactions, so they
    /// are in step with the log, and the replay reads them as of each entry (other processes may be
    /// using them meanwhile).
    private func rebuildFromLog() throws {
        appliedThrough = -1
        snapshotSize = 0
        for module in modules { try module.reset(db: nil) }
    }
}

/// The write transaction in progress, so that a module can read the log inside it (GRDB forbids
/// opening a second access from within a write).
final class TransactionSlot: @unchecked Sendable {
    private var current: Database?

    /// The write transaction in progress, if any.
    var database: Database? { current }

    /// Runs `body` in the current transaction, or in a fresh read.
    func read<T>(store: LogStore, _ body: (Database) throws -> T) throws -> T {
        if let db = current { return try body(db) }
        return try store.database.read(body)
    }

    func during<T>(_ db: Database, _ body: () throws -> T) rethrows -> T {
        let previous = current
        current = db
        defer { current = previous }
        return try body()
    }

    /// The payload of the entry at `index`, read in the current transaction (or a fresh read).
    func payload(at index: Int, store: LogStore) throws -> [UInt8] {
        if let db = current {
            let entry = try LogStore.entry(at: UInt64(index), db: db)
            try Node.requireIntact(entry)
            return entry.envelope.payload
        }
        let entry = try store.entry(at: UInt64(index))
        try Node.requireIntact(entry)
        return entry.envelope.payload
    }
}
