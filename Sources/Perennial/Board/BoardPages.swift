import CivicLog
import Foundation

/// The public pages: plain, accessible HTML (French and English side by side), no JavaScript except
/// the in-browser verification of "check my ballot", nothing from other hosts.
enum BoardPages {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func bi(_ fr: String, _ en: String) -> String {
        #"<span lang="fr">\#(escape(fr))</span> <span class="sep" aria-hidden="true">·</span> <span lang="en">\#(escape(en))</span>"#
    }

    static func head(title: String, extra: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="fr">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="assets/style.css">
        \(extra)
        </head>
        <body>
        <a class="skip" href="#main">\(bi("Aller au contenu", "Skip to content"))</a>
        <header><nav aria-label="Pages"><ul>
        <li><a href="index.html">\(bi("État du mandat", "Term status"))</a></li>
        <li><a href="check.html">\(bi("Vérifier mon bulletin", "Check my ballot"))</a></li>
        </ul></nav></header>
        <main id="main">
        """
    }

    static let foot = """
        </main>
        <footer><p>\(bi("Registre public : journal Merkle signé (tlog-tiles C2SP), vérifiable avec perennial-audit.", "Public record: a signed Merkle log (C2SP tlog-tiles), verifiable with perennial-audit."))</p></footer>
        </body>
        </html>

        """

    static func checkPage(verifierKey: String, timeZone: String, contactFR: String, contactEN: String) -> String {
        head(title: "Vérifier mon bulletin · Check my ballot", extra: """
        <meta name="perennial-log-key" content="\(escape(verifierKey))">
        <meta name="perennial-time-zone" content="\(escape(timeZone))">
        <meta name="perennial-contact-fr" content="\(escape(contactFR))">
        <meta name="perennial-contact-en" content="\(escape(contactEN))">
        <script src="assets/check.js" defer></script>
        """) + """
        <h1>\(bi("Vérifier mon bulletin", "Check my ballot"))</h1>
        <p lang="fr">Tapez le code de suivi imprimé par la borne (16 caractères). Votre navigateur vérifie lui-même la signature de la ville et la preuve que votre bulletin est dans le registre public : vous n'avez pas à croire ce serveur sur parole.</p>
        <p lang="en">Type the tracking code printed by the kiosk (16 characters). Your browser itself checks the city's signature and the proof that your ballot is in the public record: you need not take this server's word for it.</p>
        <form id="check-form">
        <label for="code">\(bi("Code de suivi", "Tracking code"))</label>
        <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text" aria-describedby="code-help" required>
        <p id="code-help" class="help">\(bi("Par exemple 7KQ2-MXW4-PB9T-RH3N ; majuscules, minuscules et tirets indifférents.", "For example 7KQ2-MXW4-PB9T-RH3N; case and dashes do not matter."))</p>
        <button id="check-button" type="submit" disabled>\(bi("Vérifier", "Check"))</button>
        </form>
        <div id="answer" class="answer" role="status" aria-live="polite" tabindex="-1"></div>
        <noscript><p>\(bi("Cette vérification s'exécute dans votre navigateur et demande JavaScript. Sans lui, vérifiez votre reçu avec perennial-audit receipt.", "This check runs in your browser and needs JavaScript. Without it, check your receipt with perennial-audit receipt."))</p></noscript>
        <details><summary>\(bi("Comment ça marche", "How it works"))</summary>
        <p lang="fr">La page lit le point de contrôle signé (<code>checkpoint</code>) et vérifie sa signature Ed25519 avec la clé du journal publiée dans le registre (<code>\(escape(verifierKey))</code>). L'index des codes (<code>trackers/</code>) lui indique seulement où chercher : elle relit l'entrée elle-même, recalcule son code et sa preuve d'inclusion depuis les tuiles, et refuse toute réponse qui ne se vérifie pas.</p>
        <p lang="en">The page reads the signed checkpoint (<code>checkpoint</code>) and verifies its Ed25519 signature with the log key published in the record (<code>\(escape(verifierKey))</code>). The code index (<code>trackers/</code>) only tells it where to look: it reads the entry itself, recomputes its code and its inclusion proof from the tiles, and refuses any answer that does not verify.</p>
        </details>
        """ + foot
    }

    static let css = """
        :root { color-scheme: light; --ink: #1a1a1a; --paper: #ffffff; --accent: #0b4f8a; --ok: #14532d; --warn: #7c2d12; --muted: #4a4a4a; }
        body { font: 1.125rem/1.5 system-ui, sans-serif; color: var(--ink); background: var(--paper); margin: 0 auto; max-width: 60rem; padding: 0 1rem; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, summary:focus, .answer:focus { outline: 3px solid #b45309; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--paper); }
        header ul { list-style: none; padding: 0; display: flex; gap: 1.5rem; flex-wrap: wrap; }
        .sep { color: var(--muted); } button .sep { color: inherit; }
        label { display: block; font-weight: 600; margin-top: 1rem; }
        input[type=text] { font: inherit; font-family: ui-monospace, monospace; letter-spacing: .1em; padding: .5rem; border: 2px solid var(--ink); width: min(100%, 24rem); }
        button { font: inherit; padding: .5rem 1.25rem; margin-top: .75rem; background: var(--accent); color: #fff; border: 2px solid var(--accent); cursor: pointer; }
        .help { color: var(--muted); margin: .25rem 0; }
        .answer { margin: 1.5rem 0; padding: 0 1rem; border-left: 6px solid transparent; }
        .answer.counts { border-color: var(--ok); } .answer.replaced, .answer.challenged, .answer.unknown, .answer.mistyped { border-color: var(--accent); }
        .answer.failed { border-color: var(--warn); font-weight: 600; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        code, .mono { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
        svg { max-width: 100%; height: auto; } svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
        footer { margin: 3rem 0 1rem; color: var(--muted); font-size: 1rem; }

        """
}
