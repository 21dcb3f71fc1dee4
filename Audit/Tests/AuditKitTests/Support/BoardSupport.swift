import AuditKit
import Foundation

/// Writes a test record as a C2SP tiled board (test side, from tlog-tiles alone): the record files,
/// `checkpoint`, and every tile and entry bundle of each checkpoint's tree.
enum TileWriter {
    static func encode(_ n: UInt64) -> String {
        var groups: [String] = []
        var n = n
        repeat { groups.insert(String(format: "%03d", Int(n % 1000)), at: 0); n /= 1000 } while n > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
    }

    static func put(_ bytes: [UInt8], _ path: String, in dir: String) {
        let url = URL(fileURLWithPath: dir).appendingPathComponent(path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }

    /// A redacted slot (SPEC.md §2.7): the long form's marker with length 0, format 0x02, time,
    /// author, leaf hash, then the length-prefixed stand-in.
    static func redactedSlot(_ e: Entry, leafHash: [UInt8], format: UInt8 = 0x02) -> [UInt8] {
        [0xFF, 0xFF, 0, 0, 0, 0, format] + Bytes.u64be(e.time) + e.author + leafHash + Bytes.u32be(UInt32(e.payload.count)) + e.payload
    }

    static func write(_ log: RecordBuilder, to dir: String, checkpointNote: String? = nil) {
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        log.write(to: dir)
        for size in log.checkpointSizes {
            var level: [[UInt8]] = log.entries.prefix(size).map(\.leafHash)
            var l = 0
            while !level.isEmpty {
                var next: [[UInt8]] = []
                for start in stride(from: 0, to: level.count, by: 256) {
                    let chunk = Array(level[start..<min(start + 256, level.count)])
                    let suffix = chunk.count == 256 ? "" : ".p/\(chunk.count)"
                    put(chunk.flatMap { $0 }, "tile/\(l)/\(encode(UInt64(start / 256)))\(suffix)", in: dir)
                    if l == 0 {
                        let bundle = log.entries[start..<start + chunk.count].flatMap { e -> [UInt8] in
                            if let hash = e.redactedLeaf { return redactedSlot(e, leafHash: hash) }
                            let leaf = e.leafData, n = leaf.count
                            if n >= 0xFFFF { return [0xFF, 0xFF, UInt8(n >> 24 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + leaf }
                            return [UInt8(n >> 8), UInt8(n & 0xff)] + leaf
                        }
                        put(bundle, "tile/entries/\(encode(UInt64(start / 256)))\(suffix)", in: dir)
                    }
                    if chunk.count == 256 { next.append(Merkle.root(ofLeafHashes: chunk[...])) }
                }
                level = next
                l += 1
            }
        }
        put(Array((checkpointNote ?? log.note(size: log.checkpointSizes.last ?? 0)).utf8), "checkpoint", in: dir)
    }
}

/// A plain static HTTP server (python3 -m http.server) on loopback, serving one directory.
final class StaticServer {
    let process = Process()
    let url: String

    init(directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("port ") || !text.contains(")") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: #"port (\d+)"#, options: .regularExpression) else {
            kill(process.processIdentifier, SIGKILL)
            throw AuditTestFailure("python3 -m http.server did not start: \(text)")
        }
        url = "http://127.0.0.1:\(text[range].dropFirst(5))/"
    }

    deinit {
        // SIGKILL: a child of a Foundation Process may inherit a blocked SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct AuditTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
