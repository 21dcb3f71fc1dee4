import BallotCore
import Testing

/// ``ElectionError/Reason``'s names are part of the record's interfaces (`--json`, the kiosk API's
/// refusals, the demo's counts): they must not change when the type's inside does.
@Suite("Election error reasons")
struct ElectionErrorTests {
    @Test func reasonsKeepTheirStableNames() {
        let reasons: [(ElectionError.Reason, String)] = [
            (.malformed, "malformed"), (.notAuthorised, "notAuthorised"), (.termSetup, "termSetup"), (.sealed, "sealed"),
            (.ceremony, "ceremony"), (.roll, "roll"), (.unknownCredential, "unknownCredential"), (.notEligible, "notEligible"),
            (.outsideWindow, "outsideWindow"), (.wrongWindow, "wrongWindow"), (.contests, "contests"),
            (.staleContest, "staleContest"), (.badProof, "badProof"), (.replay, "replay"), (.noElectionKey, "noElectionKey"),
            (.closed, "closed"), (.notClosed, "notClosed"), (.tally, "tally"), (.device, "device"),
        ]
        for (reason, name) in reasons {
            #expect(reason.rawValue == name)
            #expect(reason.description == name)
        }
        #expect(Set(reasons.map(\.0)).count == reasons.count, "every reason is distinct")
    }

    @Test func anErrorIsItsReasonAndItsMessage() {
        let error = ElectionError(.closed, "The term is closed; no more ballots are accepted.")
        #expect(error.reason == .closed)
        #expect(error.reason != .notClosed)
        #expect(error.description == error.message)
        #expect(ElectionError.malformed("x") == ElectionError(.malformed, "x"))
    }
}
