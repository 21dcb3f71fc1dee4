import CivicCrypto
import CivicLog

/// The election's persisted snapshot: the bulky state (roll, counted slots, seen ballots, running
/// tally, counters) in binary, and the indices of the few structural entries (setup, ceremony,
/// contests, term end), which ``restore(snapshot:entry:)`` replays instead of storing what they built.
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
            w.int(record.birthday.month)
            w.int(record.birthday.day)
            w.optionalInt(record.eligibleFrom?.daysSinceEpoch)
            w.optionalInt(record.eligibleUntil?.daysSinceEpoch)
            w.string(record.lineage)
            w.optionalString(record.replacedBy)
        }
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
        w.int(challengedCiphertexts.count)
        for digest in challengedCiphertexts { w.bytes(digest) }
        return w.bytes
    }

    /// Rebuilds the state from ``snapshot()``: the bulky parts are read back, then the structural
    /// entries are replayed (proofs not re-verified) in log order.
    /// - Parameter entry: reads an entry of the log by index (the caller checks its leaf hash).
    /// - Throws: if the snapshot is malformed or an entry does not replay; the caller then rebuilds
    ///   from the log.
    public mutating func restore(snapshot bytes: [UInt8], entry: (Int) throws -> ElectionEntry) throws {
        var r = SnapshotReader(bytes)
        guard try r.int() == SnapshotWriter.formatVersion else { throw SnapshotReader.Damaged() }
        let last = try r.int()
        let structural = try r.ints()
        var records: [String: Roll.Record] = [:]
        let rollCount = try r.count()
        records.reserveCapacity(rollCount)
        for _ in 0..<rollCount {
            let credential = try r.string()
            let birthday = try Birthday(month: r.int(), day: r.int())
            let from = try r.optionalInt().map(LocalDate.init(daysSinceEpoch:))
            let until = try r.optionalInt().map(LocalDate.init(daysSinceEpoch:))
            records[credential] = Roll.Record(birthday: birthday, eligibleFrom: from, eligibleUntil: until,
                                              lineage: try r.string(), replacedBy: try r.optionalString())
        }
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
        var challenged = Set<[UInt8]>()
        for _ in 0..<(try r.count()) { challenged.insert(try r.bytes()) }
        guard r.isAtEnd else { throw SnapshotReader.Damaged() }

        var state = ElectionState(group: group, record: record)
        state.ballotPayload = ballotPayload
        state.roll = Roll(records: records)
        state.counted = slots
        state.seenPayloads = seen
        state.tally = sums
        state.countedBallots = countedTotal
        state.spoiledBallots = spoiledTotal
        state.supersededBallots = supersededTotal
        state.challengedCiphertexts = challenged
        state.verifyProofs = false
        for index in structural { try state.apply(entry(index)) }
        state.verifyProofs = verifyProofs
        state.lastIndex = last
        self = state
    }
}
