/// The tree of one checkpoint read from C2SP tiles (SPEC.md §2.7), written from the tlog-tiles
/// text alone: tile paths, hashes of any range, consistency proofs, and the entries with their leaf
/// hashes checked against the level-0 tiles.
public final class TiledTree {
    public let source: HTTPSource
    /// The tree size (the checkpoint's).
    public let size: UInt64
    private var tiles: [String: [UInt8]] = [:]

    public init(source: HTTPSource, size: UInt64) {
        self.source = source
        self.size = size
    }

    /// `x001/x234/067` for 1234067.
    public static func encode(index: UInt64) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let g = String(n % 1000)
            groups.insert(String(repeating: "0", count: 3 - g.count) + g, at: 0)
            n /= 1000
        } while n > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
    }

    /// The path and width of tile `index` at `level` (nil: the entry bundle) in a tree of `size`:
    /// the full tile when the tree holds it, otherwise the partial one.
    public func tilePath(level: Int?, index: UInt64) throws(AuditError) -> (path: String, width: Int) {
        var items = size
        if let level { for _ in 0..<level { items /= 256 } }
        guard index * 256 < items else { throw .malformed("tile \(index) lies beyond the tree of size \(size)") }
        let width = Int(min(256, items - index * 256))
        let head = level.map { "tile/\($0)/" } ?? "tile/entries/"
        return (head + Self.encode(index: index) + (width == 256 ? "" : ".p/\(width)"), width)
    }

    /// The hashes of a tile (checked to be exactly `width` hashes).
    public func hashTile(level: Int, index: UInt64) throws(AuditError) -> [UInt8] {
        let (path, width) = try tilePath(level: level, index: index)
        if let t = tiles[path] { return t }
        let bytes = try source.require(path)
        guard bytes.count == 32 * width else {
            throw .malformed("\(path) has \(bytes.count) bytes, not \(width) hashes of 32")
        }
        tiles[path] = bytes
        return bytes
    }

    /// The hash of the perfect subtree of height `h` at position `k`.
    public func perfect(height h: Int, index k: UInt64) throws(AuditError) -> [UInt8] {
        let level = h / 8, r = h % 8
        let first = k << UInt64(r)
        let tile = try hashTile(level: level, index: first / 256)
        let at = Int(first % 256), count = 1 << r
        guard (at + count) * 32 <= tile.count else { throw .malformed("a tile is too short for the tree size \(size)") }
        var row = (0..<count).map { Array(tile[(at + $0) * 32..<(at + $0 + 1) * 32]) }
        while row.count > 1 { row = stride(from: 0, to: row.count, by: 2).map { Merkle.nodeHash(row[$0], row[$0 + 1]) } }
        return row[0]
    }

    /// `MTH(D[lo:hi])` (RFC 9162 §2.1.1), from the tiles.
    public func hash(_ lo: UInt64, _ hi: UInt64) throws(AuditError) -> [UInt8] {
        let n = hi - lo
        if n == 0 { return Merkle.emptyRoot }
        if n & (n - 1) == 0 && lo % n == 0 { return try perfect(height: n.trailingZeroBitCount, index: lo / n) }
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return Merkle.nodeHash(try hash(lo, lo + k), try hash(lo + k, hi))
    }

    /// The RFC 9162 §2.1.4.1 consistency proof from the tree of `m` leaves to this tree.
    public func consistencyProof(from m: UInt64) throws(AuditError) -> [[UInt8]] {
        try subproof(m, 0, size, true)
    }

    private func subproof(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ complete: Bool) throws(AuditError) -> [[UInt8]] {
        let n = hi - lo
        if m == n { return complete ? [] : [try hash(lo, hi)] }
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        if m <= k { return try subproof(m, lo, lo + k, complete) + [try hash(lo + k, hi)] }
        return try subproof(m - k, lo + k, hi, false) + [try hash(lo, lo + k)]
    }

    /// One entry as its bundle slot gives it: the leaf split into the fields of SPEC.md §2.2, or for
    /// a redacted slot (SPEC.md §2.7) the fields of a redacted line.
    public struct Leaf: Sendable {
        public let time: UInt64
        public let author: [UInt8]
        /// The author's signature; nil for a redacted slot.
        public let signature: [UInt8]?
        /// The leaf hash a redacted slot gives in place of its leaf (nil for a full leaf).
        public let redactedLeafHash: [UInt8]?
        /// The payload, or a redacted slot's stand-in.
        public let payload: [UInt8]

        /// The `entries.jsonl` line of SPEC.md §2.2 (with its newline): a redacted line for a redacted slot.
        public func line(index: UInt64) -> String {
            let middle = redactedLeafHash.map { "\"redacted\":\"\(Hex.encode($0))\"" } ?? "\"signature\":\"\(Hex.encode(signature ?? []))\""
            return "{\"index\":\(index),\"time\":\(time),\"author\":\"\(Hex.encode(author))\",\(middle),\"payload\":\"\(Base64.encode(payload))\"}\n"
        }
    }

    /// The entries `range` from their bundles; each leaf's hash (a redacted slot's given leaf hash)
    /// must equal the level-0 tile's.
    /// - Throws: ``AuditError`` (malformed) naming the entry whose bundle and tile disagree, or a
    ///   malformed slot.
    public func entries(_ range: Range<UInt64>, _ body: (UInt64, Leaf) throws(AuditError) -> Void) throws(AuditError) {
        var index = range.lowerBound
        while index < range.upperBound {
            let tileIndex = index / 256
            let (path, width) = try tilePath(level: nil, index: tileIndex)
            let bundle = try source.require(path)
            let hashes = try hashTile(level: 0, index: tileIndex)
            var offset = 0
            for position in 0..<width {
                let slot = try BundleSlot.read(bundle, at: &offset, path: path, position: position)
                let i = tileIndex * 256 + UInt64(position)
                guard i >= index, i < range.upperBound else { continue }
                let tileHash = Array(hashes[position * 32..<(position + 1) * 32])
                switch slot {
                case .leaf(let leaf):
                    guard Merkle.leafHash(leaf) == tileHash else {
                        throw .malformed("entry \(i): its leaf in \(path) does not hash to the level-0 tile's hash")
                    }
                    guard leaf.count >= 109, leaf[0] == 0x01 else { throw .malformed("entry \(i): its leaf is not of format version 1") }
                    guard BundleSlot.u32(leaf, 105) == leaf.count - 109 else { throw .malformed("entry \(i): its payload length does not match its leaf") }
                    try body(i, Leaf(time: BundleSlot.u64(leaf, 1), author: Array(leaf[9..<41]), signature: Array(leaf[41..<105]),
                                     redactedLeafHash: nil, payload: Array(leaf[109...])))
                case .redacted(let time, let author, let leafHash, let standIn):
                    guard leafHash == tileHash else {
                        throw .malformed("entry \(i): its redacted slot in \(path) gives a leaf hash that is not the level-0 tile's")
                    }
                    try body(i, Leaf(time: time, author: author, signature: nil, redactedLeafHash: leafHash, payload: standIn))
                }
            }
            guard offset == bundle.count else { throw .malformed("\(path) holds more than its \(width) entries") }
            index = (tileIndex + 1) * 256
        }
    }
}
