import CivicLog
import Foundation

/// What the public pages say beyond the record itself.
public struct BoardOptions: Sendable {
    /// Whom a citizen reports a missing ballot to, in French and in English.
    public var contactFR: String
    public var contactEN: String
    /// The last line of an audit report to show beside the result (e.g. `perennial-audit`'s verdict).
    public var auditVerdict: String?

    public init(contactFR: String = "la mairie (bureau des élections)", contactEN: String = "the city's election office",
                auditVerdict: String? = nil) {
        self.contactFR = contactFR
        self.contactEN = contactEN
        self.auditVerdict = auditVerdict
    }
}

/// The public bulletin board (SPEC §2.7, §2.8): a function from a request path to bytes, for any
/// HTTP server to serve, and the same tree written to disk for any static host or CDN.
///
/// Resources (paths relative to the board's prefix):
/// - `checkpoint` — the latest signed checkpoint (mutable, `text/plain; charset=utf-8`);
/// - `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]` — C2SP tiles and entry bundles of the
///   published tree (full ones immutable, but for bundles holding a comment), the slot of a comment
///   hidden by moderation redacted (``Redactions``);
/// - `manifest.json`, `checkpoints.jsonl` — the record's manifest and checkpoint history (SPEC §1);
/// - `trackers/<XX>.json` — the tracker index shard of codes starting with `XX` (SPEC §2.8);
/// - `index.html` (also the empty path), `check.html`, `assets/…` — the public pages.
public final class PublicBoard: @unchecked Sendable {
    public let store: LogStore
    public let options: BoardOptions
    private let lock = NSLock()
    private var state = BoardState()
    private var statusCache: (size: UInt64, html: [UInt8])?

    public init(store: LogStore, options: BoardOptions = BoardOptions()) {
        self.store = store
        self.options = options
    }

    /// The resource at `path` (a leading `/` and a query string are ignored), or nil for "not found".
    /// - Throws: ``LogError`` if the log cannot be read.
    public func resource(path rawPath: String) throws -> BoardResource? {
        var path = rawPath
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        while path.hasPrefix("/") { path.removeFirst() }
        switch path {
        case "checkpoint":
            return try store.checkpointNote().map { BoardResource(bytes: Array($0.utf8), contentType: BoardResource.plainText, immutable: false) }
        case "manifest.json":
            return BoardResource(bytes: Array(try store.recordManifestText().utf8), contentType: "application/json", immutable: false)
        case "checkpoints.jsonl":
            return BoardResource(bytes: Array(try store.checkpointsText().utf8), contentType: "application/x-ndjson", immutable: false)
        case "", "index.html":
            return html(try statusPage())
        case "check.html":
            let (s, _) = try refreshed()
            return html(Array(BoardPages.checkPage(
                verifierKey: s.term?.logKey ?? SignedCheckpoint.verifierKey(origin: store.origin, publicKey: store.logKey),
                timeZone: s.term?.timeZone ?? "UTC", contactFR: options.contactFR, contactEN: options.contactEN).utf8))
        case "assets/style.css":
            return BoardResource(bytes: Array(BoardPages.css.utf8), contentType: "text/css; charset=utf-8", immutable: false)
        case "assets/check.js":
            return BoardResource(bytes: Array(BoardScript.checkJS.utf8), contentType: "text/javascript; charset=utf-8", immutable: false)
        case "assets/nacl.min.js":
            return BoardResource(bytes: Array(BoardNaCl.script.utf8), contentType: "text/javascript; charset=utf-8", immutable: false)
        default:
            break
        }
        if path.hasPrefix("tile/") {
            guard let name = TileName.parse(path) else { return nil }
            // Bundles are cut from the tree the fold has reached, with that tree's redactions.
            let (s, _) = try refreshed()
            let redactions = s.redactions
            guard let bytes = try store.tile(name, publishedSize: s.size, redact: redactions.standIn) else { return nil }
            return BoardResource(bytes: bytes, contentType: BoardResource.octetStream, immutable: Self.immutable(name, redactions))
        }
        if path.hasPrefix("trackers/"), path.hasSuffix(".json") {
            let shard = String(path.dropFirst("trackers/".count).dropLast(".json".count))
            guard shard.count == 2, shard.allSatisfy({ PublicTrackingCode.alphabet.contains($0) }) else { return nil }
            let (s, _) = try refreshed()
            return BoardResource(bytes: Array(Self.trackerShard(s, shard: shard).utf8), contentType: "application/json", immutable: false)
        }
        return nil
    }

    /// Writes the whole board under `directory`: the tiles and record files (``LogStore/exportTiles(to:)``),
    /// the pages, their assets and every non-empty tracker shard.
    /// - Returns: the number of files written.
    @discardableResult
    public func export(to directory: URL) throws -> Int {
        let redactions = try refreshed().0.redactions
        var count = try store.exportTiles(to: directory, redact: redactions.standIn) + 4
        for path in ["index.html", "check.html", "assets/style.css", "assets/check.js", "assets/nacl.min.js"] {
            guard let r = try resource(path: path) else { continue }
            try write(r.bytes, directory.appendingPathComponent(path))
            count += 1
        }
        let (s, _) = try refreshed()
        for shard in s.shards.keys {
            try write(Array(Self.trackerShard(s, shard: shard).utf8), directory.appendingPathComponent("trackers/\(shard).json"))
            count += 1
        }
        return count
    }

    /// Full tiles never change. A full entry bundle never changes either unless it holds a comment:
    /// hiding that comment (or showing it again) rewrites its slot (SPEC §2.7), so such a bundle is
    /// served `no-cache` for caches to revalidate and drop the hidden text.
    static func immutable(_ name: TileName, _ redactions: Redactions) -> Bool {
        guard name.isFull else { return false }
        guard case .entries = name.kind else { return true }
        let first = name.index * UInt64(TileName.fullWidth)
        return !redactions.holdsComment(in: first..<first + UInt64(name.width))
    }

    private func write(_ bytes: [UInt8], _ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw NodeError("Could not write \(url.path). Check disk space and permissions, then export again.")
        }
    }

    private func html(_ bytes: [UInt8]) -> BoardResource {
        BoardResource(bytes: bytes, contentType: "text/html; charset=utf-8", immutable: false)
    }

    /// The fold advanced to the latest checkpoint (only published entries are shown).
    private func refreshed() throws -> (BoardState, SignedCheckpoint?) {
        let checkpoint = try store.latestCheckpoint()
        return try lock.withLock {
            try state.advance(store: store, upTo: checkpoint?.size ?? 0)
            return (state, checkpoint)
        }
    }

    private func statusPage() throws -> [UInt8] {
        let (s, checkpoint) = try refreshed()
        return lock.withLock {
            if let cached = statusCache, cached.size == s.size { return cached.html }
            let html = Array(StatusPage.render(s, checkpoint: checkpoint, auditVerdict: options.auditVerdict).utf8)
            statusCache = (s.size, html)
            return html
        }
    }

    /// `{"size":N,"ballots":[{"code":"…","entry":i,"state":"counts"|"replaced"|"challenged","by":j|null},…]}`
    static func trackerShard(_ s: BoardState, shard: String) -> String {
        let items = (s.shards[shard] ?? []).map { s.tracked[$0] }.map {
            #"{"code":"\#($0.code)","entry":\#($0.entry),"state":"\#($0.state.rawValue)","by":\#($0.by.map(String.init) ?? "null")}"#
        }
        return #"{"size":\#(s.size),"ballots":["# + items.joined(separator: ",") + "]}\n"
    }
}
