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

    @Test func refusals() {
        #expect(throws: TrackingCode.Problem.wrongLength(typed: 12)) { try TrackingCode.normalise("SPCE-NMZG-GK2F") }
        #expect(throws: TrackingCode.Problem.invalidCharacter(position: 5)) { try TrackingCode.normalise("SPCE-UMZG-GK2F8") }
        #expect(throws: TrackingCode.Problem.checksum) { try TrackingCode.normalise("SPCE-NMZG-GK2F9") }
    }

    @Test func everySingleTypoAndEveryNeighbourSwapIsCaught() {
        let alphabet = TrackingCode.alphabet
        for seed in 0..<40 {
            let code = Array(TrackingCode.code(forHash: SHA256.hash(Array("ballot \(seed)".utf8))).filter { $0 != "-" })
            for i in code.indices {
                for replacement in alphabet where replacement != code[i] {
                    var typo = code
                    typo[i] = replacement
                    #expect(throws: TrackingCode.Problem.checksum) { try TrackingCode.normalise(String(typo)) }
                }
                if i + 1 < code.count, code[i] != code[i + 1] {
                    var swapped = code
                    swapped.swapAt(i, i + 1)
                    #expect(throws: TrackingCode.Problem.checksum) { try TrackingCode.normalise(String(swapped)) }
                }
            }
        }
    }
}
