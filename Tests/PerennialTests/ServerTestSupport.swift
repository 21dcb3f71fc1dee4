import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote
import Testing

/// A kiosk trial node (``KioskFixture``) with more citizens whose window is open "today", and kiosk
/// devices: `hall-1` enrolled, `hall-2` enrolled then revoked, and a key nobody enrolled.
struct ServerFixture {
    let kiosk: KioskFixture
    /// Codes of citizens whose window opens today (besides the trial's letters).
    let codes: [String]
    var directory: URL { kiosk.directory }
    var nodeDirectory: URL { kiosk.nodeDirectory }
    var deviceKey: URL { directory.appendingPathComponent("hall-1.key") }
    var revokedKey: URL { directory.appendingPathComponent("hall-2.key") }
    var unknownKey: URL { directory.appendingPathComponent("stranger.key") }

    init(citizens: Int = 0) throws {
        kiosk = try KioskFixture()
        let node = try Node(directory: kiosk.nodeDirectory, clock: ManualClock(milliseconds: KioskFixture.nowMs))
        let registrar = Registrar(node: node)
        let today = String(KioskFixture.nowISO.dropFirst(5).prefix(5))
        var codes: [String] = []
        for i in 0..<citizens {
            let issued = try registrar.enrol(person: "Server test citizen \(i)", birthday: today, eligibleFrom: nil, eligibleUntil: nil)
            codes.append(try #require(KioskFixture.code(in: issued.letter)))
        }
        self.codes = codes
        let directory = kiosk.directory
        try node.enrolKiosk(device: "hall-1", keyFile: directory.appendingPathComponent("hall-1.key"))
        try node.enrolKiosk(device: "hall-2", keyFile: directory.appendingPathComponent("hall-2.key"))
        try node.revokeKiosk(device: "hall-2")
        _ = try KeyFile.loadOrCreate(directory.appendingPathComponent("stranger.key"))
        _ = try node.store.signCheckpoint()
    }

    func key(_ file: URL) throws -> Ed25519.SigningKey { try KeyFile.load(file) }

    func remove() { kiosk.remove() }
}

/// `perennial serve` as a child process on 127.0.0.1 and a free port.
final class ServerProcess {
    let process = Process()
    let port: Int
    let log: URL
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    static var perennialURL: URL { KioskExecutableTests.kioskURL.deletingLastPathComponent().appendingPathComponent("perennial") }
    static var built: Bool {
        KioskExecutableTests.kioskBuilt && FileManager.default.isExecutableFile(atPath: perennialURL.path)
    }

    /// Starts the server and waits until it answers `/health`.
    init(data: URL, now: String? = KioskFixture.nowISO, extra: [String] = []) throws {
        let portFile = data.deletingLastPathComponent().appendingPathComponent("port-\(UUID().uuidString)")
        log = data.deletingLastPathComponent().appendingPathComponent("serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Self.perennialURL
        process.arguments = ["serve", "--data", data.path, "--listen", "127.0.0.1:0", "--port-file", portFile.path]
            + (now.map { ["--now", $0] } ?? []) + extra
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<1_200 where found == nil && process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                found = port
            } else {
                usleep(50_000)
            }
        }
        try? FileManager.default.removeItem(at: portFile)
        guard let found else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw ServerTestError("the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// GET a public path; the status and body.
    func get(_ path: String) throws -> (Int, String) {
        try Self.get(url.appendingPathComponent(path))
    }

    static func get(_ url: URL) throws -> (Int, String) {
        let answer = try getWithCacheControl(url)
        return (answer.status, answer.body)
    }

    /// GET: the status, the Cache-Control header, the body's length in bytes and the body (as UTF-8).
    static func getWithCacheControl(_ url: URL) throws -> (status: Int, cache: String, length: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys, urllib.request, urllib.error
            try:
                r = urllib.request.urlopen(sys.argv[1], timeout=30); b = r.read()
                print(r.status); print(r.headers.get("Cache-Control", "")); print(len(b)); sys.stdout.write(b.decode("utf-8", "replace"))
            except urllib.error.HTTPError as e:
                b = e.read(); print(e.code); print(e.headers.get("Cache-Control", "")); print(len(b)); sys.stdout.write(b.decode("utf-8", "replace"))
            """, url.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false)
        guard lines.count >= 3 else { return (0, "", 0, "") }
        return (Int(lines[0]) ?? 0, String(lines[1]), Int(lines[2]) ?? 0, lines.count > 3 ? String(lines[3]) : "")
    }

    /// POST `body` with exactly these headers (none: unsigned; or a captured request's): the status and body.
    static func post(_ url: URL, body: String, headers: [String: String] = [:]) throws -> (Int, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        process.arguments = ["python3", "-c", """
            import sys, json, urllib.request, urllib.error
            req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST", headers=json.loads(sys.argv[3]))
            try:
                r = urllib.request.urlopen(req, timeout=30); print(r.status); sys.stdout.write(r.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code); sys.stdout.write(e.read().decode("utf-8", "replace"))
            """, url.absoluteString, body, headerJSON]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return (Int(lines.first ?? "") ?? 0, lines.count > 1 ? String(lines[1]) : "")
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit; the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: log)
    }
}

struct ServerTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A voter's signed ballot, prepared as a kiosk would, ready to submit (and resubmit).
struct SignedBallot {
    let envelope: EntryEnvelope
    let tracker: String
}

extension KioskClient {
    /// Looks the voter up and builds their signed ballot choosing the first option of each contest.
    func signedBallot(code: String, term: String, choice: Int = 0) throws -> SignedBallot {
        let key = CredentialKey.signingKey(for: try CredentialCode(parsing: code), term: term)
        let credential = key.publicKey.rawRepresentation
        let voter = try post(KioskAPI.Path.voter, VoterRequest(credential: Hex.encode(credential)), as: VoterInfo.self)
        let choices = voter.contests.map { ContestChoice(contest: $0.contest, selected: [$0.options[choice % $0.options.count].id]) }
        let ballot = try RemoteKioskBackend.prepare(voter, choices: choices, credential: credential)
        let envelope = try EntryEnvelope(payload: ballot.payload, author: credential,
                                         signature: key.signature(for: EntryEnvelope.signingInput(payload: ballot.payload)))
        return SignedBallot(envelope: envelope, tracker: Hex.encode(ballot.tracker))
    }

    func cast(_ ballot: SignedBallot) throws -> CastReceipt {
        try post(KioskAPI.Path.ballots, EnvelopeWire(ballot.envelope), as: CastReceipt.self)
    }
}
