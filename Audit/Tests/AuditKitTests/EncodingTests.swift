import AuditKit
import Foundation
import Testing

@Suite struct EncodingTests {
    @Test func base64RoundTripsAndIsStrict() throws {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8($0 * 37 & 0xff) }
            #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(throws: AuditError.self) { try Base64.decode("QQ") }        // no padding
        #expect(throws: AuditError.self) { try Base64.decode("QR==") }      // non-zero trailing bits
        #expect(throws: AuditError.self) { try Base64.decode("QQ=A") }
        #expect(throws: AuditError.self) { try Base64.decode("Q Q=") }
        #expect(try Base64.decode("QQ==") == [0x41])
    }

    /// The buffer decoder against Foundation's, and a bad character refused wherever it stands
    /// (in a full group, in the last one, as padding in the middle), from an array or a slice.
    @Test func base64AgreesWithFoundationAndRefusesEveryBadPosition() throws {
        for n in 0..<70 {
            let bytes = (0..<n).map { UInt8(($0 * 151 + n * 7) & 0xff) }
            let text = Array(Data(bytes).base64EncodedString().utf8)
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
            #expect(try Base64.decode(text) == bytes)
            #expect(try Base64.decode(([0x22] + text + [0x22])[1..<text.count + 1]) == bytes)
            for k in text.indices where text[k] != UInt8(ascii: "=") {
                // ("=" only before the last group: inside it, it could make another valid padding.)
                for bad in (k < text.count - 4 ? [UInt8(ascii: "=")] : []) + [UInt8(ascii: "-"), 0x80, 0xff] {
                    var t = text
                    t[k] = bad
                    #expect(throws: AuditError.self, "byte \(bad) at \(k) of \(n)") { try Base64.decode(t) }
                }
            }
        }
    }

    @Test func hexIsLowercaseOnly() throws {
        #expect(try Hex.decode("00ff10") == [0, 255, 16])
        #expect(throws: AuditError.self) { try Hex.decode("00FF") }
        #expect(throws: AuditError.self) { try Hex.decode("0") }
        #expect(throws: AuditError.self) { try Hex.decode("0011", length: 3) }
    }

    @Test func jsonKeepsKeyOrderAndExactNumbers() throws {
        let j = try JSON.parse(#" { "b" : 1, "a":[true,null,"x\u00e9\n"], "n": 18446744073709551615 } "#)
        #expect(j.objectMembers!.map(\.0) == ["b", "a", "n"])
        #expect(j["n"]?.uint64Value == UInt64.max)
        #expect(j["a"]?.arrayValue?[2].stringValue == "xé\n")
        #expect(j.compactText == #"{"b":1,"a":[true,null,"xé\n"],"n":18446744073709551615}"#)
        // SPEC.md §1 canonical escapes: only \" \\ \n and \u00xx; no \/.
        #expect(JSON.string("a/b\t\u{1}\"\\—").compactText == #""a/b\u0009\u0001\"\\—""#)
        #expect(JSON.number("01").uint64Value == nil)
        for bad in ["{", "[1,]", "{\"a\" 1}", "\"\u{01}\"", "1 2", "{\"a\":1,}", "\"\\ud800\""] {
            #expect(throws: AuditError.self, "\(bad)") { try JSON.parse(bad) }
        }
    }

    @Test func entryLineParsingIsExact() throws {
        let b = RecordBuilder.simple(entries: 1)
        let line = b.entries[0].line
        #expect(try Entry(line: Array(line.utf8)) == b.entries[0])
        let variants = [
            line.replacingOccurrences(of: ",\"time\"", with: ", \"time\""),
            line.replacingOccurrences(of: "{\"index\":0", with: "{\"index\":00"),
            line.uppercased(),
            line + " ",
            line.replacingOccurrences(of: "\"author\"", with: "\"autor\""),
        ]
        for v in variants { #expect(throws: AuditError.self, "\(v)") { try Entry(line: Array(v.utf8)) } }
    }

    @Test func payloadEnvelope() throws {
        let origin = "perennial.example/x"
        #expect(try Payload(bytes: Array(#"{"kind":"k","record":"perennial.example/x","z":1}"#.utf8), origin: origin).kind == "k")
        for bad in [#"{"record":"perennial.example/x","kind":"k"}"#, #"{"kind":"k","record":"other"}"#, #"["kind"]"#,
                    #"{"kind":1,"record":"perennial.example/x"}"#, #"{"kind":"k"}"#, "not json"] {
            #expect(throws: AuditError.self, "\(bad)") { try Payload(bytes: Array(bad.utf8), origin: origin) }
        }
    }

    @Test func checkpointNoteParsesAndVerifies() throws {
        let b = RecordBuilder.simple(entries: 5)
        let note = b.note(size: 5)
        let cp = try Checkpoint(note: note)
        #expect(cp.size == 5 && cp.origin == b.origin)
        #expect(cp.signatureFailure(logKey: b.logKey.publicKey) == nil)
        #expect(cp.signatureFailure(logKey: b.author.publicKey) != nil)
        #expect(cp.noteText == note)
        // SPEC.md §2.4: witness cosignature lines are ignored; the log's line is required.
        let witnessed = note + "\u{2014} witness.example \(Base64.encode([1, 2, 3, 4] + [UInt8](repeating: 9, count: 72)))\n"
        #expect(try Checkpoint(note: witnessed).signatureFailure(logKey: b.logKey.publicKey) == nil)
        let onlyWitness = String(note[..<note.range(of: "\u{2014}")!.lowerBound]) + "\u{2014} witness.example \(Base64.encode([UInt8](repeating: 9, count: 68)))\n"
        #expect(try Checkpoint(note: onlyWitness).signatureFailure(logKey: b.logKey.publicKey) != nil)
        // C2SP key names: a cosignature named with `+` or a no-break space makes the note malformed.
        for name in ["witness+example", "witness\u{00A0}example"] {
            let bad = note + "\u{2014} \(name) \(Base64.encode([UInt8](repeating: 9, count: 76)))\n"
            #expect(throws: AuditError.self) { try Checkpoint(note: bad) }
        }
        let tampered = note.replacingOccurrences(of: "\n5\n", with: "\n4\n")
        #expect(try Checkpoint(note: tampered).signatureFailure(logKey: b.logKey.publicKey) != nil)
        for bad in [note.replacingOccurrences(of: "time ", with: "tim "), note.replacingOccurrences(of: "\n\n", with: "\n"),
                    note.replacingOccurrences(of: "\u{2014}", with: "-"), String(note.dropLast())] {
            #expect(throws: AuditError.self) { try Checkpoint(note: bad) }
        }
    }

    @Test func keyIDIsC2SP() {
        // C2SP signed-note example: name "example.com/foo", and the key id is SHA-256(name || 0x0a || 0x01 || key)[:4].
        let key = [UInt8](repeating: 7, count: 32)
        let id = Checkpoint.keyID(name: "example.com/foo", publicKey: key)
        #expect(id == Array(Hash.sha256(Array("example.com/foo".utf8) + [0x0a, 0x01] + key).prefix(4)))
    }
}
