/// What a proposal version says: everything its content hash covers.
///
/// Status and author are not content: changing the status does not make a new version.
public struct ProposalContent: Hashable, Sendable {
    /// One line of plain text.
    public var title: String
    /// The workshop track.
    public var track: Track
    /// Stakes, paradoxes, possibilities.
    public var facets: Facets
    /// The Markdown body, byte for byte (line ends are `\n`; the last line may lack one).
    public var body: String

    public init(title: String, track: Track, facets: Facets = Facets(), body: String) {
        self.title = title
        self.track = track
        self.facets = facets
        self.body = body
    }

    /// Checks the rules every version obeys.
    /// - Throws: ``DeliberationError/Code/invalidInput`` for an empty or multi-line title, a title or
    ///   facet statement over 500 bytes or holding a line break, or a body over 1 MiB.
    public func validate() throws {
        func singleLine(_ s: String, _ what: String) throws {
            guard !s.isEmpty, s.utf8.count <= 500, !s.utf8.contains(0x0A), !s.utf8.contains(0x0D) else {
                throw DeliberationError(.invalidInput, "The \(what) must be one non-empty line of at most 500 bytes.")
            }
        }
        try singleLine(title, "title")
        for item in facets.enjeux + facets.paradoxes + facets.possibles {
            try singleLine(item, "facet statement")
        }
        guard body.utf8.count <= 1 << 20 else {
            throw DeliberationError(.invalidInput, "The body is larger than 1 MiB; split the proposal.")
        }
    }

    /// The content hash of this version of proposal `id`:
    /// `SHA-256("perennial-delib-proposal-v1\n" || lp(id) || lp(title) || lp(track) ||
    ///  list(enjeux) || list(paradoxes) || list(possibles) || lp(body))`
    /// where `list(x) = u32be(count) || lp(x1) || …`. Text is hashed as given, without Unicode
    /// normalisation.
    public func hash(id: ProposalID, hasher: any ContentHasher) -> ContentHash {
        var c = CanonicalBytes(domain: "perennial-delib-proposal-v1")
        c.append(id.rawValue)
        c.append(title)
        c.append(track.rawValue)
        c.append(list: facets.enjeux)
        c.append(list: facets.paradoxes)
        c.append(list: facets.possibles)
        c.append(body)
        return c.hash(with: hasher)
    }
}
