extension LineDiff {
    /// Renders the comparison as a unified diff (as `diff -u` prints it), with `context` lines around
    /// each change and `\ No newline at end of file` after a last line that lacks one.
    ///
    /// - Parameters:
    ///   - oldLabel: the name after `---`.
    ///   - newLabel: the name after `+++`.
    ///   - context: unchanged lines shown around each change (3 by default).
    /// - Returns: the diff text, or the empty string when the texts are identical.
    public func unified(oldLabel: String = "a", newLabel: String = "b", context: Int = 3) -> String {
        if isEmpty { return "" }
        let ops = operations
        // Indices of changed operations; group them into hunks separated by more than 2*context keeps.
        let changed = ops.indices.filter { if case .keep = ops[$0] { return false } else { return true } }
        var hunks: [Range<Int>] = []
        var start = max(0, changed[0] - context)
        var end = min(ops.count, changed[0] + 1 + context)
        for index in changed.dropFirst() {
            if index - context <= end {
                end = min(ops.count, index + 1 + context)
            } else {
                hunks.append(start..<end)
                start = max(0, index - context)
                end = min(ops.count, index + 1 + context)
            }
        }
        hunks.append(start..<end)

        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        for hunk in hunks {
            var oldStart: Int? = nil, newStart: Int? = nil
            var oldCount = 0, newCount = 0
            // Positions before the hunk, for empty sides.
            var oldBefore = 0, newBefore = 0
            for op in ops[..<hunk.lowerBound] {
                switch op {
                case .keep: oldBefore += 1; newBefore += 1
                case .delete: oldBefore += 1
                case .insert: newBefore += 1
                }
            }
            var body = ""
            for op in ops[hunk] {
                switch op {
                case .keep(let o, let n):
                    oldStart = oldStart ?? o
                    newStart = newStart ?? n
                    oldCount += 1
                    newCount += 1
                    body += Self.render(" ", old.lines[o])
                case .delete(let o):
                    oldStart = oldStart ?? o
                    oldCount += 1
                    body += Self.render("-", old.lines[o])
                case .insert(let n):
                    newStart = newStart ?? n
                    newCount += 1
                    body += Self.render("+", new.lines[n])
                }
            }
            // diff -u convention: a side with no lines names the line before the hunk (0 at the top).
            let oldField = oldCount == 0 ? "\(oldBefore),0" : Self.range(oldStart! + 1, oldCount)
            let newField = newCount == 0 ? "\(newBefore),0" : Self.range(newStart! + 1, newCount)
            out += "@@ -\(oldField) +\(newField) @@\n" + body
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }

    private static func render(_ marker: String, _ line: TextLines.Line) -> String {
        marker + line.text + (line.terminated ? "\n" : "\n\\ No newline at end of file\n")
    }
}
