/// Offline verification of RFC 9162 inclusion and consistency proofs (SPEC §2.1).
///
/// Follows RFC 9162 §2.1.3.2 and §2.1.4.2, in the form used by transparency-dev/merkle, and
/// passes its published vectors. Every failure throws a ``LogError`` with code
/// ``LogError/Code-swift.struct/invalidProof`` (the proof cannot fit the sizes) or
/// ``LogError/Code-swift.struct/rootMismatch`` (it fits but leads to a different root).
public enum MerkleVerifier {
    /// Checks that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose root is `root`.
    /// - Throws: ``LogError`` if the proof does not hold.
    public static func verifyInclusion(
        leafHash: MerkleHash, index: UInt64, treeSize: UInt64, proof: [MerkleHash], root: MerkleHash
    ) throws {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        guard computed == root else {
            throw LogError(.rootMismatch, "The inclusion proof for entry \(index) leads to a different root than the checkpoint's. The entry is not in that tree, or the proof or checkpoint was altered.")
        }
    }

    /// The root implied by an inclusion proof, without comparing it to anything.
    /// - Throws: ``LogError/Code-swift.struct/invalidProof`` if the index or proof length does not fit `treeSize`.
    public static func rootFromInclusionProof(
        leafHash: MerkleHash, index: UInt64, treeSize: UInt64, proof: [MerkleHash]
    ) throws -> MerkleHash {
        guard index < treeSize else {
            throw LogError(.invalidProof, "Entry \(index) cannot be in a tree of \(treeSize) entries. Check the index and the checkpoint size.")
        }
        let (inner, border) = decomposeInclusionProof(index: index, size: treeSize)
        guard proof.count == inner + border else {
            throw LogError(.invalidProof, "An inclusion proof for entry \(index) in a tree of \(treeSize) entries has \(inner + border) hashes, but this one has \(proof.count).")
        }
        var hash = chainInner(seed: leafHash, proof[0..<inner], index: index)
        hash = chainBorderRight(seed: hash, proof[inner...])
        return hash
    }

    /// Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of
    /// `size2` leaves with root `root2`.
    ///
    /// `size1` must be at least 1: as in RFC 9162 (and the published vectors), a proof from the
    /// empty tree is refused because it proves nothing. Equal sizes need an empty proof and equal roots.
    /// - Throws: ``LogError`` if the proof does not hold.
    public static func verifyConsistency(
        size1: UInt64, size2: UInt64, root1: MerkleHash, root2: MerkleHash, proof: [MerkleHash]
    ) throws {
        if size1 == 0 {
            throw LogError(.invalidProof, "A consistency check from the empty tree proves nothing (RFC 9162 defines proofs only from a non-empty tree). Check the later checkpoint on its own.")
        }
        if size2 < size1 {
            throw LogError(.invalidProof, "The later tree (\(size2) entries) is smaller than the earlier one (\(size1)). A log never shrinks: check the order of the checkpoints.")
        }
        if size1 == size2 {
            guard proof.isEmpty else {
                throw LogError(.invalidProof, "Two trees of the same size need an empty consistency proof, but this one has \(proof.count) hashes.")
            }
            guard root1 == root2 else {
                throw LogError(.rootMismatch, "Two checkpoints of the same size \(size1) have different roots: the log was rewritten.")
            }
            return
        }
        guard !proof.isEmpty else {
            throw LogError(.invalidProof, "A consistency proof from \(size1) to \(size2) entries cannot be empty.")
        }

        var (inner, border) = decomposeInclusionProof(index: size1 - 1, size: size2)
        let shift = size1.trailingZeroBitCount
        inner -= shift

        // The proof starts with the root of the subtree of size 2^shift, unless size1 is that subtree.
        var seed = proof[0]
        var start = 1
        if size1 == UInt64(1) << UInt64(shift) {
            seed = root1
            start = 0
        }
        guard proof.count == start + inner + border else {
            throw LogError(.invalidProof, "A consistency proof from \(size1) to \(size2) entries has \(start + inner + border) hashes, but this one has \(proof.count).")
        }
        let rest = proof[start...]
        let innerPart = rest.prefix(inner)
        let borderPart = rest.dropFirst(inner)
        let mask = (size1 - 1) >> UInt64(shift)

        var hash1 = chainInnerRight(seed: seed, innerPart, index: mask)
        hash1 = chainBorderRight(seed: hash1, borderPart)
        guard hash1 == root1 else {
            throw LogError(.rootMismatch, "The consistency proof does not lead to the earlier root (\(size1) entries): the proof or the earlier checkpoint was altered.")
        }
        var hash2 = chainInner(seed: seed, innerPart, index: mask)
        hash2 = chainBorderRight(seed: hash2, borderPart)
        guard hash2 == root2 else {
            throw LogError(.rootMismatch, "The consistency proof does not lead to the later root (\(size2) entries): the log was rewritten, or the proof or checkpoint was altered.")
        }
    }

    /// Splits an inclusion proof length into its inner part (below the point where the paths to
    /// `index` and to the last leaf diverge) and its border part (left siblings above it).
    private static func decomposeInclusionProof(index: UInt64, size: UInt64) -> (inner: Int, border: Int) {
        let inner = 64 - (index ^ (size - 1)).leadingZeroBitCount
        let border = inner >= 64 ? 0 : (index >> UInt64(inner)).nonzeroBitCount
        return (inner, border)
    }

    private static func chainInner(seed: MerkleHash, _ proof: ArraySlice<MerkleHash>, index: UInt64) -> MerkleHash {
        var hash = seed
        for (i, sibling) in proof.enumerated() {
            if (index >> UInt64(i)) & 1 == 0 {
                hash = MerkleTree.nodeHash(hash, sibling)
            } else {
                hash = MerkleTree.nodeHash(sibling, hash)
            }
        }
        return hash
    }

    private static func chainInnerRight(seed: MerkleHash, _ proof: ArraySlice<MerkleHash>, index: UInt64) -> MerkleHash {
        var hash = seed
        for (i, sibling) in proof.enumerated() where (index >> UInt64(i)) & 1 == 1 {
            hash = MerkleTree.nodeHash(sibling, hash)
        }
        return hash
    }

    private static func chainBorderRight(seed: MerkleHash, _ proof: ArraySlice<MerkleHash>) -> MerkleHash {
        var hash = seed
        for sibling in proof { hash = MerkleTree.nodeHash(sibling, hash) }
        return hash
    }
}
