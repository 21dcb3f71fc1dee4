extension DeliberationState {
    mutating func registerParticipant(
        _ actor: Actor, id: ParticipantID, displayName: String, publicKey: [UInt8], moderator: Bool, time: Int64
    ) throws {
        guard actor == .registrar else {
            throw DeliberationError(.notRegistrar, "Only the registrar registers participants; \(actor) cannot.")
        }
        guard participants[id] == nil else {
            throw DeliberationError(.duplicateIdentifier, "Participant \(id) is already registered.")
        }
        let name = displayName
        guard !name.isEmpty, name.utf8.count <= 200, !name.utf8.contains(where: { $0 < 0x20 }) else {
            throw DeliberationError(.invalidInput, "A display name is one line of 1 to 200 bytes.")
        }
        guard publicKey.count == 32 else {
            throw DeliberationError(.invalidInput, "A participant key is a 32-byte Ed25519 public key, not \(publicKey.count) bytes.")
        }
        if let other = participantByKey[publicKey] {
            throw DeliberationError(.duplicateIdentifier, "This key is already registered to participant \(other); each participant has their own key.")
        }
        participants[id] = Participant(id: id, displayName: name, publicKey: publicKey, isModerator: moderator, registeredAt: time)
        participantByKey[publicKey] = id
    }

    mutating func setModerator(_ actor: Actor, id: ParticipantID, _ flag: Bool) throws {
        guard actor == .registrar else {
            throw DeliberationError(.notRegistrar, "Only the registrar grants or removes the moderator role; \(actor) cannot.")
        }
        guard let p = participants[id] else {
            throw DeliberationError(.unknownParticipant, "Participant \(id) is not registered.")
        }
        guard p.isModerator != flag else {
            throw DeliberationError(.noChange, "Participant \(id) \(flag ? "already holds" : "does not hold") the moderator role.")
        }
        participants[id]!.isModerator = flag
    }

    /// The participant registered with this Ed25519 public key, if any (how log entries find their actor).
    public func participant(withKey key: [UInt8]) -> Participant? {
        participantByKey[key].flatMap { participants[$0] }
    }
}
