/// Threshold key and decryption arithmetic of SPEC.md §3.6.
public enum Threshold {
    /// `Π_k C_k^(j^k)`: the value a trustee's polynomial commitments predict at `j`
    /// (`g^(f(j))` for one trustee; summed over trustees it is `P_j`).
    public static func commitmentEvaluation<G: PrimeOrderGroup>(_ group: G, commitments: [G.Element], at j: UInt64) -> G.Element {
        var acc = group.identity
        var power = group.oneScalar
        let js = group.scalar(j)
        for c in commitments {
            acc = group.op(acc, group.exp(c, power))
            power = group.mul(power, js)
        }
        return acc
    }

    /// Lagrange coefficients at zero for the trustee indices `set`:
    /// `λ_j = Π_{k∈S, k≠j} k / (k − j) mod q`.
    /// - Returns: nil if the indices are not distinct and non-zero.
    public static func lagrangeCoefficients<G: PrimeOrderGroup>(_ group: G, set: [UInt64]) -> [G.Scalar]? {
        guard Set(set).count == set.count, !set.contains(0) else { return nil }
        var out: [G.Scalar] = []
        for j in set {
            var num = group.oneScalar
            var den = group.oneScalar
            for k in set where k != j {
                num = group.mul(num, group.scalar(k))
                den = group.mul(den, group.sub(group.scalar(k), group.scalar(j)))
            }
            guard let inv = group.inverse(den) else { return nil }
            out.append(group.mul(num, inv))
        }
        return out
    }

    /// `α^s = Π_{j∈S} D_j^(λ_j)`.
    public static func combine<G: PrimeOrderGroup>(_ group: G, shares: [(index: UInt64, share: G.Element)]) -> G.Element? {
        guard let lambdas = lagrangeCoefficients(group, set: shares.map(\.index)) else { return nil }
        var acc = group.identity
        for (s, l) in zip(shares, lambdas) { acc = group.op(acc, group.exp(s.share, l)) }
        return acc
    }

    /// Finds `m ∈ [0, bound]` with `g^m = target` by baby-step giant-step (≈ 2·√bound group operations).
    /// - Returns: nil when no such `m` exists.
    public static func discreteLog<G: PrimeOrderGroup>(_ group: G, _ target: G.Element, bound: UInt64) -> UInt64? {
        var step: UInt64 = 1
        while step * step <= bound { step += 1 }
        // Baby steps: g^i for i in [0, step).
        var table: [G.Element: UInt64] = [:]
        table.reserveCapacity(Int(step))
        var cur = group.identity
        for i in 0..<step {
            if table[cur] == nil { table[cur] = i }
            cur = group.op(cur, group.generator)
        }
        // Giant steps: target · g^(-step·k).
        let giant = group.expG(group.neg(group.scalar(step)))
        var y = target
        var k: UInt64 = 0
        while k * step <= bound {
            if let i = table[y] {
                let m = k * step + i
                return m <= bound ? m : nil
            }
            y = group.op(y, giant)
            k += 1
        }
        return nil
    }
}
