import CivicCrypto
import CivicLog
import Foundation

/// What the public pages show, folded from the log's entries in order (only the published ones,
/// up to the latest checkpoint). The fold reads payloads as plain JSON: it trusts the node to have
/// refused invalid entries, and shows only what anyone can recompute from the record.
struct BoardState {
    struct Term {
        var id = "", title = "", timeZone = "UTC", start = "", end = "", group = "", logKey = ""
        var windowDays = 0, n = 0, t = 0
        var trusteeKeys: [String] = []
        var simulation = false
    }
    struct Tracked {
        enum State: String { case counts, replaced, challenged }
        var code: String  // the 13 symbols of the tracking code (SPEC §2.6)
        var entry: UInt64
        var state: State
        var by: UInt64?
    }
    struct Proposal { var id: String; var title: String; var status: String }
    struct ContestResult {
        var contest: String, year: Int?
        var options: [(id: String, label: String, count: Int, withdrawn: Bool)]
        var winners: [String]
        var tie: Bool
    }

    private(set) var size: UInt64 = 0
    var term: Term?
    var ballots = 0, spoiled = 0
    var ballotsPerDay: [String: Int] = [:]
    var ballotsPerYear: [Int: Int] = [:]
    var rollSize = 0
    var rollHistory: [(day: String, size: Int)] = []
    var contests: [String: (title: String, version: Int)] = [:]
    var counted: Int?
    var results: [ContestResult] = []
    var closed = false
    var organisations = Set<String>()
    var contributions = 0, reversals = 0
    var contributionMinutes = 0
    private var minutesByEntry: [UInt64: Int] = [:]
    var proposals: [String: Proposal] = [:]
    var proposalOrder: [String] = []
    /// Tracker index: every ballot.cast and ballot.spoil, in log order.
    var tracked: [Tracked] = []
    /// Positions in ``tracked`` by the code's first two symbols (the index shard).
    var shards: [String: [Int]] = [:]
    private var trackedPosition: [UInt64: Int] = [:]
    private var lineage: [String: String] = [:]
    private var latestInWindow: [String: UInt64] = [:]
    private var calendar = Calendar(identifier: .gregorian)
    /// The comments hidden as of ``size``: their bundle slots and lines are redacted (SPEC §2.7).
    private(set) var redactions = Redactions()

    /// Folds every entry from `size` up to `upTo`.
    mutating func advance(store: LogStore, upTo: UInt64) throws {
        guard upTo > size else { return }
        try store.forEachEntry(in: size..<upTo) { entry in
            apply(entry)
            redactions.apply(entry)
        }
        size = upTo
    }

    func localDay(_ timeMs: UInt64) -> String {
        let date = Date(timeIntervalSince1970: Double(timeMs) / 1000)
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private mutating func apply(_ entry: LogEntry) {
        let payload = entry.envelope.payload
        guard let json = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let kind = json["kind"] as? String else { return }
        let day = localDay(entry.timeMs)
        switch kind {
        case "term.setup":
            var t = Term()
            t.id = json["term"] as? String ?? ""
            t.title = json["title"] as? String ?? ""
            t.timeZone = json["time_zone"] as? String ?? "UTC"
            t.start = json["start"] as? String ?? ""
            t.end = json["end"] as? String ?? ""
            t.group = json["group"] as? String ?? ""
            t.windowDays = json["window_days"] as? Int ?? 0
            let trustees = json["trustees"] as? [String: Any]
            t.n = trustees?["n"] as? Int ?? 0
            t.t = trustees?["t"] as? Int ?? 0
            t.trusteeKeys = json["trustee_keys"] as? [String] ?? []
            t.simulation = json["simulation"] as? Bool ?? false
            t.logKey = json["log_key"] as? String ?? ""
            term = t
            if let zone = TimeZone(identifier: t.timeZone) { calendar.timeZone = zone }
        case "roll.enrol":
            guard let credential = json["credential"] as? String else { return }
            lineage[credential] = credential
            rollSize += 1
            if rollHistory.last?.day == day { rollHistory[rollHistory.count - 1].size = rollSize } else { rollHistory.append((day, rollSize)) }
        case "roll.replace":
            guard let old = json["old"] as? String, let new = json["new"] as? String else { return }
            lineage[new] = lineage[old] ?? old
        case "contest.version":
            guard let id = json["contest"] as? String else { return }
            contests[id] = (json["title"] as? String ?? id, json["version"] as? Int ?? 1)
        case "ballot.cast":
            let author = Hex.encode(entry.envelope.author)
            let window = json["window"] as? Int ?? 0
            let key = "\(lineage[author] ?? author)/\(window)"
            if let previous = latestInWindow[key], let position = trackedPosition[previous] {
                tracked[position].state = .replaced
                tracked[position].by = entry.index
            }
            latestInWindow[key] = entry.index
            trackedPosition[entry.index] = tracked.count
            track(Tracked(code: PublicTrackingCode.symbols(tracker: SHA256.hash(payload)), entry: entry.index, state: .counts))
            ballots += 1
            ballotsPerDay[day, default: 0] += 1
            ballotsPerYear[Int(day.prefix(4)) ?? 0, default: 0] += 1
        case "ballot.spoil":
            guard let embedded = (json["ballot"] as? String).flatMap({ Data(base64Encoded: $0) }) else { return }
            track(Tracked(code: PublicTrackingCode.symbols(tracker: SHA256.hash([UInt8](embedded))), entry: entry.index, state: .challenged))
            spoiled += 1
        case "term.close":
            closed = true
            counted = json["counted"] as? Int
        case "tally.result":
            for r in json["results"] as? [[String: Any]] ?? [] {
                let options = (r["options"] as? [[String: Any]] ?? []).map {
                    (id: $0["id"] as? String ?? "", label: $0["label"] as? String ?? "", count: $0["count"] as? Int ?? 0,
                     withdrawn: $0["withdrawn"] as? Bool ?? false)
                }
                results.append(ContestResult(contest: r["contest"] as? String ?? "", year: r["year"] as? Int, options: options,
                                             winners: r["winners"] as? [String] ?? [], tie: r["tie"] as? Bool ?? false))
            }
        case "ledger.accredit":
            if let org = json["org"] as? String { organisations.insert(org) }
        case "ledger.contribution":
            let minutes = (json["minutes"] as? Int) ?? Self.minutes(from: json["start"] as? String, to: json["end"] as? String)
            contributions += 1
            contributionMinutes += minutes
            minutesByEntry[entry.index] = minutes
        case "ledger.reversal":
            if let target = json["entry"] as? Int, let minutes = minutesByEntry.removeValue(forKey: UInt64(target)) {
                reversals += 1
                contributionMinutes -= minutes
            }
        case "delib.proposal":
            guard let id = json["proposal"] as? String else { return }
            if proposals[id] == nil { proposalOrder.append(id) }
            proposals[id] = Proposal(id: id, title: json["title"] as? String ?? id, status: json["status"] as? String ?? "")
        case "delib.revision":
            if let id = json["proposal"] as? String, let title = json["title"] as? String { proposals[id]?.title = title }
        case "delib.status":
            if let id = json["proposal"] as? String, let status = json["status"] as? String { proposals[id]?.status = status }
        default:
            break
        }
    }

    private mutating func track(_ item: Tracked) {
        shards[String(item.code.prefix(2)), default: []].append(tracked.count)
        tracked.append(item)
    }

    /// Minutes from `HH:MM` to `HH:MM`, over midnight when the end is not later (SPEC §5.2).
    static func minutes(from start: String?, to end: String?) -> Int {
        func parse(_ s: String?) -> Int? {
            guard let s, s.count == 5, let h = Int(s.prefix(2)), let m = Int(s.suffix(2)) else { return nil }
            return h * 60 + m
        }
        guard let a = parse(start), let b = parse(end) else { return 0 }
        return b > a ? b - a : b + 24 * 60 - a
    }
}
