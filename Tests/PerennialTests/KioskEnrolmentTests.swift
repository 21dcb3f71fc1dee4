import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import Testing

/// Kiosk devices from the command line (`perennial kiosk enrol|revoke|list`) and at the kiosk
/// (`perennial-kiosk --device-key`): every refusal is tried, and a refusal changes nothing (same log
/// size and root, no key file left behind).
@Suite("Kiosk device enrolment", .serialized)
struct KioskEnrolmentTests {
    static let at = "--at=2027-03-14T10:05:00+01:00"

    struct Run { var status: Int32; var out: String; var err: String }

    static func binary(_ name: String) -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent(name).path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent(name)
    }

    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary("perennial").path) }

    @discardableResult
    static func run(_ tool: String, _ args: [String], input: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = binary(tool)
        p.arguments = args
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = stdin
        try p.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// The log's size and root, read from disk.
    static func logState(_ fixture: KioskFixture) throws -> (UInt64, String) {
        let node = try fixture.openNode(after: 600)
        let size = try node.store.size()
        return (size, try node.store.root(atSize: size).hex)
    }

    static func data(_ fixture: KioskFixture) -> [String] { ["--data", fixture.nodeDirectory.path] }

    @Test(.enabled(if: built)) func enrolRevokeAndEveryRefusal() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let keyFile = fixture.directory.appendingPathComponent("town-hall-1.key")
        let enrolled = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "town-hall-1", "--key-out", keyFile.path] + Self.data(fixture))
        #expect(enrolled.status == 0, "\(enrolled.err)")
        #expect(enrolled.out.contains("town-hall-1"))
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let keyText = try String(contentsOf: keyFile, encoding: .utf8)
        #expect(!enrolled.out.contains(keyText.trimmingCharacters(in: .whitespacesAndNewlines)), "the secret seed is never printed")
        let key = try KeyFile.load(keyFile)
        #expect(try fixture.openNode(after: 600).kioskDevice(publicKey: key.publicKey.rawRepresentation)?.name == "town-hall-1")

        // Refusals: one line on stderr, exit 1 (2 for an unusable name), nothing changed.
        let before = try Self.logState(fixture)
        let other = fixture.directory.appendingPathComponent("other.key")
        let taken = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "town-hall-1", "--key-out", other.path] + Self.data(fixture))
        #expect(taken.status == 1)
        #expect(taken.err.contains("already enrolled"))
        #expect(taken.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: other.path), "no key file is left behind")
        let overwrite = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "town-hall-2", "--key-out", keyFile.path] + Self.data(fixture))
        #expect(overwrite.status == 1)
        #expect(overwrite.err.contains("never overwritten"))
        #expect(try String(contentsOf: keyFile, encoding: .utf8) == keyText)
        let badName = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "Town Hall", "--key-out", other.path] + Self.data(fixture))
        #expect(badName.status == 2)
        let noDir = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "town-hall-2", "--key-out", "/nonexistent-dir/k.key"] + Self.data(fixture))
        #expect(noDir.status == 1)
        let ghost = try Self.run("perennial", ["kiosk", "revoke", Self.at, "--device", "ghost"] + Self.data(fixture))
        #expect(ghost.status == 1)
        #expect(ghost.err.contains("No kiosk named"))
        #expect(try Self.logState(fixture) == before)

        // Revoke; then it is refused everywhere, and its name is never used again.
        #expect(try Self.run("perennial", ["kiosk", "revoke", Self.at, "--device", "town-hall-1"] + Self.data(fixture)).status == 0)
        #expect(try fixture.openNode(after: 600).kioskDevice(publicKey: key.publicKey.rawRepresentation) == nil)
        let afterRevoke = try Self.logState(fixture)
        let again = try Self.run("perennial", ["kiosk", "revoke", Self.at, "--device", "town-hall-1"] + Self.data(fixture))
        #expect(again.status == 1)
        #expect(again.err.contains("already revoked"))
        let reuse = try Self.run("perennial", ["kiosk", "enrol", Self.at, "--device", "town-hall-1", "--key-out", other.path] + Self.data(fixture))
        #expect(reuse.status == 1)
        #expect(reuse.err.contains("revoked"))
        #expect(!FileManager.default.fileExists(atPath: other.path))
        #expect(try Self.logState(fixture) == afterRevoke)

        let list = try Self.run("perennial", ["kiosk", "list"] + Self.data(fixture))
        #expect(list.out.contains("town-hall-1"))
        #expect(list.out.contains("revoked at entry"))
        #expect(list.out.contains(Node.simulationKioskName))

        // The kiosk refuses to start with a revoked or unknown device key (exit 1, one clear line).
        let revokedKiosk = try Self.run("perennial-kiosk", Self.data(fixture) + ["--plain", "--now", KioskFixture.nowISO, "--device-key", keyFile.path],
                                        input: "\n")
        #expect(revokedKiosk.status == 1)
        #expect(revokedKiosk.err.contains("not enrolled in the term, or it was revoked"))
        let unknown = fixture.directory.appendingPathComponent("unknown.key")
        _ = try KeyFile.createNew(unknown)
        let unknownKiosk = try Self.run("perennial-kiosk", Self.data(fixture) + ["--plain", "--now", KioskFixture.nowISO, "--device-key", unknown.path],
                                        input: "\n")
        #expect(unknownKiosk.status == 1)
    }

    @Test func devicesSurviveASnapshotAndAReopen() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let node = try fixture.openNode()
        let keyFile = fixture.directory.appendingPathComponent("k.key")
        try node.enrolKiosk(device: "k1", keyFile: keyFile)
        try node.revokeKiosk(device: "k1")
        try node.saveSnapshot()
        let reopened = try fixture.openNode(after: 120)
        #expect(reopened.kioskDevices.map(\.name) == [Node.simulationKioskName, "k1"])
        #expect(reopened.kioskDevices.last?.revokedAt != nil)
        #expect(reopened.kioskDevice(publicKey: try KeyFile.load(keyFile).publicKey.rawRepresentation) == nil)
    }

    @Test func aRealNodeNeverEnrolsItsOwnKiosk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-real-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let node = try Node.setUp(directory: directory, origin: "perennial.example/real", simulation: false) { officer, registrar in
            TermSetup(term: "real", title: "Real", timeZone: "Europe/Paris", start: "2026-01-01", end: "2032-01-01", windowDays: 7,
                      leapDay: "feb28", group: "ristretto255", trustees: TrusteeCount(n: 1, t: 1),
                      trusteeKeys: [Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)],
                      officer: Hex.encode(officer), registrar: Hex.encode(registrar), perYearResults: false)
        }
        #expect(throws: NodeError.self) { try node.simulationKioskKey() }
        #expect(node.kioskDevices.isEmpty)
    }
}
