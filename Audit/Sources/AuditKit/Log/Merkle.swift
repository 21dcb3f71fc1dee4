/// RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256 (SPEC.md §2.1).
public enum Merkle {
    /// The root of the empty tree, `SHA-256("")`.
    public static let emptyRoot: [UInt8] = Hash.sha256([UInt8]())

    /// `SHA-256(0x00 || data)`.
    public static func leafHash(_ data: [UInt8]) -> [UInt8] {
        Hash.sha256(parts: [[0x00], data])
    }

    /// `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var buf = [UInt8]()
        buf.reserveCapacity(1 + left.count + right.count)
        buf.append(0x01)
        buf += left
        buf += right
        return Hash.sha256(buf)
    }

    /// The root of a list of leaf hashes, recursively as RFC 9162 §2.1.1 defines it (for tests and
    /// small inputs; the verifier uses ``CompactRange``).
    public static func root(ofLeafHashes leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            var k = 1
            while k << 1 < leaves.count { k <<= 1 }
            let mid = leaves.startIndex + k
            return nodeHash(root(ofLeafHashes: leaves[leaves.startIndex..<mid]), root(ofLeafHashes: leaves[mid...]))
        }
    }
}

/// The right frontier of a Merkle tree: the roots of its maximal perfect subtrees, left to right,
/// O(log n) hashes. Appending a leaf costs amortised one node hash, and the root at the current size is
/// available at any time, so every checkpoint's root is recomputed in one streaming pass.
public struct CompactRange: Sendable, Equatable, Codable {
    /// Number of leaves appended.
    public private(set) var size: UInt64 = 0
    /// Roots of the perfect subtrees, largest (leftmost) first. Their heights are the set bits of `size`.
    public private(set) var hashes: [[UInt8]] = []

    public init() {}

    /// Restores a frontier saved earlier.
    /// - Throws: ``AuditError`` if the number of hashes does not match the size.
    public init(size: UInt64, hashes: [[UInt8]]) throws(AuditError) {
        guard hashes.count == size.nonzeroBitCount, hashes.allSatisfy({ $0.count == 32 }) else {
            throw .malformed("a compact range of size \(size) needs \(size.nonzeroBitCount) hashes of 32 bytes")
        }
        self.size = size
        self.hashes = hashes
    }

    /// Appends one leaf hash.
    public mutating func append(leafHash: [UInt8]) {
        var h = leafHash
        var s = size
        // Each trailing one bit of the old size is a perfect subtree of the same height to merge with.
        while s & 1 == 1 {
            h = Merkle.nodeHash(hashes.removeLast(), h)
            s >>= 1
        }
        hashes.append(h)
        size += 1
    }

    /// The RFC 6962 root of the leaves appended so far.
    public var root: [UInt8] {
        guard var h = hashes.last else { return Merkle.emptyRoot }
        for left in hashes.dropLast().reversed() { h = Merkle.nodeHash(left, h) }
        return h
    }
}
