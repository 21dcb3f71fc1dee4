import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote

/// `perennial-loadtest` (`make loadtest`): simulated kiosks casting through `perennial serve` on
/// loopback, then the same ballots cast directly on a copy of the node (no server), as JSON lines;
/// then every acknowledged receipt is checked against the served record (checkpoint and tiles) and
/// the exported record is given to `perennial-audit verify`.
///
/// Usage: perennial-loadtest [--kiosks 50] [--per-kiosk 6] [--revote-every 4] [--invalid-every 5]
///                           [--out DIR] [--audit PATH-TO-perennial-audit]
///                           [--group-max N]  (the server's group commit bound; 1 = one transaction per ballot)
struct Arguments {
    var kiosks = 50
    var perKiosk = 6
    var revoteEvery = 4
    var invalidEvery = 5
    var out = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-loadtest")
    var audit: String?
    var groupMax = 128

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { fail("\(args[i - 1]) needs a value", code: 2) }
            return args[i]
        }
        func number() -> Int {
            let text = value()
            guard let n = Int(text), n > 0, n <= 10_000 else { fail("\(args[i - 1]) needs a whole number from 1 to 10000", code: 2) }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--kiosks": kiosks = number()
            case "--per-kiosk": perKiosk = number()
            case "--revote-every": revoteEvery = number()
            case "--invalid-every": invalidEvery = number()
            case "--out": out = URL(fileURLWithPath: value(), isDirectory: true)
            case "--audit": audit = value()
            case "--group-max": groupMax = number()
            default: fail("unknown argument \(args[i]); see the usage at the top of Sources/PerennialLoadTest/main.swift", code: 2)
            }
            i += 1
        }
    }
}

/// Servers started by this run, stopped by ``fail(_:code:)`` before it exits.
nonisolated(unsafe) var startedServers: [pid_t] = []

func fail(_ message: String, code: Int32 = 1) -> Never {
    for pid in startedServers { kill(pid, SIGTERM) }
    FileHandle.standardError.write(Data("perennial-loadtest: \(message)\n".utf8))
    exit(code)
}

func emit(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ seconds: Double) -> Double { (seconds * 10_000).rounded() / 10 }

/// Runs `perennial-audit verify TARGET` (a directory or a board URL); fails unless it passes.
func runAudit(_ audit: String, target: String, label: String) throws {
    let verify = Process()
    verify.executableURL = URL(fileURLWithPath: audit)
    verify.arguments = ["verify", target]
    let output = Pipe()
    verify.standardOutput = output
    try verify.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    verify.waitUntilExit()
    let last = text.split(separator: "\n").last.map(String.init) ?? ""
    emit(["check": label, "passed": verify.terminationStatus == 0, "summary": last])
    guard verify.terminationStatus == 0 else { fail("the audit failed on \(target):\n\(text)") }
}

let arguments = Arguments(CommandLine.arguments)
let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let perennial = here.appendingPathComponent("perennial")
guard FileManager.default.isExecutableFile(atPath: perennial.path) else { fail("perennial is not built next to \(here.path)") }

do {
    let fm = FileManager.default
    try? fm.removeItem(at: arguments.out)
    try fm.createDirectory(at: arguments.out, withIntermediateDirectories: true)
    let citizens = arguments.kiosks * arguments.perKiosk
    let fixture = try LoadFixture(directory: arguments.out.appendingPathComponent("fixture"), kiosks: arguments.kiosks, citizens: citizens)
    let directCopy = arguments.out.appendingPathComponent("direct-node")
    try fm.copyItem(at: fixture.node, to: directCopy)

    // The server, on loopback and a free port.
    let server = try LoadServer(perennial: perennial, data: fixture.node, now: LoadFixture.nowISO, work: arguments.out,
                                groupMax: arguments.groupMax)
    let term = try KioskClient(server: server.url, device: fixture.deviceKeys[0]).get(KioskAPI.Path.term, as: TermInfo.self)
    let plan = try LoadPlan.build(server: server.url, fixture: fixture, kiosks: arguments.kiosks, perKiosk: arguments.perKiosk,
                                  revoteEvery: arguments.revoteEvery, invalidEvery: arguments.invalidEvery, term: term.term)

    // Timed: every kiosk sends its submissions in order, all kiosks at once.
    let results = LoadRun.overServer(server.url, plan: plan, devices: fixture.deviceKeys)
    results.emit(run: "server", kiosks: arguments.kiosks)

    // Every acknowledged receipt against the served record.
    let checked = try ServedRecordCheck.run(server: server.url, logKey: term.logKey, receipts: results.receipts)
    emit(["check": "receipts-against-served-record", "acknowledged": results.receipts.count, "verified": checked.verified,
          "served_size": checked.size, "unexpected_outcomes": results.unexpected])
    guard checked.verified == results.receipts.count, results.unexpected == 0 else { fail("some receipts or outcomes did not check out") }
    // The audit reads the live board over HTTP, as an observer would.
    if let audit = arguments.audit { try runAudit(audit, target: server.url.absoluteString, label: "audit-served-record") }
    guard server.stop() == 0 else { fail("the server did not stop cleanly") }

    // The same ballots, directly on a copy of the node (no server, no network).
    let direct = try LoadRun.direct(node: directCopy, now: LoadFixture.nowMs, plan: plan)
    direct.emit(run: "direct", kiosks: 1)

    // The audit over the exported record.
    let record = arguments.out.appendingPathComponent("record")
    let export = Process()
    export.executableURL = perennial
    export.arguments = ["export", "--data", fixture.node.path, "--out", record.path]
    export.standardOutput = FileHandle.nullDevice
    try export.run()
    export.waitUntilExit()
    guard export.terminationStatus == 0 else { fail("perennial export failed") }
    if let audit = arguments.audit { try runAudit(audit, target: record.path, label: "audit-exported-record") }
} catch {
    fail("\(error)")
}
