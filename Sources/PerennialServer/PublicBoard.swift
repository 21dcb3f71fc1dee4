import CivicLog
import Foundation
import Perennial

/// The public bulletin board, read-only, at the paths of C2SP tlog-tiles: `/checkpoint`,
/// `/tile/<L>/<N>[.p/<W>]` and `/tile/entries/<N>[.p/<W>]` (SPEC §2.7), so that any static host,
/// object store or CDN can mirror it. Anyone may read it: no device signature is needed.
///
/// Caching: full tiles never change (`immutable`, one year); the checkpoint changes with every
/// append (`no-cache`); partial tiles are replaced by wider ones (a short max-age).
struct PublicBoard: Sendable {
    let node: Node

    static let immutable = "public, max-age=31536000, immutable"
    static let partial = "public, max-age=60"
    static let noCache = "no-cache"

    /// The resource at `path` with its `Cache-Control`, or nil (404).
    func resource(at path: String) throws -> (BoardResource, cacheControl: String)? {
        if path == "/checkpoint" {
            guard let note = try node.store.checkpointNote() else { return nil }
            return (BoardResource(bytes: Array(note.utf8), contentType: BoardResource.plainText, immutable: false), Self.noCache)
        }
        if let name = TileName.parse(path), let bytes = try node.store.tile(name) {
            let resource = BoardResource(bytes: bytes, contentType: BoardResource.octetStream, immutable: name.isFull)
            return (resource, name.isFull ? Self.immutable : Self.partial)
        }
        return nil
    }
}
