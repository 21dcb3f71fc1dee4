import CivicCrypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends signed kiosk requests to `perennial serve` (see ``KioskAPI``) and decodes the answers.
///
/// Every call is safe to repeat (reads, and submissions the server makes idempotent), so a call
/// whose reply is lost (connection refused or reset, time-out, 503 while the server restarts) is
/// signed afresh and sent again, up to ``attempts`` times, before it fails.
public final class KioskClient: @unchecked Sendable {
    public let server: URL
    private let device: Ed25519.SigningKey
    private let session: URLSession
    /// Tries per call (1 = no retry).
    public var attempts: Int
    /// Pause before the n-th retry: `retryPause * n` seconds.
    public var retryPause: Double

    public init(server: URL, device: Ed25519.SigningKey, attempts: Int = 5, retryPause: Double = 0.5, timeoutSeconds: Double = 30) {
        self.server = server
        self.device = device
        self.attempts = max(1, attempts)
        self.retryPause = retryPause
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        configuration.httpMaximumConnectionsPerHost = 2
        session = URLSession(configuration: configuration)
    }

    /// `GET path`, decoded.
    public func get<T: Decodable>(_ path: String, as type: T.Type = T.self) throws(RemoteError) -> T {
        try call("GET", path, body: [], as: type)
    }

    /// `POST path` with `body` as JSON, decoded.
    public func post<T: Decodable>(_ path: String, _ body: some Encodable, as type: T.Type = T.self) throws(RemoteError) -> T {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(body)) } catch { throw .unreachable("the request could not be encoded") }
        return try call("POST", path, body: bytes, as: type)
    }

    private func call<T: Decodable>(_ method: String, _ path: String, body: [UInt8], as type: T.Type) throws(RemoteError) -> T {
        var lastProblem = RemoteError.unreachable("no answer")
        for attempt in 1...attempts {
            if attempt > 1 { Thread.sleep(forTimeInterval: retryPause * Double(attempt - 1)) }
            let answer: (Int, Data)
            do {
                answer = try send(method, path, body: body)
            } catch {
                lastProblem = error
                continue
            }
            let (status, data) = answer
            switch status {
            case 200:
                guard let value = try? JSONDecoder().decode(T.self, from: data) else {
                    throw .unreachable("the server's answer to \(path) could not be read")
                }
                return value
            case 422:
                guard let refusal = try? JSONDecoder().decode(RefusalWire.self, from: data) else {
                    throw .unreachable("the server's refusal could not be read")
                }
                throw .refused(refusal)
            case 502, 503, 504:
                lastProblem = .unreachable("HTTP \(status)")
                continue
            default:
                let wire = (try? JSONDecoder().decode(ErrorWire.self, from: data))
                    ?? ErrorWire(error: String(decoding: data.prefix(200), as: UTF8.self), reason: "http-\(status)")
                throw .rejected(status: status, wire)
            }
        }
        throw lastProblem
    }

    /// One signed request; the status and body, or (as `.unreachable`) what kept it from an answer.
    private func send(_ method: String, _ path: String, body: [UInt8]) throws(RemoteError) -> (Int, Data) {
        guard let url = URL(string: path, relativeTo: server) else { throw .unreachable("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        let headers: [String: String]
        do { headers = try KioskAPI.headers(method: method, path: path, body: body, device: device) } catch { throw .unreachable("\(error)") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if method != "GET" {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        final class Box: @unchecked Sendable { var result: Result<(Int, Data), RemoteError> = .failure(.unreachable("no answer")) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(.unreachable(error.localizedDescription))
            } else if let http = response as? HTTPURLResponse {
                box.result = .success((http.statusCode, data ?? Data()))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return try box.result.get()
    }
}
