/// One verified result of a contest as the record's `tally.result` publishes it (SPEC.md §4.8): the
/// whole term (`year` nil) or one window number.
public struct ContestOutcome: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public let id: String
        public let label: String
        public let count: UInt64
        public let withdrawn: Bool
    }

    public let contest: String
    public let year: Int?
    public let options: [Option]
    public let winners: [String]
    public let tie: Bool

    /// Readable lines: a heading, one line per option, the winners.
    var textLines: [String] {
        var lines = ["\(contest) — \(year.map { "window \($0)" } ?? "whole term")"]
        let width = options.map { $0.label.count }.max() ?? 0
        for o in options {
            let label = o.label.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(label)  \(o.count)\(o.withdrawn ? "  (withdrawn)" : "")  [\(o.id)]")
        }
        let names = winners.map { id in options.first { $0.id == id }?.label ?? id }
        if winners.isEmpty {
            lines.append("  no winner (no vote for an option that can win)")
        } else if tie {
            lines.append("  tie between: \(names.joined(separator: ", ")) (ties are never broken)")
        } else {
            lines.append("  winner: \(names[0])")
        }
        return lines
    }

    var json: JSON {
        .object([
            ("contest", .string(contest)), ("year", year.map { .int($0) } ?? .null),
            ("options", .array(options.map {
                .object([("id", .string($0.id)), ("label", .string($0.label)), ("count", .int($0.count)), ("withdrawn", .bool($0.withdrawn))])
            })),
            ("winners", .array(winners.map { .string($0) })), ("tie", .bool(tie)),
        ])
    }

    init(contest: String, year: Int?, options: [Option], winners: [String], tie: Bool) {
        self.contest = contest
        self.year = year
        self.options = options
        self.winners = winners
        self.tie = tie
    }

    /// Reads back ``json`` (saved incremental state).
    init?(json: JSON) {
        guard let contest = json["contest"]?.stringValue, let options = json["options"]?.arrayValue,
              let winners = json["winners"]?.arrayValue, let tie = json["tie"]?.boolValue else { return nil }
        var parsed: [Option] = []
        for o in options {
            guard let id = o["id"]?.stringValue, let label = o["label"]?.stringValue, let count = o["count"]?.uint64Value,
                  let withdrawn = o["withdrawn"]?.boolValue else { return nil }
            parsed.append(Option(id: id, label: label, count: count, withdrawn: withdrawn))
        }
        self.init(contest: contest, year: json["year"]?.intValue, options: parsed,
                  winners: winners.compactMap(\.stringValue), tie: tie)
    }
}
