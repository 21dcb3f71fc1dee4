import BallotCore

/// The contributions and reversals a ``LedgerState`` holds in memory (see ``LedgerState/memory``).
struct LedgerMemory: Sendable {
    /// Contributions by log index.
    var contributions: [Int: RecordedContribution] = [:]
    /// Reversals by log index of the reversal.
    var reversals: [Int: RecordedReversal] = [:]
    /// The reversal (by index) of a stored contribution reversed in memory.
    var reversedBy: [Int: Int] = [:]
    /// Contribution indices per account, in log order.
    var accountEntries: [AccountID: [Int]] = [:]
    /// `org NUL attestation` of every contribution.
    var attestations: Set<String> = []

    mutating func add(_ c: RecordedContribution) {
        contributions[c.index] = c
        accountEntries[c.account, default: []].append(c.index)
        attestations.insert(Self.attestationKey(org: c.payload.org, attestation: c.payload.attestation))
    }

    mutating func add(_ r: RecordedReversal) {
        if contributions[r.entry] != nil {
            contributions[r.entry]?.reversedBy = r.index
        } else {
            reversedBy[r.entry] = r.index
        }
        reversals[r.index] = r
    }

    static func attestationKey(org: String, attestation: String) -> String { org + "\u{0}" + attestation }
}

/// Reading the contributions and reversals, wherever they are kept: the stored ``LedgerState/rows``
/// (as of their ``LedgerRows/asOf``) and what this value committed in memory on top of them.
extension LedgerState {
    /// The contribution recorded by entry `index`, with its reversal if any.
    /// - Throws: the rows' error if a stored row cannot be read or was altered.
    public func contribution(at index: Int) throws -> RecordedContribution? {
        guard var c = try memory.contributions[index] ?? rows?.contribution(at: index) else { return nil }
        if let by = memory.reversedBy[index] { c.reversedBy = by }
        return c
    }

    /// The reversal recorded by entry `index`.
    public func reversal(at index: Int) throws -> RecordedReversal? {
        try memory.reversals[index] ?? rows?.reversal(at: index)
    }

    /// The account's contributions, in log order, with their reversals.
    public func contributions(of account: AccountID) throws -> [RecordedContribution] {
        let stored = try rows?.contributions(of: account) ?? []
        let held = (memory.accountEntries[account] ?? []).compactMap { memory.contributions[$0] }
        return withMemoryReversals(stored) + held
    }

    /// Every contribution, in log order, with their reversals (the whole ledger: for city totals).
    public func allContributions() throws -> [RecordedContribution] {
        let stored = try rows?.allContributions() ?? []
        let held = memory.contributions.values.sorted { $0.index < $1.index }
        return withMemoryReversals(stored) + held
    }

    /// How many contributions and reversals are recorded.
    public func counts() throws -> (contributions: Int, reversals: Int) {
        let stored = try rows?.counts() ?? (contributions: 0, reversals: 0)
        return (stored.contributions + memory.contributions.count, stored.reversals + memory.reversals.count)
    }

    /// True if `org` already recorded `attestation`.
    func hasAttestation(org: String, attestation: String) throws -> Bool {
        if memory.attestations.contains(LedgerMemory.attestationKey(org: org, attestation: attestation)) { return true }
        return try rows?.hasAttestation(org: org, attestation: attestation) ?? false
    }

    private func withMemoryReversals(_ stored: [RecordedContribution]) -> [RecordedContribution] {
        guard !memory.reversedBy.isEmpty else { return stored }
        return stored.map { c in
            var c = c
            if let by = memory.reversedBy[c.index] { c.reversedBy = by }
            return c
        }
    }
}
