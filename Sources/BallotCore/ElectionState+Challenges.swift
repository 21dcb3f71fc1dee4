import CivicCrypto
import CivicLog
import Foundation

/// Challenged ballots (`ballot.spoil`, BAL-8): opened, never counted, their randomness never used again (BAL-5).
extension ElectionState {
    /// `ballot.spoil` (BAL-8): a challenged ballot, signed by an active kiosk device (never by the
    /// voter's credential, so the opened choices name nobody), its proofs bound to the device key.
    mutating func applySpoil(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try BallotSpoil.decode(entry.payload)
        let pk = try requireElectionKey()
        guard activeDevice(key: entry.author) != nil else {
            throw ElectionError(.device, "A challenged ballot must be signed by an enrolled kiosk device that is not revoked.")
        }
        guard windowExists(payload.window, containing: entry.date) else {
            throw ElectionError(.wrongWindow, "No voting window \(payload.window) is open now for any birthday.")
        }
        guard !hasSeen(SHA256.hash(entry.payload)) else {
            throw ElectionError(.replay, "This exact challenged ballot was already recorded (a replay).")
        }
        guard let inner = Data(base64Encoded: payload.ballot).map(Array.init) else {
            throw ElectionError.malformed("The challenged ballot is not base64.")
        }
        let header = try? PayloadHeader.parse(inner)
        guard header?.kind == EntryKind.ballotCast.rawValue, header?.record == record, header?.term == setup.term else {
            throw ElectionError.malformed("The challenged ballot is not a ballot.cast of this term.")
        }
        guard !hasSeen(SHA256.hash(inner)) else {
            throw ElectionError(.replay, "This ballot was already recorded.")
        }
        let ballot = try BallotCast.decode(inner)
        guard ballot.window == payload.window else { throw ElectionError(.wrongWindow, "The challenged ballot is for another window.") }
        let ciphertexts = try verifyBallotContests(ballot.contests, window: payload.window, credential: entry.author, term: setup.term, pk: pk)
        let randomness = try freshRandomness(ciphertexts.map(\.1), challenged: true)
        let openings = payload.openings.flatMap { opening in opening.selections.map { (opening.contest, $0) } }
        guard openings.count == ciphertexts.count, zip(openings, ciphertexts).allSatisfy({ $0.0 == $1.0.contest }),
              payload.openings.map(\.contest) == ballot.contests.map(\.contest) else {
            throw ElectionError(.badProof, "The openings do not match the challenged ballot's selections.")
        }
        for ((_, opening), (_, ciphertext)) in zip(openings, ciphertexts) {
            // The openings are always checked (they are what the voter reads); they are cheap.
            guard opening.m == 0 || opening.m == 1, let randomness = try? group.decodeScalar(hex: opening.r),
                  group.expGenerator(randomness) == ciphertext.a,
                  group.op(group.exp(pk, randomness), group.elementForSmallInt(opening.m)) == ciphertext.b else {
                throw ElectionError(.badProof, "A revealed selection does not reproduce the challenged ballot's ciphertext.")
            }
        }
        markSeen(SHA256.hash(entry.payload), entry: entry.index)
        markSeen(SHA256.hash(inner), entry: entry.index)
        for digest in randomness { markSeen(digest, entry: entry.index) }
        spoiledBallots += 1
        return .ballotSpoiled(window: payload.window)
    }
}
