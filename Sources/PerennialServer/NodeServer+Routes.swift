import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Perennial
import PerennialRemote

/// The routes: `/health`, `/metrics`, the kiosk API (``KioskAPI``), and the public record.
extension NodeServer {
    static let maxBody = 1 << 20

    func routes(_ router: Router<BasicRequestContext>) {
        officeRoutes(router)
        router.get("/health") { _, _ in try await self.health() }
        router.get("/metrics") { _, _ in
            let store = self.node.store
            self.metrics.logSize((try? await self.reader.run { try store.size() }) ?? 0)
            return Self.response(200, Array(self.metrics.text().utf8), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        // The public board (PublicBoard): checkpoint, tiles, manifest, tracker index, pages.
        router.get("/") { request, _ in await self.board(request) }
        router.get("/**") { request, _ in await self.board(request) }
        router.get(RouterPath(KioskAPI.Path.term)) { request, _ in
            await self.kiosk("term", request) { _, _ in try await self.worker.run {
                let info = self.node.locked {
                    TermInfo(title: self.desk.termTitle, term: self.node.election?.setup?.term ?? "", record: self.node.origin,
                             windowDays: self.desk.windowDays, logKey: Hex.encode(self.node.store.logKey))
                }
                return .ok(info)
            } }
        }
        router.post(RouterPath(KioskAPI.Path.voter)) { request, _ in
            await self.kiosk("voter", request) { body, _ in try await self.worker.run {
                guard let ask = try? JSONDecoder().decode(VoterRequest.self, from: Data(body)),
                      let credential = try? Hex.decode(ask.credential, what: "credential"), credential.count == 32 else {
                    return .malformed("The body must be {\"credential\": 64 hex digits}.")
                }
                do throws(NodeError) {
                    let voter = try self.desk.lookUp(credential: credential)
                    let context = try self.desk.ballotContext()
                    return .ok(VoterInfo(voter, context: context))
                } catch {
                    let refusal = error.refusal ?? .technical
                    return .refused(refusal, reason: error.kioskReason ?? RefusalWire(refusal).refusal)
                }
            } }
        }
        router.post(RouterPath(KioskAPI.Path.ballots)) { request, _ in
            await self.kiosk("ballots", request, appends: true) { body, device in
                try await self.append(body, kind: .ballotCast, device: device.name) { submission, tracker in
                    CastReceipt(index: submission.index, duplicate: submission.duplicate,
                                receipt: try self.desk.receipt(index: submission.index, tracker: tracker).json(), replaced: submission.replaced)
                }
            }
        }
        router.post(RouterPath(KioskAPI.Path.challenges)) { request, _ in
            await self.kiosk("challenges", request, appends: true) { body, device in
                // A challenged ballot is signed by the kiosk's device key (SPEC §4.7): by this very device.
                if let wire = try? JSONDecoder().decode(EnvelopeWire.self, from: Data(body)), wire.author.lowercased() != device.keyHex {
                    return .refused(.technical, reason: "not-this-device")
                }
                return try await self.append(body, kind: .ballotSpoil, device: device.name) { submission, _ in
                    ChallengeReceipt(index: submission.index, duplicate: submission.duplicate)
                }
            }
        }
    }

    // MARK: Health

    func health() async throws -> Response {
        let node = self.node
        let size = (try? await reader.run { try node.store.size() }) ?? 0
        struct Health: Encodable { var status: String; var origin: String; var size: UInt64 }
        let stopping = gate.isClosed
        return Self.json(stopping ? 503 : 200, Health(status: stopping ? "stopping" : "ok", origin: node.origin, size: size))
    }

    // MARK: Public record

    /// Full tiles never change: cached for a year; everything else (checkpoint, partial tiles, full
    /// bundles holding a comment — hiding it redacts its slot —, manifest, pages, tracker shards)
    /// changes with the log: revalidated on every use.
    static let immutableCache = "public, max-age=31536000, immutable"
    static let mutableCache = "no-cache"

    func board(_ request: Request) async -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let board = self.board
        let path = request.uri.path
        let response: Response
        do {
            if let resource = try await reader.run({ try board.resource(path: path) }) {
                response = Self.response(200, resource.bytes, type: resource.contentType,
                                         headers: [.cacheControl: resource.immutable ? Self.immutableCache : Self.mutableCache])
            } else {
                response = Self.json(404, ErrorWire(error: "Nothing at \(path.prefix(80)) on this board.", reason: "not-found"))
            }
        } catch {
            logger.error("board read failed", metadata: ["path": "\(path.prefix(80))", "error": "\(error)"])
            response = Self.json(500, ErrorWire(error: "The board could not be read; try again.", reason: "internal"))
        }
        let route = path == "/checkpoint" ? "checkpoint" : path.hasPrefix("/tile/") ? "tile" : "board"
        metrics.request(route: route, status: Int(response.status.code), nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
        return response
    }

    // MARK: Kiosk requests

    /// What a kiosk handler answers.
    enum Outcome {
        case ok(any Encodable & Sendable)
        case refused(KioskRefusal, reason: String)
        case malformed(String)
    }

    /// Authenticates a kiosk request, runs `handle` (which does node work off the event loops: on the
    /// node's queue, or through the group commit), and answers, with a log line and metrics for each request.
    func kiosk(_ route: String, _ request: Request, appends: Bool = false,
               _ handle: @escaping @Sendable ([UInt8], Device) async throws -> Outcome) async -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var device = "-"
        let response: Response
        do {
            if appends && gate.isClosed {
                throw Failure(503, "stopping", "The server is stopping; nothing was written. Send the request again in a moment.")
            }
            let buffer = try await request.body.collect(upTo: Self.maxBody)
            let body = Array(buffer.readableBytesView)
            let path = request.uri.path
            let name: String
            let keyHex = request.headers[HTTPField.Name(KioskAPI.Header.device)!]?.lowercased() ?? ""
            do throws(DeviceAuthenticator.Rejection) {
                name = try authenticator.authenticate(method: request.method.rawValue, path: path, body: body) { header in
                    HTTPField.Name(header).flatMap { request.headers[$0] }
                }
            } catch {
                throw Failure(error.status, error.reason, error.message)
            }
            device = name
            let outcome = try await handle(body, Device(name: name, keyHex: keyHex))
            switch outcome {
            case .ok(let value):
                response = Self.json(200, value)
            case .refused(let refusal, let reason):
                metrics.refused(reason: reason)
                response = Self.json(422, RefusalWire(refusal, reason: reason))
            case .malformed(let message):
                throw Failure(400, "malformed", message)
            }
        } catch let failure as Failure {
            metrics.refused(reason: failure.reason)
            response = Self.json(failure.status, ErrorWire(error: failure.message, reason: failure.reason))
        } catch {
            metrics.refused(reason: "internal")
            logger.error("request failed", metadata: ["route": "\(route)", "error": "\(type(of: error))"])
            response = Self.json(500, ErrorWire(error: "The server could not handle this request; nothing was written. Try again.",
                                                reason: "internal"))
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        metrics.request(route: route, status: Int(response.status.code), nanoseconds: Int64(elapsed))
        logger.info("request", metadata: [
            "route": "\(route)", "status": "\(response.status.code)", "device": "\(device)",
            "ms": "\(String(format: "%.1f", Double(elapsed) / 1e6))",
        ])
        return response
    }

    /// The device that signed a request.
    struct Device: Sendable {
        var name: String
        var keyHex: String
    }

    struct Failure: Error {
        var status: Int
        var reason: String
        var message: String
        init(_ status: Int, _ reason: String, _ message: String) { self.status = status; self.reason = reason; self.message = message }
    }

    /// Appends (or finds) the envelope in `body` through the group commit, and answers with
    /// `answer(submission, tracker)` (run on the board's concurrent queue: a receipt only reads).
    func append(_ body: [UInt8], kind: EntryKind, device: String,
                answer: @escaping @Sendable (KioskDesk.Submission, String) throws -> any Encodable & Sendable) async throws -> Outcome {
        guard let wire = try? JSONDecoder().decode(EnvelopeWire.self, from: Data(body)), let envelope = try? wire.envelope() else {
            return .malformed("The body must be an entry envelope: {\"payload\": base64, \"author\": hex, \"signature\": hex}.")
        }
        let submission: KioskDesk.Submission
        switch await committer.submit(KioskDesk.Request(envelope, kind: kind)) {
        case .success(let done):
            submission = done
        case .failure(let error):
            if let detail = error.detail { logger.warning("refused", metadata: ["reason": "\(error.reason)", "detail": "\(detail)"]) }
            return .refused(error.refusal ?? .technical, reason: error.kioskReason ?? "internal")
        }
        if submission.duplicate {
            metrics.duplicate(kind: kind.rawValue)
        } else {
            metrics.appended(kind: kind.rawValue)
        }
        logger.info(submission.duplicate ? "resubmitted" : "appended",
                    metadata: ["kind": "\(kind.rawValue)", "index": "\(submission.index)", "device": "\(device)"])
        let tracker = Hex.encode(SHA256.hash(envelope.payload))
        return .ok(try await reader.run { try answer(submission, tracker) })
    }

    // MARK: Responses

    static func json(_ status: Int, _ value: any Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(value)).map(Array.init) ?? Array(#"{"error":"encoding","reason":"internal"}"#.utf8)
        return response(status, bytes, type: "application/json")
    }

    static func response(_ status: Int, _ bytes: [UInt8], type: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: type]
        headers.append(contentsOf: extra)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
