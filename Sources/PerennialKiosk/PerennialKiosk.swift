import ArgumentParser
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote
#if canImport(Glibc)
import Glibc
#endif

/// `perennial-kiosk` — the citizens' terminal kiosk: a loop of voter sessions on a plain terminal.
///
/// Exit codes: 0 at the end of input, 1 if the node cannot be opened or holds no term, 2 for
/// unusable arguments.
@main
struct PerennialKiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial-kiosk",
        abstract: "The citizens' voting kiosk: type your code, vote on your birthday, take a receipt.",
        discussion: """
            Reads the voter's input line by line from standard input (a terminal, a serial line, tmux or a pipe) \
            and draws plain, keyboard-only screens. Nothing is written to the log unless the voter casts or challenges.
            """)

    @Option(help: "The node's data directory (its log database and key files).") var data = "perennial-data"
    @Option(help: "Default language of the screens: fr or en (voters can switch on the welcome screen).") var lang = "fr"
    @Flag(help: "Print screens line by line, without clearing or frames (for screen readers and braille displays).") var plain = false
    @Option(help: ArgumentHelp("Simulate this moment (ISO 8601 with offset, e.g. 2027-03-14T10:00:00+01:00); time then runs on from it.",
                               valueName: "time"))
    var now: String?
    @Option(help: "Seconds without input after which a session is forgotten.") var idleTimeout = 120
    @Option(help: "Where receipt files are written (default: DATA/receipts, or ./receipts with --server).") var receipts: String?
    @Option(help: ArgumentHelp("Vote through `perennial serve` at this URL instead of a local --data directory.", valueName: "url"))
    var server: String?
    @Option(help: ArgumentHelp(
        "The kiosk's device key file, enrolled by the officer (perennial kiosk enrol). Required on a real node and with --server; a simulation node uses its own.",
        valueName: "file"))
    var deviceKey: String?

    func validate() throws {
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--server needs an http:// or https:// URL, e.g. http://127.0.0.1:8080.")
            }
            guard deviceKey != nil else { throw ValidationError("--server needs --device-key FILE: the server accepts enrolled kiosks only.") }
            guard now == nil else { throw ValidationError("--now cannot be used with --server: the server's clock decides (perennial serve --now).") }
        }
        guard KioskLanguage(rawValue: lang) != nil else { throw ValidationError("--lang must be fr or en.") }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be between 1 and 86400 seconds.") }
        if let now, Self.date(iso: now) == nil {
            throw ValidationError("--now needs an ISO 8601 time with its offset, e.g. 2027-03-14T10:00:00+01:00.")
        }
    }

    static func date(iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    func run() throws {
        // A parent may have left signals blocked (Foundation's Process does): unblock them so that
        // SIGTERM, SIGINT and a hang-up of the line stop the kiosk as expected.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        let receiptsDirectory = receipts.map { URL(fileURLWithPath: $0, isDirectory: true) }
        if let server, let deviceKey {
            let backend: RemoteKioskBackend
            do {
                backend = try RemoteKiosk.connect(server: server, deviceKey: deviceKey,
                                                  receipts: receiptsDirectory ?? URL(fileURLWithPath: "receipts", isDirectory: true))
            } catch {
                FileHandle.standardError.write(Data("perennial-kiosk: \(error)\n".utf8))
                throw ExitCode(1)
            }
            return runSessions(KioskSession(backend: backend, language: KioskLanguage(rawValue: lang)!, idleTimeoutSeconds: idleTimeout))
        }
        let directory = URL(fileURLWithPath: data, isDirectory: true)
        let clock: any LogClock = now.flatMap(Self.date(iso:)).map { OffsetClock(start: $0) } ?? SystemClock()
        let node: Node
        do {
            node = try Node(directory: directory, clock: clock)
            _ = try node.requireElection()
        } catch {
            FileHandle.standardError.write(Data("perennial-kiosk: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let device: Ed25519.SigningKey
        do {
            device = try deviceKey.map { try KeyFile.load(URL(fileURLWithPath: $0)) } ?? node.simulationKioskKey()
            guard node.kioskDevice(publicKey: device.publicKey.rawRepresentation) != nil else {
                throw NodeError("This device key is not enrolled in the term, or it was revoked. Ask the officer to enrol the kiosk (perennial kiosk enrol).")
            }
        } catch {
            FileHandle.standardError.write(Data("perennial-kiosk: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let backend = NodeKioskBackend(node: node, deviceKey: device, receiptsDirectory: receiptsDirectory)
        runSessions(KioskSession(backend: backend, language: KioskLanguage(rawValue: lang)!, idleTimeoutSeconds: idleTimeout))
    }

    /// The loop of voter sessions until end of input.
    func runSessions(_ first: KioskSession) {
        var session = first
        let reader = LineReader()
        let width = Self.terminalWidth()
        let tty = isatty(1) == 1
        func draw() {
            let renderer = KioskRenderer(plain: plain, width: width, text: KioskText.of(session.language))
            Self.write(renderer.render(session.screen))
        }
        func clear() {
            if !plain || tty { Self.write(KioskRenderer.clearSequence) }
            if plain { Self.write("\n----\n") }
        }
        draw()
        while true {
            let outcome: KioskSession.Outcome
            switch reader.next(timeoutSeconds: idleTimeout) {
            case .line(let line):
                if plain && !tty { Self.write("\n") }
                outcome = session.handle(line: line)
            case .timeout:
                outcome = session.handleTimeout()
            case .end:
                // End of input (the kiosk is being shut down): forget the session, clear the screen.
                _ = session.handleTimeout()
                clear()
                return
            }
            switch outcome {
            case .unchanged: continue
            case .sessionEnded: clear(); draw()
            case .redraw: draw()
            }
        }
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The terminal's width, or $COLUMNS, or 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 40 { return columns }
        return 80
    }
}
