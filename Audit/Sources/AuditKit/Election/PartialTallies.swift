/// The running encrypted tally, accumulated by the worker threads.
///
/// Ciphertext products commute, so each ballot job adds its selections (and subtracts the ballot it
/// supersedes) into whichever partial tally it can lock first; ``total()`` multiplies the partials
/// together. The verifier runs every pending job before an entry that reads the total (a barrier).
///
/// `@unchecked Sendable`: each ``Part`` is only touched while its mutex is held (or, in ``total()``
/// and ``reset(to:)``, when no job is running); the array of parts itself never changes, so the
/// workers share no mutable Swift array.
final class PartialTallies<G: PrimeOrderGroup>: @unchecked Sendable {
    typealias Key = ElectionCore<G>.TallyKey
    private let group: G
    private let parts: [Part]
    private static var foldAt: Int { 512 }

    /// One partial tally with its own lock.
    private final class Part {
        let lock = NSLockLite()
        var sums: [Key: Ciphertext<G>] = [:]
        /// Ciphertexts not yet multiplied in, per key (with a flag for those to divide out): folded in
        /// groups by ``PrimeOrderGroup/sum(_:negate:)``, which decodes each element once (ristretto255).
        var pending: [Key: Pending] = [:]
    }

    private struct Pending {
        var alphas: [G.Element] = []
        var betas: [G.Element] = []
        var negate: [Bool] = []
    }

    init(group: G, slots n: Int = 4) {
        self.group = group
        parts = (0..<n).map { _ in Part() }
    }

    /// Multiplies `items` into one partial tally (divides when `subtract`).
    func accumulate(_ items: [(Key, Ciphertext<G>)], subtract: Bool = false) {
        guard !items.isEmpty else { return }
        var i = 0
        while true {
            if parts[i].lock.tryLock() { break }
            i = (i + 1) % parts.count
        }
        let part = parts[i]
        defer { part.lock.unlock() }
        for (k, c) in items {
            var p = part.pending.removeValue(forKey: k) ?? Pending()
            p.alphas.append(c.alpha)
            p.betas.append(c.beta)
            p.negate.append(subtract)
            if p.negate.count >= Self.foldAt { fold(part, key: k, p) } else { part.pending[k] = p }
        }
    }

    private func fold(_ part: Part, key k: Key, _ p: Pending) {
        let cur = part.sums[k] ?? .zero(group)
        part.sums[k] = Ciphertext(alpha: group.sum([cur.alpha] + p.alphas, negate: [false] + p.negate),
                                  beta: group.sum([cur.beta] + p.betas, negate: [false] + p.negate))
    }

    /// The product of all partials (call when no job is running).
    func total() -> [Key: Ciphertext<G>] {
        for part in parts {
            for (k, p) in part.pending { fold(part, key: k, p) }
            part.pending = [:]
        }
        var out: [Key: Ciphertext<G>] = [:]
        for part in parts { for (k, c) in part.sums { out[k] = (out[k] ?? .zero(group)).adding(c, in: group) } }
        return out
    }

    /// Replaces everything by `tally` (restoring saved state; call when no job is running).
    func reset(to tally: [Key: Ciphertext<G>]) {
        for part in parts {
            part.sums = [:]
            part.pending = [:]
        }
        parts[0].sums = tally
    }
}
