import PerennialRemote

/// The one error type of the PerennialServer module: why `perennial serve` refused a request.
///
/// The server answers it as an ``ErrorWire`` (``wire``) with HTTP ``status``: the message is one
/// line for the kiosk or the clerk saying what was wrong and what to do (never a key or a nonce's
/// secret), the reason a stable machine word for the kiosk, metrics and logs.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason, as written in the answer's `reason` (e.g. `"unknown-device"`).
    /// A struct over a private enum (as swift-nio does), so that a reason can be added without
    /// breaking a caller's `switch` (which therefore keeps a `default`).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unsigned
            case malformedDevice = "malformed-device"
            case malformedSignature = "malformed-signature"
            case unknownDevice = "unknown-device"
            case revokedDevice = "revoked-device"
            case badSignature = "bad-signature"
            case staleTime = "stale-time"
            case restarting
            case replayedNonce = "replayed-nonce"
            case stopping, malformed
            case notRouted = "not-routed"
            case refused
            case `internal`
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The reason's stable name, as written in the answer (e.g. `"replayed-nonce"`).
        public var rawValue: String { base.rawValue }
        public var description: String { base.rawValue }

        /// The request carries no device signature headers (401).
        public static let unsigned = Reason(.unsigned)
        /// `Perennial-Device` is not an Ed25519 public key in hex (401).
        public static let malformedDevice = Reason(.malformedDevice)
        /// `Perennial-Time`, `-Nonce` or `-Signature` does not have its form (401).
        public static let malformedSignature = Reason(.malformedSignature)
        /// The device key is not enrolled (for the office endpoint: not the officer's key) (401).
        public static let unknownDevice = Reason(.unknownDevice)
        /// The device was revoked by the officer (403).
        public static let revokedDevice = Reason(.revokedDevice)
        /// The signature does not verify with the device key (401).
        public static let badSignature = Reason(.badSignature)
        /// The request's time is outside the replay window around the server's clock (401).
        public static let staleTime = Reason(.staleTime)
        /// After a machine crash the server cannot yet tell a replay from a new request (503).
        public static let restarting = Reason(.restarting)
        /// The nonce was already used (401).
        public static let replayedNonce = Reason(.replayedNonce)
        /// The server is shutting down and accepts no new append (503).
        public static let stopping = Reason(.stopping)
        /// The body does not have the documented form (400).
        public static let malformed = Reason(.malformed)
        /// The office endpoint does not append this kind while the server runs (403).
        public static let notRouted = Reason(.notRouted)
        /// The node refused an office entry (409).
        public static let refused = Reason(.refused)
        /// The server failed on its own side (500).
        public static let `internal` = Reason(.internal)

        /// The HTTP status the server answers with for this reason.
        public var status: Int {
            switch base {
            case .unsigned, .malformedDevice, .malformedSignature, .unknownDevice, .badSignature, .staleTime, .replayedNonce: 401
            case .revokedDevice, .notRouted: 403
            case .restarting, .stopping: 503
            case .malformed: 400
            case .refused: 409
            case .internal: 500
            }
        }
    }

    public let reason: Reason
    public let message: String
    /// The HTTP status of the answer: the reason's own (``Reason/status``) unless the endpoint says
    /// otherwise (the office endpoint answers every failed authentication with 401).
    public let status: Int

    public init(_ reason: Reason, _ message: String, status: Int? = nil) {
        self.reason = reason
        self.message = message
        self.status = status ?? reason.status
    }

    public var description: String { message }

    /// The answer's body.
    public var wire: ErrorWire { ErrorWire(error: message, reason: reason.rawValue) }

    /// The server failed on its own side: nothing was written (the cause goes to the server's log only).
    static let `internal` = ServerError(.internal, "The server could not handle this request; nothing was written. Try again.")
}
