import CivicCrypto

/// Where counted and seen ballots are kept: in memory, or in the node's stored rows (``ElectionRows``).
extension ElectionState {
    /// Keeps the roll, the counted ballots and the seen ballots in `rows` from now on. Only for a
    /// state that holds none of them in memory yet (a new or a just-restored state).
    public mutating func attach(rows: any ElectionRows) {
        precondition(roll.records.isEmpty && counted.isEmpty && seenPayloads.isEmpty,
                     "rows are attached before anything is kept in memory")
        self.rows = rows
        roll = Roll(records: [:], count: roll.count, rows: rows)
    }

    func countedBallot(slot: String) -> Int? {
        if let rows { return rows.countedBallot(slot: slot) }
        return counted[slot]
    }

    mutating func putCountedBallot(slot: String, entry: Int) {
        if let rows { rows.putCountedBallot(slot: slot, entry: entry) } else { counted[slot] = entry }
    }

    func hasSeen(_ hash: [UInt8]) -> Bool {
        if let rows { return rows.hasSeen(hash) }
        return seenPayloads.contains(hash)
    }

    mutating func markSeen(_ hash: [UInt8], entry: Int) {
        if let rows { rows.putSeen(hash, entry: entry) } else { seenPayloads.insert(hash) }
    }
}
