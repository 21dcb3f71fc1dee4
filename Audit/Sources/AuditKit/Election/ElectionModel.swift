import AuditSodium

/// The `term.setup` entry (SPEC.md §4.2), validated.
struct TermSetup {
    let term: String
    let title: String
    let timeZone: String
    let start: LocalDate
    let end: LocalDate
    let windowDays: Int
    let leapDayMarch1: Bool
    let group: String
    let n: Int
    let t: Int
    let trusteeKeys: [[UInt8]]
    let officer: [UInt8]
    let registrar: [UInt8]
    let perYearResults: Bool
    /// True for a simulated term (SPEC.md §4.2): its node's clock was set by hand.
    let simulation: Bool
    /// The log's C2SP verifier key string (SPEC.md §4.2), `origin+keyhash+base64`.
    let logKey: String
    /// The largest number of trustees a term may have (SPEC.md §4.2): it bounds the ceremony's work.
    static let maxTrustees = 64

    init(_ f: Fields) throws(AuditError) {
        try f.finish(["title", "time_zone", "start", "end", "window_days", "leap_day", "group", "trustees",
                      "trustee_keys", "officer", "registrar", "per_year_results", "winner_rule", "simulation", "log_key"])
        term = try f.string("term")
        guard isElectionID(term) else { throw .malformed("term.setup: \"term\" must be 1–64 of a-z 0-9 - (not starting or ending with -)") }
        title = try f.string("title")
        timeZone = try f.string("time_zone")
        guard let s = LocalDate(try f.string("start")), let e = LocalDate(try f.string("end")) else {
            throw .malformed("term.setup: \"start\" and \"end\" must be YYYY-MM-DD dates")
        }
        guard s < e else { throw .malformed("term.setup: \"start\" must be before \"end\"") }
        start = s
        end = e
        windowDays = try f.count("window_days")
        guard (1...31).contains(windowDays) else { throw .malformed("term.setup: \"window_days\" must be 1…31") }
        switch try f.string("leap_day") {
        case "feb28": leapDayMarch1 = false
        case "mar1": leapDayMarch1 = true
        default: throw .malformed("term.setup: \"leap_day\" must be \"feb28\" or \"mar1\"")
        }
        group = try f.string("group")
        guard ["ristretto255", "eg4096", "belenios2048"].contains(group) else {
            throw .malformed("term.setup: \"group\" must be ristretto255, eg4096 or belenios2048 (modp2048/modp3072 are retired)")
        }
        let tr = try Fields(try f.value("trustees"), kind: "term.setup trustees")
        try tr.finish(["n", "t"], withTerm: false)
        n = try tr.count("n")
        t = try tr.count("t")
        guard t >= 1, t <= n else { throw .malformed("term.setup: trustees need 1 ≤ t ≤ n") }
        guard n <= TermSetup.maxTrustees else {
            throw .malformed("term.setup: at most \(TermSetup.maxTrustees) trustees (n = \(n)); SPEC.md §4.2 bounds n")
        }
        var keys: [[UInt8]] = []
        for k in try f.array("trustee_keys") {
            guard let s = k.stringValue, let b = try? Hex.decode(s, length: 32) else {
                throw .malformed("term.setup: \"trustee_keys\" must hold 32-byte hex keys")
            }
            keys.append(b)
        }
        guard keys.count == n else { throw .malformed("term.setup: \(keys.count) trustee keys for n = \(n)") }
        guard Set(keys).count == keys.count else { throw .malformed("term.setup: the same trustee key is named twice") }
        trusteeKeys = keys
        officer = try f.hex("officer", length: 32)
        registrar = try f.hex("registrar", length: 32)
        perYearResults = try f.bool("per_year_results")
        guard try f.string("winner_rule") == "plurality" else { throw .malformed("term.setup: \"winner_rule\" must be \"plurality\"") }
        simulation = try f.bool("simulation")
        logKey = try f.string("log_key")
    }
}

/// The term's windows (SPEC.md §4.3) for each birthday, computed once.
final class WindowCalendar {
    let setup: TermSetup
    let clock: TermClock
    /// Local midnight of `start` and `end`.
    let S: Int64
    let E: Int64
    private var cache: [Birthday: [(number: Int, open: Int64, close: Int64)]] = [:]

    init(setup: TermSetup, clock: TermClock) {
        self.setup = setup
        self.clock = clock
        S = clock.midnight(setup.start)
        E = clock.midnight(setup.end)
    }

    /// The unclipped-by-eligibility windows of a birthday (already clipped at `E`), numbered.
    func windows(_ b: Birthday) -> [(number: Int, open: Int64, close: Int64)] {
        if let w = cache[b] { return w }
        var out: [(Int, Int64, Int64)] = []
        var k = 0
        for y in (setup.start.year)...(setup.end.year) {
            let d = b.day(in: y, leapDayMarch1: setup.leapDayMarch1)
            guard d >= setup.start, d < setup.end else { continue }
            k += 1
            let close = clock.midnight(LocalDate(dayNumber: d.dayNumber + setup.windowDays))
            out.append((k, clock.midnight(d), min(close, E)))
        }
        cache[b] = out
        return out
    }

    /// Window `number` of a credential after clipping to its eligibility, or nil if it does not exist.
    func window(_ number: Int, birthday: Birthday, from: LocalDate?, until: LocalDate?) -> (open: Int64, close: Int64)? {
        guard let w = windows(birthday).first(where: { $0.number == number }) else { return nil }
        var open = w.open
        var close = w.close
        if let from { open = max(open, clock.midnight(from)) }
        if let until { close = min(close, clock.midnight(until)) }
        return open < close ? (open, close) : nil
    }
}

/// One credential on the roll.
struct RollCredential {
    var birthday: Birthday
    var from: LocalDate?
    var until: LocalDate?
    /// Index of the first credential of the voter lineage (its `roll.enrol` entry).
    var lineage: UInt64
    var replaced = false
}

/// A `contest.version` entry.
struct ContestVersion {
    let contest: String
    let version: Int
    let year: Int?
    let options: [(id: String, label: String)]
    let min: Int
    let max: Int
}

/// Validity of an Ed25519 public key (canonical, on the curve, not of small order, in the prime-order
/// subgroup): libsodium's `crypto_core_ed25519_is_valid_point`, answered by AuditCurve's decoder (its
/// subgroup test costs about a third of libsodium's multiplication by L) and remembered for the
/// signature batch (``Ed25519Keys``).
func isValidEd25519Key(_ key: [UInt8]) -> Bool { Ed25519Keys.shared.point(key) != nil }

/// Byte order of UTF-8 strings (SPEC.md orders contest ids this way).
func byteOrder(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

/// A term or contest id (SPEC.md §4.1): 1 to 64 bytes of `a-z`, `0-9`, `-`, neither first nor last `-`.
func isElectionID(_ id: String) -> Bool {
    let bytes = Array(id.utf8)
    guard (1...64).contains(bytes.count), bytes.first != 0x2d, bytes.last != 0x2d else { return false }
    return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
}
