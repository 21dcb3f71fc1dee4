import CivicLog
import Foundation
import TestSupport
import Testing

/// Runs every transparency-dev RFC 6962 vector in Tests/TestVectors/rfc6962.
@Suite("RFC 6962 vectors")
struct MerkleVectorTests {
    struct InclusionVector: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String?
        let leafHash: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct ConsistencyVector: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String?
        let root2: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    static func files(_ kind: String) -> [String] {
        let base = TestVectors.directory.appendingPathComponent("rfc6962/\(kind)")
        let enumerator = FileManager.default.enumerator(atPath: base.path)!
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
            .map { "rfc6962/\(kind)/\($0)" }
    }

    /// Decodes a leaf hash or proof element; nil when it is not 32 bytes. `MerkleHash` refuses
    /// such values, which is this API's form of transparency-dev's length checks, so a vector
    /// with one must be a `wantErr` vector.
    static func hash(_ b64: String?) -> MerkleHash? {
        guard let b64, let data = Data(base64Encoded: b64) else { return nil }
        return try? MerkleHash(data)
    }

    /// Decodes an expected root. A few vectors use "roots" that are not 32 bytes (empty, 9 or
    /// 12 bytes) and only compare them for equality; they are mapped one-to-one onto 32-byte
    /// stand-ins (`leafHash(bytes)`) so those vectors still run through the verifier.
    static func root(_ b64: String?) -> MerkleHash? {
        guard let b64, let data = Data(base64Encoded: b64) else { return nil }
        if let hash = try? MerkleHash(data) { return hash }
        return MerkleTree.leafHash([UInt8](data))
    }

    @Test("inclusion vector", arguments: files("inclusion"))
    func inclusion(file: String) throws {
        let v = try TestVectors.load(InclusionVector.self, file)
        let root = Self.root(v.root)
        let leaf = Self.hash(v.leafHash)
        let proof = (v.proof ?? []).map(Self.hash)
        guard let root, let leaf, proof.allSatisfy({ $0 != nil }) else {
            #expect(v.wantErr, "a happy-path vector has a malformed hash: \(file)")
            return
        }
        let result = Result {
            try MerkleVerifier.verifyInclusion(
                leafHash: leaf, index: v.leafIdx, treeSize: v.treeSize, proof: proof.map { $0! }, root: root)
        }
        switch result {
        case .success: #expect(!v.wantErr, "accepted a bad proof: \(file) (\(v.desc))")
        case .failure(let error):
            #expect(v.wantErr, "rejected a good proof: \(file) (\(v.desc)): \(error)")
            #expect(error is LogError)
        }
    }

    @Test("consistency vector", arguments: files("consistency"))
    func consistency(file: String) throws {
        let v = try TestVectors.load(ConsistencyVector.self, file)
        let root1 = Self.root(v.root1)
        let root2 = Self.root(v.root2)
        let proof = (v.proof ?? []).map(Self.hash)
        guard let root1, let root2, proof.allSatisfy({ $0 != nil }) else {
            #expect(v.wantErr, "a happy-path vector has a malformed hash: \(file)")
            return
        }
        let result = Result {
            try MerkleVerifier.verifyConsistency(
                size1: v.size1, size2: v.size2, root1: root1, root2: root2, proof: proof.map { $0! })
        }
        switch result {
        case .success: #expect(!v.wantErr, "accepted a bad proof: \(file) (\(v.desc))")
        case .failure(let error):
            #expect(v.wantErr, "rejected a good proof: \(file) (\(v.desc)): \(error)")
            #expect(error is LogError)
        }
    }

    @Test func nonHashValuesAreRefusedByTheType() throws {
        for count in [0, 9, 12, 31, 33] {
            #expect(throws: LogError.self) { try MerkleHash([UInt8](repeating: 1, count: count)) }
        }
        #expect(throws: LogError.self) { try MerkleHash(base64: "ZG9uJ3QgY2FyZSAy") }
        #expect(throws: LogError.self) { try MerkleHash(hex: String(repeating: "A", count: 64)) }
    }

    @Test func everyVectorFileIsRun() {
        #expect(Self.files("inclusion").count + Self.files("consistency").count == 196)
    }

    /// The happy-path vectors were produced from RFC 6962's reference tree of 8 leaves; rebuild
    /// that tree and check our generated proofs equal the published ones.
    @Test func generatedProofsMatchPublishedHappyPaths() throws {
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
        ]
        let tree = InMemoryMerkleTree(leafHashes: leaves.map(MerkleTree.leafHash))
        var compared = 0
        for file in Self.files("inclusion") where file.hasSuffix("happy-path.json") {
            let v = try TestVectors.load(InclusionVector.self, file)
            guard v.treeSize <= 8 else { continue }
            let proof = try MerkleTree.inclusionProof(index: v.leafIdx, size: v.treeSize, source: tree)
            #expect(proof.map(\.base64) == (v.proof ?? []), "\(file)")
            #expect(try MerkleTree.root(size: v.treeSize, source: tree).base64 == v.root)
            compared += 1
        }
        for file in Self.files("consistency") where file.hasSuffix("happy-path.json") {
            let v = try TestVectors.load(ConsistencyVector.self, file)
            guard v.size2 <= 8 else { continue }
            let proof = try MerkleTree.consistencyProof(size1: v.size1, size2: v.size2, source: tree)
            #expect(proof.map(\.base64) == (v.proof ?? []), "\(file)")
            compared += 1
        }
        #expect(compared > 0)
    }
}
