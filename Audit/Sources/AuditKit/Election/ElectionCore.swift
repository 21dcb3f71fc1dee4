/// Everything SPEC.md §4 asks of the election entries after `term.setup`, in the term's group.
///
/// Called in log order. Cheap rules (roles, roll, windows, contests, supersession, the running
/// encrypted tally) are checked here; proofs are returned as ``ProofJob``s for the worker threads.
final class ElectionCore<G: PrimeOrderGroup>: ElectionCoreProtocol {
    let group: G
    let setup: TermSetup
    let record: String
    let calendar: WindowCalendar

    // Trustee ceremony (§4.4).
    var commitments: [Int: [G.Element]] = [:]
    var sharesFrom: Set<Int> = []
    var sawShares = false
    var complaints = 0
    var verificationKeys: [Int: G.Element] = [:]
    /// `A_k = Π_i C_{i,k}`, once every trustee published its commitments (``combinedCommitments()``).
    var combinedCommitmentsCache: [G.Element]? = nil
    var publicKey: G.Element? = nil

    // Roll (§4.5) and contests (§4.6).
    var roll: [[UInt8]: RollCredential] = [:]
    var contests: [String: [ContestVersion]] = [:]
    var optionOrder: [String: [String]] = [:]

    // Ballots (§4.7).
    struct TallyKey: Hashable { let contest: String; let option: String; let year: Int? }
    struct Slot: Hashable { let lineage: UInt64; let window: Int }
    /// Payload digests seen (the first 128 bits of SHA-256: 16 bytes a ballot, not a heap array).
    var seenPayloads: Set<Digest128> = []
    /// BAL-5's fresh randomness: digests of the `a` of every ciphertext of a ballot embedded in a
    /// `ballot.spoil` (whose randomness is public), and of every `ballot.cast` (``freshRandomness``).
    var challengedRandomness: Set<Digest128> = []
    var castRandomness: Set<Digest128> = []
    let partials: PartialTallies<G>
    /// The proof contexts of a contest version's ballots (``ballotContexts(_:)``), by contest, version
    /// and option count.
    struct ContextKey: Hashable { let contest: String; let version: Int; let options: Int }
    var contextCache: [ContextKey: (selections: [[UInt8]], range: [UInt8])] = [:]
    /// The windows that may still receive a ballot, per lineage; the proof jobs decide which ballot
    /// of each counts (BAL-6).
    var openSlots: [Slot: WindowSlot<G>] = [:]
    let counters = BallotCounters()
    var spoiledBallots = 0
    // Kiosk devices (§4.9): by name, and names by key.
    var devices: [String: KioskDeviceRecord] = [:]
    var deviceNames: [[UInt8]: String] = [:]
    var ballotsSinceSweep = 0
    /// Counted ballots between two sweeps of ``openSlots`` (4,096; smaller in tests).
    let sweepInterval: Int
    var countedBallots: Int { counters.snapshot.counted }
    var lastCountedWindow: Int { counters.snapshot.lastWindow }
    /// Group exponentiations the ballot proofs need (variable base, fixed base g): the floor of BAL-4.
    var ballotCost = ProofCost()

    // Close and result (§4.8).
    struct CloseItem { let key: TallyKey; let ciphertext: Ciphertext<G> }
    var closeItems: [CloseItem]? = nil
    var decryptionShares: [Int: [G.Element]] = [:]
    var resultSeen = false
    /// The published `tally.result` once its form passed TAL-3; shown in the report only if TAL-1,
    /// TAL-2 and TAL-3 all pass (the counts are then the verified decryption of the recomputed tally).
    var publishedResult: [ContestOutcome]? = nil

    init(group: G, setup: TermSetup, record: String, calendar: WindowCalendar, sweepInterval: Int = 4096) {
        self.sweepInterval = max(1, sweepInterval)
        self.group = group
        self.setup = setup
        self.record = record
        self.calendar = calendar
        self.partials = PartialTallies(group: group)
    }

    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let fields: Fields
        do { fields = try Fields(entry.payload.json, kind: entry.payload.kind) } catch { return [] }
        switch entry.payload.kind {
        case "trustee.commitments": return trusteeCommitments(entry, fields, &report)
        case "trustee.shares": trusteeShares(entry, fields, &report)
        case "trustee.complaint": trusteeComplaint(entry, fields, &report)
        case "trustee.ready": return trusteeReady(entry, fields, &report)
        case "election.key": electionKey(entry, fields, &report)
        case "roll.enrol", "roll.update", "roll.replace":
            report.record(.rollFrozen, .entry(entry.index), failure: closeItems == nil ? nil : "\(entry.payload.kind) after term.close: the roll is frozen")
            guard closeItems == nil else { return [] }
            switch entry.payload.kind {
            case "roll.enrol": rollEnrol(entry, fields, &report)
            case "roll.update": rollUpdate(entry, fields, &report)
            default: rollReplace(entry, fields, &report)
            }
        case "contest.version": contestVersion(entry, fields, &report)
        case "ballot.cast": return ballotCast(entry, fields, &report)
        case "ballot.spoil": return ballotSpoil(entry, fields, &report)
        case "kiosk.enrol": kioskEnrol(entry, fields, &report)
        case "kiosk.revoke": kioskRevoke(entry, fields, &report)
        case "term.close": termClose(entry, fields, &report)
        case "tally.share": return tallyShare(entry, fields, &report)
        case "tally.result": return tallyResult(entry, fields, &report)
        default: break
        }
        return []
    }

    func isOnRoll(_ credential: [UInt8]) -> Bool { roll[credential] != nil }

    func finish(report: inout Report) -> [ProofJob] {
        let counts = counters.snapshot
        report.setFact("ballots", "\(counts.counted) counted, \(counts.superseded) superseded, \(spoiledBallots) spoiled")
        let relabelled = relabelledOptions()
        if !relabelled.isEmpty { report.setFact("relabelled options", relabelled.joined(separator: "; ")) }
        if resultSeen && publishedResult == nil {
            report.resultsWithheld = "the published result is not shown: TAL-3 failed"
        } else if let publishedResult {
            let tallyChecks = [Check.tallyClose, .tallyShares, .tallyResult]
            let failing = tallyChecks.filter { !(report[$0.id]?.passed ?? false) }.map(\.id)
            if failing.isEmpty {
                report.electionResults = publishedResult
            } else {
                report.resultsWithheld = "the published result is not shown: \(failing.joined(separator: ", ")) failed"
            }
        }
        return []
    }

    // MARK: Helpers

    func u32(_ value: Int) -> [UInt8] { Bytes.u32be(UInt32(truncatingIfNeeded: value)) }

    func element(_ json: JSON?, _ what: String) throws(AuditError) -> G.Element {
        guard let text = json?.stringValue else { throw .malformed("\(what) must be hex") }
        do { return try group.element(hex: text) } catch { throw .malformed("\(what): \(error.message)") }
    }

    /// An element that SPEC.md §3.1 forbids to be the identity (commitments, verification keys, the
    /// election key, ballot ciphertexts).
    func nonIdentityElement(_ json: JSON?, _ what: String) throws(AuditError) -> G.Element {
        let decoded = try element(json, what)
        guard decoded != group.identity else { throw .malformed("\(what) is the group identity, which SPEC.md §3.1 forbids here") }
        return decoded
    }

    func scalar(_ json: JSON?, _ what: String) throws(AuditError) -> G.Scalar {
        guard let text = json?.stringValue else { throw .malformed("\(what) must be hex") }
        do { return try group.scalar(hex: text) } catch { throw .malformed("\(what): \(error.message)") }
    }

    func date(_ text: String?, _ what: String) throws(AuditError) -> LocalDate? {
        guard let text else { return nil }
        guard let parsed = LocalDate(text) else { throw .malformed("\(what) must be a YYYY-MM-DD date") }
        return parsed
    }
}
