import BallotCore
import CivicCrypto
import Foundation
import Testing

/// `ballot.cast` in the engine's own form is read in one pass (``BallotCast/decodePlain(_:)``); every
/// other form goes the general, strict way. The one-pass reader must accept nothing the strict path
/// refuses, and give the same value for everything it accepts.
@Suite("Plain ballots")
struct PlainBallotTests {
    static func hex(_ n: Int) -> String { Hex.encode((0..<n).map { _ in UInt8.random(in: 0...255) }) }

    /// A ballot of `options` selections, with or without carried commitments (the Schnorr groups' form).
    static func ballot(options: Int = 3, carried: Bool = true, window: Int = 1, version: Int = 2) -> BallotCast {
        let selections = (0..<options).map { _ in
            EncryptedSelection(a: hex(32), b: hex(32), c: [hex(32), hex(32)], r: [hex(32), hex(32)], t: carried ? (0..<4).map { _ in hex(32) } : nil)
        }
        let range = RangeProofPayload(c: [hex(32)], r: [hex(32)], t: carried ? [hex(32), hex(32)] : nil)
        return BallotCast(term: "t-2027", window: window, contests: [EncryptedContest(contest: "office", version: version, selections: selections, range: range)])
    }

    static func bytes(_ b: BallotCast) -> [UInt8] { b.payloadBytes(record: "x.example/r", term: b.term) }

    @Test("the engine's own ballots are read in one pass to the strict path's value",
          arguments: [(3, true, 1, 1), (11, true, 6, 12), (2, false, 0, 0), (1, true, 123_456, 7)])
    func ownFormIsPlain(options: Int, carried: Bool, window: Int, version: Int) throws {
        let ballot = Self.ballot(options: options, carried: carried, window: window, version: version)
        let bytes = Self.bytes(ballot)
        let fast = try #require(BallotCast.decodePlain(bytes))
        #expect(fast == ballot)
        #expect(try BallotCast.decodeStrict(bytes) == fast)
        #expect(try BallotCast.decode(bytes) == fast)
    }

    @Test("two contests and empty arrays are read too")
    func twoContests() throws {
        var ballot = Self.ballot()
        ballot.contests.append(EncryptedContest(contest: "budget", version: 3, selections: [], range: RangeProofPayload(c: [], r: [], t: [])))
        let bytes = Self.bytes(ballot)
        #expect(BallotCast.decodePlain(bytes) == ballot)
        #expect(try BallotCast.decodeStrict(bytes) == ballot)
    }

    /// Valid ballots in other forms: not plain, and the general path reads them to the same value.
    @Test(arguments: [
        (#"{"kind":"ballot.cast""#, #"{"kind": "ballot.cast""#),
        (#""window":1,"#, #""window":1 ,"#),
        (#""contest":"office""#, #""contest":"\u006fffice""#),
        (#""window":1,"contests":"#, "REORDER"),
        (#"}]}"#, #"}]} "#),
        (#"{"kind":"ballot.cast","record":"x.example/r","#, #"{"record":"x.example/r","kind":"ballot.cast","#),
    ])
    func otherFormsTakeTheGeneralPath(from: String, to: String) throws {
        let ballot = Self.ballot()
        var text = String(decoding: Self.bytes(ballot), as: UTF8.self)
        #expect(text.contains(from))
        if to == "REORDER" {   // "contests" before "window"
            let head = text.range(of: #""window":1,"#)!
            let contests = text[head.upperBound..<text.index(before: text.endIndex)]
            text = String(text[..<head.lowerBound]) + contests + #","window":1}"#
        } else {
            text = text.replacingOccurrences(of: from, with: to)
        }
        let bytes = Array(text.utf8)
        #expect(BallotCast.decodePlain(bytes) == nil, "\(to)")
        #expect(try BallotCast.decode(bytes) == ballot, "\(to)")
    }

    /// What the general path refuses is never plain: a key twice, an unknown or missing key, a wrong
    /// type, a null, a number in another form, bytes after the object, another kind.
    @Test(arguments: [
        (#""window":1,"#, #""window":1,"window":1,"#),
        (#""window":1,"#, #""window":1,"note":"x","#),
        (#""window":1,"#, #""window":"1","#),
        (#""window":1,"#, #""window":01,"#),
        (#""window":1,"#, #""window":1.0,"#),
        (#""window":1,"#, #""window":1e0,"#),
        (#""window":1,"#, #""window":null,"#),
        (#""window":1,"#, #""#),
        (#""version":2,"#, #""version":-0,"#),
        (#""b":"#, #""x":"#),
        (#""c":["#, #""c":[1,"#),
        (#""t":["#, #""t":[null,"#),
        (#""range":{"c":"#, #""range":{"t":null,"c":"#),
        (#"}]}"#, #"}]}x"#),
        (#"}]}"#, #"}]"#),
        (#"{"kind":"ballot.cast""#, #"{"kind":"ballot.spoil""#),
    ])
    func whatTheGeneralPathRefusesIsNeverPlain(from: String, to: String) {
        var text = String(decoding: Self.bytes(Self.ballot()), as: UTF8.self)
        #expect(text.contains(from))
        if let r = text.range(of: from) { text.replaceSubrange(r, with: to) }
        let bytes = Array(text.utf8)
        #expect(BallotCast.decodePlain(bytes) == nil, "\(to)")
        if !to.contains("ballot.spoil") {   // another kind: the caller refuses it by its header
            #expect(throws: ElectionError.self, "\(to)") { try BallotCast.decodeStrict(bytes) }
        }
    }

    /// Thousands of one-byte edits of an engine ballot (a byte replaced, removed or inserted): whenever
    /// the one-pass reader still accepts one, the strict path accepts it too, with the same value.
    @Test("random edits: whatever the one-pass reader accepts, the strict path accepts alike")
    func randomEditsNeverDisagree() throws {
        let original = Self.bytes(Self.ballot(options: 2))
        let alphabet = Array(#"{}[]:,"\ 0123456789abcdefx-.enul"#.utf8)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = original
            let at = Int.random(in: 0..<bytes.count)
            switch Int.random(in: 0..<3) {
            case 0: bytes[at] = alphabet.randomElement()!
            case 1: bytes.remove(at: at)
            default: bytes.insert(alphabet.randomElement()!, at: at)
            }
            guard let fast = BallotCast.decodePlain(bytes) else { continue }
            accepted += 1
            #expect(try BallotCast.decodeStrict(bytes) == fast, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 0, "no edit kept the plain form: the comparison above proved nothing")
    }
}
