@testable import AuditKit
import Testing

/// The allocation-free paths of issue #15 give the answers (and the errors) of the paths they replace.
@Suite struct FastPathTests {
    let r = Ristretto255()

    /// The message of the ``AuditError`` `body` throws, nil if it throws nothing.
    func error(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? AuditError)?.message ?? "not an AuditError: \(error)" }
    }

    @Test("JSON strings: plain, non-ASCII and escaped read the same; bad ones are refused as before")
    func jsonStrings() throws {
        #expect(try JSON.parse("\"0123abcdef\"").stringValue == "0123abcdef")
        #expect(try JSON.parse("\"caf\u{e9} \u{2014} \u{1F5F3}\"").stringValue == "caf\u{e9} \u{2014} \u{1F5F3}")
        #expect(try JSON.parse("\"a\\\"b\\\\c\\u00e9\\n\"").stringValue == "a\"b\\c\u{e9}\n")
        #expect(try JSON.parse("[\"\",\"x\",{\"k\":\"v\"}]") == .array([.string(""), .string("x"), .object([("k", .string("v"))])]))
        // Invalid UTF-8, a raw control character, no closing quote: refused, with the old messages.
        let invalid: [[UInt8]] = [[0x22, 0x61, 0xff, 0x62, 0x22], [0x22, 0xc3, 0x22], [0x22, 0x61, 0x01, 0x22], [0x22, 0x61, 0x62]]
        let expected = ["string is not UTF-8", "string is not UTF-8", "control character in string", "unterminated string"]
        for (bytes, words) in zip(invalid, expected) {
            let message = error { _ = try JSON.parse(bytes) }
            #expect(message?.contains(words) == true, "\(bytes): \(message ?? "accepted")")
        }
    }

    @Test("Hex.decode32 agrees with Hex.decode on 32 bytes and refuses everything else")
    func hex32() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 + 3) }
        let text = Hex.encode(bytes)
        #expect(Hex.decode32(text)?.array == bytes)
        #expect(Hex.decode32(text.uppercased()) == nil)
        #expect(Hex.decode32(String(text.dropLast(2))) == nil)
        #expect(Hex.decode32(text + "00") == nil)
        for bad in ["g", "/", ":", "`", "G", " "] {
            #expect(Hex.decode32(String(text.dropLast()) + bad) == nil, "last digit \(bad)")
            #expect(Hex.decode32(bad + String(text.dropFirst())) == nil, "first digit \(bad)")
        }
    }

    @Test("ristretto255 from hex: same elements and scalars, same refusals as through bytes")
    func ristrettoHex() throws {
        let g = r.generator
        #expect(try r.element(hex: Hex.encode(g.bytes)) == g)
        #expect(try r.element(hex: Hex.encode(g.bytes)).bytes == g.bytes)
        #expect(error { _ = try r.element(hex: "zz") } == "a ristretto255 element must be 32 bytes of lowercase hex")
        var high = g.bytes
        high[31] |= 0x80
        #expect(error { _ = try r.element(hex: Hex.encode(high)) } == "not a canonical ristretto255 encoding")
        #expect(error { _ = try r.element(high) } == "not a canonical ristretto255 encoding")
        // The group order q itself is not canonical; q − 1 is.
        let qMinus1 = r.neg(r.oneScalar)
        #expect(try r.scalar(hex: Hex.encode(qMinus1.bytes)) == qMinus1)
        var q = qMinus1.bytes
        q[0] &+= 1
        #expect(error { _ = try r.scalar(hex: Hex.encode(q)) } == "a ristretto255 scalar must be below the group order")
        #expect(error { _ = try r.scalar(hex: "00") } == "a ristretto255 scalar must be 32 bytes of lowercase hex")
        // Scalar arithmetic on inline bytes: (q − 1) + 1 = 0, 2·3 = 6.
        #expect(r.add(qMinus1, r.oneScalar) == r.zeroScalar)
        #expect(r.mul(r.scalar(2), r.scalar(3)) == r.scalar(6))
    }

    @Test("ristretto255 batch weights built from bytes equal high·2^64 + low computed in the group")
    func weights() {
        let two64 = r.add(r.scalar(UInt64.max), r.oneScalar)
        let cases: [(UInt64, UInt64)] = [(0, 0), (0, 1), (1, 0), (UInt64.max, UInt64.max), (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210)]
        for (high, low) in cases {
            let arithmetic = r.add(r.mul(r.scalar(high), two64), r.scalar(low))
            #expect(r.weight(high: high, low: low, two64: two64) == arithmetic, "\(high), \(low)")
        }
    }

    @Test("Fields.finish: the first unknown key, then the first repeated one, at any object size")
    func fieldsFinish() throws {
        func fields(_ keys: [String]) throws -> Fields {
            try Fields(.object(keys.map { ($0, .int(1)) }), kind: "k")
        }
        #expect(error { try fields(["kind", "record", "term", "a"]).finish(["a"]) } == nil)
        #expect(error { try fields(["kind", "record", "term", "a"]).finish(["a"], withTerm: false) } == "k: unexpected key \"term\"")
        #expect(error { try fields(["kind", "b", "a", "c"]).finish(["a"]) } == "k: unexpected key \"b\"")
        #expect(error { try fields(["kind", "a", "record", "a", "kind"]).finish(["a"]) } == "k: key \"a\" appears twice")
        let many = (0..<40).map { "f\($0)" }
        #expect(error { try fields(many).finish(many) } == nil)
        #expect(error { try fields(many + ["f7", "f3"]).finish(many) } == "k: key \"f7\" appears twice")
        #expect(error { try fields(many + ["zz", "f3"]).finish(many) } == "k: unexpected key \"zz\"")
    }
}
