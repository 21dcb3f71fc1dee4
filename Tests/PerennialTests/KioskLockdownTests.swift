import BallotCore
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import Testing

/// The real `perennial-kiosk` in a tmux pane, as a stranger at the kiosk would try it: control keys on
/// every screen, signals, the idle warning, long questions on small terminals. Every wait polls the
/// pane until the expected text appears (a deadline is only a safety net, never an assertion on time).
@Suite("Kiosk lock-down in tmux", .serialized)
struct KioskLockdownTests {
    static func flatten(_ s: String) -> String {
        s.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
    static var enabled: Bool { KioskExecutableTests.kioskBuilt && KioskExecutableTests.tmux != nil }

    /// One kiosk in one tmux pane.
    final class Pane {
        let socket: String
        let fixture: KioskFixture
        let pidFile: URL

        init(_ fixture: KioskFixture, columns: Int = 80, rows: Int = 24, extra: [String] = []) throws {
            self.fixture = fixture
            socket = fixture.directory.appendingPathComponent("tmux.sock").path
            pidFile = fixture.directory.appendingPathComponent("kiosk.pid")
            let args = [KioskExecutableTests.kioskURL.path, "--data", fixture.nodeDirectory.path, "--now", KioskFixture.nowISO,
                        "--receipts", fixture.receipts.path] + extra
            let command = "echo $$ > '\(pidFile.path)'; exec " + args.map { "'\($0)'" }.joined(separator: " ")
            try KioskExecutableTests.tmux(["-S", socket, "new-session", "-d", "-s", "kiosk", "-x", "\(columns)", "-y", "\(rows)", command])
            try KioskExecutableTests.tmux(["-S", socket, "set-option", "-t", "kiosk", "remain-on-exit", "on"])
        }

        func stop() { _ = try? KioskExecutableTests.tmux(["-S", socket, "kill-server"]) }

        func keys(_ names: String...) throws { try KioskExecutableTests.tmux(["-S", socket, "send-keys", "-t", "kiosk"] + names) }

        /// Types `text` (literally), then Enter.
        func type(_ text: String) throws {
            if !text.isEmpty { try KioskExecutableTests.tmux(["-S", socket, "send-keys", "-t", "kiosk", "-l", "--", text]) }
            try keys("Enter")
        }

        func screen() throws -> String { try KioskExecutableTests.tmux(["-S", socket, "capture-pane", "-p", "-t", "kiosk"], capture: true) }

        /// Polls the pane until `done` holds; returns the last screen.
        @discardableResult
        func wait(_ what: String, _ done: (String) -> Bool) throws -> String {
            var s = ""
            for _ in 0..<400 {
                s = try screen()
                if done(s) { return s }
                usleep(50_000)
            }
            Issue.record("the pane never showed \(what):\n\(s)")
            return s
        }

        /// Waits for `text`, looked for in the screen's words (lines joined: a wrapped sentence matches).
        @discardableResult
        func wait(for text: String) throws -> String { try wait(text) { flat($0).lowercased().contains(text.lowercased()) } }

        func resize(_ columns: Int, _ rows: Int) throws {
            try KioskExecutableTests.tmux(["-S", socket, "resize-window", "-t", "kiosk", "-x", "\(columns)", "-y", "\(rows)"])
        }

        var pid: Int32? {
            (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        func paneDead() throws -> Bool {
            try KioskExecutableTests.tmux(["-S", socket, "display-message", "-p", "-t", "kiosk", "#{pane_dead}"], capture: true)
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
    }

    /// The words of a screen, its lines joined by one space.
    static func flat(_ s: String) -> String { KioskLockdownTests.flatten(s) }

    /// What each screen says, per language (compared without case: full-screen titles are upper case).
    struct Words {
        let welcome, code, refused, open, contest, review, ballot, challenged, receipt, challenge, cast: String
        static let french = Words(welcome: "Bienvenue", code: "20 caractères", refused: "Vous ne pouvez pas voter aujourd'hui",
                                  open: "Votre période de vote est ouverte", contest: "Question 1 sur 2", review: "Vérifiez votre vote",
                                  ballot: "Voter ou contrôler", challenged: "a été ouvert et inscrit", receipt: "A voté. Merci",
                                  challenge: "C", cast: "V")
        static let english = Words(welcome: "Welcome", code: "20 characters", refused: "You cannot vote today",
                                   open: "Your voting window is open", contest: "Question 1 of 2", review: "Check your vote",
                                   ballot: "Vote or check", challenged: "was opened and recorded", receipt: "Vote cast. Thank you",
                                   challenge: "C", cast: "V")
    }

    /// The screens of a session, each with the way to reach it from the welcome screen.
    static func route(to screen: String, _ w: Words, _ pane: Pane) throws {
        let f = pane.fixture
        let steps: [(String, String)]
        let toBallot: [(String, String)] = [("", w.code), (f.code("open-today"), w.open), ("", w.contest), ("1", "Question 2"), ("2", w.review), ("", w.ballot)]
        switch screen {
        case "welcome": steps = []
        case "code": steps = [("", w.code)]
        case "refused": steps = [("", w.code), (f.code("opens-in-10-days"), w.refused)]
        case "open": steps = Array(toBallot.prefix(2))
        case "contest": steps = Array(toBallot.prefix(3))
        case "review": steps = Array(toBallot.prefix(5))
        case "ballot": steps = toBallot
        case "challenged": steps = toBallot + [(w.challenge, w.challenged)]
        default: steps = toBallot + [(w.cast, w.receipt)]
        }
        for (input, expected) in steps {
            try pane.type(input)
            try pane.wait(for: expected)
        }
    }

    static let screens = ["welcome", "code", "refused", "open", "contest", "review", "ballot", "challenged", "receipt"]
    static let controlKeys = ["C-c", "C-\\", "C-z", "C-d"]

    /// Drives `pairs` of (screen, key) and checks that each key brings back a welcome screen with
    /// nothing of the voter on it, the kiosk still running.
    static func tryKeys(_ pairs: [(String, String)], language: KioskLanguage, plain: Bool) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let w = language == .french ? Words.french : Words.english
        let pane = try Pane(fixture, extra: ["--lang", language.rawValue] + (plain ? ["--plain"] : []))
        defer { pane.stop() }
        try pane.wait(for: w.welcome)
        let code = fixture.code("open-today")
        let secrets = [code, code.lowercased(), String(code.prefix(5)), "Amélie", "Maire du Grand Nancy", "Question 2",
                       language == .french ? "code de suivi" : "tracking code"]
        for (screen, key) in pairs {
            try route(to: screen, w, pane)
            if plain {
                // --plain never echoes what is typed: the code is not on the screen, nor in its scrollback.
                let history = try KioskExecutableTests.tmux(["-S", pane.socket, "capture-pane", "-p", "-S", "-", "-t", "kiosk"], capture: true)
                #expect(!history.contains(String(code.prefix(5))), "--plain echoed the code")
            }
            try pane.keys(key)
            let after = try pane.wait("the welcome screen after \(key) on \(screen)") { s in
                s.lowercased().contains(w.welcome.lowercased()) && !secrets.contains { s.lowercased().contains($0.lowercased()) }
                    && (screen == "welcome" || !s.lowercased().contains(Self.marker(screen, w).lowercased()))
            }
            #expect(!secrets.contains { after.lowercased().contains($0.lowercased()) }, "\(key) on \(screen) left something of the voter:\n\(after)")
            #expect(try !pane.paneDead(), "\(key) on \(screen) stopped the kiosk")
            if plain { #expect(!after.contains("==") && !after.contains("->"), "nothing decorative in --plain") }
        }
        // Still a working kiosk: a whole vote goes through.
        try route(to: "receipt", w, pane)
        #expect(try fixture.statistics().counted == 1)
    }

    static func marker(_ screen: String, _ w: Words) -> String {
        switch screen {
        case "code": w.code
        case "refused": w.refused
        case "open": w.open
        case "contest": w.contest
        case "review": w.review
        case "ballot": w.ballot
        case "challenged": w.challenged
        case "receipt": w.receipt
        default: w.welcome
        }
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func everyControlKeyOnEveryScreenInFrench() throws {
        try Self.tryKeys(Self.screens.flatMap { s in Self.controlKeys.map { (s, $0) } }, language: .french, plain: false)
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func controlKeysInEnglish() throws {
        try Self.tryKeys(Self.screens.enumerated().map { ($1, Self.controlKeys[$0 % 4]) }, language: .english, plain: false)
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func controlKeysInPlainMode() throws {
        try Self.tryKeys(Self.screens.enumerated().map { ($1, Self.controlKeys[($0 + 1) % 4]) }, language: .french, plain: true)
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func signalsEndTheSessionAndOnlyStaffStopTheKiosk() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let pane = try Pane(fixture)
        defer { pane.stop() }
        try pane.wait(for: "Bienvenue")
        let pid = try #require(pane.pid)
        // Swift's crash console is off in the kiosk's own environment (it re-executed itself).
        let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(environ.split(separator: "\0").contains("SWIFT_BACKTRACE=enable=no"))
        for sig in [SIGQUIT, SIGINT, SIGTSTP, SIGHUP] {
            try Self.route(to: "contest", .french, pane)
            kill(pid, sig)
            try pane.wait("the welcome screen after signal \(sig)") { $0.contains("BIENVENUE") && !$0.contains("QUESTION 1") }
            #expect(try !pane.paneDead(), "signal \(sig) stopped the kiosk")
        }
        // The staff stop.
        kill(pid, SIGTERM)
        try pane.wait("the kiosk to stop on SIGTERM") { _ in (try? pane.paneDead()) == true }
        // The kiosk ended by itself, not killed by the signal: tmux reports no fatal signal, and an exit
        // status of 0 when it could collect one (this tmux sometimes reports neither for a clean exit).
        let report = (try? KioskExecutableTests.tmux(["-S", pane.socket, "display-message", "-p", "-t", "kiosk",
                                                      "#{pane_dead_status}/#{pane_dead_signal}"], capture: true))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        #expect(report == "0/" || report == "/", "exit status/signal: \(report)")
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func aWarningComesBeforeTheTimeOutAndAKeyExtends() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let pane = try Pane(fixture, extra: ["--idle-timeout", "8", "--warning-seconds", "6"])
        defer { pane.stop() }
        try pane.wait(for: "Bienvenue")
        // A slow typist: half a code, then the warning; what was typed stays, and the code goes through.
        let code = fixture.code("open-today")
        try pane.type("")
        try pane.wait(for: "20 caractères")
        try KioskExecutableTests.tmux(["-S", pane.socket, "send-keys", "-t", "kiosk", "-l", "--", String(code.prefix(11))])
        let halfway = try pane.wait(for: "Encore là ? Appuyez sur une touche")
        #expect(halfway.contains(String(code.prefix(11))), "the half-typed code is still there under the warning")
        try pane.type(String(code.dropFirst(11)))
        try pane.wait(for: "Votre période de vote est ouverte")
        try pane.type("")
        try pane.wait(for: "Question 1 sur 2")
        let warned = try pane.wait(for: "Encore là ? Appuyez sur une touche")
        #expect(warned.contains("Maire du Grand Nancy"), "the question stays on screen under the warning")
        try pane.keys("BSpace")   // any key is activity
        try pane.wait("the warning to go") { !$0.contains("Encore là") && $0.contains("QUESTION 1 SUR 2") }
        // Still the same session: the warning comes again, then the time-out.
        try pane.wait(for: "Encore là ? Appuyez sur une touche")
        let ended = try pane.wait(for: "fermée après 8 secondes sans activité")
        #expect(Self.flatten(ended).contains("Aucun vote n'a été déposé"))
        #expect(!ended.contains("Maire du Grand Nancy"))
    }

    /// A council contest of 12 options with long names, added by the officer.
    static func addTwelveOptions(_ fixture: KioskFixture) throws {
        let node = try fixture.openNode(after: 30)
        let setup = try node.requireElection().setup!
        let council = ContestVersion(contest: "conseil", version: 1, title: "Conseil de quartier : élection des représentants des habitants",
                                     year: nil, options: (1...12).map { ContestOption(id: "c\($0)", label: "Candidate numéro \($0) de la liste citoyenne") },
                                     min: 1, max: 1)
        try node.submit(payload: council.payloadBytes(record: node.origin, term: setup.term), signer: node.key("officer"))
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"), arguments: [80, 40])
    func twelveOptionsArePagedAndReadable(columns: Int) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        try Self.addTwelveOptions(fixture)
        let pane = try Pane(fixture, columns: columns, rows: 24)
        defer { pane.stop() }
        try pane.wait(for: "Bienvenue")
        for (input, expected) in [("", "20 caractères"), (fixture.code("open-today"), "Votre période"), ("", "Question 1 sur 3")] {
            try pane.type(input)
            try pane.wait(for: expected)
        }
        var s = try pane.wait(for: "Question 1 sur 3")
        func check(_ s: String) {
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count < columns })
            let flat = Self.flatten(s)
            #expect(flat.contains("Conseil de quartier : élection des représentants des habitants"), "the question is on every page, words whole")
            #expect(flat.contains("Choisissez une réponse."), "and its rule")
        }
        check(s)
        // An error stays in view with the question, on every page.
        try pane.type("13")
        s = try pane.wait(for: "Il n'y a pas de réponse n° 13")
        check(s)
        #expect(Self.flatten(s).contains("Page 1 sur"))
        #expect(Self.flatten(s).contains("suite : Entrée"))
        var pages = 1
        while !Self.flatten(s).contains("numéro 12 de") && pages < 10 {
            let previous = s
            try pane.type("")
            s = try pane.wait("the next page") { $0 != previous }
            check(s)
            #expect(Self.flatten(s).contains("n° 13"))
            pages += 1
        }
        #expect(Self.flatten(s).contains("Candidate numéro 12 de la liste citoyenne"))
        try pane.type("12")
        try pane.wait(for: "Question 2 sur 3")
        try pane.type("1")
        try pane.wait(for: "Question 3 sur 3")
        try pane.type("1")
        s = try pane.wait(for: "Vérifiez votre vote")
        #expect(Self.flatten(s).contains("Candidate numéro 12 de la liste citoyenne"))
    }

    @Test(.enabled(if: enabled, "perennial-kiosk is built and tmux is installed"))
    func aResizedTerminalIsMeasuredAgain() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let pane = try Pane(fixture)
        defer { pane.stop() }
        try pane.wait(for: "Bienvenue")
        try pane.resize(24, 20)
        try pane.wait(for: "trop petit")
        try pane.resize(50, 20)
        let s = try pane.wait("the welcome screen at 50 columns") { $0.contains("BIENVENUE") && !$0.contains("trop petit") }
        #expect(s.split(separator: "\n").allSatisfy { $0.count < 50 })
    }
}
