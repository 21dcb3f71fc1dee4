import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A bulletin board read over HTTP(S) (SPEC.md §2.7): GETs of paths under one URL prefix.
public struct HTTPSource: Sendable {
    public let base: URL

    /// - Throws: ``AuditError`` (unreadable) unless `text` is an `http` or `https` URL.
    public init(_ text: String) throws(AuditError) {
        guard let url = URL(string: text.hasSuffix("/") ? text : text + "/"),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw .unreadable("\(text) is not an http:// or https:// URL of a bulletin board")
        }
        base = url
    }

    /// True if `text` looks like a URL rather than a directory.
    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    private final class Outcome: @unchecked Sendable {
        var data: Data?
        var status = 0
        var error: String?
    }

    /// The body of `path`, or nil when the board answers 404 (not found).
    /// - Throws: ``AuditError`` (unreadable) on any other status or a network failure.
    public func get(_ path: String) throws(AuditError) -> [UInt8]? {
        guard let url = URL(string: path, relativeTo: base) else { throw .unreadable("bad board path \(path)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 60)
        request.setValue("gzip, identity", forHTTPHeaderField: "Accept-Encoding")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.data = data
            outcome.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            outcome.error = error.map { "\($0.localizedDescription)" }
            done.signal()
        }
        task.resume()
        done.wait()
        if let error = outcome.error { throw .unreadable("cannot fetch \(url.absoluteString): \(error)") }
        if outcome.status == 404 { return nil }
        guard outcome.status == 200, let data = outcome.data else {
            throw .unreadable("cannot fetch \(url.absoluteString): HTTP status \(outcome.status)")
        }
        return Array(data)
    }

    /// Like ``get(_:)`` but a missing resource is an error naming it.
    public func require(_ path: String) throws(AuditError) -> [UInt8] {
        guard let bytes = try get(path) else {
            throw .unreadable("\(URL(string: path, relativeTo: base)?.absoluteString ?? path) is missing (HTTP 404)")
        }
        return bytes
    }
}
