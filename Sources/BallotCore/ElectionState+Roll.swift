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
            try requireValidCredential(payload.credential, "The credential must be a 32-byte Ed25519 public key in hex.")
            let record = try roll.checkEnrol(payload)
            roll.enrol(payload.credential, record, entry: entry.index)
        case .rollUpdate:
            let payload = try RollUpdate.decode(entry.payload)
            let record = try roll.checkUpdate(payload)
            roll.update(payload.credential, record, entry: entry.index)
        default:
            let payload = try RollReplace.decode(entry.payload)
            try requireValidCredential(payload.new, "The new credential must be a valid 32-byte Ed25519 public key in hex.")
            let (old, new) = try roll.checkReplace(payload)
            roll.update(payload.old, old, entry: entry.index)
            roll.enrol(payload.new, new, entry: entry.index)
        }
        return .roll
    }

    /// True if `hex` is a 32-byte Ed25519 public key (a point of the curve's main subgroup) in hex.
    public static func isValidCredential(_ hex: String) -> Bool {
        guard let raw = try? Hex.decode(hex), raw.count == 32 else { return false }
        return (try? Ed25519.PublicKey(rawRepresentation: raw)) != nil
    }

    /// A credential is valid if it was found so in this batch (``preverifiedCredentials``), or is checked now.
    func requireValidCredential(_ hex: String, _ message: String) throws(ElectionError) {
        guard preverifiedCredentials.contains(hex) || Self.isValidCredential(hex) else { throw ElectionError(.roll, message) }
    }
}
