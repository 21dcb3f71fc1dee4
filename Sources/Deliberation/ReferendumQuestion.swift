/// What the ballot core needs to put an `on-ballot` proposal to the vote as a referendum contest.
///
/// Deliberation records the decision (`on-ballot <year>`, by a moderator); the officer then writes
/// the `contest.version` for the window of that year. The question names the exact version put to the
/// vote by its hash, so voters and auditors know which text was decided.
public struct ReferendumQuestion: Hashable, Sendable {
    /// Contest id: `delib-` followed by the proposal id.
    public let contest: String
    /// The proposal's title followed by the version hash (short form).
    public let title: String
    /// The calendar year of the `on-ballot` status.
    public let year: Int
    /// The version put to the vote.
    public let version: ContentHash
    /// `oui`, `non`, and the blank vote (`blank`), with French labels.
    public let options: [(id: String, label: String)]

    public static func == (a: Self, b: Self) -> Bool {
        a.contest == b.contest && a.title == b.title && a.year == b.year && a.version == b.version
            && a.options.map(\.id) == b.options.map(\.id) && a.options.map(\.label) == b.options.map(\.label)
    }
    public func hash(into h: inout Hasher) {
        h.combine(contest)
        h.combine(version)
    }
}

extension DeliberationState {
    /// The referendum question for a proposal whose status is `on-ballot <year>`.
    /// - Throws: ``DeliberationError/Code/unknownProposal``, or ``DeliberationError/Code/invalidTransition``
    ///   if the proposal is not on the ballot.
    public func referendum(_ id: ProposalID) throws -> ReferendumQuestion {
        let p = try existingProposal(id)
        guard case .onBallot(let year) = p.status else {
            throw DeliberationError(.invalidTransition, "Proposal \(id) is \(p.status.text), not on the ballot; a moderator decides on-ballot <year> after it is closed.")
        }
        return ReferendumQuestion(
            contest: "delib-\(id.rawValue)", title: "\(p.content.title) (version \(p.current.hash.short))", year: year,
            version: p.current.hash, options: [("oui", "Oui"), ("non", "Non"), ("blank", "Vote blanc")])
    }
}
