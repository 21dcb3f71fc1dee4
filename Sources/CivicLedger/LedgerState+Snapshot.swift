import BallotCore
import CivicLog

/// The ledger's persisted snapshot: the contributions and reversals it holds in memory, in binary,
/// and the indices of the settings, accreditation and suspension entries, which
/// ``restore(snapshot:entry:)`` replays. A ledger with ``LedgerState/rows`` holds no contribution or
/// reversal in memory, so its snapshot stays small whatever the size of the log.
extension LedgerState {
    /// The state in binary (see ``SnapshotWriter``).
    public func snapshot() -> [UInt8] {
        var w = SnapshotWriter()
        w.int(SnapshotWriter.formatVersion)
        w.ints(structuralIndices)
        w.int(memory.contributions.count)
        for c in memory.contributions.values.sorted(by: { $0.index < $1.index }) {
            c.encode(into: &w)
            w.optionalInt(c.reversedBy)
        }
        w.int(memory.reversals.count)
        for r in memory.reversals.values.sorted(by: { $0.index < $1.index }) { r.encode(into: &w) }
        return w.bytes
    }

    /// Rebuilds the ledger from ``snapshot()``; `entry` reads a log entry by index (the caller checks
    /// its leaf hash). Throws if anything does not fit; the caller then rebuilds from the log.
    public mutating func restore(snapshot bytes: [UInt8], entry: (Int) throws -> LedgerEntry) throws {
        var r = SnapshotReader(bytes)
        guard try r.int() == SnapshotWriter.formatVersion else { throw LogError.damagedSnapshot }
        var state = LedgerState(context: context, rows: rows)
        for index in try r.ints() { try state.apply(entry(index)) }
        for _ in 0..<(try r.count()) {
            var recorded = try RecordedContribution(reading: &r, reversedBy: nil)
            recorded.reversedBy = try r.optionalInt()
            state.memory.add(recorded)
            state.kinds[recorded.index] = .contribution
        }
        for _ in 0..<(try r.count()) {
            let reversal = try RecordedReversal(reading: &r)
            state.memory.reversals[reversal.index] = reversal
            state.kinds[reversal.index] = .reversal
        }
        guard r.isAtEnd else { throw LogError.damagedSnapshot }
        self = state
    }
}
