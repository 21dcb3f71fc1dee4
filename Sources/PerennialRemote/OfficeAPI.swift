import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// The officer's endpoint of `perennial serve`: while the server holds the node's writer lock, the
/// clerk commands a running term needs (``routedKinds``) build and sign their entries on the server
/// machine as always, then hand them to the server, which appends them through its node (the node
/// checks every author's role as always).
///
/// `POST /office/v1/entries` with ``OfficeEntries``, signed like a kiosk request (``KioskAPI``)
/// but with the **officer's** key (`keys/officer.key`, named in `term.setup`) in `Perennial-Device`:
/// time within the replay window, nonce never seen. Answers: 200 ``OfficeAppended``; 401 an
/// unsigned request or another key; 403 an entry of a kind the server does not take (that command
/// needs the server stopped); 409 the node refused an entry (``ErrorWire/error`` is its one-line
/// reason; nothing was written); 503 the server is stopping.
public enum OfficeAPI {
    public static let path = "/office/v1/entries"

    /// The entries the server appends for clerks while it runs: the roll, kiosk devices, contests.
    /// Everything else (term close, tally, trustees…) needs the server stopped.
    public static let routedKinds: Set<String> = [
        EntryKind.rollEnrol, .rollUpdate, .rollReplace, .kioskEnrol, .kioskRevoke, .contestVersion,
    ].reduce(into: []) { $0.insert($1.rawValue) }
}

/// The body of `POST /office/v1/entries`: envelopes to append in one transaction, in this order.
public struct OfficeEntries: Codable, Sendable {
    public var entries: [EnvelopeWire]
    public init(entries: [EnvelopeWire]) { self.entries = entries }
}

/// The answer: the index of each entry appended.
public struct OfficeAppended: Codable, Sendable {
    public var indices: [UInt64]
    public init(indices: [UInt64]) { self.indices = indices }
}

/// Sends signed entries to the running server's officer endpoint (the clerk's side).
public enum OfficeClient {
    /// Appends `envelopes` through the server listening on `listen` (as recorded in its lock file).
    /// Sent once, never retried (an officer entry is not idempotent: a retry would be refused).
    /// - Throws: ``NodeError`` with the server's one-line reason, saying nothing was written when so.
    public static func submit(_ envelopes: [EntryEnvelope], listen: String, officer: Ed25519.SigningKey) throws -> [UInt64] {
        guard let server = URL(string: "http://\(loopback(listen))") else {
            throw NodeError("The running server's address (\(listen)) in serve.lock cannot be used; nothing was written.")
        }
        let client = KioskClient(server: server, device: officer, attempts: 1)
        do {
            let body = OfficeEntries(entries: envelopes.map(EnvelopeWire.init))
            return try client.post(OfficeAPI.path, body, as: OfficeAppended.self).indices
        } catch {
            if let wire = error.errorWire { throw NodeError(wire.error) }
            if let wire = error.refusalWire { throw NodeError("The server refused: \(wire.refusal); nothing was written.") }
            throw NodeError("The running server (\(listen)) could not be reached (\(error.problem ?? error.message)); the entry may or may not be written: check with `perennial term status` before trying again.")
        }
    }

    /// A server listening on every address is reached on loopback (the clerk runs on its machine).
    static func loopback(_ listen: String) -> String {
        if listen.hasPrefix("0.0.0.0:") { return "127.0.0.1:" + listen.dropFirst(8) }
        if listen.hasPrefix("[::]:") { return "[::1]:" + listen.dropFirst(5) }
        return listen
    }
}
