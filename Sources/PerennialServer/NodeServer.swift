import CivicLog
import Foundation
import Hummingbird
import Logging
import NIOCore
import Perennial
import PerennialRemote
import ServiceLifecycle

/// `perennial serve`: one node for a whole city, behind HTTP.
///
/// - The server is the node's **only writer** while it runs: it holds `DIR/serve.lock`
///   (``ServeLock``); clerk commands and `--data` kiosks refuse to append until it stops (reads —
///   status, export, the audit — are never blocked).
/// - Every append goes through one ``GroupCommit``: ballots arriving while a write is in flight are
///   written together by ``Node/submit(batch:)`` (one transaction, one fsync), each acknowledged
///   (or refused) on its own, in log order, only once it is durable.
/// - SIGTERM or SIGINT stops it gracefully: it accepts no new request (kiosk requests get 503,
///   which kiosks retry), lets the requests in flight finish, writes a snapshot, and releases the lock.
public final class NodeServer: Sendable {
    public struct Configuration: Sendable {
        public var directory: URL
        public var host: String
        public var port: Int
        /// A hand-set clock (`--now`), for simulation nodes only.
        public var clock: (any LogClock)?
        /// Where to write the port actually bound (useful with port 0).
        public var portFile: URL?
        /// Which devices may use the kiosk API (by default: the node's enrolled kiosks).
        public var devices: DeviceAuthenticator.Registry?
        /// The most ballots written in one transaction by the group commit (1: each on its own).
        public var groupMax = 128
        /// What the public pages say beyond the record (contact, the audit's verdict).
        public var board = BoardOptions()
        public init(directory: URL, host: String = "127.0.0.1", port: Int = 8080) {
            self.directory = directory; self.host = host; self.port = port
        }
    }

    public let configuration: Configuration
    public let node: Node
    public let desk: KioskDesk
    /// Every ballot and challenge is appended through it: one transaction per group (``GroupCommit``).
    let committer: GroupCommit
    public let metrics = ServerMetrics()
    let board: PublicBoard
    let authenticator: DeviceAuthenticator
    /// Office requests (``OfficeAPI``): signed by the term's officer key only.
    let officeAuthenticator: DeviceAuthenticator
    /// The nonces of accepted requests, across restarts (`DIR/serve-nonces`).
    let nonces: NonceJournal
    let logger: Logger
    let worker = NodeWorker()
    /// Reads of the public board run beside appends (the log store and the board are safe to read concurrently).
    let reader = NodeWorker(concurrent: true)
    let gate = Gate()
    let lock: ServeLock

    /// Opens the node and takes its writer lock.
    /// - Throws: ``NodeError`` (no node, damaged, locked by another server…).
    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let listen = "\(configuration.host):\(configuration.port)"
        // Open first (a clear error if there is no node), then lock: opening only reads and catches up.
        node = try Node(directory: configuration.directory, clock: configuration.clock)
        _ = try node.requireElection()
        lock = try ServeLock.acquire(directory: configuration.directory, listen: listen)
        node.serveLock = lock
        desk = KioskDesk(node: node)
        board = PublicBoard(store: node.store, options: configuration.board)
        let metrics = self.metrics
        committer = GroupCommit(desk: desk, maxGroup: max(1, configuration.groupMax)) { metrics.groupCommitted(requests: $0) }
        let node = self.node
        do {
            nonces = try NonceJournal(file: configuration.directory.appendingPathComponent("serve-nonces"),
                                      nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
        } catch {
            lock.release()
            throw error
        }
        authenticator = DeviceAuthenticator(registry: configuration.devices ?? { key in NodeDevices.status(of: key, in: node) },
                                            nonces: nonces)
        officeAuthenticator = DeviceAuthenticator(registry: Self.officerRegistry(node: node), nonces: nonces)
    }

    /// Runs until SIGTERM or SIGINT (or until the task is cancelled).
    public func run() async throws {
        let router = Router()
        routes(router)
        let portFile = configuration.portFile
        let logger = self.logger
        let origin = node.origin
        let lock = self.lock
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "perennial"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                lock.record(listen: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
                if let portFile { try? Data("\(port)\n".utf8).write(to: portFile, options: .atomic) }
                logger.info("listening", metadata: ["port": "\(port)", "origin": "\(origin)"])
            },
            logger: logger)
        let watcher = ShutdownWatcher(gate: gate, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app, watcher], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      cancellationSignals: [], logger: logger))
        metrics.logSize((try? node.store.size()) ?? 0)
        try await group.run()
        // Every request has finished: nothing is in flight any more.
        try? await worker.run { [node] in try node.saveSnapshot() }
        nonces.close()
        lock.release()
        logger.info("stopped", metadata: ["size": "\((try? node.store.size()) ?? 0)"])
    }
}

/// The devices enrolled in the node's log.
enum NodeDevices {
    static func status(of key: [UInt8], in node: Node) -> DeviceStatus {
        guard let device = node.kioskDevices.first(where: { $0.key == key }) else { return .unknown }
        return device.isActive ? .active(name: device.name) : .revoked(name: device.name)
    }
}

/// Runs blocking node work on one serial queue, off the server's event loops and task threads.
final class NodeWorker: Sendable {
    private let queue: DispatchQueue

    init(concurrent: Bool = false) {
        queue = concurrent ? DispatchQueue(label: "perennial.board", attributes: .concurrent) : DispatchQueue(label: "perennial.node")
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Closed once a graceful shutdown starts: no new append is accepted after that.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    var isClosed: Bool { lock.withLock { closed } }
    func close() { lock.withLock { closed = true } }
}

/// Closes the gate when the service group starts its graceful shutdown.
struct ShutdownWatcher: Service {
    let gate: Gate
    let logger: Logger
    func run() async throws {
        try? await gracefulShutdown()
        gate.close()
        logger.info("stopping: no new requests; finishing those in flight")
    }
}

extension NodeServer {
    /// The server's logger: JSON lines on standard error.
    public static func makeLogger(level: String) -> Logger {
        var logger = Logger(label: "perennial.serve") { JSONLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    /// Parses `HOST:PORT` (`[::1]:8080` for IPv6); nil if unusable.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        return (String(host), port)
    }
}
