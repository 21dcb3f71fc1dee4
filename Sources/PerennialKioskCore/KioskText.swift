import BallotCore
import Foundation
import Perennial

/// Every sentence the kiosk shows, one value per language, all in this file.
///
/// Rules for the wording: short sentences, no jargon, always say what happens next and what the
/// voter can do; never show internals (error messages, paths of the engine, keys). Keys are letters
/// typed then Enter, so the kiosk works on any keyboard, a serial line or a braille display.
public struct KioskText: Sendable {
    // Keys (typed, then Enter). Compared case-insensitively.
    public var keyBack: String
    public var keyCancel: String
    public var keyCast: String
    public var keyChallenge: String
    public var keyNext: String
    public var keyOtherLanguage: String
    public var keyEnter: String

    // Common.
    public var kioskName: String
    public var problemPrefix: String
    public var labelBack: String
    public var labelCancel: String
    /// The cancel key's label once a challenged ballot was recorded (it stays in the record).
    public var labelCancelAfterChallenge: String
    public var labelEnd: String
    /// Marks an answer on the review screen (a word, so a screen reader reads no arrow).
    public var answerMark: String
    /// The warning before the idle time-out.
    public var stillThere: @Sendable (_ seconds: Int) -> String
    /// "Page 1 of 3".
    public var pageOf: @Sendable (_ page: Int, _ of: Int) -> String
    /// What Enter does on a page that has a next one.
    public var pageMore: String
    /// The whole screen when the terminal is too small to show a screen.
    public var tooSmall: @Sendable (_ columns: Int, _ rows: Int) -> String
    /// "not understood" on a question screen, where the answers are numbers.
    public var contestNotUnderstood: @Sendable (_ options: Int) -> String
    public var notUnderstood: String
    public var selectedMark: String
    public var keysHeading: String
    public var date: @Sendable (LocalDate) -> String

    // Welcome.
    public var welcomeTitle: String
    public var welcomeLines: @Sendable (_ term: String, _ windowDays: Int) -> [String]
    public var welcomeStart: String
    public var otherLanguageLabel: String
    public var noticeTimedOut: @Sendable (_ seconds: Int, _ cast: Bool, _ challenged: Bool) -> String
    public var noticeCancelled: @Sendable (_ challenged: Bool) -> String

    // Code entry.
    public var codeTitle: String
    public var codeLines: [String]
    public var codePrompt: String
    public var codeWrongLength: @Sendable (_ typed: Int) -> String
    public var codeInvalidCharacter: @Sendable (_ position: Int, _ group: Int, _ place: Int) -> String
    public var codeChecksum: String

    // Refusals.
    public var refusedTitle: String
    public var refusal: @Sendable (KioskRefusal) -> [String]
    public var labelRetypeCode: String

    // Window open.
    public var openTitle: String
    public var openLines: @Sendable (_ window: Int, _ birthday: Birthday, _ lastDay: LocalDate, _ questions: Int) -> [String]
    public var revoteNotice: String
    public var labelContinue: String

    // Contests.
    public var contestHeading: @Sendable (_ number: Int, _ of: Int) -> String
    public var contestRule: @Sendable (_ min: Int, _ max: Int) -> String
    public var contestPromptSingle: String
    public var contestPromptMultiple: String
    public var labelNextQuestion: String
    public var noAnswerOption: String
    public var noSuchOption: @Sendable (_ typed: Int, _ count: Int) -> String
    public var tooMany: @Sendable (_ max: Int) -> String
    public var tooFew: @Sendable (_ min: Int) -> String

    // Review.
    public var reviewTitle: String
    public var reviewIntro: String
    public var blankAnswer: String
    public var reviewChange: String
    public var labelConfirm: String

    // Cast or challenge.
    public var ballotTitle: String
    public var ballotLines: @Sendable (_ tracker: String) -> [String]
    public var labelCast: String
    public var labelChallenge: String
    public var labelChange: String

    // Challenged.
    public var challengedTitle: String
    public var challengedLines: @Sendable (_ shown: String, _ tracker: String, _ index: UInt64) -> [String]
    public var challengedCheckData: String
    public var challengedExplain: [String]
    public var labelVoteAgain: String

    // Receipt.
    public var receiptTitle: String
    public var receiptLines: @Sendable (CastReport) -> [String]
    public var receiptReplaced: @Sendable (_ index: Int) -> String
    public var receiptCheckLater: @Sendable (_ printed: Bool, _ address: String?) -> [String]
    public var labelFinish: String

    /// The text of a language.
    public static func of(_ language: KioskLanguage) -> KioskText {
        switch language {
        case .french: french
        case .english: english
        }
    }

    /// `ABCD EF01 …`: hex in upper-case groups of four (for roots and trackers).
    public static func grouped(_ hex: String, groups: Int) -> String {
        let chars = Array(hex.uppercased())
        return stride(from: 0, to: min(chars.count, groups * 4), by: 4)
            .map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: " ")
    }

    /// 0 = Monday … 6 = Sunday.
    static func weekday(_ date: LocalDate) -> Int { date.weekday }

    /// "samedi 20 mars 2027".
    static func frenchDate(_ d: LocalDate) -> String {
        let days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        return "\(days[weekday(d)]) \(d.day == 1 ? "1er" : String(d.day)) \(MonthNames.french[d.month - 1]) \(d.year)"
    }

    /// "Saturday 20 March 2027".
    static func englishDate(_ d: LocalDate) -> String {
        let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        return "\(days[weekday(d)]) \(d.day) \(MonthNames.english[d.month - 1]) \(d.year)"
    }

    // MARK: - Français

    public static let french = KioskText(
        keyBack: "R", keyCancel: "A", keyCast: "V", keyChallenge: "C", keyNext: "S", keyOtherLanguage: "E", keyEnter: "Entrée",
        kioskName: "Borne de vote",
        problemPrefix: "ATTENTION :",
        labelBack: "revenir en arrière",
        labelCancel: "abandonner (rien ne sera enregistré)",
        labelCancelAfterChallenge: "abandonner sans voter (le bulletin contrôlé reste au registre, annulé)",
        labelEnd: "terminer",
        answerMark: "réponse :",
        stillThere: { s in "Encore là ? Appuyez sur une touche. Sans réponse, la session sera fermée dans \(s) secondes et rien de plus ne sera enregistré." },
        pageOf: { p, n in "Page \(p) sur \(n)" },
        pageMore: "suite : Entrée",
        tooSmall: { c, r in "L'écran est trop petit pour cette page (\(c) colonnes, \(r) lignes). Agrandissez la fenêtre, ou demandez à un agent." },
        contestNotUnderstood: { n in "Je n'ai pas compris. Tapez le numéro d'une réponse (de 1 à \(n)) ou une des lettres ci-dessous, puis Entrée." },
        notUnderstood: "Je n'ai pas compris. Utilisez une des touches ci-dessous, puis Entrée.",
        selectedMark: "(choisi)",
        keysHeading: "Tapez une touche puis Entrée :",
        date: frenchDate,
        welcomeTitle: "Bienvenue",
        welcomeLines: { term, w in [
            term,
            "",
            "Chaque année, vous votez ici pendant les \(w) jours qui commencent le jour de votre anniversaire.",
            "Gardez sous la main la carte ou la lettre qui porte votre code de vote.",
            "Personne ne voit votre vote : il est chiffré dès qu'il quitte la borne.",
        ] },
        welcomeStart: "commencer",
        otherLanguageLabel: "English",
        noticeTimedOut: { s, cast, challenged in
            cast ? "La session précédente a été fermée après \(s) secondes sans activité. Votre vote est enregistré."
                : "La session précédente a été fermée après \(s) seconde\(s > 1 ? "s" : "") sans activité. Aucun vote n'a été déposé"
                    + (challenged ? " (le bulletin contrôlé reste au registre, annulé)." : ".")
        },
        noticeCancelled: { challenged in
            "La session a été abandonnée. Aucun vote n'a été déposé" + (challenged ? " (le bulletin contrôlé reste au registre, annulé)." : ".")
        },
        codeTitle: "Votre code de vote",
        codeLines: [
            "Tapez le code de votre carte, puis Entrée.",
            "Il a 20 caractères, en 4 groupes de 5 : XXXXX-XXXXX-XXXXX-XXXXX.",
            "Majuscules ou minuscules, espaces ou tirets : comme vous voulez.",
            "La lettre O se lit zéro ; les lettres I et L se lisent un.",
        ],
        codePrompt: "Votre code :",
        codeWrongLength: { n in
            n == 0 ? "Vous n'avez rien tapé. Le code a 20 caractères."
                : "Vous avez tapé \(n) caractère\(n > 1 ? "s" : "") ; il en faut 20 (4 groupes de 5). Vérifiez qu'il n'en manque pas et qu'il n'y en a pas en trop."
        },
        codeInvalidCharacter: { p, g, q in
            "Le caractère n° \(p) (groupe \(g), \(q == 1 ? "1er" : "\(q)e") caractère du groupe) ne peut pas être dans un code. Un code n'a que des chiffres et des lettres (jamais de U). Retapez le code."
        },
        codeChecksum: "Ce code ne se vérifie pas : un caractère est sans doute mal tapé. Comparez chaque groupe de 5 avec votre carte et retapez le code.",
        refusedTitle: "Vous ne pouvez pas voter aujourd'hui",
        refusal: { r in
            switch r {
            case .notOnRoll:
                return ["Ce code n'est pas sur la liste électorale de ce mandat.",
                        "Vérifiez-le sur votre carte. S'il est juste, adressez-vous à la mairie (service des élections)."]
            case .outsideWindow(let next?):
                return ["Votre période de vote n'est pas ouverte aujourd'hui.",
                        "Votre prochaine période de vote : du \(frenchDate(next.first)) au \(frenchDate(next.last)) inclus.",
                        "Revenez à ces dates avec votre carte."]
            case .outsideWindow(nil):
                return ["Votre période de vote n'est pas ouverte aujourd'hui.",
                        "Vous n'avez plus de période de vote d'ici la fin de ce mandat.",
                        "Si vous pensez que c'est une erreur, adressez-vous à la mairie."]
            case .replaced:
                return ["Cette carte a été remplacée par une nouvelle carte : elle ne sert plus.",
                        "Utilisez le code de votre nouvelle carte. Si vous ne l'avez pas reçue, adressez-vous à la mairie."]
            case .closed:
                return ["Le mandat est terminé : le vote est clos.",
                        "Les résultats sont publiés par la mairie, avec tout ce qu'il faut pour les vérifier."]
            case .notOpenYet(let start?):
                return ["Le vote n'est pas encore ouvert. Il ouvre le \(frenchDate(start))."]
            case .notOpenYet(nil):
                return ["Le vote n'est pas encore ouvert : la préparation des clés de l'élection n'est pas terminée.",
                        "Revenez un peu plus tard, ou adressez-vous à un agent."]
            case .noContests:
                return ["Il n'y a aucune question à voter pour le moment.", "Adressez-vous à un agent."]
            case .contestsChanged:
                return ["Les questions viennent de changer pendant que vous votiez (une candidature a été déposée ou retirée).",
                        "Votre bulletin n'a pas été déposé. Recommencez avec votre code."]
            case .windowJustClosed:
                return ["Votre période de vote vient de se terminer (minuit est passé).",
                        "Votre bulletin n'a pas été déposé."]
            case .technical:
                return ["Un problème technique empêche de continuer.",
                        "Votre vote n'a pas été déposé. Adressez-vous à un agent."]
            }
        },
        labelRetypeCode: "retaper le code",
        openTitle: "Votre période de vote est ouverte",
        openLines: { n, b, last, q in [
            "Bonjour. Votre code est reconnu (anniversaire : \(b.day == 1 ? "1er" : String(b.day)) \(MonthNames.french[b.month - 1])).",
            "C'est votre vote de l'année \(n) du mandat.",
            "Vous pouvez voter jusqu'au \(frenchDate(last)) inclus.",
            "Il y a \(q) question\(q > 1 ? "s" : ""), une par écran. Vous pourrez tout vérifier avant de voter.",
        ] },
        revoteNotice: "Vous avez déjà voté pendant cette période. Si vous votez à nouveau, votre nouveau bulletin remplacera le précédent : seul le dernier compte.",
        labelContinue: "continuer",
        contestHeading: { i, n in "Question \(i) sur \(n)" },
        contestRule: { lo, hi in
            if lo == hi { return hi == 1 ? "Choisissez une réponse." : "Choisissez \(hi) réponses." }
            if lo == 0 { return "Choisissez jusqu'à \(hi) réponse\(hi > 1 ? "s" : ""), ou aucune." }
            return "Choisissez de \(lo) à \(hi) réponses."
        },
        contestPromptSingle: "Tapez le numéro de votre choix, puis Entrée.",
        contestPromptMultiple: "Tapez un numéro pour le choisir ou l'enlever, puis Entrée.",
        labelNextQuestion: "valider cette question et continuer",
        noAnswerOption: "aucune réponse",
        noSuchOption: { t, n in "Il n'y a pas de réponse n° \(t). Tapez un numéro de 1 à \(n)." },
        tooMany: { m in "Vous avez déjà \(m) réponse\(m > 1 ? "s" : "") (le maximum). Enlevez-en une d'abord en tapant son numéro." },
        tooFew: { m in "Choisissez au moins \(m) réponse\(m > 1 ? "s" : "") avant de continuer." },
        reviewTitle: "Vérifiez votre vote",
        reviewIntro: "Voici vos choix :",
        blankAnswer: "aucune réponse (blanc)",
        reviewChange: "Pour changer une réponse, tapez le numéro de la question.",
        labelConfirm: "c'est juste, continuer",
        ballotTitle: "Voter ou contrôler",
        ballotLines: { t in [
            "Votre bulletin est prêt et chiffré. Son code de suivi :",
            "",
            "        \(t)",
            "",
            "Notez-le : il sera sur votre reçu et dans le registre public.",
            "Vous pouvez maintenant voter, ou d'abord contrôler ce bulletin : il est alors ouvert devant vous, annulé (jamais compté), et vous votez à nouveau.",
        ] },
        labelCast: "VOTER : déposer ce bulletin (vous pourrez revoter pendant votre période : seul le dernier compte)",
        labelChallenge: "contrôler ce bulletin (il sera annulé, puis vous revoterez)",
        labelChange: "revenir pour modifier vos choix",
        challengedTitle: "Bulletin contrôlé (il ne comptera pas)",
        challengedLines: { shown, t, i in [
            "Le bulletin \(shown) a été ouvert et inscrit au registre comme annulé, sous le code \(t) : il ne sera jamais compté.",
        ] },
        challengedCheckData: "Il contenait (entre crochets, les données de contrôle : 1 = choisi, 0 = non) :",
        challengedExplain: [
            "Ces données sont publiées : chacun peut vérifier que ce bulletin chiffre exactement ces choix. Si ce n'est pas ce que vous avez choisi, ne votez pas ici : prévenez un agent.",
        ],
        labelVoteAgain: "voter maintenant (vos choix sont gardés)",
        receiptTitle: "A voté. Merci !",
        receiptLines: { r in [
            "Votre vote est enregistré. Il est chiffré : personne ne peut le lire.",
            "Votre code de suivi :",
            "        \(r.trackerCode)",
        ] },
        receiptReplaced: { i in "Ce bulletin remplace celui que vous aviez déposé plus tôt pendant cette période (entrée n° \(i)) ; seul le nouveau compte." },
        receiptCheckLater: { printed, address in
            (printed ? ["Votre reçu s'imprime : prenez-le, il porte ce code."]
                : ["Le reçu n'a pas pu être imprimé ; votre vote compte quand même. Notez le code, ou demandez le reçu à un agent."])
                + ["Pour vérifier que votre vote est bien compté, tapez ce code sur "
                   + (address ?? "le site de la ville, page « Vérifier mon bulletin »") + ", ou demandez-le en mairie."]
        },
        labelFinish: "terminer (l'écran sera effacé)"
    )

    // MARK: - English

    public static let english = KioskText(
        keyBack: "B", keyCancel: "Q", keyCast: "V", keyChallenge: "C", keyNext: "N", keyOtherLanguage: "F", keyEnter: "Enter",
        kioskName: "Voting kiosk",
        problemPrefix: "PLEASE NOTE:",
        labelBack: "go back",
        labelCancel: "quit (nothing will be recorded)",
        labelCancelAfterChallenge: "quit without voting (the checked ballot stays in the record, cancelled)",
        labelEnd: "finish",
        answerMark: "answer:",
        stillThere: { s in "Still there? Press any key. Otherwise the session closes in \(s) seconds and nothing more is recorded." },
        pageOf: { p, n in "Page \(p) of \(n)" },
        pageMore: "more: Enter",
        tooSmall: { c, r in "The screen is too small for this page (\(c) columns, \(r) rows). Please make the window larger, or ask a member of staff." },
        contestNotUnderstood: { n in "Sorry, I did not understand. Type the number of an answer (1 to \(n)) or one of the letters below, then Enter." },
        notUnderstood: "Sorry, I did not understand. Use one of the keys below, then Enter.",
        selectedMark: "(chosen)",
        keysHeading: "Type a key, then Enter:",
        date: englishDate,
        welcomeTitle: "Welcome",
        welcomeLines: { term, w in [
            term,
            "",
            "Every year, you vote here during the \(w) days that start on your birthday.",
            "Please have the card or letter with your voting code at hand.",
            "Nobody sees your vote: it is encrypted before it leaves this kiosk.",
        ] },
        welcomeStart: "start",
        otherLanguageLabel: "Français",
        noticeTimedOut: { s, cast, challenged in
            cast ? "The previous session was closed after \(s) seconds without activity. Your vote is recorded."
                : "The previous session was closed after \(s) second\(s > 1 ? "s" : "") without activity. No vote was cast"
                    + (challenged ? " (the checked ballot stays in the record, cancelled)." : ".")
        },
        noticeCancelled: { challenged in
            "The session was cancelled. No vote was cast" + (challenged ? " (the checked ballot stays in the record, cancelled)." : ".")
        },
        codeTitle: "Your voting code",
        codeLines: [
            "Type the code on your card, then Enter.",
            "It has 20 characters, in 4 groups of 5: XXXXX-XXXXX-XXXXX-XXXXX.",
            "Upper or lower case, spaces or dashes: as you like.",
            "The letter O reads as zero; the letters I and L read as one.",
        ],
        codePrompt: "Your code:",
        codeWrongLength: { n in
            n == 0 ? "You typed nothing. The code has 20 characters."
                : "You typed \(n) character\(n > 1 ? "s" : ""); a code has 20 (4 groups of 5). Check that none is missing and none is extra."
        },
        codeInvalidCharacter: { p, g, q in
            "Character \(p) (group \(g), character \(q) of the group) cannot be in a code. A code has only digits and letters (never U). Please type the code again."
        },
        codeChecksum: "This code does not check out: one character is probably mistyped. Compare each group of 5 with your card and type the code again.",
        refusedTitle: "You cannot vote today",
        refusal: { r in
            switch r {
            case .notOnRoll:
                return ["This code is not on the roll of this term.",
                        "Check it on your card. If it is right, please ask the town hall (elections office)."]
            case .outsideWindow(let next?):
                return ["Your voting window is not open today.",
                        "Your next voting window: from \(englishDate(next.first)) to \(englishDate(next.last)) inclusive.",
                        "Please come back on those dates with your card."]
            case .outsideWindow(nil):
                return ["Your voting window is not open today.",
                        "You have no voting window left before the end of this term.",
                        "If you think this is a mistake, please ask the town hall."]
            case .replaced:
                return ["This card was replaced by a new card: it no longer works.",
                        "Use the code of your new card. If you have not received it, please ask the town hall."]
            case .closed:
                return ["The term has ended: voting is closed.",
                        "The town hall publishes the results, with everything needed to check them."]
            case .notOpenYet(let start?):
                return ["Voting has not opened yet. It opens on \(englishDate(start))."]
            case .notOpenYet(nil):
                return ["Voting has not opened yet: the election keys are not ready.",
                        "Please come back a little later, or ask a member of staff."]
            case .noContests:
                return ["There is nothing to vote on at the moment.", "Please ask a member of staff."]
            case .contestsChanged:
                return ["The questions changed while you were voting (a candidate entered or withdrew).",
                        "Your ballot was not cast. Please start again with your code."]
            case .windowJustClosed:
                return ["Your voting window has just closed (midnight has passed).",
                        "Your ballot was not cast."]
            case .technical:
                return ["A technical problem prevents us from going on.",
                        "Your vote was not cast. Please ask a member of staff."]
            }
        },
        labelRetypeCode: "type the code again",
        openTitle: "Your voting window is open",
        openLines: { n, b, last, q in [
            "Hello. Your code is recognised (birthday: \(b.day) \(MonthNames.english[b.month - 1])).",
            "This is your vote for year \(n) of the term.",
            "You can vote until \(englishDate(last)) inclusive.",
            "There \(q > 1 ? "are \(q) questions" : "is 1 question"), one per screen. You can check everything before you vote.",
        ] },
        revoteNotice: "You have already voted in this window. If you vote again, your new ballot replaces the earlier one: only the last one counts.",
        labelContinue: "continue",
        contestHeading: { i, n in "Question \(i) of \(n)" },
        contestRule: { lo, hi in
            if lo == hi { return hi == 1 ? "Choose one answer." : "Choose \(hi) answers." }
            if lo == 0 { return "Choose up to \(hi) answer\(hi > 1 ? "s" : ""), or none." }
            return "Choose from \(lo) to \(hi) answers."
        },
        contestPromptSingle: "Type the number of your choice, then Enter.",
        contestPromptMultiple: "Type a number to choose it or remove it, then Enter.",
        labelNextQuestion: "confirm this question and go on",
        noAnswerOption: "no answer",
        noSuchOption: { t, n in "There is no answer number \(t). Type a number from 1 to \(n)." },
        tooMany: { m in "You already have \(m) answer\(m > 1 ? "s" : "") (the maximum). Remove one first by typing its number." },
        tooFew: { m in "Choose at least \(m) answer\(m > 1 ? "s" : "") before going on." },
        reviewTitle: "Check your vote",
        reviewIntro: "Your choices:",
        blankAnswer: "no answer (blank)",
        reviewChange: "To change an answer, type the number of the question.",
        labelConfirm: "this is right, go on",
        ballotTitle: "Vote or check",
        ballotLines: { t in [
            "Your ballot is ready and encrypted. Its tracking code:",
            "",
            "        \(t)",
            "",
            "Write it down: it will be on your receipt and in the public record.",
            "You can now vote, or first check this ballot: it is then opened in front of you, cancelled (never counted), and you vote again.",
        ] },
        labelCast: "VOTE: cast this ballot (you may vote again during your window: only the last one counts)",
        labelChallenge: "check this ballot (it will be cancelled, then you vote again)",
        labelChange: "go back to change your choices",
        challengedTitle: "Ballot checked (it will not count)",
        challengedLines: { shown, t, i in [
            "Ballot \(shown) was opened and recorded as cancelled, under the code \(t): it will never be counted.",
        ] },
        challengedCheckData: "It contained (in brackets, the check data: 1 = chosen, 0 = not):",
        challengedExplain: [
            "This data is published: anyone can check that this ballot encrypts exactly these choices. If this is not what you chose, do not vote here: tell a member of staff.",
        ],
        labelVoteAgain: "vote now (your choices are kept)",
        receiptTitle: "Vote cast. Thank you!",
        receiptLines: { r in [
            "Your vote is recorded. It is encrypted: nobody can read it.",
            "Your tracking code:",
            "        \(r.trackerCode)",
        ] },
        receiptReplaced: { i in "This ballot replaces the one you cast earlier in this window (entry \(i)); only the new one counts." },
        receiptCheckLater: { printed, address in
            (printed ? ["Your receipt is printing: take it, it carries this code."]
                : ["The receipt could not be printed; your vote counts all the same. Write the code down, or ask a member of staff for the receipt."])
                + ["To check that your vote is counted, type this code on "
                   + (address ?? "the city's website, page \"Check my ballot\"") + ", or ask at the town hall."]
        },
        labelFinish: "finish (the screen will be cleared)"
    )
}
