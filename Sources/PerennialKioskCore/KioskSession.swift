import BallotCore
import Foundation
import Perennial

/// The kiosk's life cycle as an explicit state machine, with no terminal in it:
///
/// ```
/// welcome → codeEntry → (refused | windowOpen) → contest 1…n → review → castOrChallenge
///   castOrChallenge --cast--> receipt → welcome (session ends)
///   castOrChallenge --challenge--> challenged → review → castOrChallenge …
/// ```
/// Going back is possible from every state before casting; cancelling or an idle time-out ends the
/// session from any state. Ending a session drops the voter (and with it the credential's signing
/// key, whose memory is wiped), the ballot and the choices, and returns to the welcome screen in the
/// kiosk's default language.
///
/// The session writes to the log only through ``KioskBackend/cast(_:by:)`` and
/// ``KioskBackend/challenge(_:by:)``: nothing is written unless the voter casts or challenges.
public struct KioskSession {
    /// What the welcome screen says about the session that just ended: honest about what was
    /// recorded (a cast vote, a challenged ballot) and what was not.
    public enum Notice: Sendable, Equatable {
        /// Closed after the idle time-out; `cast`: a vote was recorded before; `challenged`: a
        /// challenged ballot was recorded (never counted).
        case timedOut(cast: Bool, challenged: Bool)
        /// Cancelled by the voter (a cancel key, Ctrl-C, Ctrl-D…), before casting.
        case cancelled(challenged: Bool)
    }

    /// A problem with the typed code (it is never stored: only where it went wrong).
    public enum CodeProblem: Sendable, Equatable {
        case wrongLength(typed: Int)
        case invalidCharacter(position: Int, group: Int, place: Int)
        case checksum
    }

    public enum ContestProblem: Sendable, Equatable {
        case noSuchOption(Int)
        case tooMany
        case tooFew
        case notUnderstood
    }

    public enum State: Sendable, Equatable {
        case welcome(Notice?)
        case codeEntry(CodeProblem?)
        case refused(KioskRefusal)
        case windowOpen
        case contest(index: Int, problem: ContestProblem?)
        case review
        case castOrChallenge
        case challenged(ChallengeReport)
        case receipt(CastReport)
    }

    /// What handling an input did, for the terminal driver.
    public enum Outcome: Sendable, Equatable {
        /// The screen changed (or shows a problem): draw it.
        case redraw
        /// The session ended: clear the terminal, then draw the welcome screen.
        case sessionEnded
        /// Nothing to do (e.g. a time-out on the welcome screen).
        case unchanged
    }

    public let backend: any KioskBackend
    public let defaultLanguage: KioskLanguage
    public let idleTimeoutSeconds: Int

    public private(set) var state: State = .welcome(nil)
    public private(set) var language: KioskLanguage
    /// The identified voter; non-nil exactly from `windowOpen` to `challenged`.
    private var voter: KioskVoter?
    /// The choices so far: contest id → option ids.
    public private(set) var choices: [String: [String]] = [:]
    /// The encrypted ballot shown in `castOrChallenge`.
    private var ballot: PreparedBallot?
    /// Set when a contest was opened from the review screen: go back there afterwards.
    private var editingFromReview = false
    /// Set while a "not understood" remark is shown on a screen without its own problem slot.
    public private(set) var remark: Bool = false
    /// Set while the "still there?" warning before the idle time-out is shown; any key clears it.
    public private(set) var idleWarning: Bool = false
    /// Seconds between the warning and the time-out (for its wording).
    public let warningSeconds: Int
    /// What happened in this session so far (for honest end-of-session notices).
    private var castThisSession = false
    private var challengedThisSession = false
    /// Where citizens check a tracking code, in plain words (a web address), or nil for the
    /// default wording ("the city's website, page Check my ballot").
    public let checkAddress: String?

    public init(backend: any KioskBackend, language: KioskLanguage = .french, idleTimeoutSeconds: Int = 120,
                warningSeconds: Int = 30, checkAddress: String? = nil) {
        self.backend = backend
        self.defaultLanguage = language
        self.language = language
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.warningSeconds = warningSeconds
        self.checkAddress = checkAddress
    }

    /// True when a voter's session is under way (anything but a bare welcome screen): only then are
    /// the idle warning and time-out meaningful.
    public var sessionActive: Bool {
        if case .welcome = state { return language != defaultLanguage }
        return true
    }

    var text: KioskText { KioskText.of(language) }

    /// Whether a voter is identified now (their key is in memory).
    public var holdsCredential: Bool { voter != nil }

    /// The voter's contests (empty before identification).
    public var contests: [ContestVersion] { voter?.contests ?? [] }

    // MARK: - Inputs

    /// Handles one line typed by the voter (without its line break).
    @discardableResult
    public mutating func handle(line raw: String) -> Outcome {
        let input = raw.trimmingCharacters(in: .whitespaces)
        let key = input.uppercased()
        let t = text
        remark = false
        idleWarning = false
        switch state {
        case .welcome:
            if key == t.keyOtherLanguage {
                language = language == .french ? .english : .french
                state = .welcome(nil)
                return .redraw
            }
            // Someone who types their code straight away is not sent back to type it again.
            if Self.looksLikeCode(input) { return identify(raw) }
            state = .codeEntry(nil)
            return .redraw

        case .codeEntry:
            if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
            if key == t.keyBack { return end(nil) }
            return identify(raw)

        case .refused:
            if key == t.keyBack { state = .codeEntry(nil); return .redraw }
            // The code of a new card, typed straight on the refusal screen ("this card was replaced").
            if Self.looksLikeCode(input) { return identify(raw) }
            if key.isEmpty || key == t.keyCancel { return end(nil) }
            remark = true
            return .redraw

        case .windowOpen:
            if key.isEmpty { state = .contest(index: 0, problem: nil); return .redraw }
            if key == t.keyBack { voter = nil; choices = [:]; state = .codeEntry(nil); return .redraw }
            if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
            remark = true
            return .redraw

        case .contest(let index, _):
            return handleContest(index: index, key: key)

        case .review:
            if key.isEmpty { return prepare() }
            if key == t.keyBack { state = .contest(index: contests.count - 1, problem: nil); return .redraw }
            if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
            if let n = Int(key), (1...contests.count).contains(n) {
                editingFromReview = true
                state = .contest(index: n - 1, problem: nil)
                return .redraw
            }
            remark = true
            return .redraw

        case .castOrChallenge:
            if key == t.keyCast { return cast() }
            if key == t.keyChallenge { return challenge() }
            if key == t.keyBack { ballot = nil; state = .review; return .redraw }
            if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
            remark = true
            return .redraw

        case .challenged:
            if key.isEmpty { state = .review; return .redraw }
            if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
            remark = true
            return .redraw

        case .receipt:
            if key.isEmpty || key == t.keyCancel { return end(nil) }
            remark = true
            return .redraw
        }
    }

    /// Something typed that is long enough to be a credential code rather than a key.
    static func looksLikeCode(_ input: String) -> Bool {
        input.filter { !CredentialCode.isSeparator($0) }.count >= 10
    }

    /// The voter has been idle for ``idleTimeoutSeconds``: forget everything.
    @discardableResult
    public mutating func handleTimeout() -> Outcome {
        guard sessionActive else { return .unchanged }
        return end(.timedOut(cast: castThisSession, challenged: challengedThisSession))
    }

    /// The voter has been idle until ``warningSeconds`` before the time-out: ask whether they are
    /// still there (any key extends the session).
    @discardableResult
    public mutating func handleIdleWarning() -> Outcome {
        guard sessionActive, !idleWarning else { return .unchanged }
        idleWarning = true
        return .redraw
    }

    /// A key was pressed (any key is activity): the warning, if shown, goes.
    @discardableResult
    public mutating func noteActivity() -> Outcome {
        guard idleWarning else { return .unchanged }
        idleWarning = false
        return .redraw
    }

    /// Ctrl-C, Ctrl-\\, Ctrl-Z, Ctrl-D, a hang-up: the session ends at once, whatever the screen,
    /// and the kiosk shows its welcome screen with nothing of the voter left.
    @discardableResult
    public mutating func interrupt() -> Outcome {
        guard sessionActive || remark || idleWarning else { return end(nil) }
        if castThisSession { return end(nil) }
        return end(.cancelled(challenged: challengedThisSession))
    }

    /// Ends the session: drops the voter (and the key), the ballot and the choices.
    mutating func end(_ notice: Notice?) -> Outcome {
        castThisSession = false
        challengedThisSession = false
        idleWarning = false
        voter = nil
        ballot = nil
        choices = [:]
        editingFromReview = false
        remark = false
        language = defaultLanguage
        state = .welcome(notice)
        return .sessionEnded
    }

    // MARK: Steps

    mutating func identify(_ typed: String) -> Outcome {
        let code: CredentialCode
        do { code = try CredentialCode(parsing: typed) } catch {
            state = .codeEntry(Self.problem(error, typed: typed))
            return .redraw
        }
        do {
            voter = try backend.identify(code)
            choices = [:]
            state = .windowOpen
            // `code` goes out of scope when this returns: its buffer is wiped.
        } catch let error as NodeError {
            state = .refused(error.refusal ?? .technical)
        } catch {
            state = .refused(.technical)
        }
        return .redraw
    }

    static func problem(_ error: ElectionError, typed: String) -> CodeProblem {
        switch error.reason {
        case .credentialCodeCharacter:
            let position = error.position ?? 1
            // Where the character falls among the code's characters (spaces and dashes skipped).
            let before = typed.prefix(position - 1).filter { !CredentialCode.isSeparator($0) }.count
            let significant = typed.filter { !CredentialCode.isSeparator($0) }.count
            // A stray character after the 20th is an extra character, not a wrong one in a 5th group.
            if before >= 20 || significant != 20 { return .wrongLength(typed: significant) }
            return .invalidCharacter(position: position, group: before / 5 + 1, place: before % 5 + 1)
        case .credentialCodeChecksum:
            return .checksum
        default:
            return .wrongLength(typed: typed.filter { !CredentialCode.isSeparator($0) }.count)
        }
    }

    mutating func handleContest(index: Int, key: String) -> Outcome {
        let t = text
        let version = contests[index]
        var selected = choices[version.contest] ?? []
        if key == t.keyBack {
            if editingFromReview { editingFromReview = false; state = .review } else if index == 0 { state = .windowOpen } else {
                state = .contest(index: index - 1, problem: nil)
            }
            return .redraw
        }
        if key == t.keyCancel { return end(.cancelled(challenged: challengedThisSession)) }
        let single = version.max == 1
        if let n = Int(key) {
            if n == 0 && version.min == 0 && single {
                choices[version.contest] = []
                return advance(from: index)
            }
            guard (1...version.options.count).contains(n) else {
                state = .contest(index: index, problem: .noSuchOption(n))
                return .redraw
            }
            let id = version.options[n - 1].id
            if single {
                choices[version.contest] = [id]
                return advance(from: index)
            }
            if let at = selected.firstIndex(of: id) {
                selected.remove(at: at)
            } else {
                guard selected.count < version.max else {
                    state = .contest(index: index, problem: .tooMany)
                    return .redraw
                }
                selected.append(id)
            }
            // Keep the options' order, whatever order they were typed in.
            choices[version.contest] = version.options.map(\.id).filter { selected.contains($0) }
            state = .contest(index: index, problem: nil)
            return .redraw
        }
        if key == t.keyNext || (key.isEmpty && choices[version.contest] != nil) {
            let count = choices[version.contest]?.count ?? 0
            guard count >= version.min else {
                state = .contest(index: index, problem: .tooFew)
                return .redraw
            }
            choices[version.contest] = choices[version.contest] ?? []
            return advance(from: index)
        }
        state = .contest(index: index, problem: .notUnderstood)
        return .redraw
    }

    mutating func advance(from index: Int) -> Outcome {
        if editingFromReview || index + 1 >= contests.count {
            editingFromReview = false
            state = .review
        } else {
            state = .contest(index: index + 1, problem: nil)
        }
        return .redraw
    }

    /// A contest's title in the session's language (the French one when no English one was given).
    func title(_ version: ContestVersion) -> String {
        language == .english ? (version.titleEn ?? version.title) : version.title
    }

    /// An option's label in the session's language.
    func label(_ option: ContestOption) -> String {
        language == .english ? (option.labelEn ?? option.label) : option.label
    }

    /// The choices as the ballot builder wants them, in ballot order.
    var contestChoices: [ContestChoice] {
        contests.map { ContestChoice(contest: $0.contest, selected: choices[$0.contest] ?? []) }
    }

    mutating func prepare() -> Outcome {
        guard let voter else { return end(nil) }
        // Every contest must be answered (a contest the voter skipped with Back is not).
        if let missing = contests.firstIndex(where: { choices[$0.contest] == nil || (choices[$0.contest]!.count < $0.min) }) {
            state = .contest(index: missing, problem: .tooFew)
            return .redraw
        }
        do {
            ballot = try backend.prepare(for: voter, choices: contestChoices)
            state = .castOrChallenge
        } catch {
            fail(error)
        }
        return .redraw
    }

    mutating func cast() -> Outcome {
        guard let voter, let ballot else { return end(nil) }
        do {
            let report = try backend.cast(ballot, by: voter)
            // Cast: the credential is no longer needed; drop it at once.
            castThisSession = true
            self.voter = nil
            self.ballot = nil
            choices = [:]
            state = .receipt(report)
        } catch {
            fail(error)
        }
        return .redraw
    }

    mutating func challenge() -> Outcome {
        guard let voter, let ballot else { return end(nil) }
        do {
            let report = try backend.challenge(ballot, choices: contestChoices, by: voter)
            // This ballot's ciphertexts are public now: it is never cast; the next one is encrypted afresh.
            challengedThisSession = true
            self.ballot = nil
            state = .challenged(report)
        } catch {
            fail(error)
        }
        return .redraw
    }

    /// A refusal while voting: the voter and the ballot are dropped; the refusal is shown.
    mutating func fail(_ error: Error) {
        voter = nil
        ballot = nil
        choices = [:]
        state = .refused((error as? NodeError)?.refusal ?? .technical)
    }

    // MARK: - Screens

    /// The screen for the current state, in the session's language.
    public var screen: KioskScreen {
        let t = text
        let back = KioskScreen.Key(t.keyBack, t.labelBack)
        let cancel = KioskScreen.Key(t.keyCancel, challengedThisSession ? t.labelCancelAfterChallenge : t.labelCancel)
        var s: KioskScreen
        switch state {
        case .welcome(let notice):
            let termTitle = language == .english ? (backend.termTitleEnglish ?? backend.termTitle) : backend.termTitle
            var lines = t.welcomeLines(termTitle, backend.windowDays)
            switch notice {
            case .timedOut(let cast, let challenged)?: lines = [t.noticeTimedOut(idleTimeoutSeconds, cast, challenged), ""] + lines
            case .cancelled(let challenged)?: lines = [t.noticeCancelled(challenged), ""] + lines
            case nil: break
            }
            s = KioskScreen(title: t.welcomeTitle, lines: lines,
                            keys: [.init(t.keyEnter, t.welcomeStart), .init(t.keyOtherLanguage, t.otherLanguageLabel)])

        case .codeEntry(let problem):
            let message: String? = switch problem {
            case .wrongLength(let n)?: t.codeWrongLength(n)
            case .invalidCharacter(let p, let g, let q)?: t.codeInvalidCharacter(p, g, q)
            case .checksum?: t.codeChecksum
            case nil: nil
            }
            s = KioskScreen(title: t.codeTitle, problem: message, lines: t.codeLines, keys: [cancel], prompt: t.codePrompt)

        case .refused(let refusal):
            var keys = [KioskScreen.Key(t.keyEnter, t.labelEnd)]
            if refusal != .technical { keys.append(.init(t.keyBack, t.labelRetypeCode)) }
            s = KioskScreen(title: t.refusedTitle, lines: t.refusal(refusal), keys: keys)

        case .windowOpen:
            var lines: [String] = []
            if let voter {
                lines = t.openLines(voter.window.number, voter.birthday, voter.lastDay, voter.contests.count)
                if voter.earlierBallot != nil { lines += ["", t.revoteNotice] }
            }
            s = KioskScreen(title: t.openTitle, lines: lines, keys: [.init(t.keyEnter, t.labelContinue), back, cancel])

        case .contest(let index, let problem):
            let version = contests[index]
            let chosen = choices[version.contest] ?? []
            var lines: [String] = []
            let numberWidth = String(version.options.count).count
            for (n, option) in version.options.enumerated() {
                let number = String(n + 1).leftPadded(to: numberWidth)
                lines.append("   \(number)   \(label(option))" + (chosen.contains(option.id) ? "   \(t.selectedMark)" : ""))
            }
            if version.min == 0 && version.max == 1 { lines.append("   \("0".leftPadded(to: numberWidth))   \(t.noAnswerOption)") }
            let single = version.max == 1
            let message: String? = switch problem {
            case .noSuchOption(let n)?: t.noSuchOption(n, version.options.count)
            case .tooMany?: t.tooMany(version.max)
            case .tooFew?: t.tooFew(version.min)
            case .notUnderstood?: t.contestNotUnderstood(version.options.count)
            case nil: nil
            }
            var keys: [KioskScreen.Key] = []
            if !single || choices[version.contest] != nil { keys.append(.init(t.keyNext, t.labelNextQuestion)) }
            keys += [back, cancel]
            s = KioskScreen(title: t.contestHeading(index + 1, contests.count), problem: message, lines: lines, keys: keys)
            // The question, its rule and how to answer stay visible on every page.
            s.header = [title(version), t.contestRule(version.min, version.max), single ? t.contestPromptSingle : t.contestPromptMultiple]

        case .review:
            var lines = [t.reviewIntro, ""]
            for (n, version) in contests.enumerated() {
                let labels = (choices[version.contest] ?? []).map { id in version.options.first { $0.id == id }.map(label) ?? id }
                lines.append("\(n + 1). \(title(version))")
                lines.append("      " + t.answerMark + " " + (labels.isEmpty ? t.blankAnswer : labels.joined(separator: ", ")))
            }
            if voter?.earlierBallot != nil { lines += ["", t.revoteNotice] }
            s = KioskScreen(title: t.reviewTitle, lines: lines, keys: [.init(t.keyEnter, t.labelConfirm), back, cancel])
            s.header = [t.reviewChange]

        case .castOrChallenge:
            var lines = t.ballotLines(ballot?.trackerCode ?? "")
            if voter?.earlierBallot != nil { lines += ["", t.revoteNotice] }
            s = KioskScreen(title: t.ballotTitle, lines: lines, keys: [
                .init(t.keyCast, t.labelCast), .init(t.keyChallenge, t.labelChallenge), .init(t.keyBack, t.labelChange), cancel,
            ])

        case .challenged(let report):
            var lines = t.challengedLines(report.shownCode.isEmpty ? report.trackerCode : report.shownCode, report.trackerCode, report.index) + [t.challengedCheckData]
            for (i, contest) in report.contests.enumerated() {
                // In the session's language when the contest is still known (it is, until the session ends).
                let version = i < contests.count ? contests[i] : nil
                let selected = version.map { v in zip(v.options, contest.bits).filter { $0.1 == 1 }.map { label($0.0) } } ?? contest.selected
                let answer = selected.isEmpty ? t.blankAnswer : selected.joined(separator: ", ")
                lines.append("   \(version.map(title) ?? contest.title) : \(answer)   [\(contest.bits.map(String.init).joined(separator: " "))]")
            }
            lines += [""] + t.challengedExplain
            s = KioskScreen(title: t.challengedTitle, lines: lines, keys: [.init(t.keyEnter, t.labelVoteAgain), cancel])

        case .receipt(let report):
            var lines = t.receiptLines(report)
            if let replaced = report.replaced { lines.append(t.receiptReplaced(replaced)) }
            lines += [""] + t.receiptCheckLater(report.receiptFile != nil, checkAddress)
            s = KioskScreen(title: t.receiptTitle, lines: lines, keys: [.init(t.keyEnter, t.labelFinish)])
        }
        if remark && s.problem == nil { s.problem = t.notUnderstood }
        if idleWarning { s.alert = t.stillThere(warningSeconds) }
        return s
    }
}

fileprivate extension String {
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
