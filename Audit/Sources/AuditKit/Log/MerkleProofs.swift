/// Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
public enum MerkleProof {
    /// Verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`.
    /// - Returns: nil when the proof verifies, otherwise the reason it does not.
    public static func inclusionFailure(
        leafHash: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]], root: [UInt8]
    ) -> String? {
        guard index < size else { return "leaf index \(index) is not below the tree size \(size)" }
        guard leafHash.count == 32, root.count == 32 else { return "hashes must be 32 bytes" }
        guard proof.allSatisfy({ $0.count == 32 }) else { return "a proof hash is not 32 bytes" }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return "the proof is longer than the tree allows" }
            if fn & 1 == 1 || fn == sn {
                r = Merkle.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = Merkle.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { return "the proof is shorter than the tree requires" }
        guard r == root else { return "the proof does not lead to the root" }
        return nil
    }

    /// Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves
    /// with root `root1`. A proof from the empty tree proves nothing and is refused.
    /// - Returns: nil when the proof verifies, otherwise the reason it does not.
    public static func consistencyFailure(
        size1: UInt64, size2: UInt64, proof: [[UInt8]], root1: [UInt8], root2: [UInt8]
    ) -> String? {
        guard proof.allSatisfy({ $0.count == 32 }) else { return "a proof hash is not 32 bytes" }
        guard size1 <= size2 else { return "the first size \(size1) is larger than the second \(size2)" }
        guard size1 > 0 else { return "a consistency proof from the empty tree proves nothing" }
        if size1 == size2 {
            guard proof.isEmpty else { return "equal sizes need an empty proof" }
            return root1 == root2 ? nil : "equal sizes but different roots"
        }
        guard !proof.isEmpty else { return "the proof is empty" }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return "the proof is longer than the trees allow" }
            if fn & 1 == 1 || fn == sn {
                fr = Merkle.nodeHash(c, fr)
                sr = Merkle.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = Merkle.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { return "the proof is shorter than the trees require" }
        guard fr == root1 else { return "the proof does not lead to the first root" }
        guard sr == root2 else { return "the proof does not lead to the second root" }
        return nil
    }
}
