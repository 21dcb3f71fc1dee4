import CivicCrypto
import Foundation

/// The kiosk API of `perennial serve` (README "Kiosks over the network"; the same text is the
/// reference for anyone writing another kiosk).
///
/// **Signed requests.** Every request a kiosk sends carries four headers:
///
/// | header                | value                                                              |
/// |-----------------------|--------------------------------------------------------------------|
/// | `Perennial-Device`    | the device's Ed25519 public key, 64 lowercase hex digits          |
/// | `Perennial-Time`      | the kiosk's clock, Unix time in milliseconds (decimal)            |
/// | `Perennial-Nonce`     | 16 random bytes, 32 lowercase hex digits, never reused            |
/// | `Perennial-Signature` | Ed25519 signature (128 lowercase hex digits) of the signing input |
///
/// The signing input is the UTF-8 text
/// `perennial-kiosk-request-v1\n<METHOD>\n<path>\n<time>\n<nonce>\n<hex SHA-256 of the body>`
/// (the path as sent, with its query if any; an empty body hashes as the empty string).
///
/// The server refuses (401) a request whose device is not enrolled, whose signature does not
/// verify, whose time is more than ``replayWindowMs`` away from the server's clock, or whose
/// nonce it has already seen from that device within twice that window; and (403) a device that
/// was revoked. Ballots are signed by the voter's credential besides (the log entry's envelope),
/// so a device key alone can never cast a vote.
public enum KioskAPI {
    public static let signingContext = "perennial-kiosk-request-v1"
    /// How far a request's time may be from the server's clock (either way).
    public static let replayWindowMs: UInt64 = 120_000

    public enum Header {
        public static let device = "Perennial-Device"
        public static let time = "Perennial-Time"
        public static let nonce = "Perennial-Nonce"
        public static let signature = "Perennial-Signature"
    }

    public enum Path {
        /// GET: the term's title, id, record and window length (``TermInfo``).
        public static let term = "/kiosk/v1/term"
        /// POST ``VoterRequest``: the voter's open window and ballot context (``VoterInfo``).
        public static let voter = "/kiosk/v1/voter"
        /// POST ``EnvelopeWire`` of a `ballot.cast`: append it (idempotent) and return ``CastReceipt``.
        public static let ballots = "/kiosk/v1/ballots"
        /// POST ``EnvelopeWire`` of a `ballot.spoil`: append it (idempotent) and return ``ChallengeReceipt``.
        public static let challenges = "/kiosk/v1/challenges"
    }

    /// The bytes a device signs for one request.
    public static func signingInput(method: String, path: String, timeMs: UInt64, nonce: String, body: [UInt8]) -> [UInt8] {
        let text = [signingContext, method.uppercased(), path, String(timeMs), nonce, Hex.encode(SHA256.hash(body))].joined(separator: "\n")
        return Array(text.utf8)
    }

    /// The four headers of a request signed by `device`.
    public static func headers(method: String, path: String, body: [UInt8], device: Ed25519.SigningKey,
                               timeMs: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) throws -> [String: String] {
        let nonce = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
        let signature = try device.signature(for: signingInput(method: method, path: path, timeMs: timeMs, nonce: nonce, body: body))
        return [
            Header.device: Hex.encode(device.publicKey.rawRepresentation),
            Header.time: String(timeMs),
            Header.nonce: nonce,
            Header.signature: Hex.encode(signature),
        ]
    }
}
