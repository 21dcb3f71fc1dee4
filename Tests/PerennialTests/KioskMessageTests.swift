import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import Testing

/// Each message the issue found misleading, now right; and a challenge that names nobody.
@Suite("Kiosk messages and unlinkable challenges")
struct KioskMessageTests {
    @Test func aQuestionScreenSaysToTypeANumber() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        session.handle(line: "")
        session.handle(line: fixture.code("open-today"))
        session.handle(line: "")
        session.handle(line: "oui")
        #expect(session.screen.problem?.contains("Tapez le numéro d'une réponse (de 1 à 5)") == true)
    }

    @Test func codeMistakesBlameTheRightThing() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        session.handle(line: "")
        // One character too many, after 4 full groups: a length problem, never "groupe 5".
        session.handle(line: fixture.code("open-today") + "-Z")
        #expect(session.state == .codeEntry(.wrongLength(typed: 21)))
        #expect(!session.screen.allText.contains("groupe 5"))
        // `_` and `.` are separators.
        session.handle(line: fixture.code("open-today").replacingOccurrences(of: "-", with: "_"))
        #expect(session.state == .windowOpen)
        session.handle(line: "A")
        session.handle(line: "")
        session.handle(line: fixture.code("open-today").replacingOccurrences(of: "-", with: "."))
        #expect(session.state == .windowOpen)
    }

    @Test func theNewCardsCodeWorksOnTheReplacedCardScreen() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        session.handle(line: "")
        session.handle(line: fixture.code("replaced-old-card"))
        #expect(session.state == .refused(.replaced))
        session.handle(line: fixture.code("replaced-new-card"))
        #expect(session.state == .windowOpen)
    }

    @Test(arguments: [KioskLanguage.french, .english])
    func castAndCancelLabelsTellTheTruth(language: KioskLanguage) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session(language: language)
        KioskSessionTests.voteUpToBallot(&session, code: fixture.code("open-today"))
        let ballot = session.screen.allText
        #expect(!ballot.contains("définitif") && !ballot.contains("(final)"), "revoting is allowed")
        session.handle(line: "C")
        let cancel = session.screen.keys.last!.label
        #expect(cancel.contains(language == .french ? "le bulletin contrôlé reste au registre" : "the checked ballot stays in the record"))
        session.handle(line: language == .french ? "A" : "Q")
        #expect(session.state == .welcome(.cancelled(challenged: true)))
        #expect(session.screen.allText.contains(language == .french ? "le bulletin contrôlé reste au registre" : "the checked ballot stays in the record"))
    }

    @Test func aTimeOutAfterCastingSaysTheVoteIsRecorded() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        KioskSessionTests.voteUpToBallot(&session, code: fixture.code("open-today"))
        session.handle(line: "V")
        #expect(session.handleIdleWarning() == .redraw)
        #expect(session.screen.alert?.contains("Encore là ? Appuyez sur une touche") == true)
        #expect(session.noteActivity() == .redraw)
        #expect(session.screen.alert == nil, "any key removes the warning")
        session.handleTimeout()
        #expect(session.state == .welcome(.timedOut(cast: true, challenged: false)))
        #expect(session.screen.allText.contains("Votre vote est enregistré"))
        #expect(!session.screen.allText.contains("Rien n'a été gardé"))
    }

    @Test func theSameCardAtTwoKiosksStillGetsTheReplacedNotice() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (first, _) = try fixture.session()
        var (second, _) = try fixture.session()
        KioskSessionTests.voteUpToBallot(&first, code: fixture.code("open-today"))
        KioskSessionTests.voteUpToBallot(&second, code: fixture.code("open-today"))
        second.handle(line: "V")
        first.handle(line: "V")
        guard case .receipt(let report) = first.state else { Issue.record("expected a receipt"); return }
        #expect(report.replaced != nil)
        #expect(first.screen.allText.contains("remplace"))
    }

    @Test func lettersWriteBirthdaysInWords() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let letter = try String(contentsOf: fixture.summary.letters[0].file, encoding: .utf8)
        #expect(letter.contains("(14 mars)"))
        #expect(letter.contains("(14 March)"))
        #expect(!letter.contains("14/3"))
    }

    /// A challenge then a cast: two entries that share no key, no credential and no ciphertext.
    @Test func aChallengeAndTheCastShareNothing() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, node) = try fixture.session()
        let before = try node.store.size()
        KioskSessionTests.voteUpToBallot(&session, code: fixture.code("open-today"))
        session.handle(line: "C")
        session.handle(line: "")
        session.handle(line: "")
        session.handle(line: "V")
        guard case .receipt = session.state else { Issue.record("expected a receipt"); return }
        let spoil = try node.store.entry(at: before), cast = try node.store.entry(at: before + 1)
        let spoilText = String(decoding: spoil.envelope.payload, as: UTF8.self), castText = String(decoding: cast.envelope.payload, as: UTF8.self)
        #expect(spoilText.hasPrefix(#"{"kind":"ballot.spoil""#) && castText.hasPrefix(#"{"kind":"ballot.cast""#))
        let credential = Hex.encode(cast.envelope.author)
        #expect(spoil.envelope.author != cast.envelope.author, "the challenge is signed by the kiosk, not the credential")
        #expect(node.kioskDevice(publicKey: spoil.envelope.author) != nil)
        let inner = String(decoding: Data(base64Encoded: try BallotSpoil.decode(spoil.envelope.payload).ballot)!, as: UTF8.self)
        #expect(!spoilText.contains(credential) && !inner.contains(credential))
        let spoilCiphertexts = Set(try BallotCast.decode(Array(inner.utf8)).contests.flatMap { $0.selections.flatMap { [$0.a, $0.b] } })
        let castCiphertexts = Set(try BallotCast.decode(cast.envelope.payload).contests.flatMap { $0.selections.flatMap { [$0.a, $0.b] } })
        #expect(spoilCiphertexts.isDisjoint(with: castCiphertexts), "the cast ballot is encrypted afresh")
    }
}
