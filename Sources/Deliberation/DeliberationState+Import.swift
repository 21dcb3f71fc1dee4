import CivicCrypto

extension DeliberationState {
    /// The signed actions that import `documents`: registrations of authors not yet registered (signed
    /// by `registrar`), then the ``importPlan(_:moderator:time:)`` events, each with its actor's key.
    public func importActions(
        _ documents: [ProposalDocument], registrar: Ed25519.SigningKey?, key: (ParticipantID) throws -> Ed25519.SigningKey,
        displayName: (ParticipantID) -> String = { $0.rawValue }, moderator: ParticipantID? = nil
    ) throws -> (actions: [(DeliberationEvent.Action, Ed25519.SigningKey)], plan: ImportPlan) {
        var scratch = self
        var actions: [(DeliberationEvent.Action, Ed25519.SigningKey)] = []
        for author in Set(documents.map(\.author)).sorted() where scratch.participants[author] == nil {
            guard let registrar else {
                throw DeliberationError(.notRegistrar, "Author \(author) is not registered; the registrar's key is needed to register them.")
            }
            let action = DeliberationEvent.Action.registerParticipant(
                id: author, displayName: displayName(author), publicKey: try key(author).publicKey.rawRepresentation, moderator: false)
            try scratch.apply(DeliberationEvent(actor: .registrar, time: 0, action: action))
            actions.append((action, registrar))
        }
        let plan = try scratch.importPlan(documents, moderator: moderator, time: 0)
        for event in plan.events {
            guard case .participant(let id) = event.actor else { continue }
            actions.append((event.action, try key(id)))
        }
        return (actions, plan)
    }
}

