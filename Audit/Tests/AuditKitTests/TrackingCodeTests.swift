import AuditKit
import Foundation
import Testing

/// The tracking code of SPEC.md §2.6, from the specification's own examples.
@Suite struct TrackingCodeTests {
    @Test func specificationExamples() {
        #expect(TrackingCode.code(tracker: Hash.sha256([])) == "SPCE-NMZG-GK2F8")
        #expect(TrackingCode.code(tracker: Hash.sha256(Array("abc".utf8))) == "1SD5-0DRA-92M5Q")
    }

    @Test func typedCodesAreReadTolerantlyAndTyposRefused() {
        for typed in ["spce nmzg gk2f8", "SPCE_NMZG_GK2F8", "spce.nmzg.gk2f8", "SPCENMZGGK2F8"] {
            #expect(TrackingCode.normalise(typed) == "SPCE-NMZG-GK2F8")
        }
        #expect(TrackingCode.normalise("1SD5-ODRA-92M5Q") == "1SD5-0DRA-92M5Q")
        #expect(TrackingCode.normalise("SPCE-NMZG-GK2F9") == nil)      // a typo
        #expect(TrackingCode.normalise("SPCE-NMZG-GKF28") == nil)      // a swap
        #expect(TrackingCode.normalise("SPCE-NMZG-GK2F") == nil)       // too short
        #expect(TrackingCode.normalise("SPCE-NMZG-GK2FU") == nil)      // U is not a symbol
    }
}
