import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import HTTPTypes
import Hummingbird
import Perennial
import PerennialRemote

/// The officer's endpoint (``OfficeAPI``): clerk commands on the server machine hand their signed
/// entries to the running server, which appends them through its node (one transaction; the node
/// checks every author's role as always), so revoking a stolen kiosk needs no restart.
extension NodeServer {
    /// A roll import may be large (one envelope per citizen).
    static let maxOfficeBody = 64 << 20

    func officeRoutes(_ router: Router<BasicRequestContext>) {
        router.post(RouterPath(OfficeAPI.path)) { request, _ in await self.office(request) }
    }

    /// The officer's key as `term.setup` names it: the only key that may sign office requests.
    static func officerRegistry(node: Node) -> DeviceAuthenticator.Registry {
        let officer = node.election?.setup.flatMap { try? Hex.decode($0.officer, what: "officer") }
        return { key in key == officer ? .active(name: "officer") : .unknown }
    }

    func office(_ request: Request) async -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            if gate.isClosed {
                throw ServerError(.stopping, "The server is stopping; nothing was written. Run the command again once it has stopped (or restarted).")
            }
            let body = Array(try await request.body.collect(upTo: Self.maxOfficeBody).readableBytesView)
            do throws(ServerError) {
                _ = try officeAuthenticator.authenticate(method: request.method.rawValue, path: request.uri.path, body: body) { header in
                    HTTPField.Name(header).flatMap { request.headers[$0] }
                }
            } catch {
                let message = error.reason == .unknownDevice
                    ? "This request is not signed by the term's officer key (keys/officer.key of this node); nothing was written."
                    : error.message
                throw ServerError(error.reason, message, status: 401)
            }
            guard let wire = try? JSONDecoder().decode(OfficeEntries.self, from: Data(body)), !wire.entries.isEmpty,
                  let envelopes = try? wire.entries.map({ try $0.envelope() }) else {
                throw ServerError(.malformed, "The body must be {\"entries\": [entry envelopes]}, at least one; nothing was written.")
            }
            for envelope in envelopes {
                let kind = (try? PayloadHeader.parse(envelope.payload))?.kind ?? "?"
                guard OfficeAPI.routedKinds.contains(kind) else {
                    throw ServerError(.notRouted, "The server appends only \(OfficeAPI.routedKinds.sorted().joined(separator: ", ")) for clerks; \(kind.prefix(40)) needs the server stopped (SIGTERM) first. Nothing was written.")
                }
            }
            let node = self.node
            let result: Result<[UInt64], ServerError> = try await worker.run {
                do {
                    return .success(try node.submit(batch: envelopes).map(\.index))
                } catch {
                    return .failure(ServerError(.refused, Self.oneLine(error)))
                }
            }
            let indices = try result.get()
            for envelope in envelopes {
                metrics.appended(kind: (try? PayloadHeader.parse(envelope.payload))?.kind ?? "?")
            }
            logger.info("office", metadata: ["entries": "\(indices.map(String.init).joined(separator: ","))"])
            response = Self.json(200, OfficeAppended(indices: indices))
        } catch let failure as ServerError {
            response = refusing(failure)
        } catch {
            response = refusing(.internal)
        }
        metrics.request(route: "office", status: Int(response.status.code),
                        nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
        return response
    }

    /// The node's refusal in one line, as the clerk's command would have said it.
    static func oneLine(_ error: any Error) -> String {
        switch error {
        case let e as ElectionError: e.message
        case let e as NodeError: e.message
        case let e as LogError: e.description
        default: "The server could not append the entries; nothing was written."
        }
    }
}
