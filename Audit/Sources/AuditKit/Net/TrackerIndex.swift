import Foundation

extension Check {
    /// Only with `verify URL --index`: the board's tracking-code index is exactly the record's (SPEC.md §2.8).
    public static let boardIndex = Check("BRD-1", "tracking-code index matches the record")
}

/// The tracking-code index of SPEC.md §2.8, recomputed from a record and compared with a board's,
/// shard by shard (all 31² of them: a shard that should not exist must be absent).
public enum TrackerIndex {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTWXYZ")

    /// The 13 symbols of the tracking code of tracker `h` (SPEC.md §2.6).
    public static func symbols(_ h: [UInt8]) -> String {
        var n = h.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % (0..<12).reduce(UInt64(1)) { a, _ in a * 31 }
        var d = [Int](repeating: 0, count: 12)
        for i in stride(from: 11, through: 0, by: -1) { d[i] = Int(n % 31); n /= 31 }
        let sum = d.enumerated().reduce(0) { ($0 + ($1.offset + 1) * $1.element) % 31 }
        return String((d + [((31 - sum) % 31) * 12 % 31]).map { alphabet[$0] })
    }

    struct Item { var code: String; var entry: UInt64; var state: String; var by: UInt64? }

    /// The index of the record in `directory` (entries.jsonl), shard text by shard key.
    static func expected(directory: String, size: UInt64) throws(AuditError) -> [String: String] {
        let entries = try LineReader(path: (directory as NSString).appendingPathComponent("entries.jsonl"))
        var items: [Item] = []
        var position: [UInt64: Int] = [:]
        var lineage: [[UInt8]: [UInt8]] = [:]
        var latest: [String: UInt64] = [:]
        while let line = try entries.nextLine() {
            guard let e = try? Entry(line: line) else { continue }
            let isCast = ReceiptBallot.has(e.payload, kind: "ballot.cast"), isSpoil = ReceiptBallot.has(e.payload, kind: "ballot.spoil")
            let isReplace = ReceiptBallot.has(e.payload, kind: "roll.replace")
            guard isCast || isSpoil || isReplace, let json = try? JSON.parse(e.payload) else { continue }
            switch json["kind"]?.stringValue {
            case "roll.replace":
                if let o = json["old"]?.stringValue.flatMap({ try? Hex.decode($0, length: 32) }),
                   let n = json["new"]?.stringValue.flatMap({ try? Hex.decode($0, length: 32) }) {
                    lineage[n] = lineage[o] ?? o
                }
            case "ballot.cast":
                let key = Hex.encode(lineage[e.author] ?? e.author) + "/\(json["window"]?.uint64Value ?? 0)"
                if let previous = latest[key], let p = position[previous] {
                    items[p].state = "replaced"
                    items[p].by = e.index
                }
                latest[key] = e.index
                position[e.index] = items.count
                items.append(Item(code: symbols(Hash.sha256(e.payload)), entry: e.index, state: "counts", by: nil))
            case "ballot.spoil":
                if let b = json["ballot"]?.stringValue, let embedded = try? Base64.decode(b) {
                    items.append(Item(code: symbols(Hash.sha256(embedded)), entry: e.index, state: "challenged", by: nil))
                }
            default:
                break
            }
        }
        var shards: [String: [String]] = [:]
        for i in items {
            shards[String(i.code.prefix(2)), default: []].append(
                "{\"code\":\"\(i.code)\",\"entry\":\(i.entry),\"state\":\"\(i.state)\",\"by\":\(i.by.map(String.init) ?? "null")}")
        }
        return shards.mapValues { "{\"size\":\(size),\"ballots\":[" + $0.joined(separator: ",") + "]}\n" }
    }

    /// Compares every shard of the board with the record's index, recording `BRD-1`.
    static func check(source: HTTPSource, directory: String, size: UInt64, report: inout Report) throws(AuditError) {
        report.register(.boardIndex)
        let expected = try expected(directory: directory, size: size)
        for a in alphabet {
            for b in alphabet {
                let shard = String([a, b])
                let served = try source.get("trackers/\(shard).json").map { String(decoding: $0, as: UTF8.self) }
                let want = expected[shard]
                let failure: String?
                switch (served, want) {
                case (nil, nil): continue
                case (nil, _?): failure = "trackers/\(shard).json is missing: ballots of the record are not in the index"
                case (_?, nil): failure = "trackers/\(shard).json lists ballots the record does not have"
                case let (s?, w?): failure = s == w ? nil : "trackers/\(shard).json differs from the record's index"
                }
                report.record(.boardIndex, .record, failure: failure)
            }
        }
    }
}
