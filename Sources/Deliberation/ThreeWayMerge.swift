/// A three-way merge by lines (the diff3 algorithm): combines the changes `ours` and `theirs` each made
/// to a common `base`.
public struct ThreeWayMerge: Sendable {
    /// A region that both sides changed differently.
    public struct Conflict: Hashable, Sendable, CustomStringConvertible {
        /// 1-based line range of the common base (empty range = an insertion point before `base.lowerBound`).
        public let base: ClosedRange<Int>?
        /// Where the conflict sits in the base: the 1-based line before which it starts.
        public let baseLine: Int
        /// What the first side (e.g. the amendment) has there.
        public let ours: [String]
        /// What the second side (e.g. the current version) has there.
        public let theirs: [String]
        /// What the base had there.
        public let original: [String]

        public var description: String {
            let place = base.map { $0.count == 1 ? "line \($0.lowerBound)" : "lines \($0.lowerBound)–\($0.upperBound)" }
                ?? "the insertion point before line \(baseLine)"
            return "\(place) of the amendment's base version: the amendment has "
                + Self.quote(ours) + ", the current version has " + Self.quote(theirs)
        }

        private static func quote(_ lines: [String]) -> String {
            lines.isEmpty ? "nothing" : lines.map { "\"\($0)\"" }.joined(separator: " / ")
        }
    }

    /// The merged text when there are no conflicts.
    public let merged: TextLines?
    /// The conflicts, in base order; empty when the merge is clean.
    public let conflicts: [Conflict]

    /// Merges `ours` and `theirs`, both derived from `base`.
    ///
    /// Lines are matched by content; whether the text ends with a newline is merged on its own (a
    /// side that changed it wins), so adding a final newline never conflicts with editing the last line.
    public init(base baseText: TextLines, ours oursText: TextLines, theirs theirsText: TextLines) {
        func finalNewline(_ t: TextLines) -> Bool { t.lines.last?.terminated ?? true }
        func allTerminated(_ t: TextLines) -> TextLines {
            TextLines(lines: t.lines.map { TextLines.Line(bytes: $0.bytes, terminated: true) })
        }
        let base = allTerminated(baseText), ours = allTerminated(oursText), theirs = allTerminated(theirsText)
        let endsWithNewline =
            finalNewline(oursText) != finalNewline(baseText) ? finalNewline(oursText) : finalNewline(theirsText)
        let mapA = LineDiff(old: base, new: ours).oldToNew
        let mapB = LineDiff(old: base, new: theirs).oldToNew
        var result: [TextLines.Line] = []
        var conflicts: [Conflict] = []
        var o = 0, a = 0, b = 0
        let oc = base.count, ac = ours.count, bc = theirs.count

        func isStable(_ i: Int, _ ai: Int, _ bi: Int) -> Bool {
            i < oc && mapA[i] == ai && mapB[i] == bi
        }

        while true {
            // A stable run: base lines kept at the expected place on both sides.
            var run = 0
            while isStable(o + run, a + run, b + run) { run += 1 }
            if run > 0 {
                result.append(contentsOf: base.lines[o..<(o + run)])
                o += run
                a += run
                b += run
                continue
            }
            // Find the next base line kept on both sides; the region before it is unstable.
            var next = o
            while next < oc, !(mapA[next] != nil && mapB[next] != nil) { next += 1 }
            let (oEnd, aEnd, bEnd) = next < oc ? (next, mapA[next]!, mapB[next]!) : (oc, ac, bc)
            if oEnd == o, aEnd == a, bEnd == b { break }
            let oChunk = Array(base.lines[o..<oEnd])
            let aChunk = Array(ours.lines[a..<aEnd])
            let bChunk = Array(theirs.lines[b..<bEnd])
            if aChunk == oChunk {
                result.append(contentsOf: bChunk)
            } else if bChunk == oChunk || aChunk == bChunk {
                result.append(contentsOf: aChunk)
            } else {
                conflicts.append(
                    Conflict(
                        base: oEnd > o ? (o + 1)...oEnd : nil, baseLine: o + 1,
                        ours: aChunk.map(\.text), theirs: bChunk.map(\.text), original: oChunk.map(\.text)))
            }
            o = oEnd
            a = aEnd
            b = bEnd
        }
        self.conflicts = conflicts
        if conflicts.isEmpty {
            if !endsWithNewline, !result.isEmpty { result[result.count - 1].terminated = false }
            self.merged = TextLines(lines: result)
        } else {
            self.merged = nil
        }
    }
}
