import ArgumentParser
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import PerennialServer
#if canImport(Glibc)
import Glibc
#endif

/// `perennial serve` — the node as a network service for kiosks (README "Three roles on three machines").
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the node over HTTP: the kiosk API for enrolled kiosks, /health and /metrics.",
        discussion: """
            Listens on loopback unless told otherwise; put an ordinary reverse proxy (nginx, README) in front for TLS. \
            While it runs, the server is the node's only writer: it holds DATA/serve.lock, and clerk commands that append \
            refuse until it stops (commands that only read keep working). SIGTERM or SIGINT stops it gracefully: requests \
            in flight finish, new ones are refused, nothing acknowledged is lost. Logs are JSON lines on standard error.
            """)

    @Option(help: "The node's data directory (its log database and key files).") var data = "perennial-data"
    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("Simulate this moment (ISO 8601 with offset); time then runs on from it. Simulation nodes only.",
                               valueName: "time"))
    var now: String?
    @Option(help: ArgumentHelp("Write the port actually bound to this file once listening.", valueName: "file")) var portFile: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.") var logLevel = "info"
    @Option(help: ArgumentHelp("The most ballots written in one transaction by the group commit (1: each in its own).",
                               valueName: "n"))
    var groupMax = 128
    @Option(help: ArgumentHelp("An audit report (perennial-audit verify's output): its verdict is shown beside the result on the public page.",
                               valueName: "file"))
    var auditReport: String?

    func validate() throws {
        guard NodeServer.parseListen(listen) != nil else {
            throw ValidationError("--listen needs HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8080 or [::1]:8080.")
        }
        if let now, Self.date(iso: now) == nil {
            throw ValidationError("--now needs an ISO 8601 time with its offset, e.g. 2027-03-14T10:00:00+01:00.")
        }
        guard (1...10_000).contains(groupMax) else { throw ValidationError("--group-max needs a whole number from 1 to 10000.") }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical.")
        }
    }

    static func date(iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    func run() async throws {
        // A parent may have left signals blocked (Foundation's Process does): SIGTERM must reach us.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        let (host, port) = NodeServer.parseListen(listen)!
        var configuration = NodeServer.Configuration(directory: URL(fileURLWithPath: data, isDirectory: true), host: host, port: port)
        configuration.clock = now.flatMap(Self.date(iso:)).map { OffsetClock(start: $0) }
        configuration.portFile = portFile.map { URL(fileURLWithPath: $0) }
        configuration.groupMax = groupMax
        if let auditReport {
            guard let text = try? String(contentsOfFile: auditReport, encoding: .utf8) else {
                throw NodeError("Cannot read the audit report \(auditReport). Give the file perennial-audit verify wrote.")
            }
            configuration.board = BoardOptions(auditVerdict: text.split(separator: "\n").last.map(String.init))
        }
        let server: NodeServer
        do {
            server = try NodeServer(configuration: configuration, logger: NodeServer.makeLogger(level: logLevel))
        } catch let error as NodeError where error.message == NodeError.realClock.message {
            throw ValidationError(error.message)
        }
        try await server.run()
    }
}
