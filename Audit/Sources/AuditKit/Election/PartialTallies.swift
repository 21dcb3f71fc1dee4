/// The running encrypted tally, accumulated by the worker threads.
///
/// Ciphertext products commute, so each ballot job adds its selections (and subtracts the ballot it
/// supersedes) into whichever partial tally it can lock first; ``total()`` multiplies the partials
/// together. The verifier runs every pending job before an entry that reads the total (a barrier).
///
/// `@unchecked Sendable`: each slot's dictionary is only touched while its mutex is held.
final class PartialTallies<G: PrimeOrderGroup>: @unchecked Sendable {
    typealias Key = ElectionCore<G>.TallyKey
    private let group: G
    private let locks: [NSLockLite]
    private var slots: [[Key: Ciphertext<G>]]

    init(group: G, slots n: Int = 4) {
        self.group = group
        locks = (0..<n).map { _ in NSLockLite() }
        slots = Array(repeating: [:], count: n)
    }

    /// Multiplies `items` into one partial tally (divides when `subtract`).
    func accumulate(_ items: [(Key, Ciphertext<G>)], subtract: Bool = false) {
        guard !items.isEmpty else { return }
        var i = 0
        while true {
            if locks[i].tryLock() { break }
            i = (i + 1) % locks.count
        }
        defer { locks[i].unlock() }
        slots.withUnsafeMutableBufferPointer { buf in
            for (k, c) in items {
                let cur = buf[i][k] ?? .zero(group)
                buf[i][k] = subtract ? cur.subtracting(c, in: group) : cur.adding(c, in: group)
            }
        }
    }

    /// The product of all partials (call when no job is running).
    func total() -> [Key: Ciphertext<G>] {
        var out: [Key: Ciphertext<G>] = [:]
        for s in slots { for (k, c) in s { out[k] = (out[k] ?? .zero(group)).adding(c, in: group) } }
        return out
    }

    /// Replaces everything by `tally` (restoring saved state).
    func reset(to tally: [Key: Ciphertext<G>]) {
        slots = Array(repeating: [:], count: slots.count)
        slots[0] = tally
    }
}
