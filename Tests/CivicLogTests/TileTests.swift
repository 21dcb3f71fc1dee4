import CivicLog
import Foundation
import Testing

/// The tiled log (SPEC §2.7, C2SP tlog-tiles), checked against an independent reconstruction:
/// leaf hashes recomputed from the entry bundles, tile hashes rebuilt by plain RFC 6962 hashing.
@Suite("Tiles")
struct TileTests {
    @Test func pathEncodingIsTheSpecs() {
        #expect(TileName.encode(index: 1_234_067) == "x001/x234/067")
        #expect(TileName.encode(index: 0) == "000")
        #expect(TileName.encode(index: 5) == "005")
        #expect(TileName.encode(index: 1000) == "x001/000")
        #expect(TileName(kind: .hashes(level: 0), index: 1_234_067, width: 256).path == "tile/0/x001/x234/067")
        #expect(TileName(kind: .entries, index: 5, width: 17).path == "tile/entries/005.p/17")
        #expect(TileName(kind: .hashes(level: 2), index: 1000, width: 1).path == "tile/2/x001/000.p/1")
        for path in ["tile/0/x001/x234/067", "/tile/entries/005.p/17", "tile/2/x001/000.p/1", "tile/63/000"] {
            #expect(TileName.parse(path) != nil, "\(path)")
        }
        #expect(TileName.parse("/tile/entries/005.p/17") == TileName(kind: .entries, index: 5, width: 17))
        for bad in ["tile/0/5", "tile/0/0005", "tile/00/005", "tile/64/000", "tile/0/x000/005", "tile/0/001/234",
                    "tile/0/x001/x234", "tile/0/005.p/0", "tile/0/005.p/256", "tile/0/005.p/07", "tile/0/005.p",
                    "tile/entries", "tile/-1/000", "tile/0/00a", "tiles/0/000", "tile/0/005/", "tile/0/x1000/000"] {
            #expect(TileName.parse(bad) == nil, "\(bad) must be refused")
        }
    }

    @Test func tilesOfATreeAreTheSpecsExample() {
        let names = TileName.tiles(forTreeSize: 70_000)
        let level0 = names.filter { $0.kind == .hashes(level: 0) }
        #expect(level0.filter(\.isFull).count == 273)
        #expect(level0.last?.width == 112)
        #expect(names.filter { $0.kind == .hashes(level: 1) }.map(\.width) == [256, 17])
        #expect(names.filter { $0.kind == .hashes(level: 2) }.map(\.width) == [1])
        #expect(names.filter { $0.kind == .entries }.count == 274)
        #expect(TileName.tiles(forTreeSize: 256).map(\.path) == ["tile/0/000", "tile/entries/000", "tile/1/000.p/1"])
        #expect(TileName.tiles(forTreeSize: 0).isEmpty)
    }

    /// A plain RFC 6962 MTH over leaf hashes, independent of the store's node table.
    static func mth(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
        if leaves.isEmpty { return .emptyTreeRoot }
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return MerkleTree.nodeHash(mth(leaves[..<mid]), mth(leaves[mid...]))
    }

    static func hashes(_ bytes: [UInt8]) throws -> [MerkleHash] {
        try stride(from: 0, to: bytes.count, by: 32).map { try MerkleHash(Array(bytes[$0..<$0 + 32])) }
    }

    @Test func tilesAndBundlesReconstructTheLog() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        #expect(try store.tile(TileName(kind: .hashes(level: 0), index: 0, width: 1)) == nil)  // nothing published
        let envelopes = (0..<600).map { Fixture.envelope($0) }
        try store.append(contentsOf: Array(envelopes[0..<300]))
        let first = try store.signCheckpoint()
        try store.append(contentsOf: Array(envelopes[300...]))
        try store.append(Fixture.envelope(600))
        let checkpoint = try store.signCheckpoint()
        try store.append(Fixture.envelope(601))  // not yet published
        #expect(checkpoint.size == 601)

        // Bundles carry exactly the leaf data; leaf hashes recomputed from them are the level-0 tiles.
        var leaves: [MerkleHash] = []
        for name in TileName.tiles(forTreeSize: checkpoint.size) where name.kind == .entries {
            let bundle = try #require(try store.tile(name))
            let tile = try Self.hashes(#require(try store.tile(TileName(kind: .hashes(level: 0), index: name.index, width: name.width))))
            var offset = 0
            var position = 0
            while offset < bundle.count {
                let length = Int(bundle[offset]) << 8 | Int(bundle[offset + 1])
                let leaf = Array(bundle[offset + 2..<offset + 2 + length])
                let index = UInt64(leaves.count)
                let entry = try store.entry(at: index)
                #expect(leaf == entry.envelope.leafData(timeMs: entry.timeMs))
                let hash = MerkleTree.leafHash(leaf)
                #expect(tile[position] == hash)
                leaves.append(hash)
                offset += 2 + length
                position += 1
            }
            #expect(position == name.width)
        }
        #expect(leaves.count == 601)
        #expect(Self.mth(leaves[...]) == checkpoint.rootHash)
        #expect(Self.mth(leaves[..<300]) == first.rootHash)

        // Level 1 holds the MTH of each full level-0 tile, and a partial tile is a prefix of the full one.
        let level1 = try Self.hashes(#require(try store.tile(TileName(kind: .hashes(level: 1), index: 0, width: 2))))
        #expect(level1 == [Self.mth(leaves[0..<256]), Self.mth(leaves[256..<512])])
        let partial = try #require(try store.tile(TileName(kind: .hashes(level: 0), index: 1, width: 44)))
        let full = try #require(try store.tile(TileName(kind: .hashes(level: 0), index: 1, width: 256)))
        #expect(Array(full.prefix(44 * 32)) == partial)

        // Nothing beyond the published tree: entry 601 is in the log but not under a checkpoint.
        #expect(try store.tile(TileName(kind: .hashes(level: 0), index: 2, width: 90)) == nil)
        #expect(try store.tile(TileName(kind: .entries, index: 2, width: 90)) == nil)
        #expect(try store.tile(TileName(kind: .hashes(level: 1), index: 0, width: 3)) == nil)
        #expect(try store.tile(TileName(kind: .hashes(level: 2), index: 0, width: 1)) == nil)
        #expect(try store.tile(TileName(kind: .hashes(level: 0), index: 2, width: 89)) != nil)
    }

    @Test func exportWritesEveryTileAndTheCheckpoint() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        try store.append(contentsOf: (0..<290).map { Fixture.envelope($0) })
        try store.signCheckpoint()
        try store.append(contentsOf: (290..<300).map { Fixture.envelope($0) })
        let latest = try store.signCheckpoint()
        let out = Fixture.temporaryDirectory().appendingPathComponent("board")
        try store.exportTiles(to: out)
        let files = Set(try FileManager.default.subpathsOfDirectory(atPath: out.path))
        for path in ["checkpoint", "manifest.json", "entries.jsonl", "checkpoints.jsonl", "tile/0/000", "tile/entries/000",
                     "tile/0/001.p/44", "tile/entries/001.p/44", "tile/0/001.p/34", "tile/entries/001.p/34", "tile/1/000.p/1"] {
            #expect(files.contains(path), "\(path) missing")
        }
        #expect(try String(contentsOf: out.appendingPathComponent("checkpoint"), encoding: .utf8) == latest.note)
        for path in files where path.hasPrefix("tile/") {
            guard let name = TileName.parse(path) else { continue }
            let bytes = try [UInt8](Data(contentsOf: out.appendingPathComponent(path)))
            #expect(bytes == (try store.tile(name)), "\(path)")
        }
    }

    @Test func verifierKeyIsTheC2SPForm() throws {
        let key = Fixture.logKey.publicKey
        let vkey = SignedCheckpoint.verifierKey(origin: Fixture.origin, publicKey: key)
        let parts = vkey.split(separator: "+", maxSplits: 2)
        #expect(parts.count == 3)
        #expect(parts[0] == Substring(Fixture.origin))
        #expect(parts[1].count == 8)
        #expect(Data(base64Encoded: String(parts[2])).map { [UInt8]($0) } == [0x01] + key)
        #expect(parts[1] == Substring(SignedCheckpoint.keyID(origin: Fixture.origin, publicKey: key).map { String(format: "%02x", $0) }.joined()))
    }

    @Test func appendRefusesALeafTooLargeForABundle() throws {
        let store = try Fixture.store(Fixture.temporaryDirectory())
        let fits = Fixture.payload(kind: String(repeating: "k", count: LogStore.maximumPayloadBytes - Fixture.payload(kind: "").count))
        #expect(fits.count == LogStore.maximumPayloadBytes)
        let entry = try store.append(EntryEnvelope.sign(payload: fits, with: Fixture.author))
        #expect(entry.envelope.leafData(timeMs: entry.timeMs).count == LogStore.maximumLeafBytes)
        let tooBig = Fixture.payload(kind: String(repeating: "k", count: LogStore.maximumPayloadBytes + 1 - Fixture.payload(kind: "").count))
        #expect(throws: LogError.self) { try store.append(EntryEnvelope.sign(payload: tooBig, with: Fixture.author)) }
        #expect(try store.size() == 1)
    }
}
