// C2SP tlog-tiles resource names (https://c2sp.org/tlog-tiles), SPEC §2.7.
//
//   tile/<L>/<N>[.p/<W>]        L in 0…63, no leading zeros; N in x-prefixed 3-digit groups
//   tile/entries/<N>[.p/<W>]    W in 1…255 (a partial tile); full tiles have 256 items
//
// Paths are written without a leading slash; `parse` accepts exactly the canonical spelling.

/// One tile or entry bundle of a tiled log.
public struct TileName: Hashable, Sendable, CustomStringConvertible {
    /// Hashes per full tile (and entries per full bundle): 2^8.
    public static let fullWidth = 256
    /// Tree levels spanned by one tile.
    public static let height = 8

    /// A tile of hashes at `level` (0: leaf hashes), or an entry bundle.
    public enum Kind: Hashable, Sendable {
        case hashes(level: Int)
        case entries
    }

    public let kind: Kind
    /// The tile's index within its level.
    public let index: UInt64
    /// 1…256; 256 is a full tile (no `.p/<W>` suffix).
    public let width: Int

    public init(kind: Kind, index: UInt64, width: Int) {
        precondition((1...Self.fullWidth).contains(width))
        if case .hashes(let level) = kind { precondition((0...63).contains(level)) }
        self.kind = kind
        self.index = index
        self.width = width
    }

    public var isFull: Bool { width == Self.fullWidth }

    /// `tile/0/x001/234` or `tile/entries/005.p/17`.
    public var path: String {
        let head: String
        switch kind {
        case .hashes(let level): head = "tile/\(level)/"
        case .entries: head = "tile/entries/"
        }
        return head + Self.encode(index: index) + (isFull ? "" : ".p/\(width)")
    }

    public var description: String { path }

    /// The index in zero-padded 3-digit path elements, all but the last prefixed with `x`:
    /// 1234067 → `x001/x234/067`.
    public static func encode(index: UInt64) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let group = String(n % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            n /= 1000
        } while n > 0
        return groups.reversed().enumerated().map { i, g in i == groups.count - 1 ? g : "x" + g }.joined(separator: "/")
    }

    /// Parses a canonical tile path (leading `/` allowed), or returns nil.
    public static func parse(_ path: String) -> TileName? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "" { parts.removeFirst() }
        guard parts.count >= 3, parts[0] == "tile" else { return nil }
        let kind: Kind
        if parts[1] == "entries" {
            kind = .entries
        } else {
            guard let level = canonicalDecimal(parts[1]), level <= 63 else { return nil }
            kind = .hashes(level: Int(level))
        }
        var indexParts = Array(parts[2...])
        var width = fullWidth
        if indexParts.count >= 2, indexParts[indexParts.count - 2].hasSuffix(".p") {
            guard let w = canonicalDecimal(indexParts.removeLast()), (1...255).contains(w) else { return nil }
            width = Int(w)
            indexParts[indexParts.count - 1].removeLast(2)
        }
        var index: UInt64 = 0
        for (i, part) in indexParts.enumerated() {
            var digits = Substring(part)
            if i < indexParts.count - 1 {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let group = UInt64(digits) else { return nil }
            let (times, o1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, o2) = times.addingReportingOverflow(group)
            guard !o1, !o2 else { return nil }
            index = sum
        }
        let name = TileName(kind: kind, index: index, width: width)
        // Only the canonical spelling (no superfluous `x000/` groups).
        guard name.path == parts.joined(separator: "/") else { return nil }
        return name
    }

    private static func canonicalDecimal(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.count <= 19, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              text == "0" || !text.hasPrefix("0") else { return nil }
        return UInt64(text)
    }

    /// The tree level of the hashes in a tile at `level` (8·level), and for an entry bundle 0.
    public var treeLevel: Int {
        if case .hashes(let level) = kind { return level * Self.height }
        return 0
    }

    /// The tree size needed before this tile can exist: `(index·256 + width)·256^level`, or nil if
    /// it does not fit in 63 bits.
    public var requiredTreeSize: UInt64? {
        let (items, o1) = index.multipliedReportingOverflow(by: UInt64(Self.fullWidth))
        let (count, o2) = items.addingReportingOverflow(UInt64(width))
        guard !o1, !o2, treeLevel < 63 else { return nil }
        let (size, o3) = count.multipliedReportingOverflow(by: UInt64(1) << UInt64(treeLevel))
        guard !o3, size <= UInt64(Int64.max) else { return nil }
        return size
    }

    /// Every tile and entry bundle of a tree of `size` entries: full tiles and, where the tree ends
    /// inside a tile, the partial one (C2SP: `floor(size / 256^l) mod 256` wide).
    public static func tiles(forTreeSize size: UInt64) -> [TileName] {
        var names: [TileName] = []
        var level = 0
        var count = size  // hashes at tree level 8·level
        while count > 0 {
            let full = count / UInt64(fullWidth)
            let partial = Int(count % UInt64(fullWidth))
            for n in 0..<full { names.append(TileName(kind: .hashes(level: level), index: n, width: fullWidth)) }
            if partial > 0 { names.append(TileName(kind: .hashes(level: level), index: full, width: partial)) }
            if level == 0 {
                for n in 0..<full { names.append(TileName(kind: .entries, index: n, width: fullWidth)) }
                if partial > 0 { names.append(TileName(kind: .entries, index: full, width: partial)) }
            }
            count = full
            level += 1
        }
        return names
    }
}
