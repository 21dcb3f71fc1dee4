import BallotCore
import Foundation
import Perennial
import PerennialKioskCore
import Testing

/// Key-by-key input and screens fitted to the terminal, without a terminal.
@Suite("Kiosk input and layout")
struct KioskInputAndLayoutTests {
    @Test func controlKeysEndTheSessionNeverTheProgram() {
        var decoder = KioskKeyDecoder()
        #expect(decoder.feed([0x03, 0x1C, 0x1A, 0x04]) == [.interrupt, .interrupt, .interrupt, .interrupt])
        #expect(decoder.feed(Array("a1\r\n".utf8)) == [.character("a"), .character("1"), .enter])
        #expect(decoder.feed([0x7F, 0x08, 0x15]) == [.backspace, .backspace, .eraseLine])
        // Arrow keys and flow-control bytes are activity, never text.
        #expect(decoder.feed([0x1B, 0x5B, 0x41, 0x13, 0x11]) == [.other, .other, .other])
        // UTF-8 split between two reads.
        let e = Array("é".utf8)
        #expect(decoder.feed([e[0]]) == [])
        #expect(decoder.feed([e[1]]) == [.character("é")])
    }

    @Test func theLineEditorEchoesOnlyWhenAskedAndForgetsOnInterrupt() {
        var editor = KioskLineEditor()
        #expect(editor.apply(.character("A"), echo: true) == .echo("A"))
        #expect(editor.apply(.character("B"), echo: false) == .none)
        #expect(editor.apply(.backspace, echo: true) == .erase(1))
        #expect(editor.apply(.enter, echo: true) == .submit("A"))
        _ = editor.apply(.character("X"), echo: true)
        #expect(editor.apply(.interrupt, echo: true) == .interrupt)
        #expect(editor.count == 0, "what was typed is forgotten")
        #expect(editor.apply(.enter, echo: true) == .submit(""))
    }

    static func twelveOptions() -> KioskScreen {
        var s = KioskScreen(title: "Question 1 sur 3", lines: (1...12).map { "   \(String($0).count == 1 ? " " : "")\($0)   Candidate number \($0) of the metropolitan council list" },
                            keys: [.init("R", "revenir en arrière"), .init("A", "abandonner (rien ne sera enregistré)")])
        s.header = ["Conseil métropolitain : élection des représentants de quartier", "Choisissez une réponse.", "Tapez le numéro de votre choix, puis Entrée."]
        s.problem = "Il n'y a pas de réponse n° 13. Tapez un numéro de 1 à 12."
        return s
    }

    @Test(arguments: [(80, 24), (40, 24), (40, 14), (30, 18)])
    func longScreensArePagedAndFit(columns: Int, rows: Int) {
        let renderer = KioskRenderer(plain: false, width: columns, height: rows, text: .french)
        let screen = Self.twelveOptions()
        let pages = renderer.pageCount(screen)
        #expect(pages >= 2)
        var seen = ""
        for p in 0..<pages {
            let text = renderer.render(screen, page: p).replacingOccurrences(of: KioskRenderer.clearSequence, with: "")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count <= rows, "page \(p + 1) has \(lines.count) lines for \(rows) rows")
            #expect(lines.allSatisfy { $0.count < columns }, "no line reaches the last column")
            // The question, its rule and the error are on every page.
            let flat = lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            #expect(flat.contains("Choisissez une réponse."))
            #expect(flat.contains("n° 13"))
            #expect(flat.contains("Page \(p + 1) sur \(pages)"))
            if p + 1 < pages { #expect(flat.contains("suite : Entrée")) }
            seen += flat + " "
        }
        for n in 1...12 { #expect(seen.contains("Candidate number \(n) of"), "option \(n) is on a page") }
        // No word is cut: every word of the question appears whole.
        for word in "Conseil métropolitain : élection des représentants de quartier".split(separator: " ") {
            #expect(seen.contains(word))
        }
    }

    @Test func aTooSmallScreenSaysSoPlainly() {
        let text = KioskRenderer(plain: false, width: 28, height: 20, text: .french).render(Self.twelveOptions())
        #expect(text.contains("trop petit"))
        #expect(!text.contains("Candidate"))
        let english = KioskRenderer(plain: false, width: 80, height: 8, text: .english).render(Self.twelveOptions())
        #expect(english.contains("too small"))
    }

    @Test func plainModeHasNothingDecorative() {
        let text = KioskRenderer(plain: true, width: 80, height: 24, text: .french).render(Self.twelveOptions())
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("=="))
        #expect(!text.contains("->"))
        #expect(!text.contains("<-"))
        #expect(!text.hasSuffix("> "), "no bare > prompt to be read aloud")
        #expect(text.contains("Candidate number 12"), "plain mode is never paged")
    }

    @Test func wrappingKeepsFrenchPunctuationWithItsWord() {
        let lines = KioskRenderer.wrap("Il contenait (entre crochets, les données de contrôle : 1 = choisi, 0 = non) :", width: 75)
        #expect(lines.allSatisfy { $0.trimmingCharacters(in: .whitespaces) != ":" })
    }

    @Test func receiptPrintoutsFitTheirPaper() {
        for (paper, columns) in ReceiptPrintout.widths {
            let text = ReceiptPrintout.text(columns: columns, termTitle: "Élection municipale tout au long de la vie — essai de la borne",
                                            trackingCode: "SPCE-NMZG-GK2F8", index: 42, checkpointSize: 43, checkAddress: "https://vote.example.org/check")
            #expect(text.split(separator: "\n").allSatisfy { $0.count <= columns }, "\(paper) mm")
            #expect(text.contains("SPCE-NMZG-GK2F8"))
            #expect(text.contains("https://vote.example.org/check"))
        }
    }
}
