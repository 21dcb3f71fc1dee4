import ArgumentParser
import BallotCore
import CivicLog
import Foundation
import Perennial

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "After the term's end, freeze the encrypted tally (term.close) so trustees can decrypt.")
    @OptionGroup var node: NodeOptions
    func run() throws {
        let n = try node.open()
        let e = try n.requireElection()
        let entry = try n.submit(payload: e.closePayload().payloadBytes(record: n.origin, term: e.setup!.term), signer: n.key("officer"))
        node.emit(["Term closed (entry \(entry.index)): \(e.statistics.counted) ballots counted. Next: t trustees run `perennial trustee decrypt`."],
                  json: ["index": entry.index, "counted": e.statistics.counted])
    }
}

struct TallyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally", abstract: "Combine the trustees' partial decryptions and publish the result.")
    @OptionGroup var node: NodeOptions
    @Option(help: "The trustees whose shares to combine, e.g. 1,3 (default: every trustee who published).") var trustees: String?
    func run() throws {
        let n = try node.open()
        let e = try n.requireElection()
        let chosen = try trustees.map { text in
            try text.split(separator: ",").map { s -> Int in
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--trustees takes numbers like 1,3.") }
                return i
            }.sorted()
        } ?? e.sharedTrustees.sorted()
        let result = try e.resultPayload(trustees: chosen)
        let entry = try n.submit(payload: result.payloadBytes(record: n.origin, term: e.setup!.term), signer: n.key("officer"))
        _ = try n.store.signCheckpoint()
        var lines = ["Result published (entry \(entry.index)), decrypted by trustees \(chosen.map(String.init).joined(separator: ", ")):"]
        lines += ResultText.lines(result)
        let data = try JSONDecoder().decode(AnyJSON.self, from: Data(result.payloadBytes(record: n.origin, term: e.setup!.term)))
        node.emit(lines, json: ["index": entry.index, "result": data.value])
    }
}

/// Text rendering of a published result.
enum ResultText {
    static func lines(_ result: TallyResult) -> [String] {
        var lines: [String] = []
        for r in result.results {
            lines.append("  \(r.contest)\(r.year.map { " — year \($0)" } ?? " — whole term"):")
            for o in r.options {
                lines.append("    \(o.label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(o.count).leftPad(7))\(o.withdrawn ? "  (withdrawn)" : "")")
            }
            lines.append(r.tie ? "    tie between: \(r.winners.joined(separator: ", "))" : "    winner: \(r.winners.first ?? "none")")
        }
        return lines
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// Any JSON value, for re-emitting a payload inside `--json` output.
struct AnyJSON: Decodable {
    let value: Any
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = NSNull() }
        else if let b = try? c.decode(Bool.self) { value = b }
        else if let i = try? c.decode(Int.self) { value = i }
        else if let s = try? c.decode(String.self) { value = s }
        else if let a = try? c.decode([AnyJSON].self) { value = a.map(\.value) }
        else { value = try c.decode([String: AnyJSON].self).mapValues(\.value) }
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Sign a checkpoint of the log (size, root, time).")
    @OptionGroup var node: NodeOptions
    func run() throws {
        let cp = try node.open().store.signCheckpoint()
        if node.json { node.emit([], json: ["size": cp.size, "note": cp.note]) } else { print(cp.note, terminator: "") }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the public record (Audit/SPEC.md) for observers and perennial-audit.",
        discussion: "--out writes the record files; --tiles writes the public bulletin board (C2SP tiles, record files, tracker index and public pages) for any static web host.")
    @OptionGroup var node: NodeOptions
    @Option(help: "The directory to write the record into.") var out: String?
    @Option(help: "The directory to write the public bulletin board into (tiles, record files, pages).") var tiles: String?
    @Option(help: "A file whose last line (an audit verdict) the status page shows beside the result.") var auditReport: String?
    func validate() throws {
        guard out != nil || tiles != nil else { throw ValidationError("Give --out DIR (the record) or --tiles DIR (the public board), or both.") }
    }
    func run() throws {
        var verdict: String?
        if let auditReport {
            guard let text = try? String(contentsOfFile: auditReport, encoding: .utf8) else {
                throw NodeError("Cannot read the audit report \(auditReport). Give the file perennial-audit verify wrote.")
            }
            verdict = text.split(separator: "\n").last.map(String.init)
        }
        let n = try node.open()
        if try n.store.latestCheckpoint()?.size != n.store.size() { _ = try n.store.signCheckpoint() }
        if let out {
            let summary = try n.store.exportRecord(to: URL(fileURLWithPath: out, isDirectory: true))
            node.emit(["Record exported to \(out): \(summary.entries) entries, \(summary.checkpoints) checkpoints."],
                      json: ["entries": summary.entries, "checkpoints": summary.checkpoints])
        }
        if let tiles {
            let board = PublicBoard(store: n.store, options: BoardOptions(auditVerdict: verdict))
            let files = try board.export(to: URL(fileURLWithPath: tiles, isDirectory: true))
            let size = try n.store.latestCheckpoint()?.size ?? 0
            node.emit(["Public board written to \(tiles): \(files) files for \(size) entries. Serve that directory over HTTPS; open index.html."],
                      json: ["files": files, "entries": size])
        }
    }
}

struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Issue the receipt of an entry, or verify a receipt offline.",
        subcommands: [Issue.self, Verify.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the receipt (JSON) of entry INDEX.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The entry's index.") var index: UInt64
        func run() throws {
            let n = try node.open()
            if try (n.store.latestCheckpoint()?.size ?? 0) <= index { _ = try n.store.signCheckpoint() }
            print(try n.store.receipt(index: index).json())
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a receipt file offline (signature and inclusion proof).")
        @Argument(help: "The receipt file.") var file: String
        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
            let receipt = try Receipt.parse(json: String(decoding: data, as: UTF8.self))
            try receipt.verify()
            print("Receipt valid: entry \(receipt.index) is in the log \(receipt.origin) of size \(receipt.checkpoint.size).")
        }
    }
}
