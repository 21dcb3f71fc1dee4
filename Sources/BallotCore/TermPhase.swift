/// The life cycle of a term, as an explicit state machine: the one place that says which election
/// entry may come when.
///
///     awaitingSetup ─term.setup→ ceremony ─election.key→ open ─term.close→ closed ─tally.result→ tallied
///
/// ``ElectionState/apply(_:header:)`` asks the phase about every entry before anything else
/// (``refusal(_:)``): an out-of-order entry is refused with one clear error and changes nothing. Only the
/// four kinds above move the term on (``after(_:)``). Rules *within* a phase (commitments before shares,
/// one key, one close, the result once) stay with the entry they concern.
public enum TermPhase: String, Sendable, CaseIterable {
    case awaitingSetup, ceremony, open, closed, tallied

    /// Whether an entry of `kind` may be applied in this phase (SPEC §4).
    public func admits(_ kind: EntryKind) -> Bool {
        switch kind {
        case .termSetup: self == .awaitingSetup
        case .trusteeCommitments, .trusteeShares, .trusteeComplaint, .trusteeReady, .electionKey: self == .ceremony
        // The roll and the contests are prepared during the ceremony and frozen by term.close (ROLL-4, CON-1).
        case .rollEnrol, .rollUpdate, .rollReplace, .contestVersion: self == .ceremony || self == .open
        case .ballotCast, .ballotSpoil, .termClose: self == .open
        // TAL-2: decryption shares after term.close, once per trustee (a late share after the result too).
        case .tallyShare: self == .closed || self == .tallied
        case .tallyResult: self == .closed
        // Kiosk devices (§4.9) may be enrolled and revoked at any time after term.setup.
        case .kioskEnrol, .kioskRevoke: self != .awaitingSetup
        }
    }

    /// The phase once an entry of `kind` (admitted in this phase) has been applied.
    public func after(_ kind: EntryKind) -> TermPhase {
        switch (self, kind) {
        case (.awaitingSetup, .termSetup): .ceremony
        case (.ceremony, .electionKey): .open
        case (.open, .termClose): .closed
        case (.closed, .tallyResult): .tallied
        default: self
        }
    }

    /// Why an entry of `kind` cannot be applied in this phase (what was wrong and what comes first), or
    /// nil when the phase admits it.
    public func refusal(_ kind: EntryKind) -> ElectionError? {
        guard !admits(kind) else { return nil }
        if self == .awaitingSetup {
            return ElectionError(.termSetup, "The term is not set up yet: its first entry must be term.setup.")
        }
        switch kind {
        case .termSetup:
            return ElectionError(.termSetup, "term.setup must be the first entry of the log, and only once.")
        case .trusteeCommitments, .trusteeShares, .trusteeComplaint, .trusteeReady:
            return ElectionError(.ceremony, "The key ceremony is over: the election key is published; \(kind.rawValue) is accepted only during the ceremony.")
        case .electionKey:
            return ElectionError(.ceremony, "The election key is already published.")
        case .rollEnrol, .rollUpdate, .rollReplace:
            return ElectionError(.closed, "The term is closed; the roll is frozen.")
        case .contestVersion:
            return ElectionError(.closed, "The term is closed; contests are frozen.")
        case .ballotCast, .ballotSpoil:
            return self == .ceremony
                ? ElectionError(.noElectionKey, "Voting has not opened: the trustees' key ceremony is not finished.")
                : ElectionError(.closed, "The term is closed; no more ballots are accepted.")
        case .termClose:
            return self == .ceremony
                ? ElectionError(.noElectionKey, "The term never had an election key; nothing to close.")
                : ElectionError(.closed, "The term is already closed.")
        case .tallyShare:
            return ElectionError(.sealed, "Results are sealed: decryption shares are accepted only after the term is closed.")
        case .tallyResult:
            return self == .tallied
                ? ElectionError(.tally, "The result is already published.")
                : ElectionError(.notClosed, "Results are sealed until the term is closed.")
        case .kioskEnrol, .kioskRevoke:
            return nil  // admitted in every phase after term.setup (handled above)
        }
    }
}
