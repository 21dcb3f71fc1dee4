import CivicCrypto
import PerennialRemote
@testable import PerennialServer
import Testing

/// ``ServerError``: each reason's word and HTTP status, exactly as kiosks and clerks receive them.
@Suite("Server errors")
struct ServerErrorTests {
    static let reasons: [(ServerError.Reason, String, Int)] = [
        (.unsigned, "unsigned", 401), (.malformedDevice, "malformed-device", 401),
        (.malformedSignature, "malformed-signature", 401), (.unknownDevice, "unknown-device", 401),
        (.revokedDevice, "revoked-device", 403), (.badSignature, "bad-signature", 401), (.staleTime, "stale-time", 401),
        (.restarting, "restarting", 503), (.replayedNonce, "replayed-nonce", 401), (.stopping, "stopping", 503),
        (.malformed, "malformed", 400), (.notRouted, "not-routed", 403), (.refused, "refused", 409), (.internal, "internal", 500),
    ]

    @Test func everyReasonHasItsWordAndStatus() {
        for (reason, word, status) in Self.reasons {
            let error = ServerError(reason, "What was wrong; what to do.")
            #expect(error.reason.rawValue == word && "\(error.reason)" == word)
            #expect(error.status == status, "\(word)")
            #expect(error.wire == ErrorWire(error: "What was wrong; what to do.", reason: word))
            #expect("\(error)" == "What was wrong; what to do.")
        }
        #expect(Set(Self.reasons.map(\.0)).count == Self.reasons.count)
    }

    @Test func anEndpointMaySetItsOwnStatus() {
        // The office endpoint answers every failed authentication with 401, a restart included.
        let error = ServerError(.restarting, "Not yet.", status: 401)
        #expect(error.status == 401 && error.reason == .restarting)
        #expect(error.wire == ErrorWire(error: "Not yet.", reason: "restarting"))
    }

    @Test func anInternalFailureSaysNothingOfItsCause() {
        #expect(ServerError.internal.status == 500)
        #expect(ServerError.internal.wire == ErrorWire(error: "The server could not handle this request; nothing was written. Try again.",
                                                       reason: "internal"))
    }

    /// The authenticator's lines, as kiosks have always received them.
    @Test func theAuthenticatorsLinesAreUnchanged() throws {
        let gone = Ed25519.SigningKey.generate()
        let auth = DeviceAuthenticator(registry: { $0 == gone.publicKey.rawRepresentation ? .revoked(name: "hall-2") : .unknown },
                                       nowMs: { DeviceAuthenticatorTests.nowMs })
        func refusal(_ headers: [String: String]) -> ServerError? {
            do throws(ServerError) {
                _ = try auth.authenticate(method: "GET", path: "/kiosk/v1/term", body: []) { name in headers[name] }
                return nil
            } catch {
                return error
            }
        }
        let unsigned = try #require(refusal([:]))
        #expect(unsigned.status == 401 && unsigned.message
            == "This request is not signed: a kiosk signs every request with its device key (headers Perennial-Device, -Time, -Nonce, -Signature).")
        let signed = try KioskAPI.headers(method: "GET", path: "/kiosk/v1/term", body: [], device: gone, timeMs: DeviceAuthenticatorTests.nowMs)
        let revoked = try #require(refusal(signed))
        #expect(revoked.status == 403 && revoked.reason == .revokedDevice && revoked.message
            == "This device (\"hall-2\") was revoked by the officer; it may no longer submit. Ask the officer for a newly enrolled device.")
    }
}
