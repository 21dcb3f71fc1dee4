import BallotCore
import CivicCrypto
import Deliberation
import Foundation
import Perennial

/// The demo's deliberation: the workshops' corpus imported into the log, a little discussion, and the
/// proposal on "taxes paid in time" put on the ballot of one year by a moderator — which the officer then
/// declares as a referendum contest.
enum DeliberationDemo {
    static let referendumProposal = "impots-en-temps-d-interet-general"
    /// The text of the comment the demo's moderator hides; it must appear nowhere in the public record.
    static let hiddenComment = "Achetez des montres suisses à prix cassés : montres-pas-cheres.example"

    /// Imports `corpus`, discusses, and returns the referendum contest for window `window`
    /// (calendar year `year`), or nil if the corpus lacks the proposal.
    static func run(node: Node, corpus: URL, window: Int, year: Int, progress: (String) -> Void) throws -> ContestVersion? {
        let delib = try node.deliberation()
        let registrar = try node.key("registrar")
        let plan = try delib.importDirectory(corpus, registrar: registrar, key: { try node.participantKey($0) })
        let moderator = try ParticipantID("moderation-ville"), citizen = try ParticipantID("camille")
        for (id, name, isModerator) in [(moderator, "Modération de la ville", true), (citizen, "Camille", false)] {
            _ = try delib.submit(.registerParticipant(id: id, displayName: name, publicKey: try node.participantKey(id).publicKey.rawRepresentation,
                                                      moderator: isModerator), signer: registrar)
        }
        // An amendment, accepted by the proposal's author: a new version, shown as a diff.
        let amap = try ProposalID("amap-de-la-donnee")
        if let p = try delib.state.proposals[amap], p.current.content.body.contains("\n## À préciser\n") {
            let amend = try delib.state.amendment(amap, change: .section(heading: "## À préciser", replacement:
                "\nQui met en commun quelles données, et selon quelles règles : à écrire ensemble en atelier.\n\n"),
                summary: "Proposer un atelier pour préciser la démarche")
            _ = try delib.submit(amend, signer: try node.participantKey(citizen))
            if case .proposeAmendment(let id, _, _, _, _) = amend {
                _ = try delib.submit(.decideAmendment(id: id, accept: true, reason: "Bonne idée, merci."),
                                     signer: try node.participantKey(p.author))
            }
        }
        let proposal = try ProposalID(referendumProposal)
        guard try delib.state.proposals[proposal] != nil else { return nil }
        _ = try delib.submit(try delib.state.comment(on: .proposal(proposal), stance: .for,
                                                 body: "Enfin une façon de compter le temps donné à la ville."), signer: try node.participantKey(citizen))
        _ = try delib.submit(try delib.state.support(proposal), signer: try node.participantKey(citizen))
        let mod = try node.participantKey(moderator)
        // An off-topic comment, hidden by the moderator: the public record and board keep its hash,
        // not its text (SPEC §2.2, §2.7); `make test-cross` checks the text is nowhere in them.
        let offTopic = try delib.state.comment(on: .proposal(proposal), stance: .against, body: hiddenComment)
        _ = try delib.submit(offTopic, signer: try node.participantKey(citizen))
        if case .comment(let id, _, _, _, _) = offTopic {
            _ = try delib.submit(try delib.state.moderation(.comment(id), hide: true, reason: "Hors sujet (publicité)."), signer: mod)
        }
        _ = try delib.submit(.changeStatus(id: proposal, to: .closed, reason: "Discussion close; mise au vote."), signer: mod)
        _ = try delib.submit(.changeStatus(id: proposal, to: .onBallot(year: year), reason: "Soumise au référendum de l'année \(year)."), signer: mod)
        let q = try delib.state.referendum(proposal)
        progress("deliberation: \(plan.created.count) proposals imported; \"\(referendumProposal)\" put on the ballot of \(year)")
        return ContestVersion(contest: q.contest, version: 1, title: q.title, year: window,
                              options: q.options.map { ContestOption(id: $0.id, label: $0.label) }, min: 1, max: 1)
    }
}
