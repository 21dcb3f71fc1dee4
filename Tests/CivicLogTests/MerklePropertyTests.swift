import CivicLog
import Testing

/// Every generated proof verifies; every altered proof does not.
@Suite("Merkle proofs: properties")
struct MerklePropertyTests {
    static func tree(size: Int) -> InMemoryMerkleTree {
        InMemoryMerkleTree(leafHashes: (0..<size).map { MerkleTree.leafHash(Array("leaf \($0)".utf8)) })
    }

    /// Recomputes MTH(D[0:n]) by the RFC's recursive definition, independent of the stored nodes.
    static func referenceRoot(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
        if leaves.isEmpty { return .emptyTreeRoot }
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return MerkleTree.nodeHash(referenceRoot(leaves[..<mid]), referenceRoot(leaves[mid...]))
    }

    /// Proof variants that must all be refused: each element replaced, single bit flips,
    /// truncation, extension, and (separately) wrong index or size.
    static func alterations(_ proof: [MerkleHash], rng: inout SeededGenerator) -> [[MerkleHash]] {
        var out: [[MerkleHash]] = []
        for i in proof.indices {
            var replaced = proof
            replaced[i] = MerkleTree.leafHash(Array("forged".utf8))
            out.append(replaced)
            // Flip a sampled bit of this element.
            var bytes = proof[i].bytes
            let bit = Int.random(in: 0..<256, using: &rng)
            bytes[bit / 8] ^= 1 << UInt8(bit % 8)
            var flipped = proof
            flipped[i] = try! MerkleHash(bytes)
            out.append(flipped)
        }
        if !proof.isEmpty { out.append(Array(proof.dropLast())); out.append(Array(proof.dropFirst())) }
        out.append(proof + [MerkleTree.leafHash([1])])
        out.append([MerkleTree.leafHash([2])] + proof)
        if proof.count >= 2 { var swapped = proof; swapped.swapAt(0, 1); if swapped != proof { out.append(swapped) } }
        return out
    }

    @Test("roots match the recursive definition", arguments: Array(0...130))
    func roots(size: Int) throws {
        let leaves = (0..<size).map { MerkleTree.leafHash(Array("leaf \($0)".utf8)) }
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        #expect(tree.root == Self.referenceRoot(leaves[...]))
    }

    @Test("inclusion proofs verify, alterations do not", arguments: [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 127, 255, 300])
    func inclusion(size: Int) throws {
        var rng = SeededGenerator(seed: UInt64(size))
        let tree = Self.tree(size: size)
        let root = tree.root
        let indices = size <= 40 ? Array(0..<size) : (0..<25).map { _ in Int.random(in: 0..<size, using: &rng) } + [0, size - 1]
        for index in indices {
            let i = UInt64(index), n = UInt64(size)
            let leaf = try tree.perfectSubtreeHash(level: 0, index: i)
            let proof = try MerkleTree.inclusionProof(index: i, size: n, source: tree)
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: i, treeSize: n, proof: proof, root: root)
            for altered in Self.alterations(proof, rng: &rng) {
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyInclusion(leafHash: leaf, index: i, treeSize: n, proof: altered, root: root)
                }
            }
            // Wrong leaf, index, size, root.
            #expect(throws: LogError.self) {
                try MerkleVerifier.verifyInclusion(leafHash: MerkleTree.leafHash([9]), index: i, treeSize: n, proof: proof, root: root)
            }
            for wrongIndex in [i + 1, i &- 1, i ^ 2, n] where wrongIndex != i && wrongIndex <= n + 1 {
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyInclusion(leafHash: leaf, index: wrongIndex, treeSize: n, proof: proof, root: root)
                }
            }
            // As with consistency proofs, the tree size is authenticated by the signed checkpoint,
            // not by the path: a size is refused whenever it changes the path's shape.
            for wrongSize in [n + 1, n - 1, n * 2, n / 2] where wrongSize != n
                && (i >= wrongSize || (try? MerkleTree.inclusionProof(index: i, size: wrongSize, source: Self.tree(size: Int(wrongSize))))?.count != proof.count) {
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyInclusion(leafHash: leaf, index: i, treeSize: wrongSize, proof: proof, root: root)
                }
            }
            #expect(throws: LogError.self) {
                try MerkleVerifier.verifyInclusion(leafHash: leaf, index: i, treeSize: n, proof: proof, root: MerkleHash.emptyTreeRoot)
            }
        }
    }

    @Test("consistency proofs verify, alterations do not", arguments: [2, 3, 5, 8, 13, 32, 50, 129, 300])
    func consistency(size2: Int) throws {
        var rng = SeededGenerator(seed: UInt64(size2) * 31)
        let tree = Self.tree(size: size2)
        let n2 = UInt64(size2)
        let root2 = tree.root
        let sizes = size2 <= 32 ? Array(1...size2) : (0..<20).map { _ in Int.random(in: 1...size2, using: &rng) } + [1, size2 - 1, size2]
        for size1 in sizes {
            let n1 = UInt64(size1)
            let root1 = try MerkleTree.root(size: n1, source: tree)
            let proof = try MerkleTree.consistencyProof(size1: n1, size2: n2, source: tree)
            try MerkleVerifier.verifyConsistency(size1: n1, size2: n2, root1: root1, root2: root2, proof: proof)
            for altered in Self.alterations(proof, rng: &rng) {
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyConsistency(size1: n1, size2: n2, root1: root1, root2: root2, proof: altered)
                }
            }
            // Wrong sizes: a consistency proof does not by itself authenticate the sizes (e.g. the
            // proof 4→5 also "verifies" 4→6 against the same roots); sizes are authenticated by the
            // signed checkpoints. So only size changes that alter the proof's shape are refused.
            for (s1, s2) in [(n1 + 1, n2), (n1 - 1, n2), (n1 ^ 2, n2)] where (s1, s2) != (n1, n2) && s1 >= 1 && s1 <= n2 {
                let expected = try MerkleTree.consistencyProof(size1: s1, size2: n2, source: tree)
                if expected.count != proof.count {
                    #expect(throws: LogError.self) {
                        try MerkleVerifier.verifyConsistency(size1: s1, size2: s2, root1: root1, root2: root2, proof: proof)
                    }
                }
            }
            if n1 < n2 {
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyConsistency(size1: n1, size2: n2, root1: root2, root2: root1, proof: proof)
                }
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyConsistency(size1: n1, size2: n2, root1: MerkleTree.leafHash([3]), root2: root2, proof: proof)
                }
                #expect(throws: LogError.self) {
                    try MerkleVerifier.verifyConsistency(size1: n1, size2: n2, root1: root1, root2: MerkleTree.leafHash([3]), proof: proof)
                }
            }
        }
        #expect(throws: LogError.self) { try MerkleTree.consistencyProof(size1: 0, size2: n2, source: tree) }
    }
}
