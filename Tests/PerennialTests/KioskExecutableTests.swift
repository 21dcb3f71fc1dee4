import CivicLog
import Foundation
import Perennial
import Testing

/// End-to-end: the real `perennial-kiosk` executable, driven through its standard input and output
/// in `--plain` mode (as a screen reader or a serial line would), then the log and the receipt files
/// checked afterwards. A last test drives the full-screen mode in an 80×24 tmux pane when tmux is
/// installed.
@Suite("Kiosk executable, end to end")
struct KioskExecutableTests {
    /// The `perennial-kiosk` executable built next to the test bundle.
    static var kioskURL: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("perennial-kiosk").path),
              directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("perennial-kiosk")
    }

    static var kioskBuilt: Bool { FileManager.default.isExecutableFile(atPath: kioskURL.path) }

    static func arguments(_ fixture: KioskFixture, _ extra: [String] = []) -> [String] {
        ["--data", fixture.nodeDirectory.path, "--plain", "--now", KioskFixture.nowISO, "--receipts", fixture.receipts.path] + extra
    }

    /// Runs the kiosk with `lines` as its whole input; returns what it printed once input ended.
    static func run(_ fixture: KioskFixture, _ lines: [String], extra: [String] = []) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = kioskURL
        process.arguments = arguments(fixture, extra)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func aValidVoteInFrench() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let (out, status) = try Self.run(fixture, ["", fixture.code("open-today"), "", "1", "2", "", "V", ""])
        #expect(status == 0)
        #expect(out.contains("\nBienvenue\n"))
        #expect(out.contains("\nVotre période de vote est ouverte\n"))
        #expect(out.contains("jusqu'au samedi 20 mars 2027 inclus"))
        #expect(out.contains("\nQuestion 1 sur 2\n"))
        #expect(out.contains("réponse : Amélie Arnaud"))
        #expect(out.contains("\nA voté. Merci !\n"))
        #expect(out.contains("Votre reçu s'imprime"))
        #expect(!out.contains(fixture.receipts.path), "no path is ever shown")
        #expect(!out.contains("\u{1B}"), "plain mode on a pipe prints no control sequences")
        #expect(!out.contains(fixture.code("open-today")), "the code is never printed back")
        #expect(try fixture.statistics().counted == 1)
        let receipts = try fixture.verifiedReceipts()
        #expect(receipts.count == 1)
        #expect(!out.contains("Point de contrôle"), "no jargon on the receipt screen")
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func aValidVoteInEnglish() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let (out, status) = try Self.run(fixture, ["", fixture.code("open-since-yesterday"), "", "2", "1", "", "V", ""], extra: ["--lang", "en"])
        #expect(status == 0)
        #expect(out.contains("\nWelcome\n"))
        #expect(out.contains("until Friday 19 March 2027 inclusive"))
        #expect(out.contains("answer: Bruno Barbier"))
        #expect(out.contains("\nVote cast. Thank you!\n"))
        #expect(out.contains("Check my ballot"))
        #expect(try fixture.statistics().counted == 1)
        #expect(try fixture.verifiedReceipts().count == 1)
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func aWrongCodeAndAChecksumTypo() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let before = try fixture.logSize()
        let (out, status) = try Self.run(fixture, ["", "ABCDE-FGHJK", KioskFixture.typo(fixture.code("open-today")), "ABCDE-FGHUK-MNPQR-STVWX", "A"])
        #expect(status == 0)
        #expect(out.contains("ATTENTION : Vous avez tapé 10 caractères ; il en faut 20"))
        #expect(out.contains("ATTENTION : Ce code ne se vérifie pas : un caractère est sans doute mal tapé."))
        #expect(out.contains("ATTENTION : Le caractère n° 10 (groupe 2, 4e caractère du groupe)"))
        #expect(out.contains("La session a été abandonnée. Aucun vote n'a été déposé."))
        #expect(try fixture.logSize() == before, "nothing is written for a wrong code")
        #expect(try fixture.verifiedReceipts().isEmpty)
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func outsideTheWindow() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let before = try fixture.logSize()
        let (out, _) = try Self.run(fixture, ["", fixture.code("opens-in-10-days"), ""], extra: ["--lang", "en"])
        #expect(out.contains("\nYou cannot vote today\n"))
        #expect(out.contains("Your next voting window: from Wednesday 24 March 2027 to Tuesday 30 March 2027 inclusive."))
        #expect(try fixture.logSize() == before)
        // The same voter, simulated on the opening day: the window is open.
        let (later, _) = try Self.run(fixture, ["", fixture.code("opens-in-10-days"), "A"],
                                      extra: ["--lang", "en", "--now", "2027-03-24T08:00:00+01:00"])
        #expect(later.contains("\nYour voting window is open\n"))
        #expect(later.contains("until Tuesday 30 March 2027 inclusive"))
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func aRevote() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let code = fixture.code("open-last-day")
        let (out, _) = try Self.run(fixture, ["", code, "", "1", "1", "", "V", "", "", code, "", "2", "2", "", "V", ""])
        #expect(out.contains("Vous avez déjà voté pendant cette période. Si vous votez à nouveau, votre nouveau bulletin remplacera le précédent"))
        #expect(out.contains("Ce bulletin remplace celui que vous aviez déposé plus tôt pendant cette période"))
        let stats = try fixture.statistics()
        #expect(stats.counted == 1 && stats.superseded == 1)
        #expect(try fixture.verifiedReceipts().count == 2)
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func aChallengeThenACast() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let (out, _) = try Self.run(fixture, ["", fixture.code("open-mid-window"), "", "3", "1", "", "C", "", "", "V", ""],
                                    extra: ["--lang", "en"])
        #expect(out.contains("\nBallot checked (it will not count)\n"))
        #expect(out.contains("Mayor of Grand Nancy : Chloé Chevalier   [0 0 1 0 0]"))
        #expect(out.contains("\nVote cast. Thank you!\n"))
        let stats = try fixture.statistics()
        #expect(stats.counted == 1 && stats.spoiled == 1)
        #expect(try fixture.verifiedReceipts().count == 1)
    }

    @Test(.enabled(if: kioskBuilt, "perennial-kiosk is built next to the tests"))
    func anIdleSessionTimesOut() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = Self.kioskURL
        process.arguments = Self.arguments(fixture, ["--idle-timeout", "2", "--warning-seconds", "1"])
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // A safety net only (not an assertion on time): never let a hung kiosk hang the tests.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        input.fileHandleForWriting.write(Data("\n\(fixture.code("open-today"))\n\n1\n".utf8))
        var out = ""
        let notice = "La session précédente a été fermée après 2 secondes sans activité. Aucun vote n'a été déposé."
        while !out.contains(notice) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            out += String(decoding: chunk, as: UTF8.self)
        }
        try input.fileHandleForWriting.close()
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        #expect(out.contains("\nQuestion 2 sur 2\n"))
        #expect(out.contains(notice))
        #expect(try fixture.statistics().counted == 0)
    }

    // MARK: Full screen in tmux

    static let tmux: String? = FileManager.default.isExecutableFile(atPath: "/bin/bash")
        ? ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } : nil

    /// Runs a tmux client command; its output is read only when asked for (`capture`).
    ///
    /// The server that `new-session` forks keeps every descriptor it inherits: the one Foundation's
    /// `Process` watches to notice the child's exit, and maybe other tests' pipes. So tmux is started
    /// through bash, which closes every descriptor above 2 first (dash cannot name descriptors
    /// above 9).
    @discardableResult
    static func tmux(_ args: [String], capture: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let closeAll = #"for fd in /proc/self/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null; exec "$0" "$@""#
        process.arguments = ["-c", closeAll, tmux!] + args
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tmux-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: outputFile) }
        if capture {
            FileManager.default.createFile(atPath: outputFile.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: outputFile)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return capture ? ((try? String(contentsOf: outputFile, encoding: .utf8)) ?? "") : ""
    }

    /// Waits until the pane shows `text` (polling, with a generous safety limit).
    static func waitForScreen(_ socket: String, _ text: String) throws -> String {
        var screen = ""
        for _ in 0..<600 {
            screen = try tmux(["-S", socket, "capture-pane", "-p", "-t", "kiosk"], capture: true)
            if screen.contains(text) { return screen }
            usleep(100_000)
        }
        return screen
    }

    @Test(.enabled(if: kioskBuilt && tmux != nil, "perennial-kiosk is built and tmux is installed"))
    func aValidVoteOnAnEightyByTwentyFourScreen() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let socket = fixture.directory.appendingPathComponent("tmux.sock").path
        let command = ([Self.kioskURL.path, "--data", fixture.nodeDirectory.path, "--now", KioskFixture.nowISO,
                        "--receipts", fixture.receipts.path]).map { "'\($0)'" }.joined(separator: " ")
        try Self.tmux(["-S", socket, "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24", command])
        defer {
            // End of input (Ctrl-D) stops the kiosk, which closes the pane and the server.
            _ = try? Self.tmux(["-S", socket, "send-keys", "-t", "kiosk", "C-d"])
            _ = try? Self.tmux(["-S", socket, "kill-server"])
        }
        func type(_ keys: String) throws { try Self.tmux(["-S", socket, "send-keys", "-t", "kiosk", "-l", keys]); try Self.tmux(["-S", socket, "send-keys", "-t", "kiosk", "Enter"]) }

        var screen = try Self.waitForScreen(socket, "BIENVENUE")
        #expect(screen.contains("[Entrée] commencer"))
        #expect(screen.contains("[E     ] English"))
        try type("")
        screen = try Self.waitForScreen(socket, "VOTRE CODE DE VOTE")
        try type(fixture.code("open-today"))
        screen = try Self.waitForScreen(socket, "VOTRE PÉRIODE DE VOTE EST OUVERTE")
        #expect(screen.contains("samedi 20 mars 2027"))
        #expect(!screen.contains(fixture.code("open-today")), "the code is gone from the screen once recognised")
        try type("")
        screen = try Self.waitForScreen(socket, "QUESTION 1 SUR 2")
        #expect(screen.contains("Amélie Arnaud"))
        try type("1")
        _ = try Self.waitForScreen(socket, "QUESTION 2 SUR 2")
        try type("2")
        screen = try Self.waitForScreen(socket, "VÉRIFIEZ VOTRE VOTE")
        #expect(screen.contains("réponse : Amélie Arnaud"))
        try type("")
        screen = try Self.waitForScreen(socket, "VOTER OU CONTRÔLER")
        #expect(screen.contains("[V] VOTER"))
        try type("V")
        screen = try Self.waitForScreen(socket, "A VOTÉ. MERCI !")
        #expect(screen.contains("Votre code de suivi :"))
        try type("")
        screen = try Self.waitForScreen(socket, "BIENVENUE")
        #expect(!screen.contains("code de suivi"), "the screen is cleared for the next voter")
        #expect(try fixture.statistics().counted == 1)
        #expect(try fixture.verifiedReceipts().count == 1)
    }
}

/// `perennial demo --kiosk-trial`, then the kiosk on its node at once (today, system clock).
@Suite("Kiosk trial")
struct KioskTrialCommandTests {
    static var perennialURL: URL { KioskExecutableTests.kioskURL.deletingLastPathComponent().appendingPathComponent("perennial") }
    static var built: Bool {
        KioskExecutableTests.kioskBuilt && FileManager.default.isExecutableFile(atPath: perennialURL.path)
    }

    @Test(.enabled(if: built, "perennial and perennial-kiosk are built next to the tests"))
    func aTrialNodeIsReadyForTheKioskToday() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-trial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let demo = Process()
        demo.executableURL = Self.perennialURL
        demo.arguments = ["demo", "--kiosk-trial", "--out", out.path, "--json"]
        let demoOutput = Pipe()
        demo.standardOutput = demoOutput
        try demo.run()
        let summary = demoOutput.fileHandleForReading.readDataToEndOfFile()
        demo.waitUntilExit()
        #expect(demo.terminationStatus == 0)
        let json = try JSONSerialization.jsonObject(with: summary) as? [String: Any]
        let letters = json?["letters"] as? [[String: String]] ?? []
        #expect(letters.count == 7)
        let first = try String(contentsOf: out.appendingPathComponent("letters/01-open-today.txt"), encoding: .utf8)
        let code = try #require(KioskFixture.code(in: first))
        #expect(first.contains("Votre code de vote personnel"))

        let kiosk = Process()
        kiosk.executableURL = KioskExecutableTests.kioskURL
        kiosk.arguments = ["--data", out.appendingPathComponent("node").path, "--plain"]
        let input = Pipe(), output = Pipe()
        kiosk.standardInput = input
        kiosk.standardOutput = output
        try kiosk.run()
        input.fileHandleForWriting.write(Data("\n\(code)\n\n1\n1\n\nV\n\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        kiosk.waitUntilExit()
        #expect(text.contains("\nA voté. Merci !\n"))
        let receipts = try FileManager.default.contentsOfDirectory(at: out.appendingPathComponent("node/receipts"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(receipts.count == 1)
        for file in receipts { try Receipt.parse(json: String(contentsOf: file, encoding: .utf8)).verify() }
    }
}
