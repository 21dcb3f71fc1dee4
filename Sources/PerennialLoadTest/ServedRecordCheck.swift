import CivicCrypto
import CivicLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Checks receipts against the record as the server publishes it, the way a mirror or an observer
/// would: the signed `/checkpoint` (verified with the log key), the level-0 hash tiles and the entry
/// bundles of its tree. Each receipt must verify on its own, name the same log key, have its leaf
/// hash at its index in the served tiles (and that leaf hash must be the hash of the served entry),
/// and its checkpoint's root must be the root of the served tree cut at that size.
enum ServedRecordCheck {
    struct Outcome {
        var size: UInt64
        var verified: Int
    }

    static func run(server: URL, logKey: String, receipts: [Receipt]) throws -> Outcome {
        let key = try Hex.decode(logKey, what: "log key")
        let note = String(decoding: try get(server.appendingPathComponent("checkpoint")), as: UTF8.self)
        let checkpoint = try SignedCheckpoint.parse(note: note)
        try checkpoint.verify(logKey: key)
        var leaves: [MerkleHash] = []
        var entryLeaves: [MerkleHash] = []
        for tile in TileName.tiles(forTreeSize: checkpoint.size) {
            switch tile.kind {
            case .hashes(let level) where level == 0:
                let bytes = try get(server.appendingPathComponent(tile.path))
                for i in stride(from: 0, to: bytes.count, by: 32) { leaves.append(try MerkleHash(bytes[i..<i + 32])) }
            case .entries:
                let bytes = try get(server.appendingPathComponent(tile.path))
                var i = 0
                while i + 2 <= bytes.count {
                    // u16be length, or 0xFFFF then u32be length for a leaf of 65,535 bytes or more (SPEC §2.7).
                    var length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
                    var header = 2
                    if length == 0xFFFF {
                        guard i + 6 <= bytes.count else { throw LoadError("a truncated entry bundle: \(tile.path)") }
                        length = bytes[i + 2..<i + 6].reduce(0) { $0 << 8 | Int($1) }
                        header = 6
                        if length == 0 {  // a redacted slot: its leaf hash is given, then the stand-in
                            let at = i + LogStore.redactedSlotMarker.count + 8 + 32
                            guard at + 36 <= bytes.count else { throw LoadError("a truncated entry bundle: \(tile.path)") }
                            entryLeaves.append(try MerkleHash(bytes[at..<at + 32]))
                            i = at + 36 + bytes[at + 32..<at + 36].reduce(0) { $0 << 8 | Int($1) }
                            continue
                        }
                    }
                    guard i + header + length <= bytes.count else { throw LoadError("a truncated entry bundle: \(tile.path)") }
                    entryLeaves.append(MerkleTree.leafHash(Array(bytes[i + header..<i + header + length])))
                    i += header + length
                }
            default:
                continue
            }
        }
        guard UInt64(leaves.count) == checkpoint.size, leaves == entryLeaves else {
            throw LoadError("the served tiles do not match the served checkpoint (\(leaves.count) hashes, \(entryLeaves.count) entries)")
        }
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        guard tree.root == checkpoint.rootHash else { throw LoadError("the served tiles' root is not the checkpoint's") }
        var verified = 0
        for receipt in receipts {
            try receipt.verify()
            guard receipt.logKey == key, receipt.index < checkpoint.size, leaves[Int(receipt.index)] == receipt.leafHash,
                  receipt.checkpoint.size <= checkpoint.size,
                  try MerkleTree.root(size: receipt.checkpoint.size, source: tree) == receipt.checkpoint.rootHash else { continue }
            verified += 1
        }
        return Outcome(size: checkpoint.size, verified: verified)
    }

    static func get(_ url: URL) throws -> [UInt8] {
        final class Box: @unchecked Sendable { var result: Result<[UInt8], LoadError> = .failure(LoadError("no answer")) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: url) { data, response, error in
            if let http = response as? HTTPURLResponse, http.statusCode == 200, let data {
                box.result = .success(Array(data))
            } else {
                box.result = .failure(LoadError("GET \(url.path): \(error.map { "\($0)" } ?? "HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")"))
            }
            done.signal()
        }.resume()
        done.wait()
        return try box.result.get()
    }
}
