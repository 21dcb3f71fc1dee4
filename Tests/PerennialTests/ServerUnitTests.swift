import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote
import PerennialServer
import Testing

/// The kiosk API's signed requests, checked without a server: every refusal rule is tried.
@Suite("Kiosk request signatures")
struct DeviceAuthenticatorTests {
    static let device = Ed25519.SigningKey.generate()
    static let revoked = Ed25519.SigningKey.generate()
    static let nowMs: UInt64 = 1_805_014_800_000

    static func authenticator() -> DeviceAuthenticator {
        let active = device.publicKey.rawRepresentation, gone = revoked.publicKey.rawRepresentation
        return DeviceAuthenticator(registry: { key in
            key == active ? .active(name: "hall-1") : key == gone ? .revoked(name: "hall-2") : .unknown
        }, nowMs: { nowMs })
    }

    static func check(_ auth: DeviceAuthenticator, _ headers: [String: String], method: String = "POST", path: String = "/kiosk/v1/ballots",
                      body: [UInt8] = Array("{}".utf8)) -> Result<String, ServerError> {
        Result { () throws(ServerError) in
            try auth.authenticate(method: method, path: path, body: body) { name in
                headers.first { $0.key.lowercased() == name.lowercased() }?.value
            }
        }
    }

    static func signed(_ key: Ed25519.SigningKey = device, method: String = "POST", path: String = "/kiosk/v1/ballots",
                       body: [UInt8] = Array("{}".utf8), timeMs: UInt64 = nowMs) throws -> [String: String] {
        try KioskAPI.headers(method: method, path: path, body: body, device: key, timeMs: timeMs)
    }

    func reason(_ result: Result<String, ServerError>) -> (Int, String)? {
        if case .failure(let rejection) = result { return (rejection.status, rejection.reason.rawValue) }
        return nil
    }

    @Test func anEnrolledDeviceSigningRightIsAccepted() throws {
        let auth = Self.authenticator()
        #expect(try Self.check(auth, Self.signed()).get() == "hall-1")
        // Header names are case-insensitive, and the time may be off by the replay window either way.
        let late = try Self.signed(timeMs: Self.nowMs - KioskAPI.replayWindowMs)
        #expect(try Self.check(auth, Dictionary(uniqueKeysWithValues: late.map { ($0.key.uppercased(), $0.value) })).get() == "hall-1")
        #expect(try Self.check(auth, Self.signed(timeMs: Self.nowMs + KioskAPI.replayWindowMs)).get() == "hall-1")
    }

    @Test func unknownRevokedAndUnsignedRequestsAreRefused() throws {
        let auth = Self.authenticator()
        #expect(reason(Self.check(auth, [:]))! == (401, "unsigned"))
        #expect(reason(Self.check(auth, try Self.signed(Ed25519.SigningKey.generate())))! == (401, "unknown-device"))
        #expect(reason(Self.check(auth, try Self.signed(Self.revoked)))! == (403, "revoked-device"))
        var malformed = try Self.signed()
        malformed[KioskAPI.Header.device] = "zz"
        #expect(reason(Self.check(auth, malformed))! == (401, "malformed-device"))
        var badNonce = try Self.signed()
        badNonce[KioskAPI.Header.nonce] = "short"
        #expect(reason(Self.check(auth, badNonce))! == (401, "malformed-signature"))
    }

    @Test func everySignedPartIsBound() throws {
        let auth = Self.authenticator()
        let headers = try Self.signed()
        #expect(reason(Self.check(auth, headers, body: Array(#"{"x":1}"#.utf8)))! == (401, "bad-signature"), "the body")
        #expect(reason(Self.check(auth, headers, path: "/kiosk/v1/challenges"))! == (401, "bad-signature"), "the path")
        #expect(reason(Self.check(auth, headers, method: "PUT"))! == (401, "bad-signature"), "the method")
        var otherTime = headers
        otherTime[KioskAPI.Header.time] = String(Self.nowMs + 1)
        #expect(reason(Self.check(auth, otherTime))! == (401, "bad-signature"), "the time")
        var otherNonce = headers
        otherNonce[KioskAPI.Header.nonce] = String(repeating: "0", count: 32)
        #expect(reason(Self.check(auth, otherNonce))! == (401, "bad-signature"), "the nonce")
        var otherKey = headers
        otherKey[KioskAPI.Header.device] = Hex.encode(Self.revoked.publicKey.rawRepresentation)
        #expect(reason(Self.check(auth, otherKey))! == (403, "revoked-device"))
    }

    @Test func staleAndReplayedRequestsAreRefused() throws {
        let auth = Self.authenticator()
        #expect(reason(Self.check(auth, try Self.signed(timeMs: Self.nowMs - KioskAPI.replayWindowMs - 1)))! == (401, "stale-time"))
        #expect(reason(Self.check(auth, try Self.signed(timeMs: Self.nowMs + KioskAPI.replayWindowMs + 1)))! == (401, "stale-time"))
        let once = try Self.signed()
        #expect(try Self.check(auth, once).get() == "hall-1")
        #expect(reason(Self.check(auth, once))! == (401, "replayed-nonce"))
    }

    /// Nonces survive a restart (the journal on disk): a request captured before it is refused after.
    @Test func aReplayAfterARestartIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nonces-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("serve-nonces")
        func authenticator(boot: String) throws -> DeviceAuthenticator {
            let active = Self.device.publicKey.rawRepresentation
            return DeviceAuthenticator(registry: { $0 == active ? .active(name: "hall-1") : .unknown },
                                       nonces: try NonceJournal(file: file, nowMs: Self.nowMs, bootID: boot), nowMs: { Self.nowMs })
        }
        let captured = try Self.signed()
        #expect(try Self.check(try authenticator(boot: "A"), captured).get() == "hall-1")
        // The process restarts (kill -9: no graceful stop) on the same boot of the machine.
        let restarted = try authenticator(boot: "A")
        #expect(reason(Self.check(restarted, captured))! == (401, "replayed-nonce"))
        #expect(try Self.check(restarted, Self.signed()).get() == "hall-1", "a fresh request is accepted")
        // Stopped gracefully, then the machine rebooted: the journal is complete, nothing more to refuse.
        let stopped = try NonceJournal(file: file, nowMs: Self.nowMs, bootID: "A")
        stopped.close()
        let rebooted = try authenticator(boot: "B")
        #expect(reason(Self.check(rebooted, captured))! == (401, "replayed-nonce"))
        #expect(try Self.check(rebooted, Self.signed()).get() == "hall-1")
        // The machine crashed (another boot, no graceful stop): lines may be lost, so requests signed
        // before the restart plus the replay window are refused as retryable (503), newer ones accepted.
        let crashed = try authenticator(boot: "C")
        #expect(reason(Self.check(crashed, try Self.signed()))! == (503, "restarting"))
        // Nonces older than twice the window are forgotten at the next opening.
        let later = try NonceJournal(file: file, nowMs: Self.nowMs + 3 * KioskAPI.replayWindowMs, bootID: "C")
        #expect(later.record("x", timeMs: Self.nowMs + 3 * KioskAPI.replayWindowMs, nowMs: Self.nowMs + 3 * KioskAPI.replayWindowMs))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains(captured[KioskAPI.Header.nonce]!), "an expired nonce is not kept")
    }

    @Test func theSigningInputIsTheDocumentedText() {
        let input = KioskAPI.signingInput(method: "post", path: "/kiosk/v1/voter", timeMs: 42, nonce: "00112233445566778899aabbccddeeff", body: [])
        #expect(String(decoding: input, as: UTF8.self) == """
            perennial-kiosk-request-v1
            POST
            /kiosk/v1/voter
            42
            00112233445566778899aabbccddeeff
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
    }
}

/// The writer lock, in one process (flock conflicts between open files of one process too).
@Suite("Serve lock")
struct ServeLockTests {
    @Test func aHeldLockRefusesAppendsFromOtherNodesAndASecondServer() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let lock = try ServeLock.acquire(directory: fixture.nodeDirectory, listen: "127.0.0.1:9999")
        let clerk = try fixture.openNode()
        let size = try clerk.store.size()
        let root = try clerk.store.root(atSize: size)
        #expect {
            _ = try clerk.revokeKiosk(device: Node.simulationKioskName)
        } throws: { error in
            (error as? NodeError)?.message.contains("perennial serve (pid \(getpid()), listening on 127.0.0.1:9999) is running on") == true
        }
        #expect(throws: NodeError.self) { _ = try ServeLock.acquire(directory: fixture.nodeDirectory, listen: "127.0.0.1:1") }
        #expect(try clerk.store.size() == size && clerk.store.root(atSize: size) == root)
        // The holder itself appends.
        let server = try fixture.openNode()
        server.serveLock = lock
        _ = try server.revokeKiosk(device: Node.simulationKioskName)
        #expect(try server.store.size() == size + 1)
        lock.release()
        // Released: anyone may append again.
        _ = try clerk.enrolKiosk(device: "after-release", keyFile: fixture.directory.appendingPathComponent("after.key"))
        #expect(try clerk.store.size() == size + 2)
    }
}
