import AuditKit
import Foundation
import Testing

/// Seeded mutation fuzzing of every decoder of the audit: JSON, entry lines, payloads, checkpoint
/// lines and notes, the manifest, base64 and hex, and whole records. Mutations are bit flips,
/// truncations, splices and a dictionary of JSON tokens applied to a valid election record. Every
/// decoder must return or throw ``AuditError`` (its typed throws say so), and never crash; a mutated
/// record must never pass verification unless its bytes are unchanged.
///
/// `PERENNIAL_FUZZ_COUNT` sets the mutations per decoder (default 2,000; a tenth of it for whole records).
@Suite("Decoder fuzzing (audit)", .serialized)
struct DecoderFuzzTests {
    static let count = Int(ProcessInfo.processInfo.environment["PERENNIAL_FUZZ_COUNT"] ?? "") ?? 2_000
    static let seed = UInt64(ProcessInfo.processInfo.environment["PERENNIAL_FUZZ_SEED"] ?? "") ?? 17

    static let dictionary: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "0", "-0", "1.0", "1e9", "01", "18446744073709551616",
        "\"kind\":", "\"record\":", "\"term\":", "\"\\u0000\"", "\"\\ud800\"", "\\", "\u{FEFF}", "é", "=", "==", "+/",
        "\"index\":", "\"payload\":\"", "\n", "— ", "\u{2014}", "time ", "\"\"",
    ]

    static func mutate(_ input: [UInt8], corpus: [[UInt8]], _ rng: inout SplitMix) -> [UInt8] {
        var out = input
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            let at = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count))
            switch rng.next() % 6 {
            case 0: if !out.isEmpty { out[at] ^= UInt8(1 << (rng.next() % 8)) }
            case 1: out = Array(out.prefix(at))
            case 2:
                let other = corpus[Int(rng.next() % UInt64(corpus.count))]
                let from = other.isEmpty ? 0 : Int(rng.next() % UInt64(other.count))
                out = Array(out.prefix(at)) + other[from...]
            case 3: out.insert(contentsOf: Array(dictionary[Int(rng.next() % UInt64(dictionary.count))].utf8), at: at)
            case 4:
                let token = Array(dictionary[Int(rng.next() % UInt64(dictionary.count))].utf8)
                out.replaceSubrange(at..<min(out.count, at + token.count), with: token)
            default: if !out.isEmpty { out.insert(out[at], at: at) }
            }
        }
        return out
    }

    struct Target {
        let name: String
        let corpus: [[UInt8]]
        let decode: ([UInt8]) throws(AuditError) -> Void
    }

    @Test func everyDecoderSurvivesMutatedInput() throws {
        let b = ElectionBuilder.standard(Ristretto255())
        let dir = TempDir()
        b.write(to: dir.path)
        let root = URL(fileURLWithPath: dir.path)
        func lines(_ name: String) throws -> [[UInt8]] {
            try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        }
        let entryLines = try lines("entries.jsonl"), checkpointLines = try lines("checkpoints.jsonl")
        let manifest = [UInt8](try Data(contentsOf: root.appendingPathComponent("manifest.json")))
        let payloads = try entryLines.map { line throws(AuditError) in try Entry(line: line).payload }
        let notes = try checkpointLines.map { line throws(AuditError) in Array(try CheckpointLine(line: line).note.utf8) }
        let origin = try Manifest(json: manifest).origin
        let targets: [Target] = [
            Target(name: "JSON", corpus: payloads) { bytes throws(AuditError) in _ = try JSON.parse(bytes) },
            Target(name: "payloads", corpus: payloads) { bytes throws(AuditError) in _ = try Payload(bytes: bytes, origin: origin) },
            Target(name: "entry lines", corpus: entryLines) { bytes throws(AuditError) in _ = try Entry(line: bytes) },
            Target(name: "checkpoint lines", corpus: checkpointLines) { bytes throws(AuditError) in _ = try CheckpointLine(line: bytes) },
            Target(name: "checkpoint notes", corpus: notes) { bytes throws(AuditError) in _ = try Checkpoint(note: String(decoding: bytes, as: UTF8.self)) },
            Target(name: "manifest", corpus: [manifest]) { bytes throws(AuditError) in _ = try Manifest(json: bytes) },
            Target(name: "base64", corpus: entryLines.map { Array(Base64.encode($0).utf8) }) { bytes throws(AuditError) in _ = try Base64.decode(bytes) },
            Target(name: "hex", corpus: payloads.map { Array(Hex.encode($0.prefix(40)).utf8) }) { bytes throws(AuditError) in _ = try Hex.decode(bytes) },
        ]
        var rng = SplitMix(seed: Self.seed)
        var summary: [String] = []
        for target in targets {
            var refused = 0
            for _ in 0..<Self.count {
                let input = target.corpus[Int(rng.next() % UInt64(target.corpus.count))]
                do { try target.decode(Self.mutate(input, corpus: target.corpus, &rng)) } catch { refused += 1 }
            }
            summary.append("\(target.name) \(Self.count) (\(refused) refused)")
        }
        // Whole records: one mutated line of entries.jsonl or checkpoints.jsonl, or a mutated manifest.
        let records = max(Self.count / 10, 20)
        var caught = 0
        for _ in 0..<records {
            let (name, original): (String, [[UInt8]]) = rng.next() % 3 == 0 ? ("checkpoints.jsonl", checkpointLines) : ("entries.jsonl", entryLines)
            var changed = original
            let i = Int(rng.next() % UInt64(changed.count))
            changed[i] = Self.mutate(changed[i], corpus: original, &rng)
            guard changed != original else { continue }
            try Data(changed.map { $0 + [0x0A] }.joined()).write(to: root.appendingPathComponent(name))
            defer { try? Data(original.map { $0 + [0x0A] }.joined()).write(to: root.appendingPathComponent(name)) }
            do {
                let report = try verifyElection(dir.path)
                #expect(!report.passed, "a mutated line \(i) of \(name) passed verification")
                caught += 1
            } catch {
                caught += 1   // unreadable is a refusal too
            }
        }
        summary.append("whole records \(records) (\(caught) refused)")
        print("audit decoder fuzzing (seed \(Self.seed)): " + summary.joined(separator: ", "))
    }
}
