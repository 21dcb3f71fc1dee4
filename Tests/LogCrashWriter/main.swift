// log-crash-writer: a child process for CivicLogTests' crash-safety test.
//
// Usage: log-crash-writer <store directory> <origin> <log seed hex> <random seed>
//
// Appends entries forever (single appends, batches, and now and then a checkpoint) and prints
// each acknowledged result on its own line, flushed at once:
//   A <index> <leaf hash hex>    an entry whose append returned (committed durably)
//   C <size> <root hex>          a checkpoint whose signing returned
// The test kills it with SIGKILL at random moments and checks that everything printed survived.
// It is a separate executable (not a forked test process) because forking a multithreaded
// Swift process is unsafe, and re-running the test binary depends on test-runner arguments.

import CivicLog
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 5, let seed = UInt64(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: log-crash-writer <dir> <origin> <log seed hex> <random seed>\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
let origin = arguments[2]
var seedBytes: [UInt8] = []
var hex = Substring(arguments[3])
while hex.count >= 2 {
    seedBytes.append(UInt8(hex.prefix(2), radix: 16)!)
    hex = hex.dropFirst(2)
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func ack(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBufferPointer { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { exit(3) }
            offset += written
        }
    }
}

do {
    var rng = SplitMix(state: seed)
    let store = try LogStore(directory: directory, origin: origin, signingKey: try LogSigningKey(rawRepresentation: seedBytes))
    let author = AuthorSigningKey.generate()
    var n = 0
    func envelope() -> EntryEnvelope {
        n += 1
        let payload = #"{"kind":"crash.test","record":"\#(origin)","writer":\#(seed),"n":\#(n)}"#
        return EntryEnvelope.sign(payload: Array(payload.utf8), with: author)
    }
    while true {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            let checkpoint = try store.signCheckpoint()
            ack("C \(checkpoint.size) \(checkpoint.rootHash.hex)")
        case 1, 2:
            let batch = (0..<Int.random(in: 1...40, using: &rng)).map { _ in envelope() }
            for entry in try store.append(contentsOf: batch) { ack("A \(entry.index) \(entry.leafHash.hex)") }
        default:
            let entry = try store.append(envelope())
            ack("A \(entry.index) \(entry.leafHash.hex)")
        }
    }
} catch {
    FileHandle.standardError.write(Data("log-crash-writer: \(error)\n".utf8))
    exit(1)
}
