import CivicCrypto
import Foundation
import PerennialRemote

/// Whether a device key may use the kiosk API.
public enum DeviceStatus: Sendable, Equatable {
    case active(name: String)
    case revoked(name: String)
    case unknown
}

/// Checks the signed headers of a kiosk request (``KioskAPI``): enrolled device, valid signature,
/// time within the replay window, nonce never seen.
public final class DeviceAuthenticator: @unchecked Sendable {
    /// The enrolment status of a device key (read from the log).
    public typealias Registry = @Sendable ([UInt8]) -> DeviceStatus

    private let registry: Registry
    private let nowMs: @Sendable () -> UInt64
    /// Nonces seen, with the request time, per device; forgotten after twice the replay window.
    /// The server's is kept on disk, so a restart forgets none (``NonceJournal``).
    private let nonces: NonceJournal

    public init(registry: @escaping Registry, nonces: NonceJournal = NonceJournal(),
                nowMs: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }) {
        self.registry = registry
        self.nonces = nonces
        self.nowMs = nowMs
    }

    /// The device name, or why the request is refused (401, 403 or 503, see ``ServerError/Reason``).
    /// - Parameter header: reads a request header by name (case-insensitive).
    public func authenticate(method: String, path: String, body: [UInt8], header: (String) -> String?) throws(ServerError) -> String {
        guard let deviceHex = header(KioskAPI.Header.device), let timeText = header(KioskAPI.Header.time),
              let nonce = header(KioskAPI.Header.nonce), let signatureHex = header(KioskAPI.Header.signature) else {
            throw ServerError(.unsigned, "This request is not signed: a kiosk signs every request with its device key (headers Perennial-Device, -Time, -Nonce, -Signature).")
        }
        guard let device = try? Hex.decode(deviceHex, what: "device"), device.count == 32,
              let key = try? Ed25519.PublicKey(rawRepresentation: device) else {
            throw ServerError(.malformedDevice, "Perennial-Device must be the device's Ed25519 public key in 64 hex digits.")
        }
        guard let timeMs = UInt64(timeText), nonce.count == 32, nonce.allSatisfy(\.isHexDigit),
              let signature = try? Hex.decode(signatureHex, what: "signature"), signature.count == 64 else {
            throw ServerError(.malformedSignature, "Perennial-Time, -Nonce or -Signature is malformed (milliseconds, 32 hex digits, 128 hex digits).")
        }
        let name: String
        switch registry(device) {
        case .unknown:
            throw ServerError(.unknownDevice, "This device (\(deviceHex.prefix(16))…) is not enrolled in this term. Ask the officer to enrol it (perennial kiosk enrol).")
        case .revoked(let revoked):
            throw ServerError(.revokedDevice, "This device (\"\(revoked)\") was revoked by the officer; it may no longer submit. Ask the officer for a newly enrolled device.")
        case .active(let active):
            name = active
        }
        let input = KioskAPI.signingInput(method: method, path: path, timeMs: timeMs, nonce: nonce.lowercased(), body: body)
        guard key.isValidSignature(signature, for: input) else {
            throw ServerError(.badSignature, "The request's signature does not verify with the device key (method, path, time, nonce and body hash are signed).")
        }
        let now = nowMs()
        let window = KioskAPI.replayWindowMs
        guard timeMs + window >= now, timeMs <= now + window else {
            throw ServerError(.staleTime, "The request's time is more than \(window / 1000) s away from the server's clock: set the kiosk's clock right.")
        }
        guard timeMs >= nonces.notBeforeMs else {
            throw ServerError(.restarting, "The server restarted after a machine crash and cannot yet tell a replayed request from a new one; send it again in a moment (signed afresh).")
        }
        guard nonces.record(deviceHex.lowercased() + nonce.lowercased(), timeMs: timeMs, nowMs: now) else {
            throw ServerError(.replayedNonce, "This request was already received (same nonce): a kiosk signs each request afresh.")
        }
        return name
    }
}
