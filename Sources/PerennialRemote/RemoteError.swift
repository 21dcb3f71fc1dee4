import Foundation

/// The one error type of the PerennialRemote module: why talking to `perennial serve` failed.
///
/// Its ``message`` is one line saying what was wrong and what to do; it never contains a key or a
/// credential code. A refusal or rejection by the server also carries the server's answer
/// (``refusalWire``, ``errorWire`` with its HTTP ``status``), so a kiosk can word it for the voter.
public struct RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason. A struct over a private enum (as swift-nio does), so that a
    /// reason can be added without breaking a caller's `switch` (which therefore keeps a `default`).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreachable, rejected, refused, malformedEnvelope, serverAddress, deviceKey, deviceRefused
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The reason's stable name (e.g. `"rejected"`).
        public var rawValue: String { base.rawValue }
        public var description: String { base.rawValue }

        /// The server could not be reached, or answered nothing usable, after every try.
        public static let unreachable = Reason(.unreachable)
        /// The server refused the request itself (400, 401, 403, 404, 409, 503…): see ``RemoteError/errorWire``.
        public static let rejected = Reason(.rejected)
        /// The server refused what the voter asked (422): see ``RemoteError/refusalWire``, to say it to the voter.
        public static let refused = Reason(.refused)
        /// An envelope on the wire (``EnvelopeWire``) is not a valid entry envelope.
        public static let malformedEnvelope = Reason(.malformedEnvelope)
        /// The server's address (`--server`) is not a URL.
        public static let serverAddress = Reason(.serverAddress)
        /// The kiosk's device key file cannot be read.
        public static let deviceKey = Reason(.deviceKey)
        /// The server refuses this kiosk's device key (401 or 403 when connecting).
        public static let deviceRefused = Reason(.deviceRefused)
    }

    public let reason: Reason
    public let message: String
    /// For `.rejected` and `.deviceRefused`: the HTTP status of the server's answer; nil otherwise.
    public let status: Int?
    /// For `.rejected` and `.deviceRefused`: the server's error answer; nil otherwise.
    public let errorWire: ErrorWire?
    /// For `.refused`: the refusal the voter reads; nil otherwise.
    public let refusalWire: RefusalWire?
    /// For `.unreachable`: what kept the request from an answer (the transport's problem, or the last
    /// HTTP status); nil otherwise.
    public let problem: String?

    public init(_ reason: Reason, _ message: String) {
        self.init(reason, message, status: nil, errorWire: nil, refusalWire: nil, problem: nil)
    }

    private init(_ reason: Reason, _ message: String, status: Int? = nil, errorWire: ErrorWire? = nil,
                 refusalWire: RefusalWire? = nil, problem: String? = nil) {
        self.reason = reason
        self.message = message
        self.status = status
        self.errorWire = errorWire
        self.refusalWire = refusalWire
        self.problem = problem
    }

    public var description: String { message }

    /// The server could not be reached (`why`: the transport's problem, or the last HTTP status).
    public static func unreachable(_ why: String) -> RemoteError {
        RemoteError(.unreachable, "the server could not be reached (\(why))", problem: why)
    }

    /// The server refused the request itself with HTTP `status`.
    public static func rejected(status: Int, _ wire: ErrorWire) -> RemoteError {
        RemoteError(.rejected, "the server refused the request (HTTP \(status), \(wire.reason)): \(wire.error)",
                    status: status, errorWire: wire)
    }

    /// The server refused what the voter asked (HTTP 422).
    public static func refused(_ wire: RefusalWire) -> RemoteError {
        RemoteError(.refused, "refused: \(wire.refusal)", refusalWire: wire)
    }

    /// The server `server` refuses this kiosk's device: `rejection` is the server's answer (401 or 403).
    static func deviceRefused(server: String, _ rejection: RemoteError) -> RemoteError {
        RemoteError(.deviceRefused, "The server \(server) refuses this kiosk: \(rejection.errorWire?.error ?? rejection.message)",
                    status: rejection.status, errorWire: rejection.errorWire)
    }

    /// The same failure, said in `message` (e.g. with the server's address and what to do); the
    /// reason and the server's answer are kept.
    func reworded(_ message: String) -> RemoteError {
        RemoteError(reason, message, status: status, errorWire: errorWire, refusalWire: refusalWire, problem: problem)
    }
}
