import CivicCrypto
import Foundation
import GRDB

/// What an export or import covered.
public struct RecordSummary: Hashable, Sendable {
    /// Number of entries (lines of `entries.jsonl`).
    public let entries: UInt64
    /// Number of checkpoints (lines of `checkpoints.jsonl`).
    public let checkpoints: Int
    /// The last checkpoint, which covers every entry.
    public let latestCheckpoint: SignedCheckpoint?
}

extension LogStore {
    /// File names of an exported record (SPEC §1).
    public enum RecordFile {
        public static let manifest = "manifest.json"
        public static let entries = "entries.jsonl"
        public static let checkpoints = "checkpoints.jsonl"
    }

    /// Writes the public record (SPEC §1–2) into `directory`: `manifest.json`, `entries.jsonl`,
    /// `checkpoints.jsonl`, replacing those files if present.
    ///
    /// The record covers the entries up to the latest checkpoint (sign one first to include
    /// everything) and all checkpoints. Output is streamed from one consistent snapshot and is
    /// deterministic: the same log always gives the same bytes.
    /// - Throws: ``LogError/Code-swift.struct/noCheckpoint`` if no checkpoint was signed yet, `io` or `storage`.
    /// - Parameter redact: for an entry whose text must leave the public record (a comment hidden by
    ///   moderation, SPEC §2.2), the stand-in payload to write instead; its line then carries the
    ///   entry's leaf hash in place of its signature. Nil for every other entry.
    @discardableResult
    public func exportRecord(to directory: URL, redact: (LogEntry) throws -> [UInt8]? = { _ in nil }) throws -> RecordSummary {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LogError(.io, "The export directory \(directory.path) cannot be created. Check the path and permissions.")
        }
        return try read { db in
            let notes = try String.fetchAll(db, sql: "SELECT note FROM checkpoints ORDER BY size")
            let checkpoints = try notes.map { try SignedCheckpoint.parse(note: $0) }
            guard let latest = checkpoints.last else {
                throw LogError(.noCheckpoint, "The log has no signed checkpoint, so there is nothing to export yet. Sign a checkpoint first.")
            }
            let entriesFile = try BufferedFileWriter(directory.appendingPathComponent(RecordFile.entries))
            let cursor = try Row.fetchCursor(
                db, sql: LogSchema.selectEntries + " WHERE idx < ? ORDER BY idx", arguments: [Int64(latest.size)])
            var count: UInt64 = 0
            while let row = try cursor.next() {
                let entry = try LogSchema.entry(from: row)
                if let standIn = try redact(entry) {
                    try entriesFile.write(RecordLine.redacted(entry, standIn: standIn))
                } else {
                    try entriesFile.write(RecordLine.entry(entry))
                }
                count += 1
            }
            try entriesFile.close()
            guard count == latest.size else {
                throw LogError(.storage, "The log database holds \(count) entries below its checkpoint of \(latest.size). The database was damaged; restore it from a backup.")
            }
            let checkpointsFile = try BufferedFileWriter(directory.appendingPathComponent(RecordFile.checkpoints))
            for checkpoint in checkpoints { try checkpointsFile.write(RecordLine.checkpoint(checkpoint)) }
            try checkpointsFile.close()
            let manifestFile = try BufferedFileWriter(directory.appendingPathComponent(RecordFile.manifest))
            try manifestFile.write(RecordLine.manifest(origin: origin, logKey: logKey, entries: count, checkpoints: checkpoints.count))
            try manifestFile.close()
            return RecordSummary(entries: count, checkpoints: checkpoints.count, latestCheckpoint: latest)
        }
    }

    /// Imports a whole record (SPEC §1–2) into this store, which must be empty.
    ///
    /// Everything is verified before anything is accepted: the manifest's form, origin and log key
    /// (they must be this store's), each line's canonical form and index, every entry's signature
    /// and payload header, non-decreasing times, every checkpoint's signature, size order, time and
    /// root (recomputed from the entries), and that the last checkpoint covers all entries.
    /// Entries are streamed; the import is one transaction, so on any error nothing is kept.
    /// - Throws: ``LogError`` with code `malformedRecord` naming the file and line,
    ///   `storeNotEmpty`, `io` or `storage`.
    @discardableResult
    public func importRecord(from directory: URL) throws -> RecordSummary {
        let manifest = try RecordLine.readManifest(directory.appendingPathComponent(RecordFile.manifest))
        guard manifest.origin == origin else {
            throw LogError(.malformedRecord, "The record is for \"\(manifest.origin)\" but this store is for \"\(origin)\". Import it into a store opened with the record's origin.")
        }
        guard manifest.logKey == logKey else {
            throw LogError(.malformedRecord, "The record's log_key is not this store's log key. Import it into a store opened with the record's key.")
        }
        var checkpoints: [SignedCheckpoint] = []
        try LineReader.forEachLine(directory.appendingPathComponent(RecordFile.checkpoints)) { number, line in
            let checkpoint = try RecordLine.parseCheckpoint(line, number: number, origin: origin, logKey: logKey)
            if let previous = checkpoints.last, checkpoint.size <= previous.size {
                throw RecordLine.bad(RecordFile.checkpoints, number, "checkpoint sizes do not strictly increase")
            }
            if let previous = checkpoints.last, checkpoint.timeMs < previous.timeMs {
                throw RecordLine.bad(RecordFile.checkpoints, number, "its time is earlier than the previous checkpoint's")
            }
            checkpoints.append(checkpoint)
        }
        guard checkpoints.count == manifest.checkpoints else {
            throw LogError(.malformedRecord, "manifest.json announces \(manifest.checkpoints) checkpoints but checkpoints.jsonl has \(checkpoints.count).")
        }
        guard (checkpoints.last?.size ?? 0) == manifest.entries else {
            throw LogError(.malformedRecord, "The last checkpoint must cover all \(manifest.entries) entries announced by manifest.json, but covers \(checkpoints.last?.size ?? 0).")
        }

        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let hasCheckpoints = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM checkpoints)") ?? false
                    var writer = try TreeWriter(db: db)
                    guard writer.size == 0, !hasCheckpoints else {
                        throw LogError(.storeNotEmpty, "A record can only be imported into an empty store, and this one already has entries or checkpoints. Use a new directory.")
                    }
                    var pending = checkpoints[...]
                    // The latest checkpoint accepted: no later entry may be dated before it (SPEC §2.2).
                    var signedBefore: SignedCheckpoint? = nil
                    func acceptCheckpoints() throws {
                        while let next = pending.first, next.size == writer.size {
                            guard next.rootHash == writer.root else {
                                throw RecordLine.bad(RecordFile.checkpoints, checkpoints.firstIndex(of: next)! + 1, "the root does not match the entries (recomputed at size \(next.size))")
                            }
                            guard next.timeMs >= writer.lastTime else {
                                throw RecordLine.bad(RecordFile.checkpoints, checkpoints.firstIndex(of: next)! + 1, "its time is earlier than entry \(next.size - 1)")
                            }
                            try Self.insert(next, db)
                            signedBefore = next
                            pending = pending.dropFirst()
                        }
                    }
                    try acceptCheckpoints()
                    // Lines are parsed as they stream in, verified in chunks on all cores, then inserted in order.
                    var chunk: [(number: Int, index: UInt64, time: UInt64, envelope: EntryEnvelope)] = []
                    let origin = self.origin
                    func flush() throws {
                        let lines = chunk
                        let signaturesValid = lines.count >= Ed25519.batchThreshold
                            && ParallelVerification.firstBadSignature(lines.map(\.envelope)) == nil
                        try ParallelVerification.verifyAll(count: lines.count) { i in
                            do {
                                if signaturesValid { try lines[i].envelope.verifyHeader(origin: origin) } else { try lines[i].envelope.verify(origin: origin) }
                            } catch let error as LogError {
                                throw RecordLine.bad(RecordFile.entries, lines[i].number, error.description)
                            }
                        }
                        for line in lines {
                            if let signedBefore, line.time < signedBefore.timeMs {
                                throw RecordLine.bad(RecordFile.entries, line.number, "its time is earlier than that of the checkpoint of size \(signedBefore.size), which the log signed before it (backdated)")
                            }
                            try writer.insertEntry(index: line.index, timeMs: line.time, envelope: line.envelope, leafHash: line.envelope.leafHash(timeMs: line.time))
                            try acceptCheckpoints()
                        }
                        chunk.removeAll(keepingCapacity: true)
                    }
                    var expectedIndex: UInt64 = 0
                    var lastTime: UInt64 = 0
                    try LineReader.forEachLine(directory.appendingPathComponent(RecordFile.entries)) { number, line in
                        let (index, time, envelope) = try RecordLine.parseEntry(line, number: number)
                        guard index == expectedIndex else {
                            throw RecordLine.bad(RecordFile.entries, number, "index \(index) is not its position \(expectedIndex)")
                        }
                        guard index < manifest.entries else {
                            throw RecordLine.bad(RecordFile.entries, number, "there are more entries than manifest.json announces")
                        }
                        guard time >= lastTime else {
                            throw RecordLine.bad(RecordFile.entries, number, "its time is earlier than the previous entry's")
                        }
                        expectedIndex += 1
                        lastTime = time
                        chunk.append((number, index, time, envelope))
                        if chunk.count == 1024 { try flush() }
                    }
                    try flush()
                    guard writer.size == manifest.entries else {
                        throw LogError(.malformedRecord, "manifest.json announces \(manifest.entries) entries but entries.jsonl has \(writer.size).")
                    }
                    guard pending.isEmpty else {
                        throw LogError(.malformedRecord, "checkpoints.jsonl has a checkpoint of \(pending.first!.size) entries, beyond the record.")
                    }
                    return .commit
                }
            }
        } catch {
            throw Self.storageError(error, "import the record")
        }
        return RecordSummary(entries: manifest.entries, checkpoints: checkpoints.count, latestCheckpoint: checkpoints.last)
    }
}

/// The line formats of SPEC §1–2, written and read in canonical form only.
enum RecordLine {
    static func bad(_ file: String, _ line: Int, _ what: String) -> LogError {
        LogError(.malformedRecord, "\(file) line \(line): \(what). The record is damaged or was altered; it was not imported.")
    }

    /// `{"index":i,"time":t,"author":"hex","signature":"hex","payload":"b64"}\n`
    static func entry(_ entry: LogEntry) -> String {
        #"{"index":\#(entry.index),"time":\#(entry.timeMs),"author":""# + Hex.encode(entry.envelope.author)
            + #"","signature":""# + Hex.encode(entry.envelope.signature) + #"","payload":""#
            + Base64.encode(entry.envelope.payload) + "\"}\n"
    }

    /// `{"index":i,"time":t,"author":"hex","redacted":"hex leaf hash","payload":"b64 stand-in"}\n`
    static func redacted(_ entry: LogEntry, standIn: [UInt8]) -> String {
        #"{"index":\#(entry.index),"time":\#(entry.timeMs),"author":""# + Hex.encode(entry.envelope.author)
            + #"","redacted":""# + Hex.encode(entry.leafHash.bytes) + #"","payload":""#
            + Base64.encode(standIn) + "\"}\n"
    }

    /// `{"size":n,"note":"…"}\n`
    static func checkpoint(_ checkpoint: SignedCheckpoint) -> String {
        #"{"size":\#(checkpoint.size),"note":"# + JSONText.quote(checkpoint.note) + "}\n"
    }

    static func manifest(origin: String, logKey: [UInt8], entries: UInt64, checkpoints: Int) -> String {
        #"{"format":"perennial-record","version":1,"origin":"# + JSONText.quote(origin) + #","log_key":""#
            + Hex.encode(logKey) + #"","entries":\#(entries),"checkpoints":\#(checkpoints)}"# + "\n"
    }

    struct Manifest {
        let origin: String
        let logKey: [UInt8]
        let entries: UInt64
        let checkpoints: Int
    }

    private struct ManifestWire: Decodable {
        let format: String
        let version: Int
        let origin: String
        let log_key: String
        let entries: UInt64
        let checkpoints: Int
    }

    static func readManifest(_ url: URL) throws -> Manifest {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LogError(.io, "\(url.path) cannot be read. Check that the directory holds a Perennial record.")
        }
        func bad(_ what: String) -> LogError {
            LogError(.malformedRecord, "manifest.json \(what). The record is damaged or was altered; it was not imported.")
        }
        guard let wire = try? JSONDecoder().decode(ManifestWire.self, from: data) else { throw bad("is not the JSON object of SPEC §2.5") }
        guard wire.format == "perennial-record", wire.version == 1 else { throw bad("is not a perennial-record of version 1") }
        guard let key = Hex.decodeCanonical(wire.log_key), key.count == 32 else { throw bad("has a log_key that is not 32 bytes of hex") }
        try LogOrigin.validate(wire.origin)
        guard manifest(origin: wire.origin, logKey: key, entries: wire.entries, checkpoints: wire.checkpoints)
            .utf8.elementsEqual(data)
        else { throw bad("is not in canonical form (key order, no spaces, final newline)") }
        return Manifest(origin: wire.origin, logKey: key, entries: wire.entries, checkpoints: wire.checkpoints)
    }

    private struct CheckpointWire: Decodable {
        let size: UInt64
        let note: String
    }

    static func parseCheckpoint(_ line: ArraySlice<UInt8>, number: Int, origin: String, logKey: [UInt8]) throws -> SignedCheckpoint {
        let file = LogStore.RecordFile.checkpoints
        guard let wire = try? JSONDecoder().decode(CheckpointWire.self, from: Data(line)) else {
            throw bad(file, number, "it is not {\"size\":n,\"note\":\"…\"}")
        }
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try SignedCheckpoint.verified(note: wire.note, origin: origin, logKey: logKey)
        } catch let error as LogError {
            throw bad(file, number, error.description)
        }
        guard checkpoint.size == wire.size else { throw bad(file, number, "its size differs from its note's") }
        guard checkpoint.size <= UInt64(Int64.max), checkpoint.timeMs <= UInt64(Int64.max) else {
            throw bad(file, number, "its size or time is 2^63 or more")
        }
        guard self.checkpoint(checkpoint).utf8.dropLast().elementsEqual(line) else {
            throw bad(file, number, "it is not in canonical form")
        }
        return checkpoint
    }

    /// Parses an entries.jsonl line (without its newline) in exactly the canonical form.
    static func parseEntry(_ line: ArraySlice<UInt8>, number: Int) throws -> (UInt64, UInt64, EntryEnvelope) {
        var scanner = LineScanner(bytes: line)
        let file = LogStore.RecordFile.entries
        let shape = "it is not {\"index\":i,\"time\":t,\"author\":\"hex\",\"signature\":\"hex\",\"payload\":\"b64\"} in canonical form"
        guard scanner.literal(#"{"index":"#), let index = scanner.decimal(),
            scanner.literal(#","time":"#), let time = scanner.decimal(),
            scanner.literal(#","author":""#), let authorText = scanner.untilQuote(),
            scanner.literal(#"","signature":""#), let signatureText = scanner.untilQuote(),
            scanner.literal(#"","payload":""#), let payloadText = scanner.untilQuote(),
            scanner.literal("\"}"), scanner.atEnd
        else { throw bad(file, number, shape) }
        guard index <= UInt64(Int64.max), time <= UInt64(Int64.max) else {
            throw bad(file, number, "the index or time is 2^63 or more")
        }
        guard let author = Hex.decodeCanonical(utf8: authorText), author.count == 32 else {
            throw bad(file, number, "the author is not 32 bytes of lowercase hex")
        }
        guard let signature = Hex.decodeCanonical(utf8: signatureText), signature.count == 64 else {
            throw bad(file, number, "the signature is not 64 bytes of lowercase hex")
        }
        guard let payload = Base64.decodeCanonical(String(decoding: payloadText, as: UTF8.self)) else {
            throw bad(file, number, "the payload is not canonical base64")
        }
        guard let envelope = try? EntryEnvelope(payload: payload, author: author, signature: signature) else {
            throw bad(file, number, "the entry is malformed")
        }
        return (index, time, envelope)
    }
}

/// A cursor over one canonical line.
struct LineScanner {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var atEnd: Bool { position == bytes.endIndex }

    mutating func literal(_ text: String) -> Bool {
        for byte in text.utf8 {
            guard position < bytes.endIndex, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    mutating func decimal() -> UInt64? {
        let start = position
        while position < bytes.endIndex, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
        return Decimal64.parse(utf8: bytes[start..<position])
    }

    /// The bytes up to (not including) the next `"`, which stays unread.
    mutating func untilQuote() -> ArraySlice<UInt8>? {
        let start = position
        while position < bytes.endIndex, bytes[position] != UInt8(ascii: "\"") {
            guard bytes[position] != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        return position < bytes.endIndex ? bytes[start..<position] : nil
    }
}

/// Streams a file line by line (each line without its `\n`); every line must end with `\n`.
enum LineReader {
    static let chunkSize = 1 << 20

    static func forEachLine(_ url: URL, _ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw LogError(.io, "\(url.path) cannot be read. Check that the directory holds a Perennial record.")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: chunkSize) } catch {
                throw LogError(.io, "\(url.path) could not be read to the end. Check the disk.")
            }
            guard let chunk, !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                number += 1
                try body(number, pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        guard pending.isEmpty else {
            throw LogError(.malformedRecord, "\(url.lastPathComponent) does not end with a newline: the file was cut short. The record was not imported.")
        }
    }
}

/// Buffered writes to a new file (replacing any old one).
final class BufferedFileWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let url: URL

    init(_ url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: url)
        else {
            throw LogError(.io, "\(url.path) cannot be created. Check the export directory's permissions.")
        }
        self.handle = handle
        buffer.reserveCapacity(LineReader.chunkSize + 4096)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= LineReader.chunkSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw LogError(.io, "\(url.path) could not be written. Check disk space.")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        do { try handle.close() } catch {
            throw LogError(.io, "\(url.path) could not be closed. Check disk space.")
        }
    }
}
