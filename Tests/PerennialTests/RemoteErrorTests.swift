import CivicCrypto
import CivicLog
import Foundation
import Perennial
@testable import PerennialRemote
import Testing

/// ``RemoteError``: each reason, with the exact line the kiosk (or the clerk) prints.
@Suite("Remote errors")
struct RemoteErrorTests {
    @Test func theServersAnswersAreCarriedWithTheirLines() {
        let unreachable = RemoteError.unreachable("HTTP 503")
        #expect(unreachable.reason == .unreachable && unreachable.problem == "HTTP 503")
        #expect(unreachable.message == "the server could not be reached (HTTP 503)")

        let wire = ErrorWire(error: "This device is not enrolled.", reason: "unknown-device")
        let rejected = RemoteError.rejected(status: 401, wire)
        #expect(rejected.reason == .rejected && rejected.status == 401 && rejected.errorWire == wire && rejected.refusalWire == nil)
        #expect(rejected.message == "the server refused the request (HTTP 401, unknown-device): This device is not enrolled.")

        let refusal = RefusalWire(.notOnRoll, reason: "unknownCredential")
        let refused = RemoteError.refused(refusal)
        #expect(refused.reason == .refused && refused.refusalWire == refusal && refused.errorWire == nil && refused.status == nil)
        #expect(refused.message == "refused: notOnRoll")
        #expect("\(refused)" == refused.message)

        let device = RemoteError.deviceRefused(server: "http://hall:8080", rejected)
        #expect(device.reason == .deviceRefused && device.status == 401 && device.errorWire == wire)
        #expect(device.message == "The server http://hall:8080 refuses this kiosk: This device is not enrolled.")
    }

    @Test func aMalformedEnvelopeIsRefusedAsSuch() throws {
        let key = Ed25519.SigningKey.generate()
        let payload = Array(#"{"kind":"x","record":"r"}"#.utf8)
        var wire = EnvelopeWire(try EntryEnvelope(payload: payload, author: key.publicKey.rawRepresentation,
                                                  signature: key.signature(for: EntryEnvelope.signingInput(payload: payload))))
        #expect(try wire.envelope().payload == payload)
        var notBase64 = wire
        notBase64.payload = "not base64!"
        #expect(throws: RemoteError(.malformedEnvelope, "The envelope's payload is not base64.")) { try notBase64.envelope() }
        wire.author = "zz"
        do throws(RemoteError) {
            _ = try wire.envelope()
            Issue.record("an author that is not hex was accepted")
        } catch {
            #expect(error.reason == .malformedEnvelope && error.message.contains("author"), "\(error)")
        }
    }

    @Test func connectingSaysWhatIsWrongInOneLine() throws {
        let receipts = FileManager.default.temporaryDirectory.appendingPathComponent("remote-error-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: receipts) }
        do {
            _ = try RemoteKiosk.connect(server: "", deviceKey: "/nonexistent/device.key", receipts: receipts)
            Issue.record("an empty server address was accepted")
        } catch {
            #expect(error.reason == .serverAddress && error.message == "--server  is not a URL.")
        }
        do {
            _ = try RemoteKiosk.connect(server: "http://127.0.0.1:1", deviceKey: "/nonexistent/device.key", receipts: receipts)
            Issue.record("a missing device key was accepted")
        } catch {
            #expect(error.reason == .deviceKey)
            #expect(error.message.hasPrefix("The device key /nonexistent/device.key cannot be read ("), "\(error)")
            #expect(error.message.hasSuffix("Use the file `perennial kiosk enrol --key-out` wrote."))
        }
        // Nothing listens on port 1: the client's own failure, said with the address and what to do.
        try FileManager.default.createDirectory(at: receipts, withIntermediateDirectories: true)
        let keyFile = receipts.appendingPathComponent("device.key")
        _ = try KeyFile.createNew(keyFile)
        let secret = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try RemoteKiosk.connect(server: "http://127.0.0.1:1", deviceKey: keyFile.path, receipts: receipts)
            Issue.record("a server that does not run was used")
        } catch {
            #expect(error.reason == .unreachable && error.problem != nil)
            #expect(error.message.hasPrefix("Cannot use the server http://127.0.0.1:1: the server could not be reached ("), "\(error)")
            #expect(error.message.hasSuffix("Check the URL and that `perennial serve` runs there."))
            #expect(!secret.isEmpty && !error.message.contains(secret), "the device's secret key is never said")
            #expect(!error.message.contains("\n"))
        }
    }
}
