import CivicCrypto

/// Where proof generation reads the hashes of *perfect* subtrees: the subtree at `level` and
/// `index` covers leaves `index·2^level ..< (index+1)·2^level`; level 0 is the leaf hashes.
///
/// ``LogStore`` answers from its database; ``InMemoryMerkleTree`` from memory (tests, tools).
public protocol MerkleHashSource {
    /// The hash of the complete subtree at (`level`, `index`). Only asked for subtrees that are complete.
    func perfectSubtreeHash(level: Int, index: UInt64) throws -> MerkleHash
}

/// RFC 6962 / RFC 9162 Merkle tree hashing and proof generation over SHA-256 (SPEC §2.1).
///
/// Proof generation needs only a ``MerkleHashSource`` and costs O(log² n) lookups, so it never
/// reads the whole log.
public enum MerkleTree {
    /// The leaf hash `SHA-256(0x00 || leafData)`.
    public static func leafHash(_ leafData: [UInt8]) -> MerkleHash {
        var hasher = SHA256.Hasher()
        hasher.update(byte: 0x00)
        hasher.update(leafData)
        return MerkleHash(unchecked: hasher.finalize())
    }

    /// The interior node hash `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256.Hasher()
        hasher.update(byte: 0x01)
        hasher.update(left.bytes)
        hasher.update(right.bytes)
        return MerkleHash(unchecked: hasher.finalize())
    }

    /// The root hash of the tree made of the first `size` leaves (`SHA-256("")` when `size` is 0).
    public static func root(size: UInt64, source: some MerkleHashSource) throws -> MerkleHash {
        size == 0 ? .emptyTreeRoot : try hash(of: 0..<size, source: source)
    }

    /// `MTH(D[range])`: the RFC 9162 hash of the leaves in `range`, taken as a tree of their own.
    ///
    /// Ranges that occur in proofs (a start aligned to the largest power of two not exceeding the
    /// length) cost O(log n) lookups; other ranges are correct but may cost more.
    /// - Precondition: `range` is not empty.
    public static func hash(of range: Range<UInt64>, source: some MerkleHashSource) throws -> MerkleHash {
        precondition(!range.isEmpty, "MTH of an empty range is the empty root, ask root(size: 0)")
        let count = range.count
        let start = range.lowerBound
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            if start % UInt64(count) == 0 {
                return try source.perfectSubtreeHash(level: level, index: start >> UInt64(level))
            }
        }
        let k = largestPowerOfTwo(below: UInt64(count))
        let left = try hash(of: start..<(start + k), source: source)
        let right = try hash(of: (start + k)..<range.upperBound, source: source)
        return nodeHash(left, right)
    }

    /// The RFC 9162 §2.1.3 inclusion proof (audit path) for leaf `index` in the tree of `size` leaves.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` unless `index < size`.
    public static func inclusionProof(index: UInt64, size: UInt64, source: some MerkleHashSource) throws -> [MerkleHash] {
        guard index < size else {
            throw LogError(.notFound, "Leaf \(index) is not in a tree of \(size) entries. Ask for an index below the tree size.")
        }
        var proof: [MerkleHash] = []
        try path(index, 0..<size, source, &proof)
        return proof
    }

    /// The RFC 9162 §2.1.4 consistency proof between the trees of `size1` and `size2` leaves.
    /// Empty when `size1` equals `size2`.
    /// - Throws: ``LogError/Code-swift.struct/notFound`` unless `size1 <= size2`, and
    ///   ``LogError/Code-swift.struct/invalidProof`` if `size1` is 0 (a proof from the empty tree
    ///   proves nothing and verifiers refuse it).
    public static func consistencyProof(size1: UInt64, size2: UInt64, source: some MerkleHashSource) throws -> [MerkleHash] {
        guard size1 <= size2 else {
            throw LogError(.notFound, "A consistency proof goes from a smaller tree to a larger one, but \(size1) > \(size2). Swap the sizes.")
        }
        guard size1 > 0 else {
            throw LogError(.invalidProof, "There is no consistency proof from the empty tree: it proves nothing. Check the later checkpoint on its own.")
        }
        var proof: [MerkleHash] = []
        if size1 < size2 {
            try subproof(size1, 0..<size2, true, source, &proof)
        }
        return proof
    }

    /// Largest power of two strictly below `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }

    // PATH(m, D[range]) of RFC 9162 §2.1.3.1, appended bottom-up.
    private static func path(
        _ m: UInt64, _ range: Range<UInt64>, _ source: some MerkleHashSource, _ proof: inout [MerkleHash]
    ) throws {
        let n = UInt64(range.count)
        guard n > 1 else { return }
        let k = largestPowerOfTwo(below: n)
        let split = range.lowerBound + k
        if m < k {
            try path(m, range.lowerBound..<split, source, &proof)
            proof.append(try hash(of: split..<range.upperBound, source: source))
        } else {
            try path(m - k, split..<range.upperBound, source, &proof)
            proof.append(try hash(of: range.lowerBound..<split, source: source))
        }
    }

    // SUBPROOF(m, D[range], b) of RFC 9162 §2.1.4.1.
    private static func subproof(
        _ m: UInt64, _ range: Range<UInt64>, _ complete: Bool, _ source: some MerkleHashSource,
        _ proof: inout [MerkleHash]
    ) throws {
        let n = UInt64(range.count)
        if m == n {
            if !complete { proof.append(try hash(of: range, source: source)) }
            return
        }
        let k = largestPowerOfTwo(below: n)
        let split = range.lowerBound + k
        if m <= k {
            try subproof(m, range.lowerBound..<split, complete, source, &proof)
            proof.append(try hash(of: split..<range.upperBound, source: source))
        } else {
            try subproof(m - k, split..<range.upperBound, false, source, &proof)
            proof.append(try hash(of: range.lowerBound..<split, source: source))
        }
    }
}

/// A Merkle tree held entirely in memory: every perfect subtree hash, level by level.
///
/// Useful for tests, tools and verifiers that rebuild a tree from a record.
public struct InMemoryMerkleTree: MerkleHashSource, Sendable {
    private var levels: [[MerkleHash]] = [[]]

    /// An empty tree.
    public init() {}

    /// A tree over the given leaf hashes, in order.
    public init(leafHashes: some Sequence<MerkleHash>) {
        for leaf in leafHashes { append(leafHash: leaf) }
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// The root hash over all leaves.
    public var root: MerkleHash { try! MerkleTree.root(size: size, source: self) }

    /// Appends one leaf hash, completing the perfect subtrees it closes.
    public mutating func append(leafHash: MerkleHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let node = MerkleTree.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(node)
            level += 1
        }
    }

    public func perfectSubtreeHash(level: Int, index: UInt64) throws -> MerkleHash {
        guard level < levels.count, index < UInt64(levels[level].count) else {
            throw LogError(.notFound, "No complete subtree at level \(level), index \(index) in a tree of \(size) entries.")
        }
        return levels[level][Int(index)]
    }
}
