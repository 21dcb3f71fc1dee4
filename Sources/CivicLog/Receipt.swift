import CivicCrypto
import Foundation

/// Proof that one entry is in the log, checkable offline (SPEC §2.6): the entry's index and leaf
/// hash, a signed checkpoint, and the inclusion proof from the leaf to the checkpoint's root.
public struct Receipt: Hashable, Sendable {
    /// The log origin.
    public let origin: String
    /// The log's Ed25519 public key.
    public let logKey: [UInt8]
    /// The entry's index.
    public let index: UInt64
    /// The entry's leaf hash.
    public let leafHash: MerkleHash
    /// A checkpoint of a tree that contains the entry.
    public let checkpoint: SignedCheckpoint
    /// The RFC 9162 inclusion proof of ``leafHash`` at ``index`` in the checkpoint's tree.
    public let inclusion: [MerkleHash]
    /// An optional opaque tracker string (e.g. a ballot tracker), shown to the person who holds the receipt.
    public let tracker: String?

    /// Assembles a receipt from its parts (``LogStore/receipt(index:tracker:)`` does this for you).
    public init(
        origin: String, logKey: [UInt8], index: UInt64, leafHash: MerkleHash, checkpoint: SignedCheckpoint,
        inclusion: [MerkleHash], tracker: String? = nil
    ) {
        self.origin = origin
        self.logKey = logKey
        self.index = index
        self.leafHash = leafHash
        self.checkpoint = checkpoint
        self.inclusion = inclusion
        self.tracker = tracker
    }

    /// The receipt as JSON in the key order of SPEC §2.6, without spaces; `tracker` is left out
    /// when there is none.
    public func json() -> String {
        var out = #"{"format":"perennial-receipt","version":1,"origin":"# + JSONText.quote(origin)
        out += #","log_key":""# + Hex.encode(logKey) + #"","index":\#(index),"leaf_hash":""# + leafHash.hex
        out += #"","checkpoint":"# + JSONText.quote(checkpoint.note)
        out += #","inclusion":["# + inclusion.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]"
        if let tracker { out += #","tracker":"# + JSONText.quote(tracker) }
        return out + "}"
    }

    private struct Wire: Decodable {
        let format: String
        let version: Int
        let origin: String
        let log_key: String
        let index: UInt64
        let leaf_hash: String
        let checkpoint: String
        let inclusion: [String]
        let tracker: String?
    }

    /// Reads a receipt from JSON (any valid JSON with the keys of SPEC §2.6). Checks its form
    /// only; call ``verify()`` to check the proof.
    /// - Throws: ``LogError/Code-swift.struct/malformedReceipt`` (or a checkpoint error) if it is not a receipt.
    public static func parse(json: String) throws -> Receipt {
        func bad(_ what: String) -> LogError {
            LogError(.malformedReceipt, "This is not a Perennial receipt: \(what). Ask for the receipt again and copy it unchanged.")
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(json.utf8)) else {
            throw bad("it is not JSON with the receipt's fields")
        }
        guard wire.format == "perennial-receipt" else { throw bad("its format is not perennial-receipt") }
        guard wire.version == 1 else { throw bad("its version \(wire.version) is not 1") }
        guard let logKey = Hex.decodeCanonical(wire.log_key), logKey.count == 32 else { throw bad("its log_key is not 32 bytes of hex") }
        guard let leaf = try? MerkleHash(hex: wire.leaf_hash) else { throw bad("its leaf_hash is not a hex hash") }
        let inclusion = try wire.inclusion.map { element in
            guard let hash = try? MerkleHash(hex: element) else { throw bad("an inclusion element is not a hex hash") }
            return hash
        }
        let checkpoint = try SignedCheckpoint.parse(note: wire.checkpoint)
        return Receipt(
            origin: wire.origin, logKey: logKey, index: wire.index, leafHash: leaf, checkpoint: checkpoint,
            inclusion: inclusion, tracker: wire.tracker)
    }

    /// Verifies offline: the checkpoint is this log's (origin) and signed by ``logKey``, and the
    /// inclusion proof leads from ``leafHash`` at ``index`` to the checkpoint's root.
    /// - Throws: ``LogError`` saying which check failed.
    public func verify() throws {
        guard checkpoint.origin == origin else {
            throw LogError(.malformedReceipt, "The receipt's checkpoint is for log \"\(checkpoint.origin)\", not \"\(origin)\". The receipt was assembled wrongly or altered.")
        }
        try checkpoint.verify(logKey: logKey)
        try MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: index, treeSize: checkpoint.size, proof: inclusion, root: checkpoint.rootHash)
    }
}

extension LogStore {
    /// A receipt for entry `index` against the latest checkpoint.
    /// - Throws: ``LogError/Code-swift.struct/noCheckpoint`` if no checkpoint covers the entry yet
    ///   (call ``signCheckpoint()`` first), or `notFound` if there is no such entry.
    public func receipt(index: UInt64, tracker: String? = nil) throws -> Receipt {
        try read { db in
            guard let checkpoint = try Self.latestCheckpoint(db), index < checkpoint.size else {
                throw LogError(.noCheckpoint, "Entry \(index) is not covered by a signed checkpoint yet. Sign a checkpoint, then ask for the receipt again.")
            }
            let source = DatabaseHashSource(db: db)
            return Receipt(
                origin: origin, logKey: logKey, index: index,
                leafHash: try source.perfectSubtreeHash(level: 0, index: index), checkpoint: checkpoint,
                inclusion: try MerkleTree.inclusionProof(index: index, size: checkpoint.size, source: source),
                tracker: tracker)
        }
    }

    /// Checks a receipt against this log: it verifies offline, its log key and origin are this
    /// log's, entry `index` here has its leaf hash, and this log's tree at the checkpoint's size
    /// has the checkpoint's root (so the latest checkpoint is consistent with it).
    /// - Throws: ``LogError`` saying which check failed.
    public func verify(receipt: Receipt) throws {
        try receipt.verify()
        guard receipt.origin == origin, receipt.logKey == logKey else {
            throw LogError(.malformedReceipt, "The receipt is for another log than this one (\"\(receipt.origin)\"). Check it against its own log.")
        }
        try read { db in
            let size = try TreeWriter.size(db)
            guard receipt.checkpoint.size <= size else {
                throw LogError(.rootMismatch, "The receipt's checkpoint covers \(receipt.checkpoint.size) entries but this log has only \(size): this copy of the log is behind or was truncated.")
            }
            let source = DatabaseHashSource(db: db)
            guard try source.perfectSubtreeHash(level: 0, index: receipt.index) == receipt.leafHash else {
                throw LogError(.rootMismatch, "Entry \(receipt.index) in this log has another leaf hash than the receipt's: the log was rewritten or the receipt altered.")
            }
            guard try MerkleTree.root(size: receipt.checkpoint.size, source: source) == receipt.checkpoint.rootHash else {
                throw LogError(.rootMismatch, "This log's tree at \(receipt.checkpoint.size) entries differs from the receipt's signed checkpoint: the log was rewritten.")
            }
        }
    }
}

/// Canonical JSON strings for the record (SPEC §1): `"` and `\` are escaped with a backslash, a
/// newline as `\n`, other control characters as `\u00xx` (lowercase hex); all else is raw UTF-8.
enum JSONText {
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
