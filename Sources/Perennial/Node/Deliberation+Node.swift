import BallotCore
import CivicCrypto
import Deliberation
import Foundation

extension ElectionNode {
    /// Deliberation on this node's log, with the term's registrar as the one who registers participants.
    public func deliberation() throws -> DeliberationLog {
        let setup = try requireElection().setup!
        return try DeliberationLog(store: store, registrarKey: Hex.decode(setup.registrar), term: setup.term)
    }

    /// The signing key of a participant whose key this node holds (`keys/participants/ID.key`), created
    /// on first use. Participants' keys are distinct from any voting credential.
    public func participantKey(_ id: ParticipantID) throws -> Ed25519.SigningKey {
        try KeyFile.loadOrCreate(directory.appendingPathComponent("keys/participants/\(id.rawValue).key"))
    }
}
