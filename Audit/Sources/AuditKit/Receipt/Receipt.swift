import Foundation

/// A receipt (SPEC.md §2.6): proof that one entry is in the log.
public struct Receipt: Sendable {
    public var origin: String
    public var logKey: [UInt8]
    public var index: UInt64
    public var leafHash: [UInt8]
    public var checkpoint: Checkpoint
    public var inclusion: [[UInt8]]
    public var tracker: String?

    /// Parses a receipt document.
    /// - Throws: ``AuditError`` naming the field that is wrong.
    public init(json bytes: [UInt8]) throws(AuditError) {
        let json = try JSON.parse(bytes)
        guard json["format"]?.stringValue == "perennial-receipt" else { throw .malformed("\"format\" must be \"perennial-receipt\"") }
        guard json["version"]?.uint64Value == 1 else { throw .malformed("only receipt \"version\":1 is understood") }
        guard let origin = json["origin"]?.stringValue else { throw .malformed("\"origin\" is missing") }
        guard let key = json["log_key"]?.stringValue else { throw .malformed("\"log_key\" is missing") }
        guard let index = json["index"]?.uint64Value else { throw .malformed("\"index\" must be a count") }
        guard let leaf = json["leaf_hash"]?.stringValue else { throw .malformed("\"leaf_hash\" is missing") }
        guard let note = json["checkpoint"]?.stringValue else { throw .malformed("\"checkpoint\" is missing") }
        guard let path = json["inclusion"]?.arrayValue else { throw .malformed("\"inclusion\" must be an array") }
        self.origin = origin
        self.logKey = try Hex.decode(key, length: 32)
        self.index = index
        self.leafHash = try Hex.decode(leaf, length: 32)
        self.checkpoint = try Checkpoint(note: note)
        var hashes: [[UInt8]] = []
        for h in path {
            guard let s = h.stringValue else { throw .malformed("\"inclusion\" must hold hex hashes") }
            hashes.append(try Hex.decode(s, length: 32))
        }
        self.inclusion = hashes
        if let t = json["tracker"], t != .null {
            guard let s = t.stringValue else { throw .malformed("\"tracker\" must be a string") }
            self.tracker = s
        } else {
            self.tracker = nil
        }
    }
}

/// Verifies receipts, offline and against a record.
public enum ReceiptVerifier {
    /// Verifies the receipt file; with `recordDirectory`, also that the record holds the entry and that
    /// the record's newest checkpoint extends the receipt's.
    /// - Throws: ``AuditError`` (unreadable) when the receipt file or the record cannot be read.
    /// - Parameter code: a tracking code the citizen holds (§2.6), checked against the receipt's tracker.
    public static func verify(receiptPath: String, recordDirectory: String?, code: String? = nil) throws(AuditError) -> Report {
        guard let data = FileManager.default.contents(atPath: receiptPath) else {
            throw .unreadable("cannot read the receipt \(receiptPath)")
        }
        var report = Report()
        for c in [Check.receiptWellFormed, .receiptCheckpoint, .receiptInclusion] { report.register(c) }
        let receipt: Receipt
        do { receipt = try Receipt(json: Array(data)) } catch {
            report.record(.receiptWellFormed, .receipt, failure: error.message)
            return report
        }
        report.record(.receiptWellFormed, .receipt, failure: nil)
        report.setFact("record", receipt.origin)
        report.setFact("entry", String(receipt.index))
        if let t = receipt.tracker { report.setFact("tracker", t) }
        let trackerBytes = receipt.tracker.flatMap { try? Hex.decode($0, length: 32) }
        if let trackerBytes { report.setFact("tracking code", TrackingCode.code(tracker: trackerBytes)) }
        if let code {
            report.register(.receiptTrackingCode)
            let failure: String?
            if let typed = TrackingCode.normalise(code) {
                if let trackerBytes {
                    failure = typed == TrackingCode.code(tracker: trackerBytes) ? nil
                        : "the tracking code \(typed) is not this receipt's (\(TrackingCode.code(tracker: trackerBytes)))"
                } else {
                    failure = "the receipt has no ballot tracker to compare the tracking code with"
                }
            } else {
                failure = "this is not a tracking code (13 symbols with a check symbol, e.g. SPCE-NMZG-GK2F8): check for a typo"
            }
            report.record(.receiptTrackingCode, .receipt, failure: failure)
        }
        report.setFact("checkpoint size", String(receipt.checkpoint.size))

        var sigFailure = receipt.checkpoint.signatureFailure(logKey: receipt.logKey)
        if receipt.checkpoint.origin != receipt.origin {
            sigFailure = "the checkpoint's origin \"\(receipt.checkpoint.origin)\" is not the receipt's \"\(receipt.origin)\""
        }
        report.record(.receiptCheckpoint, .receipt, failure: sigFailure)
        report.record(.receiptInclusion, .receipt, failure: MerkleProof.inclusionFailure(
            leafHash: receipt.leafHash, index: receipt.index, size: receipt.checkpoint.size,
            proof: receipt.inclusion, root: receipt.checkpoint.root))

        guard let dir = recordDirectory else { return report }
        report.register(.receiptEntry)
        report.register(.receiptConsistency)
        try checkAgainstRecord(receipt, directory: dir, report: &report)
        return report
    }

    private static func checkAgainstRecord(_ receipt: Receipt, directory: String, report: inout Report) throws(AuditError) {
        let dir = directory as NSString
        guard let mdata = FileManager.default.contents(atPath: dir.appendingPathComponent("manifest.json")) else {
            throw .unreadable("\(dir.appendingPathComponent("manifest.json")) is missing or unreadable")
        }
        let manifest: Manifest
        do { manifest = try Manifest(json: Array(mdata)) } catch { throw .unreadable(error.message) }
        guard manifest.origin == receipt.origin, manifest.logKey == receipt.logKey else {
            report.record(.receiptEntry, .record, failure: "the record is \"\(manifest.origin)\" with another log key; the receipt is for \"\(receipt.origin)\"")
            return
        }
        // The newest checkpoint of the record.
        let cps = try LineReader(path: dir.appendingPathComponent("checkpoints.jsonl"))
        var newestLine: [UInt8]? = nil
        while let l = try cps.nextLine() { newestLine = l }
        var newest: Checkpoint? = nil
        if let l = newestLine {
            do {
                let cl = try CheckpointLine(line: l)
                newest = try Checkpoint(note: cl.note)
            } catch {
                report.record(.receiptConsistency, .record, failure: "the record's newest checkpoint is malformed: \(error.message)")
            }
        } else {
            report.record(.receiptConsistency, .record, failure: "the record has no checkpoint")
        }
        if let n = newest, let f = n.signatureFailure(logKey: manifest.logKey) {
            report.record(.receiptConsistency, .record, failure: "the record's newest checkpoint: \(f)")
            newest = nil
        }
        // One pass over the entries: the leaf at the receipt's index, the roots at both sizes.
        let entries = try LineReader(path: dir.appendingPathComponent("entries.jsonl"))
        var tree = CompactRange()
        var leafAtIndex: [UInt8]? = nil
        var rootAtReceipt: [UInt8]? = receipt.checkpoint.size == 0 ? Merkle.emptyRoot : nil
        var rootAtNewest: [UInt8]? = newest?.size == 0 ? Merkle.emptyRoot : nil
        let target = max(receipt.checkpoint.size, newest?.size ?? 0)
        while tree.size < target, let line = try entries.nextLine() {
            let leaf: [UInt8]
            do { leaf = try Entry(line: line).leafHash } catch {
                report.record(.receiptEntry, .entry(tree.size), failure: "the record's entry is unreadable: \(error.message)")
                return
            }
            if tree.size == receipt.index { leafAtIndex = leaf }
            tree.append(leafHash: leaf)
            if tree.size == receipt.checkpoint.size { rootAtReceipt = tree.root }
            if tree.size == newest?.size { rootAtNewest = tree.root }
        }
        report.record(.receiptEntry, .entry(receipt.index), failure: leafAtIndex == nil
            ? "the record has no entry \(receipt.index)"
            : (leafAtIndex == receipt.leafHash ? nil : "the record's entry \(receipt.index) has another leaf hash"))
        report.record(.receiptConsistency, .record, failure: rootAtReceipt == nil
            ? "the record is shorter than the receipt's checkpoint (\(receipt.checkpoint.size) entries)"
            : (rootAtReceipt == receipt.checkpoint.root ? nil
               : "the record's entries give another root at size \(receipt.checkpoint.size): the log was rewritten"))
        if let n = newest {
            var f: String? = nil
            if n.size < receipt.checkpoint.size { f = "the record's newest checkpoint (size \(n.size)) is older than the receipt's" }
            else if rootAtNewest != n.root { f = "the record's newest checkpoint does not match its entries" }
            report.record(.receiptConsistency, .checkpoint(position: 0, size: n.size), failure: f)
            if f == nil { report.setFact("record checkpoint size", String(n.size)) }
        }
    }
}
