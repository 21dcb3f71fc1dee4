/// One of the four tracks (*parcours*) of the Grand Nancy "Moments d'invention" workshops (2016).
///
/// Each track asked one question and paired three themes with the workshop method's three facets:
/// stakes (*enjeux*), paradoxes and possibilities (*possibles*).
public enum Track: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    case croisementsFertiles = "croisements fertiles"
    case nouvellesAttentions = "nouvelles attentions"
    case democratieVivante = "démocratie vivante"
    case savoirsPartages = "savoirs partagés"

    /// Parses the track name exactly as written in front matter (e.g. `démocratie vivante`).
    /// - Throws: ``DeliberationError/Code/invalidInput`` naming the four accepted values.
    public init(name: String) throws {
        // Compare bytes, not Characters: "é" precomposed and "e" + U+0301 would otherwise compare equal
        // and the file would no longer export byte for byte.
        guard let track = Track.allCases.first(where: { Array($0.rawValue.utf8) == Array(name.utf8) }) else {
            if let lookalike = Track.allCases.first(where: { $0.rawValue == name }) {
                throw DeliberationError(
                    .invalidInput,
                    "The track \"\(name)\" is written with a decomposed accent (e + U+0301); write \"\(lookalike.rawValue)\" with the precomposed letter.")
            }
            let names = Track.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DeliberationError(.invalidInput, "Unknown track \"\(name)\"; use one of \(names).")
        }
        self = track
    }

    /// The track's question, as printed in the 2016 programme.
    public var question: String {
        switch self {
        case .croisementsFertiles: return "vers une nouvelle intelligence collective ?"
        case .nouvellesAttentions: return "vers de nouveaux modèles d’initiatives locales ?"
        case .democratieVivante: return "vers un nouveau contrat citoyen ?"
        case .savoirsPartages: return "vers un nouvel imaginaire métropolitain ?"
        }
    }

    /// The themes the programme attached to the three facets for this track.
    public var facetThemes: (enjeux: String, paradoxes: String, possibles: String) {
        switch self {
        case .croisementsFertiles:
            return ("enjeux autour des capacitations", "paradoxe autour des datas", "les possibles des coopérations")
        case .nouvellesAttentions:
            return ("enjeux autour des datas", "paradoxe autour de la démocratie", "les possibles des capacitations")
        case .democratieVivante:
            return ("enjeux autour de la coopération", "paradoxe autour de la capacitation", "les possibles de la démocratie")
        case .savoirsPartages:
            return ("enjeux autour de la démocratie", "paradoxe autour de la coopération", "les possibles des datas")
        }
    }

    public var description: String { rawValue }

    public static func < (a: Track, b: Track) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The workshop method's three facets of a proposal: stakes, paradoxes, possibilities.
/// Each facet is a list of short statements (possibly empty).
public struct Facets: Hashable, Sendable {
    /// Stakes (*enjeux*).
    public var enjeux: [String]
    /// Paradoxes the subject raises.
    public var paradoxes: [String]
    /// Possibilities (*possibles*): the desirable, the feasible, the utopias to invent.
    public var possibles: [String]

    public init(enjeux: [String] = [], paradoxes: [String] = [], possibles: [String] = []) {
        self.enjeux = enjeux
        self.paradoxes = paradoxes
        self.possibles = possibles
    }
}
