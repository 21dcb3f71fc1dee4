import CivicLog
import Testing

/// The refusals that were once their own types (`SnapshotReader.Damaged`, `PayloadShape.Invalid`)
/// are ``LogError``s, with the same words.
@Suite struct LogErrorFoldTests {
    @Test func truncatedOrMalformedSnapshotBytesAreDamagedSnapshot() {
        var w = SnapshotWriter()
        w.string("héllo")
        w.int(-7)
        let good = w.bytes
        var r = SnapshotReader(good)
        #expect(throws: Never.self) { _ = try r.string(); _ = try r.int() }
        #expect(r.isAtEnd)
        // Cut inside the string, a string that is not UTF-8, a bool that is neither 0 nor 1.
        let cases: [(String, [UInt8], (inout SnapshotReader) throws(LogError) -> Void)] = [
            ("truncated", Array(good.prefix(3)), { r throws(LogError) in _ = try r.string() }),
            ("not UTF-8", [4, 0xff, 0xfe], { r throws(LogError) in _ = try r.string() }),
            ("bad bool", [2], { r throws(LogError) in _ = try r.bool() }),
            ("negative count", [1], { r throws(LogError) in _ = try r.count() }),
        ]
        for (name, bytes, read) in cases {
            var reader = SnapshotReader(bytes)
            do {
                try read(&reader)
                Issue.record("\(name) was read")
            } catch {
                #expect(error.code == .damagedSnapshot, "\(name)")
                #expect(error.description.contains("truncated or malformed"), "\(name)")
                #expect(error.description.contains("restore the data directory from a backup"), "\(name)")
            }
        }
    }

    @Test(arguments: [
        (#"{"kind":"a","kind":"b"}"#, "twice"),
        (#"{"kind":"a","n":1.0}"#, "integer"),
        (#"{"kind":"a"} x"#, "there is text after the object"),
    ])
    func nonStrictPayloadsAreMalformedPayload(text: String, words: String) {
        do {
            _ = try PayloadShape.parse(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .malformedPayload)
            #expect(error.description.contains(words), "\(error.description)")
            #expect(!error.description.contains("\"b\""), "never a value")
        }
    }

    /// The one home of the row form: ``SnapshotEncodable/encoded`` and ``SnapshotReader/whole(_:_:)``.
    @Test func aRowReadsBackWholeAndLeftOverBytesAreDamage() throws {
        struct Row: SnapshotEncodable, Equatable {
            var n: Int
            var s: String
            func encode(into w: inout SnapshotWriter) { w.int(n); w.string(s) }
        }
        let row = Row(n: -3, s: "row")
        let read: (inout SnapshotReader) throws -> Row = { r in Row(n: try r.int(), s: try r.string()) }
        #expect(try SnapshotReader.whole(row.encoded, read) == row)
        do {
            _ = try SnapshotReader.whole(row.encoded + [0], read)
            Issue.record("a byte left over was accepted")
        } catch let error as LogError {
            #expect(error.code == .damagedSnapshot)
        }
    }
}
