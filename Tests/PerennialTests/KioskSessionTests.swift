import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import Testing

/// The kiosk's state machine, driven without a terminal over a real node (a kiosk trial for
/// Sunday 14 March 2027 in Paris).
@Suite("Kiosk session state machine")
struct KioskSessionTests {
    /// Runs a whole vote (both contests) up to the cast-or-challenge screen.
    static func voteUpToBallot(_ session: inout KioskSession, code: String, office: String = "1", referendum: String = "2") {
        session.handle(line: "")
        session.handle(line: code)
        #expect(session.state == .windowOpen)
        session.handle(line: "")
        #expect(session.state == .contest(index: 0, problem: nil))
        session.handle(line: office)
        #expect(session.state == .contest(index: 1, problem: nil))
        session.handle(line: referendum)
        #expect(session.state == .review)
        session.handle(line: "")
        #expect(session.state == .castOrChallenge)
    }

    @Test func aValidVoteInFrench() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        #expect(session.screen.title == "Bienvenue")
        #expect(session.screen.allText.contains("pendant les 7 jours"))
        session.handle(line: "")
        #expect(session.state == .codeEntry(nil))
        #expect(session.screen.allText.contains("20 caractères"))
        // Lower case with spaces is accepted.
        session.handle(line: fixture.code("open-today").lowercased().replacingOccurrences(of: "-", with: " "))
        #expect(session.state == .windowOpen)
        #expect(session.holdsCredential)
        let open = session.screen.allText
        #expect(open.contains("jusqu'au samedi 20 mars 2027 inclus"))
        #expect(open.contains("(anniversaire : 14 mars)"))
        #expect(open.contains("année 2 du mandat"))
        #expect(open.contains("2 questions"))
        #expect(!open.contains("remplacera"))
        session.handle(line: "")
        let contest = session.screen
        #expect(contest.title == "Question 1 sur 2")
        #expect(contest.allText.contains("Maire du Grand Nancy"))
        #expect(contest.allText.contains("1   Amélie Arnaud"))
        #expect(contest.allText.contains("5   Vote blanc"))
        session.handle(line: "1")
        session.handle(line: "2")
        #expect(session.state == .review)
        let review = session.screen.allText
        #expect(review.contains("réponse : Amélie Arnaud"))
        #expect(review.contains("réponse : Non"))
        let before = try fixture.logSize()
        session.handle(line: "")
        guard case .castOrChallenge = session.state else { Issue.record("expected cast or challenge"); return }
        let ballotScreen = session.screen.allText
        #expect(ballotScreen.contains("code de suivi"))
        #expect(try fixture.logSize() == before, "nothing is written before the voter casts")
        #expect(session.handle(line: "v") == .redraw)
        guard case .receipt(let report) = session.state else { Issue.record("expected the receipt"); return }
        #expect(!session.holdsCredential, "the credential is dropped as soon as the ballot is cast")
        #expect(ballotScreen.contains(report.trackerCode))
        let receipt = session.screen.allText
        #expect(receipt.contains("A voté"))
        #expect(receipt.contains("Votre code de suivi :\n        \(report.trackerCode)"))
        #expect(receipt.contains("Votre vote est enregistré"))
        #expect(!receipt.contains("Point de contrôle"), "no jargon")
        #expect(!receipt.contains("/"), "no file path")
        #expect(receipt.contains("Vérifier mon bulletin"), "where to check the code, in plain words")
        #expect(try fixture.logSize() == before + 1)
        let stats = try fixture.statistics()
        #expect(stats.counted == 1 && stats.spoiled == 0)
        let receipts = try fixture.verifiedReceipts()
        #expect(receipts.count == 1)
        #expect(receipts.first?.index == report.index)
        #expect(receipts.first?.tracker == report.tracker)
        #expect(session.handle(line: "") == .sessionEnded)
        #expect(session.state == .welcome(nil))
    }

    @Test func aValidVoteInEnglishAfterSwitchingLanguage() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        session.handle(line: "e")
        #expect(session.language == .english)
        #expect(session.screen.title == "Welcome")
        session.handle(line: "")
        #expect(session.screen.title == "Your voting code")
        session.handle(line: fixture.code("open-last-day"))
        #expect(session.state == .windowOpen)
        #expect(session.screen.allText.contains("until Sunday 14 March 2027 inclusive"))
        #expect(session.screen.allText.contains("(birthday: 8 March)"))
        session.handle(line: "")
        #expect(session.screen.title == "Question 1 of 2")
        session.handle(line: "3")
        session.handle(line: "1")
        #expect(session.screen.allText.contains("answer: Chloé Chevalier"))
        #expect(session.screen.allText.contains("answer: Yes"), "English labels in English")
        #expect(session.screen.allText.contains("Mayor of Grand Nancy"), "and the English title")
        session.handle(line: "")
        session.handle(line: "V")
        guard case .receipt(let report) = session.state else { Issue.record("expected the receipt"); return }
        let text = session.screen.allText
        #expect(text.contains("Vote cast. Thank you!"))
        #expect(text.contains("Your tracking code:\n        \(report.trackerCode)"))
        #expect(text.contains("Your receipt is printing"))
        #expect(!text.contains(fixture.receipts.path))
        session.handle(line: "")
        #expect(session.language == .french, "the next voter starts in the kiosk's default language")
        #expect(try fixture.statistics().counted == 1)
        #expect(try fixture.verifiedReceipts().count == 1)
    }

    @Test(arguments: [KioskLanguage.french, .english])
    func codeMistakesAreExplainedAtOnce(language: KioskLanguage) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session(language: language)
        let before = try fixture.logSize()
        session.handle(line: "")
        session.handle(line: KioskFixture.typo(fixture.code("open-today")))
        #expect(session.state == .codeEntry(.checksum))
        #expect(session.screen.allText.contains(language == .french ? "mal tapé" : "mistyped"))
        session.handle(line: String(fixture.code("open-today").dropLast()))
        #expect(session.state == .codeEntry(.wrongLength(typed: 19)))
        #expect(session.screen.allText.contains(language == .french ? "tapé 19 caractères" : "typed 19 characters"))
        var withU = Array(fixture.code("open-today"))
        withU[7] = "U"   // group 2, second character
        session.handle(line: String(withU))
        #expect(session.state == .codeEntry(.invalidCharacter(position: 8, group: 2, place: 2)))
        #expect(session.screen.allText.contains(language == .french ? "groupe 2" : "group 2"))
        // A well-formed code that is not on the roll.
        var rng = SystemRandomNumberGenerator()
        session.handle(line: CredentialCode.random(using: &rng).revealForPrinting())
        #expect(session.state == .refused(.notOnRoll))
        #expect(session.screen.allText.contains(language == .french ? "liste électorale" : "not on the roll"))
        // Back to the code, then the right one.
        session.handle(line: language == .french ? "R" : "B")
        #expect(session.state == .codeEntry(nil))
        session.handle(line: fixture.code("open-today"))
        #expect(session.state == .windowOpen)
        #expect(session.handle(line: language == .french ? "A" : "Q") == .sessionEnded)
        #expect(session.state == .welcome(.cancelled(challenged: false)))
        #expect(!session.holdsCredential)
        #expect(try fixture.logSize() == before, "mistakes and cancelling write nothing")
    }

    @Test func outsideTheWindowGivesTheNextOne() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        session.handle(line: "")
        session.handle(line: fixture.code("opens-in-10-days"))
        let next = DaySpan(first: try LocalDate(iso: "2027-03-24"), last: try LocalDate(iso: "2027-03-30"))
        #expect(session.state == .refused(.outsideWindow(next: next)))
        #expect(!session.holdsCredential)
        #expect(session.screen.allText.contains("du mercredi 24 mars 2027 au mardi 30 mars 2027 inclus"))
        #expect(session.handle(line: "") == .sessionEnded)

        var english = try fixture.session(language: .english).0
        english.handle(line: "")
        english.handle(line: fixture.code("opens-in-10-days"))
        #expect(english.screen.allText.contains("from Wednesday 24 March 2027 to Tuesday 30 March 2027 inclusive"))
        english.handle(line: "")
        english.handle(line: "")
        english.handle(line: fixture.code("replaced-old-card"))
        #expect(english.state == .refused(.replaced))
        #expect(english.screen.allText.contains("replaced by a new card"))
        english.handle(line: "B")
        english.handle(line: fixture.code("replaced-new-card"))
        #expect(english.state == .windowOpen)
        // A code typed straight away on the welcome screen is taken as the code.
        english.handle(line: "Q")
        english.handle(line: fixture.code("open-today"))
        #expect(english.state == .windowOpen)
    }

    @Test func aRevoteIsExplainedBeforeConfirming() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        Self.voteUpToBallot(&session, code: fixture.code("open-since-yesterday"))
        session.handle(line: "V")
        guard case .receipt(let first) = session.state else { Issue.record("expected the receipt"); return }
        #expect(first.replaced == nil)
        session.handle(line: "")
        session.handle(line: "")
        session.handle(line: fixture.code("open-since-yesterday"))
        #expect(session.screen.allText.contains("Vous avez déjà voté pendant cette période"))
        #expect(session.screen.allText.contains("remplacera le précédent"))
        session.handle(line: "")
        session.handle(line: "4")
        session.handle(line: "3")
        #expect(session.screen.allText.contains("remplacera le précédent"))
        session.handle(line: "")
        #expect(session.screen.allText.contains("remplacera le précédent"), "the cast screen says it again")
        session.handle(line: "V")
        guard case .receipt(let second) = session.state else { Issue.record("expected the receipt"); return }
        #expect(second.replaced == Int(first.index))
        #expect(session.screen.allText.contains("remplace celui que vous aviez déposé plus tôt"))
        let stats = try fixture.statistics()
        #expect(stats.counted == 1 && stats.superseded == 1)
        #expect(try fixture.verifiedReceipts().count == 2)
    }

    @Test(arguments: [KioskLanguage.french, .english])
    func aChallengeThenACast(language: KioskLanguage) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session(language: language)
        let t = KioskText.of(language)
        Self.voteUpToBallot(&session, code: fixture.code("open-mid-window"), office: "2", referendum: "3")
        session.handle(line: t.keyChallenge)
        guard case .challenged(let report) = session.state else { Issue.record("expected the challenge report"); return }
        #expect(session.holdsCredential, "the voter votes again in the same session")
        #expect(report.contests.map(\.selected) == [["Bruno Barbier"], ["Vote blanc"]])
        #expect(report.contests.map(\.bits) == [[0, 1, 0, 0, 0], [0, 0, 1]])
        let text = session.screen.allText
        #expect(text.contains("Bruno Barbier"))
        #expect(text.contains("Bruno Barbier   [0 1 0 0 0]"))
        #expect(text.contains("anyone can check") || text.contains("chacun peut vérifier"))
        #expect(try fixture.statistics().spoiled == 1)
        session.handle(line: "")
        #expect(session.state == .review)
        #expect(session.screen.allText.contains((language == .french ? "réponse : Bruno Barbier" : "answer: Bruno Barbier")), "the choices are kept")
        session.handle(line: "1")   // change the first answer from the review
        #expect(session.state == .contest(index: 0, problem: nil))
        session.handle(line: "4")
        #expect(session.state == .review, "after editing from the review, back to the review")
        session.handle(line: "")
        session.handle(line: t.keyCast)
        guard case .receipt(let cast) = session.state else { Issue.record("expected the receipt"); return }
        #expect(cast.trackerCode != report.trackerCode, "a new ballot, newly encrypted")
        let stats = try fixture.statistics()
        #expect(stats.counted == 1 && stats.spoiled == 1)
        #expect(try fixture.verifiedReceipts().count == 1)
    }

    @Test func anIdleSessionForgetsEverything() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session(language: .english)
        #expect(session.handleTimeout() == .unchanged, "nothing to forget on the welcome screen")
        Self.voteUpToBallot(&session, code: fixture.code("open-today"))
        #expect(session.holdsCredential)
        #expect(session.handleTimeout() == .sessionEnded)
        #expect(session.state == .welcome(.timedOut(cast: false, challenged: false)))
        #expect(!session.holdsCredential)
        #expect(session.choices.isEmpty)
        #expect(session.screen.allText.contains("after 30 seconds without activity"))
        #expect(try fixture.statistics().counted == 0, "a timed-out ballot is never cast")
    }

    @Test func goingBackIsAlwaysPossibleBeforeCasting() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        Self.voteUpToBallot(&session, code: fixture.code("open-today"))
        session.handle(line: "R")
        #expect(session.state == .review)
        session.handle(line: "R")
        #expect(session.state == .contest(index: 1, problem: nil))
        #expect(session.screen.allText.contains("2   Non   (choisi)"))
        session.handle(line: "R")
        #expect(session.state == .contest(index: 0, problem: nil))
        session.handle(line: "9")
        #expect(session.state == .contest(index: 0, problem: .noSuchOption(9)))
        #expect(session.screen.problem?.contains("pas de réponse n° 9") == true)
        session.handle(line: "bonjour")
        #expect(session.state == .contest(index: 0, problem: .notUnderstood))
        session.handle(line: "R")
        #expect(session.state == .windowOpen)
        session.handle(line: "R")
        #expect(session.state == .codeEntry(nil))
        #expect(!session.holdsCredential)
        #expect(try fixture.statistics().counted == 0)
    }

    @Test func screensFitAnEightyColumnTerminal() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        var (session, _) = try fixture.session()
        var screens: [KioskScreen] = [session.screen]
        for line in ["", fixture.code("open-today"), "", "1", "2", "", "C", "", "", "V"] {
            session.handle(line: line)
            screens.append(session.screen)
        }
        #expect(screens.last?.title == "A voté. Merci !")
        let renderer = KioskRenderer(plain: false, width: 80, text: .french)
        for screen in screens {
            let lines = renderer.render(screen).replacingOccurrences(of: KioskRenderer.clearSequence, with: "").split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count <= 80 }, "\(screen.title)")
            #expect(lines.count <= 24, "\(screen.title) has \(lines.count) lines")
        }
        let plain = KioskRenderer(plain: true, text: .french).render(screens[1])
        #expect(!plain.contains("\u{1B}"), "plain mode has no control sequences")
    }

    @Test func aMultipleChoiceContestAndABlankAnswer() throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        let node = try fixture.openNode()
        let setup = try node.requireElection().setup!
        // The officer adds a council contest: up to two choices, or none.
        let council = ContestVersion(contest: "conseil", version: 1, title: "Conseil de quartier", year: nil, options: [
            ContestOption(id: "p1", label: "Paul"), ContestOption(id: "p2", label: "Pauline"), ContestOption(id: "p3", label: "Pierre"),
        ], min: 0, max: 2)
        try node.submit(payload: council.payloadBytes(record: node.origin, term: setup.term), signer: node.key("officer"))
        var session = KioskSession(backend: NodeKioskBackend(node: node, deviceKey: try node.simulationKioskKey(), receiptsDirectory: fixture.receipts), language: .english)
        session.handle(line: "")
        session.handle(line: fixture.code("open-today"))
        #expect(session.contests.map(\.contest) == ["conseil", "maire", "referendum-temps"])
        session.handle(line: "")
        #expect(session.screen.allText.contains("Choose up to 2 answers, or none."))
        session.handle(line: "3")
        session.handle(line: "1")
        #expect(session.choices["conseil"] == ["p1", "p3"], "kept in the options' order")
        #expect(session.screen.allText.contains("1   Paul   (chosen)"))
        session.handle(line: "2")
        #expect(session.state == .contest(index: 0, problem: .tooMany))
        session.handle(line: "1")
        session.handle(line: "3")
        #expect(session.choices["conseil"] == [])
        session.handle(line: "N")
        #expect(session.state == .contest(index: 1, problem: nil))
        session.handle(line: "5")
        session.handle(line: "3")
        #expect(session.screen.allText.contains("answer: no answer (blank)"))
        session.handle(line: "")
        session.handle(line: "V")
        guard case .receipt = session.state else { Issue.record("expected the receipt"); return }
        #expect(try fixture.statistics().counted == 1)
    }

    @Test(arguments: [KioskLanguage.french, .english])
    func afterTheTermVotingIsClosed(language: KioskLanguage) throws {
        let fixture = try KioskFixture()
        defer { fixture.remove() }
        // The trial term of 2027 ends on 1 January 2032.
        let node = try Node(directory: fixture.nodeDirectory, clock: ManualClock(milliseconds: 1_970_000_000_000))
        var session = KioskSession(backend: NodeKioskBackend(node: node, deviceKey: try node.simulationKioskKey(), receiptsDirectory: fixture.receipts), language: language)
        session.handle(line: "")
        session.handle(line: fixture.code("open-today"))
        #expect(session.state == .refused(.closed))
        #expect(!session.holdsCredential)
        #expect(session.screen.allText.contains(language == .french ? "le vote est clos" : "voting is closed"))
    }

}
