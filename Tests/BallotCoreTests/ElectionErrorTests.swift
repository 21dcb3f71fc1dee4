import BallotCore
import CivicCrypto
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

    /// The roll's checks throw `ElectionError` only (typed throws): a date the calendar refuses becomes
    /// the roll's refusal, with the calendar's sentence, and changes nothing.
    @Test(arguments: [("2027-02-30", nil), (nil, "2027-13-01"), ("soon", nil)] as [(String?, String?)])
    func aBadEligibilityDateIsTheRollsRefusal(from: String?, until: String?) throws {
        var s = try ElectionScenario<Ristretto255Group>(group: .shared)
        let lastIndex = s.state.lastIndex
        let credential = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        do {
            try s.apply(RollEnrol(credential: credential, birthday: "05-05", eligibleFrom: from, eligibleUntil: until),
                        by: s.registrar, at: "2026-12-03T09:00:00+01:00")
            Issue.record("a roll entry with an impossible date was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .roll)
            #expect(error.message.contains(from ?? until ?? "?") || error.message.contains("date"), "\(error.message)")
        }
        #expect(s.state.lastIndex == lastIndex)
        #expect(s.state.roll[credential] == nil)
    }
}
