import Testing
@testable import Deliberation

@Suite("Lines, diffs, sections")
struct TextToolTests {
    @Test(arguments: ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n\n", "é\u{301}🇫🇷\n👩‍👩‍👧\nfin"])
    func linesRoundTrip(_ text: String) {
        #expect(Array(TextLines(text).text.utf8) == Array(text.utf8))
    }

    @Test func lineCounting() {
        #expect(TextLines("").count == 0)
        #expect(TextLines("\n").count == 1)
        #expect(TextLines("a\nb").count == 2)
        #expect(TextLines("a\nb").lines.last?.terminated == false)
        // CR stays in the line: only LF splits.
        #expect(TextLines("a\r\nb").lines[0].bytes == [0x61, 0x0D])
    }

    @Test func identicalTextsHaveAnEmptyDiff() {
        let d = LineDiff(old: TextLines("a\nb\n"), new: TextLines("a\nb\n"))
        #expect(d.isEmpty)
        #expect(d.unified() == "")
    }

    @Test func simpleChange() {
        let old = "un\ndeux\ntrois\nquatre\ncinq\nsix\nsept\nhuit\n"
        let new = "un\ndeux\ntrois\nQUATRE\ncinq\nsix\nsept\nhuit\n"
        let diff = LineDiff(old: TextLines(old), new: TextLines(new)).unified(oldLabel: "v1", newLabel: "v2")
        #expect(diff == """
            --- v1
            +++ v2
            @@ -1,7 +1,7 @@
             un
             deux
             trois
            -quatre
            +QUATRE
             cinq
             six
             sept

            """)
    }

    @Test func separateHunks() {
        let old = (1...20).map { "l\($0)\n" }.joined()
        var lines = (1...20).map { "l\($0)\n" }
        lines[1] = "X\n"
        lines[17] = "Y\n"
        let diff = LineDiff(old: TextLines(old), new: TextLines(lines.joined())).unified()
        #expect(diff.components(separatedBy: "@@ -").count == 3)
        #expect(diff.contains("@@ -1,5 +1,5 @@"))
        #expect(diff.contains("@@ -15,6 +15,6 @@"))
    }

    @Test func lastLineWithoutNewline() {
        let diff = LineDiff(old: TextLines("a\nb"), new: TextLines("a\nb\n")).unified()
        #expect(diff == "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
        let diff2 = LineDiff(old: TextLines("a\n"), new: TextLines("a\nc")).unified()
        #expect(diff2 == "--- a\n+++ b\n@@ -1 +1,2 @@\n a\n+c\n\\ No newline at end of file\n")
    }

    @Test func fromAndToEmpty() {
        #expect(LineDiff(old: TextLines(""), new: TextLines("x\ny\n")).unified() == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(LineDiff(old: TextLines("x\n"), new: TextLines("")).unified() == "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n")
    }

    @Test func unicodeIsComparedByBytes() {
        // "é" precomposed vs "e" + combining acute: equal as Swift Strings, different bytes.
        let nfc = "Démocratie\n", nfd = "De\u{301}mocratie\n"
        #expect(nfc == nfd)
        let d = LineDiff(old: TextLines(nfc), new: TextLines(nfd))
        #expect(!d.isEmpty)
        #expect(d.unified().contains("-Démocratie\n+De\u{301}mocratie\n"))
        // Emoji and flags survive untouched.
        let e = LineDiff(old: TextLines("🌱 idée\n"), new: TextLines("🌱 idée 🇫🇷\n")).unified()
        #expect(e.contains("+🌱 idée 🇫🇷\n"))
    }

    @Test func diffAppliesBack() {
        // Property: applying the edit script to old gives new (on a few shuffled texts).
        var rng = SplitMix(seed: 42)
        for _ in 0..<200 {
            let a = (0..<rng.next(8)).map { _ in ["a", "b", "c", "é", "e\u{301}", ""][rng.next(6)] }.joined(separator: "\n")
            let b = (0..<rng.next(8)).map { _ in ["a", "b", "c", "é", "e\u{301}", ""][rng.next(6)] }.joined(separator: "\n")
            let d = LineDiff(old: TextLines(a), new: TextLines(b))
            var out: [TextLines.Line] = []
            for op in d.operations {
                switch op {
                case .keep(let o, _): out.append(d.old.lines[o])
                case .insert(let n): out.append(d.new.lines[n])
                case .delete: break
                }
            }
            #expect(out == d.new.lines)
        }
    }

    @Test func largeAndPathologicalDiffsStayCorrect() {
        // Mostly shared text with scattered edits: minimal diff.
        let old = (0..<3000).map { "ligne \($0)\n" }.joined()
        var lines = (0..<3000).map { "ligne \($0)\n" }
        for i in stride(from: 7, to: 3000, by: 97) { lines[i] = "modifiée \(i)\n" }
        let d = LineDiff(old: TextLines(old), new: TextLines(lines.joined()))
        #expect(d.operations.filter { if case .delete = $0 { return true } else { return false } }.count == 31)
        // Nothing in common beyond the distance cap: everything replaced, still a valid script.
        let n = LineDiff.maximumEditDistance / 2 + 10
        let a = (0..<n).map { "a\($0)\n" }.joined(), b = (0..<n).map { "b\($0)\n" }.joined()
        let e = LineDiff(old: TextLines(a), new: TextLines(b))
        #expect(e.operations.count == 2 * n)
        #expect(e.unified().hasPrefix("--- a\n+++ b\n@@ -1,\(n) +1,\(n) @@\n"))
    }

    @Test func diffIsMinimal() {
        // Myers finds a shortest edit script: its edits equal n + m − 2·LCS (checked by dynamic programming).
        var rng = SplitMix(seed: 2026)
        for _ in 0..<60 {
            let a = (0..<rng.next(60)).map { _ in ["x", "y", "z", "é", ""][rng.next(5)] }
            let b = (0..<rng.next(60)).map { _ in ["x", "y", "z", "é", ""][rng.next(5)] }
            let ta = TextLines(a.map { $0 + "\n" }.joined()), tb = TextLines(b.map { $0 + "\n" }.joined())
            var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
            let edits = LineDiff(old: ta, new: tb).operations.filter { if case .keep = $0 { return false } else { return true } }.count
            #expect(edits == a.count + b.count - 2 * lcs[0][0])
        }
    }

    @Test func sections() throws {
        let text = TextLines("# T\n\n## A\n\na\n\n### A.1\n\n## B\n## C\n```\n## not a heading\n```\nc\n")
        #expect(MarkdownSections.headings(text).map(\.text) == ["# T", "## A", "### A.1", "## B", "## C"])
        #expect(try MarkdownSections.contentRange(of: "## A", in: text) == 3..<8)
        // Empty section: heading directly followed by the next one.
        #expect(try MarkdownSections.contentRange(of: "## B", in: text) == 9..<9)
        #expect(try MarkdownSections.contentRange(of: "## C", in: text) == 10..<14)
        #expect(refusal { _ = try MarkdownSections.contentRange(of: "## not a heading", in: text) } == .sectionNotFound)
        let twice = TextLines("## X\na\n## X\nb\n")
        #expect(refusal { _ = try MarkdownSections.contentRange(of: "## X", in: twice) } == .ambiguousSection)
    }

    @Test func sectionChanges() throws {
        let body = "# T\n\n## Vide\n## Plein\n\ntexte\n"
        // Filling an empty section.
        #expect(try AmendmentChange.section(heading: "## Vide", replacement: "\nnouveau\n\n").apply(to: body)
            == "# T\n\n## Vide\n\nnouveau\n\n## Plein\n\ntexte\n")
        // A replacement without a final newline gets one when more lines follow.
        #expect(try AmendmentChange.section(heading: "## Vide", replacement: "x").apply(to: body)
            == "# T\n\n## Vide\nx\n## Plein\n\ntexte\n")
        // Emptying the last section.
        #expect(try AmendmentChange.section(heading: "## Plein", replacement: "").apply(to: body) == "# T\n\n## Vide\n## Plein\n")
        // Last section at end of a text without final newline keeps the replacement's ending.
        #expect(try AmendmentChange.section(heading: "## Plein", replacement: "fin").apply(to: "## Plein\nancien") == "## Plein\nfin")
    }

    @Test func lineChanges() throws {
        let body = "a\nb\nc"
        #expect(try AmendmentChange.lines(start: 2, count: 1, replacement: "B\n").apply(to: body) == "a\nB\nc")
        #expect(try AmendmentChange.lines(start: 1, count: 0, replacement: "0\n").apply(to: body) == "0\na\nb\nc")
        // Appending after a last line without newline terminates it.
        #expect(try AmendmentChange.lines(start: 4, count: 0, replacement: "d").apply(to: body) == "a\nb\nc\nd")
        #expect(try AmendmentChange.lines(start: 2, count: 2, replacement: "").apply(to: body) == "a\n")
        #expect(try AmendmentChange.lines(start: 1, count: 0, replacement: "x\n").apply(to: "") == "x\n")
        #expect(refusal { _ = try AmendmentChange.lines(start: 5, count: 0, replacement: "x").apply(to: body) } == .lineRangeOutOfBounds)
        #expect(refusal { _ = try AmendmentChange.lines(start: 3, count: 2, replacement: "x").apply(to: body) } == .lineRangeOutOfBounds)
        #expect(refusal { _ = try AmendmentChange.lines(start: 0, count: 1, replacement: "x").apply(to: body) } == .lineRangeOutOfBounds)
        #expect(refusal { _ = try AmendmentChange.lines(start: 2, count: 1, replacement: "b\n").apply(to: body) } == .noChange)
        // Byte-level: NFD for NFC is a change.
        #expect(try AmendmentChange.lines(start: 1, count: 1, replacement: "e\u{301}\n").apply(to: "é\n").utf8.count == 4)
    }
}

/// A small deterministic generator for property-style tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
