import CivicCrypto
import CivicLog
import Foundation

/// The roll (SPEC §4.5): enrolments, updates and card replacements, signed by the registrar.
extension ElectionState {
    mutating func applyRoll(_ kind: EntryKind, _ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        try requireAuthor(entry, is: setup.registrar, role: "registrar")
        switch kind {
        case .rollEnrol:
            let payload = try RollEnrol.decode(entry.payload)
            guard let raw = try? Hex.decode(payload.credential), raw.count == 32, (try? Ed25519.PublicKey(rawRepresentation: raw)) != nil else {
                throw ElectionError(.roll, "The credential must be a 32-byte Ed25519 public key in hex.")
            }
            let record = try roll.checkEnrol(payload)
            roll.enrol(payload.credential, record, entry: entry.index)
        case .rollUpdate:
            let payload = try RollUpdate.decode(entry.payload)
            let record = try roll.checkUpdate(payload)
            roll.update(payload.credential, record, entry: entry.index)
        default:
            let payload = try RollReplace.decode(entry.payload)
            guard let raw = try? Hex.decode(payload.new), raw.count == 32, (try? Ed25519.PublicKey(rawRepresentation: raw)) != nil else {
                throw ElectionError(.roll, "The new credential must be a valid 32-byte Ed25519 public key in hex.")
            }
            let (old, new) = try roll.checkReplace(payload)
            roll.update(payload.old, old, entry: entry.index)
            roll.enrol(payload.new, new, entry: entry.index)
        }
        return .roll
    }
}
