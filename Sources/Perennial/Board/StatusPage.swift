import CivicLog
import Foundation

/// The observers' status page (server-rendered; charts are inline SVG with a data table beside).
enum StatusPage {
    typealias E = BoardPages

    static func render(_ s: BoardState, checkpoint: SignedCheckpoint?, auditVerdict: String?) -> String {
        let term = s.term
        var html = E.head(title: (term?.title ?? "Perennial") + " — état du mandat · term status")
        html += "<h1>\(E.escape(term?.title ?? "Perennial"))</h1>\n"
        if term?.simulation == true {
            html += "<p class=\"answer failed\">\(E.bi("Simulation : les dates de ce registre ne disent pas quand les faits ont eu lieu. Ce n'est pas une élection.", "Simulation: this record's times say nothing about when anything happened. This is not an election."))</p>\n"
        }
        html += "<section aria-labelledby=\"term-h\"><h2 id=\"term-h\">\(E.bi("Mandat", "Term"))</h2>\n<dl>\n"
        if let t = term {
            html += row(E.bi("Identifiant", "Id"), "<code>\(E.escape(t.id))</code>")
            html += row(E.bi("Dates", "Dates"), "\(E.escape(t.start)) → \(E.escape(t.end)) <span class=\"help\">(\(E.bi("fin exclue", "end excluded")))</span>")
            html += row(E.bi("Fuseau horaire", "Time zone"), E.escape(t.timeZone))
            html += row(E.bi("Fenêtre de vote", "Voting window"), E.bi("\(t.windowDays) jours dès l'anniversaire", "\(t.windowDays) days from the birthday"))
            html += row(E.bi("Groupe", "Group"), E.escape(t.group))
            html += row(E.bi("Clé du journal", "Log key"), "<code>\(E.escape(t.logKey))</code>")
        } else {
            html += row(E.bi("État", "State"), E.bi("pas encore ouvert", "not set up yet"))
        }
        html += "</dl></section>\n"

        if let t = term {
            html += "<section aria-labelledby=\"tru-h\"><h2 id=\"tru-h\">\(E.bi("Dépositaires de la clé", "Trustees"))</h2>\n"
            html += "<p>\(E.bi("\(t.t) sur \(t.n) suffisent pour déchiffrer le résultat ; aucun seul ne le peut.", "\(t.t) of \(t.n) are needed to decrypt the result; none can alone."))</p>\n"
            html += "<table><caption>\(E.bi("Clés publiques", "Public keys"))</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">\(E.bi("Clé", "Key"))</th></tr></thead><tbody>\n"
            for (i, k) in t.trusteeKeys.enumerated() { html += "<tr><td>\(i + 1)</td><td><code>\(E.escape(k))</code></td></tr>\n" }
            html += "</tbody></table></section>\n"
        }

        html += "<section aria-labelledby=\"cp-h\"><h2 id=\"cp-h\">\(E.bi("Dernier point de contrôle signé", "Latest signed checkpoint"))</h2>\n<dl>\n"
        if let cp = checkpoint {
            let cosignatures = cp.note.components(separatedBy: "\n\u{2014} ").count - 2
            html += row(E.bi("Taille", "Size"), "\(cp.size) \(E.bi("entrées", "entries"))")
            html += row(E.bi("Racine", "Root"), "<code>\(E.escape(cp.rootHash.base64))</code>")
            html += row(E.bi("Heure", "Time"), E.escape(isoTime(cp.timeMs, zone: term?.timeZone)))
            html += row(E.bi("Cosignatures", "Cosignatures"), cosignatures > 0 ? "\(cosignatures)" : E.bi("aucune", "none"))
            html += row(E.bi("Texte signé", "Signed note"), "<a href=\"checkpoint\">checkpoint</a>")
        } else {
            html += row(E.bi("État", "State"), E.bi("aucun point de contrôle publié", "no checkpoint published"))
        }
        html += "</dl></section>\n"

        html += "<section aria-labelledby=\"bal-h\"><h2 id=\"bal-h\">\(E.bi("Bulletins", "Ballots"))</h2>\n"
        html += "<p>\(E.bi("\(s.ballots) bulletins déposés (les remplacés compris), \(s.spoiled) contestés et ouverts.", "\(s.ballots) ballots cast (replaced ones included), \(s.spoiled) challenged and opened."))</p>\n"
        let perYear = s.ballotsPerYear.sorted { $0.key < $1.key }.map { (String($0.key), $0.value) }
        html += chart(id: "per-year", title: E.bi("Bulletins par année", "Ballots per year"), plain: "Ballots per year / Bulletins par année",
                      data: perYear, column: E.bi("Année", "Year"))
        let perDay = s.ballotsPerDay.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        html += chart(id: "per-day", title: E.bi("Bulletins par jour", "Ballots per day"), plain: "Ballots per day / Bulletins par jour",
                      data: perDay, column: E.bi("Jour", "Day"))
        html += "</section>\n"

        html += "<section aria-labelledby=\"roll-h\"><h2 id=\"roll-h\">\(E.bi("Liste électorale", "Roll"))</h2>\n"
        html += "<p>\(E.bi("\(s.rollSize) électeurs inscrits (une carte remplacée compte une fois).", "\(s.rollSize) voters enrolled (a replaced card counts once)."))</p>\n"
        html += chart(id: "roll", title: E.bi("Taille de la liste au fil du temps", "Roll size over time"), plain: "Roll size over time / Taille de la liste",
                      data: s.rollHistory.map { ($0.day, $0.size) }, column: E.bi("Jour", "Day"))
        html += "</section>\n"

        html += "<section aria-labelledby=\"led-h\"><h2 id=\"led-h\">\(E.bi("Temps citoyen", "Civic time ledger"))</h2>\n<dl>\n"
        html += row(E.bi("Organisations agréées", "Accredited organisations"), "\(s.organisations.count)")
        html += row(E.bi("Contributions", "Contributions"), "\(s.contributions - s.reversals)")
        html += row(E.bi("Heures données", "Hours given"), String(format: "%.1f", Double(s.contributionMinutes) / 60))
        html += row(E.bi("Annulations", "Reversals"), "\(s.reversals)")
        html += "</dl></section>\n"

        html += "<section aria-labelledby=\"del-h\"><h2 id=\"del-h\">\(E.bi("Propositions", "Proposals"))</h2>\n"
        if s.proposalOrder.isEmpty {
            html += "<p>\(E.bi("Aucune proposition.", "No proposals."))</p>\n"
        } else {
            html += "<table><thead><tr><th scope=\"col\">\(E.bi("Titre", "Title"))</th><th scope=\"col\">\(E.bi("Statut", "Status"))</th></tr></thead><tbody>\n"
            for id in s.proposalOrder { if let p = s.proposals[id] { html += "<tr><td>\(E.escape(p.title))</td><td>\(E.escape(p.status))</td></tr>\n" } }
            html += "</tbody></table>\n"
        }
        html += "</section>\n"

        html += "<section aria-labelledby=\"res-h\"><h2 id=\"res-h\">\(E.bi("Résultat", "Result"))</h2>\n"
        if s.results.isEmpty {
            html += "<p>\(E.bi(s.closed ? "Le scrutin est clos ; le dépouillement par les dépositaires est en cours." : "Les bulletins restent chiffrés jusqu'à la fin du mandat : aucun résultat partiel n'existe.", s.closed ? "Voting is closed; the trustees are tallying." : "Ballots stay encrypted until the term ends: no running result exists."))</p>\n"
        } else {
            html += "<p><strong>\(E.bi("Verdict de l'audit", "Audit verdict")) :</strong> "
            html += auditVerdict.map { "<span class=\"mono\">\(E.escape($0))</span>" }
                ?? E.bi("non fourni par ce serveur ; vérifiez vous-même avec perennial-audit verify.", "not provided by this server; verify it yourself with perennial-audit verify.")
            html += "</p>\n"
            if let counted = s.counted { html += "<p>\(E.bi("\(counted) bulletins comptés.", "\(counted) ballots counted."))</p>\n" }
            for r in s.results {
                let title = s.contests[r.contest]?.title ?? r.contest
                let period = r.year.map { E.bi("année \($0)", "year \($0)") } ?? E.bi("tout le mandat", "whole term")
                html += "<table><caption>\(E.escape(title)) — \(period)</caption><thead><tr><th scope=\"col\">\(E.bi("Option", "Option"))</th><th scope=\"col\">\(E.bi("Voix", "Votes"))</th></tr></thead><tbody>\n"
                for o in r.options {
                    let mark = r.winners.contains(o.id) ? " <strong>(\(E.bi(r.tie ? "ex æquo" : "élu·e", r.tie ? "tie" : "winner")))</strong>" : ""
                    let withdrawn = o.withdrawn ? " <em>(\(E.bi("retiré·e", "withdrawn")))</em>" : ""
                    html += "<tr><td>\(E.escape(o.label))\(withdrawn)\(mark)</td><td class=\"num\">\(o.count)</td></tr>\n"
                }
                html += "</tbody></table>\n"
            }
        }
        html += "</section>\n"
        return html + E.foot
    }

    static func row(_ term: String, _ value: String) -> String { "<dt>\(term)</dt><dd>\(value)</dd>\n" }

    static func isoTime(_ ms: UInt64, zone: String?) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// A bar chart as inline SVG (role img, title and description), followed by the same numbers
    /// as a table in a disclosure for screen readers and keyboards.
    static func chart(id: String, title: String, plain: String, data: [(String, Int)], column: String) -> String {
        var out = "<figure aria-labelledby=\"\(id)-cap\"><figcaption id=\"\(id)-cap\">\(title)</figcaption>\n"
        guard !data.isEmpty else { return out + "<p>\(E.bi("Aucune donnée.", "No data."))</p></figure>\n" }
        let width = 720.0, height = 200.0, left = 48.0, bottom = 28.0
        let maxValue = max(1, data.map(\.1).max() ?? 1)
        let step = (width - left - 8) / Double(data.count)
        let desc = "\(data.count) values from \(data.first!.0) to \(data.last!.0); maximum \(maxValue)."
        out += "<svg role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title id=\"\(id)-t\">\(E.escape(plain))</title><desc id=\"\(id)-d\">\(E.escape(desc))</desc>"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 4)\" y2=\"\(height - bottom)\" stroke=\"#1a1a1a\"/>"
        out += "<text x=\"\(left - 6)\" y=\"16\" text-anchor=\"end\">\(maxValue)</text><text x=\"\(left - 6)\" y=\"\(height - bottom)\" text-anchor=\"end\">0</text>"
        for (i, (_, v)) in data.enumerated() {
            let h = (height - bottom - 12) * Double(v) / Double(maxValue)
            let x = left + Double(i) * step
            out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(height - bottom - h))\" width=\"\(fmt(max(0.5, step * 0.8)))\" height=\"\(fmt(h))\" fill=\"#0b4f8a\"/>"
        }
        out += "<text x=\"\(left)\" y=\"\(height - 8)\">\(E.escape(data.first!.0))</text>"
        out += "<text x=\"\(width - 4)\" y=\"\(height - 8)\" text-anchor=\"end\">\(E.escape(data.last!.0))</text></svg>\n"
        out += "<details><summary>\(E.bi("Les chiffres", "The figures"))</summary><table><thead><tr><th scope=\"col\">\(column)</th><th scope=\"col\">\(E.bi("Nombre", "Count"))</th></tr></thead><tbody>"
        for (label, v) in data { out += "<tr><td>\(E.escape(label))</td><td class=\"num\">\(v)</td></tr>" }
        return out + "</tbody></table></details></figure>\n"
    }

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
}
