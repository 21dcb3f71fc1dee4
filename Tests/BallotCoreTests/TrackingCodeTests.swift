import BallotCore
import CivicCrypto
import Foundation
import Testing

/// The tracking code of SPEC §2.6: its published examples, its tolerance, and that every single
/// typo and every swap of neighbours is caught.
@Suite struct TrackingCodeTests {
    @Test func publishedExamples() {
        #expect(TrackingCode.code(forHash: SHA256.hash(Array("".utf8))) == "SPCE-NMZG-GK2F8")
        #expect(TrackingCode.code(forHash: SHA256.hash(Array("abc".utf8))) == "1SD5-0DRA-92M5Q")
    }

    @Test func readingIsCaseAndSeparatorTolerant() throws {
        for typed in ["spce-nmzg-gk2f8", "SPCE NMZG GK2F8", "SPCE_NMZG_GK2F8", "spce.nmzg.gk2f8", "SPCENMZGGK2F8", " spce - nmzg-gk2f8 "] {
            #expect(try TrackingCode.normalise(typed) == "SPCE-NMZG-GK2F8", "\(typed)")
        }
        // Look-alikes read as what they look like.
        #expect(try TrackingCode.normalise("1SD5-ODRA-92M5Q") == "1SD5-0DRA-92M5Q")
        #expect(try TrackingCode.normalise("ISD5-0DRA-92M5Q") == "1SD5-0DRA-92M5Q")
        #expect(try TrackingCode.normalise("lSD5-0DRA-92M5Q") == "1SD5-0DRA-92M5Q")
    }

    /// The refusal of `typed`, or nil if it was accepted.
    func refusal(_ typed: String) -> ElectionError? {
        do { _ = try TrackingCode.normalise(typed) } catch { return error }
        return nil
    }

    @Test func refusals() throws {
        let short = try #require(refusal("SPCE-NMZG-GK2F"))
        #expect(short.reason == .trackingCodeLength && short.position == nil)
        #expect(short.message.hasPrefix("A tracking code has 13 characters; you typed 12."))
        let bad = try #require(refusal("SPCE-UMZG-GK2F8"))
        #expect(bad.reason == .trackingCodeCharacter && bad.position == 5)
        #expect(bad.message.contains("except U and V") && bad.message.contains("on your receipt"))
        #expect(bad.message.hasPrefix("Character 5 of what you typed (not counting dashes) cannot appear in a tracking code."))
        let typo = try #require(refusal("SPCE-NMZG-GK2F9"))
        #expect(typo.reason == .trackingCodeChecksum && typo.position == nil)
        #expect(typo.message.contains("probably mistyped"))
        // Messages say where, never echo what was typed.
        for error in [short, bad, typo] { #expect(!error.message.contains("SPCE")) }
    }

    @Test func everySingleTypoAndEveryNeighbourSwapIsCaught() {
        let alphabet = TrackingCode.alphabet
        for seed in 0..<40 {
            let code = Array(TrackingCode.code(forHash: SHA256.hash(Array("ballot \(seed)".utf8))).filter { $0 != "-" })
            for i in code.indices {
                for replacement in alphabet where replacement != code[i] {
                    var typo = code
                    typo[i] = replacement
                    #expect(refusal(String(typo))?.reason == .trackingCodeChecksum)
                }
                if i + 1 < code.count, code[i] != code[i + 1] {
                    var swapped = code
                    swapped.swapAt(i, i + 1)
                    #expect(refusal(String(swapped))?.reason == .trackingCodeChecksum)
                }
            }
        }
    }
}
