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
    /// Ciphertexts not yet multiplied in, per slot and key (with a flag for those to divide out): folded
    /// in groups by ``PrimeOrderGroup/sum(_:negate:)``, which decodes each element once (ristretto255).
    private var pending: [[Key: Pending]]
    private static var foldAt: Int { 512 }

    private struct Pending {
        var alphas: [G.Element] = []
        var betas: [G.Element] = []
        var negate: [Bool] = []
    }

    init(group: G, slots n: Int = 4) {
        self.group = group
        locks = (0..<n).map { _ in NSLockLite() }
        slots = Array(repeating: [:], count: n)
        pending = Array(repeating: [:], count: n)
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
        // Each slot is touched only under its own lock; the buffers avoid copy-on-write of the outer arrays.
        pending.withUnsafeMutableBufferPointer { pend in
            for (k, c) in items {
                var p = pend[i].removeValue(forKey: k) ?? Pending()
                p.alphas.append(c.alpha)
                p.betas.append(c.beta)
                p.negate.append(subtract)
                if p.negate.count >= Self.foldAt { fold(slot: i, key: k, p) } else { pend[i][k] = p }
            }
        }
    }

    private func fold(slot i: Int, key k: Key, _ p: Pending) {
        slots.withUnsafeMutableBufferPointer { buf in
            let cur = buf[i][k] ?? .zero(group)
            buf[i][k] = Ciphertext(alpha: group.sum([cur.alpha] + p.alphas, negate: [false] + p.negate),
                                   beta: group.sum([cur.beta] + p.betas, negate: [false] + p.negate))
        }
    }

    /// The product of all partials (call when no job is running).
    func total() -> [Key: Ciphertext<G>] {
        for i in pending.indices {
            for (k, p) in pending[i] { fold(slot: i, key: k, p) }
            pending[i] = [:]
        }
        var out: [Key: Ciphertext<G>] = [:]
        for s in slots { for (k, c) in s { out[k] = (out[k] ?? .zero(group)).adding(c, in: group) } }
        return out
    }

    /// Replaces everything by `tally` (restoring saved state).
    func reset(to tally: [Key: Ciphertext<G>]) {
        slots = Array(repeating: [:], count: slots.count)
        pending = Array(repeating: [:], count: slots.count)
        slots[0] = tally
    }
}
