import ArgumentParser
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import PerennialRemote
#if canImport(Glibc)
import Glibc
#endif

/// `perennial-kiosk` — the citizens' terminal kiosk: a loop of voter sessions on a locked-down terminal.
///
/// No key stops it: Ctrl-C, Ctrl-\, Ctrl-Z and Ctrl-D (and SIGINT, SIGQUIT, SIGTSTP, SIGHUP) end the
/// voter's session and bring back the welcome screen. Staff stop it with SIGTERM (or SIGUSR1), as a
/// supervising service does (`deploy/perennial-kiosk.service`). Exit codes: 0 after a staff stop or
/// when its input is closed, 1 if the node cannot be opened or the device key is not enrolled,
/// 2 for unusable arguments.
@main
struct PerennialKiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial-kiosk",
        abstract: "The citizens' voting kiosk: type your code, vote on your birthday, take a receipt.",
        discussion: """
            Reads the voter's keys one by one from standard input (a terminal in raw mode, a serial line, tmux or a pipe) \
            and draws keyboard-only screens fitted to the terminal. Nothing is written to the log unless the voter casts or \
            challenges. Stop it with SIGTERM (staff); no key typed at the kiosk stops it.
            """)

    @Option(help: "The node's data directory (its log database and key files).") var data = "perennial-data"
    @Option(help: "Default language of the screens: fr or en (voters can switch on the welcome screen).") var lang = "fr"
    @Flag(help: "Print screens line by line, without clearing, frames or echo (for screen readers and braille displays).") var plain = false
    @Option(help: ArgumentHelp("Simulate this moment (ISO 8601 with offset, e.g. 2027-03-14T10:00:00+01:00); time then runs on from it.",
                               valueName: "time"))
    var now: String?
    @Option(help: "Seconds without a key pressed after which a session is forgotten.") var idleTimeout = 120
    @Option(help: "Seconds before the time-out at which the voter is asked whether they are still there (default: 30, at most half the time-out).")
    var warningSeconds: Int?
    @Option(help: "The receipt printer's spool directory: receipts go there as JSON and as 58 mm and 80 mm printouts (default: DATA/receipts, or ./receipts with --server).")
    var receipts: String?
    @Option(help: ArgumentHelp("Vote through `perennial serve` at this URL instead of a local --data directory.", valueName: "url"))
    var server: String?
    @Option(help: ArgumentHelp(
        "The kiosk's device key file, enrolled by the officer (perennial kiosk enrol). Required on a real node and with --server; a simulation node uses its own.",
        valueName: "file"))
    var deviceKey: String?
    @Option(help: ArgumentHelp("Where citizens check their tracking code, in plain words or a web address (shown after a vote, printed on receipts).",
                               valueName: "address"))
    var checkAt: String?
    @Option(help: ArgumentHelp("The term's title in English, for English screens (contests carry their own English titles and labels).",
                               valueName: "title"))
    var termTitleEn: String?

    static func main() {
        Backtracer.disableByReexec()
        main(nil)
    }

    func validate() throws {
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--server needs an http:// or https:// URL, e.g. http://127.0.0.1:8080.")
            }
            guard deviceKey != nil else { throw ValidationError("--server needs --device-key FILE: the server accepts enrolled kiosks only.") }
            guard now == nil else { throw ValidationError("--now cannot be used with --server: the server's clock decides (perennial serve --now).") }
        }
        guard KioskLanguage(rawValue: lang) != nil else { throw ValidationError("--lang must be fr or en.") }
        guard (2...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be between 2 and 86400 seconds.") }
        if let warningSeconds, !(1..<idleTimeout).contains(warningSeconds) {
            throw ValidationError("--warning-seconds must be at least 1 and less than --idle-timeout.")
        }
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
        SignalPipe.install([SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTERM, SIGUSR1, SIGWINCH])
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTTOU, SIG_IGN)
        signal(SIGTTIN, SIG_IGN)
        let backend: any KioskBackend
        if let server, let deviceKey {
            do {
                let remote = try RemoteKiosk.connect(server: server, deviceKey: deviceKey,
                                                     receipts: URL(fileURLWithPath: receipts ?? "receipts", isDirectory: true))
                remote.checkAddress = checkAt
                remote.termTitleEnglish = termTitleEn
                backend = remote
            } catch {
                FileHandle.standardError.write(Data("perennial-kiosk: \(error)\n".utf8))
                throw ExitCode(1)
            }
        } else {
            backend = try localBackend()
        }
        let warning = warningSeconds ?? min(30, idleTimeout / 2)
        let session = KioskSession(backend: backend, language: KioskLanguage(rawValue: lang)!, idleTimeoutSeconds: idleTimeout,
                                   warningSeconds: warning, checkAddress: checkAt)
        var loop = KioskLoop(session: session, terminal: Terminal(), plain: plain)
        loop.run()
    }

    /// The backend over the local node in `--data`.
    func localBackend() throws -> NodeKioskBackend {
        let directory = URL(fileURLWithPath: data, isDirectory: true)
        let clock: any LogClock = now.flatMap(Self.date(iso:)).map { OffsetClock(start: $0) } ?? SystemClock()
        let backend: NodeKioskBackend
        do {
            // A node served by `perennial serve` takes its kiosks through the server (--server).
            try ServeLock.requireNoServer(directory: directory)
            let node = try Node(directory: directory, clock: clock)
            _ = try node.requireElection()
            let device = try deviceKey.map { try KeyFile.load(URL(fileURLWithPath: $0)) } ?? node.simulationKioskKey()
            guard node.kioskDevice(publicKey: device.publicKey.rawRepresentation) != nil else {
                throw NodeError("This device key is not enrolled in the term, or it was revoked. Ask the officer to enrol the kiosk (perennial kiosk enrol).")
            }
            backend = NodeKioskBackend(node: node, deviceKey: device, receiptsDirectory: receipts.map { URL(fileURLWithPath: $0, isDirectory: true) })
            backend.checkAddress = checkAt
            backend.termTitleEnglish = termTitleEn
        } catch {
            FileHandle.standardError.write(Data("perennial-kiosk: \(error)\n".utf8))
            throw ExitCode(1)
        }
        return backend
    }
}

/// The kiosk's event loop: keys, signals and the idle clock, drawn through ``KioskRenderer``.
struct KioskLoop {
    var session: KioskSession
    let terminal: Terminal
    let plain: Bool
    var decoder = KioskKeyDecoder()
    var editor = KioskLineEditor()
    var page = 0
    var lastActivity = monotonicSeconds()
    var size = (columns: 80, rows: 24)

    init(session: KioskSession, terminal: Terminal, plain: Bool) {
        self.session = session
        self.terminal = terminal
        self.plain = plain
    }

    var renderer: KioskRenderer {
        KioskRenderer(plain: plain, width: size.columns, height: size.rows, text: KioskText.of(session.language))
    }

    /// Typed characters are shown in full-screen mode only: `--plain` never echoes (the code is
    /// never read back aloud).
    var echo: Bool { !plain }

    mutating func run() {
        terminal.lockDown()
        size = terminal.size()
        if !plain { terminal.write(KioskRenderer.clearSequence) }
        draw()
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let idle = Double(session.idleTimeoutSeconds)
            let warnAt = lastActivity + idle - Double(session.warningSeconds)
            let endAt = lastActivity + idle
            let nowS = monotonicSeconds()
            var waitMs: Int32 = 1000
            if session.sessionActive {
                let next = session.idleWarning ? endAt : warnAt
                waitMs = Int32(max(0, min(1000, (next - nowS) * 1000)))
            }
            var fds = [pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: SignalPipe.readEnd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, waitMs)
            if ready < 0 && errno != EINTR { stop(); return }
            for sig in SignalPipe.drain() {
                switch sig {
                case SIGWINCH:
                    size = terminal.size()
                    page = min(page, renderer.pageCount(session.screen) - 1)
                    draw()
                case SIGTERM, SIGUSR1:
                    stop()
                    return
                default:
                    // SIGINT, SIGQUIT, SIGTSTP, SIGHUP: end the voter's session, never the kiosk.
                    endSession { $0.interrupt() }
                }
            }
            if ready > 0 && fds[0].revents != 0 {
                let n = read(terminal.input, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    // The input is gone (a pipe closed, the line hung up): forget the session and stop;
                    // a supervising service starts the kiosk again.
                    stop()
                    return
                }
                let keys = decoder.feed(buffer[0..<n])
                for i in 0..<n { buffer[i] = 0 }
                for key in keys { handle(key) }
            }
            let t = monotonicSeconds()
            if session.sessionActive {
                if t >= lastActivity + idle {
                    endSession { $0.handleTimeout() }
                } else if t >= lastActivity + idle - Double(session.warningSeconds), !session.idleWarning {
                    if session.handleIdleWarning() == .redraw { draw() }
                }
            } else {
                lastActivity = t
            }
        }
    }

    mutating func handle(_ key: KioskKey) {
        lastActivity = monotonicSeconds()
        if session.noteActivity() == .redraw { draw() }
        switch editor.apply(key, echo: echo) {
        case .echo(let s): terminal.write(s)
        case .erase(let n): terminal.write(String(repeating: "\u{8} \u{8}", count: n))
        case .none: break
        case .interrupt: endSession { $0.interrupt() }
        case .submit(let line):
            if plain && !terminal.inputIsTTY { terminal.write("\n") }
            // On a screen with more pages, Enter alone shows the next page.
            if line.trimmingCharacters(in: .whitespaces).isEmpty, page + 1 < renderer.pageCount(session.screen) {
                page += 1
                draw()
                return
            }
            let outcome = session.handle(line: line)
            page = 0
            switch outcome {
            case .unchanged: break
            case .redraw: draw()
            case .sessionEnded: clearForNextVoter(); draw()
            }
        }
    }

    /// Ends the session (`body` is the session's own way), wipes the screen and shows the welcome.
    mutating func endSession(_ body: (inout KioskSession) -> KioskSession.Outcome) {
        editor.clear()
        _ = body(&session)
        page = 0
        terminal.flushInput()
        clearForNextVoter()
        draw()
    }

    func draw() {
        terminal.write(renderer.render(session.screen, page: page) + (echo ? editor.pending : ""))
    }

    /// Nothing of the last voter stays visible: in full-screen mode the screen and the scrollback
    /// are cleared; `--plain` sends no control sequence, so it pushes the lines off the screen.
    func clearForNextVoter() {
        if plain {
            terminal.write(terminal.outputIsTTY ? String(repeating: "\n", count: size.rows) : "\n")
        } else {
            terminal.write(KioskRenderer.clearSequence)
        }
    }

    /// A staff stop: forget the session, clear, restore the terminal.
    mutating func stop() {
        editor.clear()
        _ = session.interrupt()
        terminal.flushInput()
        clearForNextVoter()
        terminal.restore()
    }
}
