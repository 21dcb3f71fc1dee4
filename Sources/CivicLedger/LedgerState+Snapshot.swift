import BallotCore
import CivicLog

/// The ledger's persisted snapshot: contributions and reversals in binary, and the indices of the
/// settings, accreditation and suspension entries, which ``restore(snapshot:entry:)`` replays.
extension LedgerState {
    /// The state in binary (see ``SnapshotWriter``).
    public func snapshot() -> [UInt8] {
        var w = SnapshotWriter()
        w.int(SnapshotWriter.formatVersion)
        w.ints(structuralIndices)
        w.int(contributions.count)
        for c in contributions.values.sorted(by: { $0.index < $1.index }) {
            w.int(c.index)
            w.int(Int(c.timeMs))
            w.string(c.author)
            let p = c.payload
            for field in [p.org, p.attestation, p.account, p.category, p.date, p.start, p.description] { w.string(field) }
            w.optionalString(p.end)
            w.optionalInt(p.minutes)
            w.int(c.startUTC)
            w.int(c.endUTC)
            w.int(c.minutes)
            w.optionalInt(c.reversedBy)
        }
        w.int(reversals.count)
        for r in reversals.values.sorted(by: { $0.index < $1.index }) {
            w.int(r.index)
            w.int(Int(r.timeMs))
            w.string(r.author)
            w.int(r.entry)
            w.string(r.reason)
        }
        return w.bytes
    }

    /// Rebuilds the ledger from ``snapshot()``; `entry` reads a log entry by index (the caller checks
    /// its leaf hash). Throws if anything does not fit; the caller then rebuilds from the log.
    public mutating func restore(snapshot bytes: [UInt8], entry: (Int) throws -> LedgerEntry) throws {
        var r = SnapshotReader(bytes)
        guard try r.int() == SnapshotWriter.formatVersion else { throw SnapshotReader.Damaged() }
        var state = LedgerState(context: context)
        for index in try r.ints() { try state.apply(entry(index)) }
        for _ in 0..<(try r.count()) {
            let index = try r.int(), timeMs = UInt64(try r.int()), author = try r.string()
            var fields: [String] = []
            for _ in 0..<7 { fields.append(try r.string()) }
            let payload = Contribution(org: fields[0], attestation: fields[1], account: fields[2], category: fields[3],
                                       date: fields[4], start: fields[5], end: try r.optionalString(), minutes: try r.optionalInt(),
                                       description: fields[6])
            let recorded = RecordedContribution(
                index: index, timeMs: timeMs, author: author, payload: payload, account: try AccountID(canonical: payload.account),
                date: try LocalDate(iso: payload.date), startUTC: try r.int(), endUTC: try r.int(), minutes: try r.int(),
                reversedBy: try r.optionalInt())
            state.contributions[index] = recorded
            state.accountEntries[recorded.account, default: []].append(index)
            state.attestations.insert(payload.org + "\u{0}" + payload.attestation)
            state.kinds[index] = .contribution
        }
        for _ in 0..<(try r.count()) {
            let reversal = RecordedReversal(index: try r.int(), timeMs: UInt64(try r.int()), author: try r.string(),
                                            entry: try r.int(), reason: try r.string())
            state.reversals[reversal.index] = reversal
            state.kinds[reversal.index] = .reversal
        }
        guard r.isAtEnd else { throw SnapshotReader.Damaged() }
        self = state
    }
}
