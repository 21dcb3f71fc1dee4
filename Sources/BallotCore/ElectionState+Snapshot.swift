import CivicCrypto
import CivicLog

/// The election's persisted snapshot: the running tally and counters in binary, with the roll, the
/// counted slots and the seen ballots when they are kept in memory (a node keeps them in
/// ``ElectionRows`` instead, so its snapshot stays small), and the indices of the few structural
/// entries (setup, ceremony, contests, term end), which ``restore(snapshot:entry:)`` replays
/// instead of storing what they built.
extension ElectionState {
    /// The state in binary (see ``SnapshotWriter``).
    public func snapshot() -> [UInt8] {
        var w = SnapshotWriter()
        w.int(SnapshotWriter.formatVersion)
        w.int(lastIndex)
        w.ints(structuralIndices)
        w.int(roll.records.count)
        for (credential, record) in roll.records {
            w.string(credential)
            record.encode(into: &w)
        }
        w.int(roll.count)
        w.int(counted.count)
        for (slot, index) in counted {
            w.string(slot)
            w.int(index)
        }
        w.int(seenPayloads.count)
        for hash in seenPayloads { w.bytes(hash) }
        w.int(tally.count)
        for (key, ct) in tally {
            w.string(key.contest)
            w.string(key.option)
            w.optionalInt(key.year)
            w.bytes(group.encode(ct.a))
            w.bytes(group.encode(ct.b))
        }
        w.int(countedBallots)
        w.int(spoiledBallots)
        w.int(supersededBallots)
        return w.bytes
    }

    /// Rebuilds the state from ``snapshot()``: the bulky parts are read back, then the structural
    /// entries are replayed (proofs not re-verified) in log order.
    /// - Parameter entry: reads an entry of the log by index (the caller checks its leaf hash).
    /// - Throws: if the snapshot is malformed or an entry does not replay; the caller then rebuilds
    ///   from the log.
    public mutating func restore(snapshot bytes: [UInt8], entry: (Int) throws -> ElectionEntry) throws {
        var r = SnapshotReader(bytes)
        guard try r.int() == SnapshotWriter.formatVersion else { throw LogError.damagedSnapshot }
        let last = try r.int()
        let structural = try r.ints()
        var records: [String: Roll.Record] = [:]
        let rollCount = try r.count()
        records.reserveCapacity(rollCount)
        for _ in 0..<rollCount {
            let credential = try r.string()
            records[credential] = try Roll.Record(reading: &r)
        }
        let rollSize = try r.int()
        var slots: [String: Int] = [:]
        let slotCount = try r.count()
        slots.reserveCapacity(slotCount)
        for _ in 0..<slotCount { slots[try r.string()] = try r.int() }
        var seen = Set<[UInt8]>()
        let seenCount = try r.count()
        seen.reserveCapacity(seenCount)
        for _ in 0..<seenCount { seen.insert(try r.bytes()) }
        var sums: [TallyKey: CipherPair<G>] = [:]
        for _ in 0..<(try r.count()) {
            let key = TallyKey(contest: try r.string(), option: try r.string(), year: try r.optionalInt())
            sums[key] = CipherPair(a: try group.decodeElement(try r.bytes()), b: try group.decodeElement(try r.bytes()))
        }
        let countedTotal = try r.int(), spoiledTotal = try r.int(), supersededTotal = try r.int()
        guard r.isAtEnd else { throw LogError.damagedSnapshot }
        // With rows attached, the roll, slots and seen ballots live in the rows, never in the snapshot.
        if rows != nil, !(records.isEmpty && slots.isEmpty && seen.isEmpty) { throw LogError.damagedSnapshot }

        var state = ElectionState(group: group, record: record)
        state.ballotPayload = ballotPayload
        state.rows = rows
        state.roll = Roll(records: records, count: rollSize, rows: rows)
        state.counted = slots
        state.seenPayloads = seen
        state.tally = sums
        state.countedBallots = countedTotal
        state.spoiledBallots = spoiledTotal
        state.supersededBallots = supersededTotal
        state.verifyProofs = false
        for index in structural { try state.apply(entry(index)) }
        state.verifyProofs = verifyProofs
        state.lastIndex = last
        self = state
    }
}
