import AuditKit
import Foundation
import Testing

@Suite struct MerkleTests {
    static let inclusionFiles = Vectors.files(under: "rfc6962/inclusion")
    static let consistencyFiles = Vectors.files(under: "rfc6962/consistency")

    static func b64(_ j: JSON?) -> [UInt8] {
        guard let s = j?.stringValue else { return [] }
        return (try? Base64.decode(s)) ?? Array(s.utf8)
    }

    static func proof(_ j: JSON?) -> [[UInt8]] { (j?.arrayValue ?? []).map { b64($0) } }

    @Test func vectorsArePresent() {
        #expect(Self.inclusionFiles.count > 50)
        #expect(Self.consistencyFiles.count > 50)
    }

    @Test(arguments: inclusionFiles)
    func inclusionVector(_ url: URL) throws {
        let v = try JSON.parse(Array(Data(contentsOf: url)))
        let failure = MerkleProof.inclusionFailure(
            leafHash: Self.b64(v["leafHash"]), index: v["leafIdx"]!.uint64Value!, size: v["treeSize"]!.uint64Value!,
            proof: Self.proof(v["proof"]), root: Self.b64(v["root"]))
        #expect((failure != nil) == v["wantErr"]!.boolValue!, "\(url.lastPathComponent): \(failure ?? "accepted")")
    }

    @Test(arguments: consistencyFiles)
    func consistencyVector(_ url: URL) throws {
        let v = try JSON.parse(Array(Data(contentsOf: url)))
        let failure = MerkleProof.consistencyFailure(
            size1: v["size1"]!.uint64Value!, size2: v["size2"]!.uint64Value!, proof: Self.proof(v["proof"]),
            root1: Self.b64(v["root1"]), root2: Self.b64(v["root2"]))
        #expect((failure != nil) == v["wantErr"]!.boolValue!, "\(url.lastPathComponent): \(failure ?? "accepted")")
    }

    @Test func emptyRootIsSHA256OfNothing() {
        #expect(Hex.encode(Merkle.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(CompactRange().root == Merkle.emptyRoot)
    }

    @Test func compactRangeMatchesRecursiveRootAtEverySize() throws {
        var range = CompactRange()
        var leaves: [[UInt8]] = []
        for i in 0..<130 {
            let leaf = Merkle.leafHash(Array("leaf \(i)".utf8))
            leaves.append(leaf)
            range.append(leafHash: leaf)
            #expect(range.root == Merkle.root(ofLeafHashes: leaves[...]), "size \(i + 1)")
            #expect(range.hashes.count == (i + 1).nonzeroBitCount)
            let restored = try CompactRange(size: range.size, hashes: range.hashes)
            #expect(restored.root == range.root)
        }
    }

    @Test func generatedInclusionProofsVerifyAndTamperedOnesFail() {
        let b = RecordBuilder.simple(entries: 21)
        for size in [1, 2, 7, 8, 13, 21] {
            let root = Merkle.root(ofLeafHashes: b.entries.prefix(size).map(\.leafHash)[...])
            for i in 0..<size {
                let p = b.inclusionProof(index: i, size: size)
                let leaf = b.entries[i].leafHash
                #expect(MerkleProof.inclusionFailure(leafHash: leaf, index: UInt64(i), size: UInt64(size), proof: p, root: root) == nil)
                if !p.isEmpty {
                    var bad = p
                    bad[0][0] ^= 1
                    #expect(MerkleProof.inclusionFailure(leafHash: leaf, index: UInt64(i), size: UInt64(size), proof: bad, root: root) != nil)
                }
                #expect(MerkleProof.inclusionFailure(leafHash: leaf, index: UInt64(i), size: UInt64(size), proof: p, root: Merkle.emptyRoot) != nil)
            }
        }
    }
}
