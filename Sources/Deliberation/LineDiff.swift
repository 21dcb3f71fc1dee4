/// A line-by-line comparison of two texts (Myers' O(ND) algorithm).
public struct LineDiff: Sendable {
    /// One step of the edit script.
    public enum Operation: Hashable, Sendable {
        /// Line `old` of the old text equals line `new` of the new text (0-based).
        case keep(old: Int, new: Int)
        /// Line `old` of the old text is removed.
        case delete(old: Int)
        /// Line `new` of the new text is inserted.
        case insert(new: Int)
    }

    public let old: TextLines
    public let new: TextLines
    /// The edit script, in text order: deletions before insertions within a change.
    public let operations: [Operation]

    /// Beyond this many differing lines the diff stops looking for common lines in the middle and
    /// shows it as replaced: the result stays correct, only less minimal.
    public static let maximumEditDistance = 2000

    /// Compares `old` with `new`.
    public init(old: TextLines, new: TextLines) {
        self.old = old
        self.new = new
        self.operations = Self.script(old.lines, new.lines)
    }

    /// True when the texts are identical.
    public var isEmpty: Bool {
        operations.allSatisfy { if case .keep = $0 { return true } else { return false } }
    }

    /// For each old line, the index of the new line it is kept as (or nil if deleted).
    public var oldToNew: [Int?] {
        var map = [Int?](repeating: nil, count: old.count)
        for case .keep(let o, let n) in operations { map[o] = n }
        return map
    }

    private static func script(_ a: [TextLines.Line], _ b: [TextLines.Line]) -> [Operation] {
        // Trim the common prefix and suffix, then run Myers on the middle.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
            a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
        {
            suffix += 1
        }
        var ops: [Operation] = (0..<prefix).map { .keep(old: $0, new: $0) }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        ops.append(contentsOf: myers(midA, midB).map { op in
            switch op {
            case .keep(let o, let n): return .keep(old: o + prefix, new: n + prefix)
            case .delete(let o): return .delete(old: o + prefix)
            case .insert(let n): return .insert(new: n + prefix)
            }
        })
        for k in 0..<suffix {
            ops.append(.keep(old: a.count - suffix + k, new: b.count - suffix + k))
        }
        return ops
    }

    private static func myers(_ a: [TextLines.Line], _ b: [TextLines.Line]) -> [Operation] {
        let n = a.count, m = b.count
        if n == 0 { return (0..<m).map { .insert(new: $0) } }
        if m == 0 { return (0..<n).map { .delete(old: $0) } }
        // Map lines to integers so comparisons are cheap.
        var ids: [TextLines.Line: Int] = [:]
        let ia = a.map { line -> Int in
            if let id = ids[line] { return id }
            ids[line] = ids.count
            return ids.count - 1
        }
        let ib = b.map { line -> Int in
            if let id = ids[line] { return id }
            ids[line] = ids.count
            return ids.count - 1
        }
        let maxD = n + m
        let offset = maxD
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        // trace[d] keeps v[-d-1 ... d+1] as it was before step d: O(D²) memory in all.
        var trace: [[Int]] = []
        var found = false
        for d in 0...maxD {
            if d > Self.maximumEditDistance {
                // Pathological: texts that share almost nothing. Replace the middle wholesale.
                return (0..<n).map { .delete(old: $0) } + (0..<m).map { .insert(new: $0) }
            }
            trace.append(Array(v[max(0, offset - d - 1)...min(v.count - 1, offset + d + 1)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, ia[x] == ib[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break
                }
                k += 2
            }
            if found { break }
        }
        // Backtrack.
        var ops: [Operation] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let window = trace[d]
            let base = max(0, offset - d - 1)
            func vd(_ k: Int) -> Int { window[offset + k - base] }
            let k = x - y
            let prevK: Int
            if d == 0 {
                while x > 0, y > 0 {
                    x -= 1
                    y -= 1
                    ops.append(.keep(old: x, new: y))
                }
                break
            }
            if k == -d || (k != d && vd(k - 1) < vd(k + 1)) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = vd(prevK)
            let prevY = prevX - prevK
            while x > prevX, y > prevY {
                x -= 1
                y -= 1
                ops.append(.keep(old: x, new: y))
            }
            if x == prevX {
                y -= 1
                ops.append(.insert(new: y))
            } else {
                x -= 1
                ops.append(.delete(old: x))
            }
        }
        ops.reverse()
        return normalised(ops)
    }

    /// Within each run of changes, puts deletions before insertions (as unified diffs print them).
    private static func normalised(_ ops: [Operation]) -> [Operation] {
        var out: [Operation] = []
        var dels: [Operation] = [], ins: [Operation] = []
        func flush() {
            out.append(contentsOf: dels)
            out.append(contentsOf: ins)
            dels.removeAll()
            ins.removeAll()
        }
        for op in ops {
            switch op {
            case .keep: flush(); out.append(op)
            case .delete: dels.append(op)
            case .insert: ins.append(op)
            }
        }
        flush()
        return out
    }
}
