/// ``ElectionCore`` for ristretto255, called through concrete types.
///
/// `ElectionChecker` holds its core as an ``ElectionCoreProtocol`` existential; calling a generic
/// `ElectionCore<G>` through it runs the unspecialised code, which looks up generic metadata
/// (`[Ciphertext<G>]`, `RangeProof<G>`…) and calls the group through witness tables on every ballot.
/// This wrapper calls the final class's methods with `G == Ristretto255` known, so the optimiser
/// compiles the whole ballot path (decoding, proof jobs, batch terms) for ristretto255. It adds no
/// logic: every method forwards unchanged.
final class RistrettoElectionCore: ElectionCoreProtocol {
    let core: ElectionCore<Ristretto255>

    init(_ core: ElectionCore<Ristretto255>) { self.core = core }

    var ballotCost: ProofCost { core.ballotCost }
    func isOnRoll(_ credential: [UInt8]) -> Bool { core.isOnRoll(credential) }
    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] { core.apply(entry, report: &report) }
    func predecodeBallot(_ json: JSON) -> (any Sendable)? { core.predecodedBallot(json) }
    func finish(report: inout Report) -> [ProofJob] { core.finish(report: &report) }
    func saveState() -> JSON { core.saveState() }
    func restoreState(_ state: JSON) throws(AuditError) { try core.restoreState(state) }
}
