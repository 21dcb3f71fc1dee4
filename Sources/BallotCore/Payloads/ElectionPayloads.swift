import CivicLog
import Foundation

/// The entry kinds of the lifelong election (`Audit/SPEC.md` §4). Each payload type encodes itself
/// with ``OrderedJSON`` in exactly the documented key order and decodes with `JSONDecoder`.
public enum EntryKind: String, Sendable, CaseIterable {
    case termSetup = "term.setup"
    case electionKey = "election.key"
    case trusteeCommitments = "trustee.commitments"
    case trusteeShares = "trustee.shares"
    case trusteeComplaint = "trustee.complaint"
    case trusteeReady = "trustee.ready"
    case rollEnrol = "roll.enrol"
    case rollUpdate = "roll.update"
    case rollReplace = "roll.replace"
    case contestVersion = "contest.version"
    case ballotCast = "ballot.cast"
    case ballotSpoil = "ballot.spoil"
    case termClose = "term.close"
    case tallyShare = "tally.share"
    case tallyResult = "tally.result"
    case kioskEnrol = "kiosk.enrol"
    case kioskRevoke = "kiosk.revoke"
}

/// A payload of a term's entry (any module's), written as the exact bytes its author signs and read
/// back with `JSONDecoder`.
public protocol TermPayload: Decodable, Sendable {
    /// The entry kind, e.g. `"ballot.cast"` or `"ledger.contribution"`.
    static var kindName: String { get }
    /// The fields after `kind`, `record` and `term`, in SPEC order.
    var fields: [(String, OrderedJSON)] { get }
    /// The module's error for a payload that does not have the documented form.
    static func malformed(_ detail: String) -> Error
    /// The payload read in one pass when it is in its plain form (see ``FlatPayload``), or nil: then
    /// ``decode(_:)`` takes its general path. Only a kind whose payloads are many and flat (`roll.enrol`)
    /// has one; it must accept nothing the general path refuses, and give the same value.
    static func decodePlain(_ bytes: [UInt8]) -> Self?
}

extension TermPayload {
    /// The signed bytes: `{"kind":…,"record":…,"term":…,<fields>}`.
    public func payloadBytes(record: String, term: String) -> [UInt8] {
        OrderedJSON.payload(kind: Self.kindName, record: record, term: term, fields: fields)
    }

    /// No one-pass reading unless the kind has its own.
    public static func decodePlain(_ bytes: [UInt8]) -> Self? { nil }

    /// Decodes a payload of this kind; the caller has already checked the kind.
    ///
    /// Strict as SPEC §2.3 requires: a duplicate key (at any depth), a number that is not an integer
    /// (`422.0`, `4.22e2`, `0422`, `-0`) or a key the kind does not define is refused.
    /// - Throws: the module's ``malformed(_:)`` error, naming the offending field but never its value.
    public static func decode(_ bytes: [UInt8]) throws -> Self {
        if let plain = decodePlain(bytes) { return plain }
        return try decodeStrict(bytes)
    }

    /// The general path of ``decode(_:)`` alone, never the one-pass reading (tests compare the two).
    public static func decodeStrict(_ bytes: [UInt8]) throws -> Self {
        let shape: PayloadShape
        do { shape = try PayloadShape.parse(bytes) } catch { throw malformed("\(error)") }
        let decoded: Self
        do {
            decoded = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw malformed(OrderedJSON.describe(decoding: error))
        }
        // The kind writes every key it defines (optional ones as null), so its own fields list them all
        // (their shape, taken without writing and re-reading the bytes).
        let canonical = PayloadShape(.object([("kind", .null), ("record", .null), ("term", .null)] + decoded.fields))
        if let key = shape.unknownKey(comparedWith: canonical) {
            throw malformed("unknown key \"\(key.prefix(80))\"")
        }
        return decoded
    }
}

/// A payload of the election (`Audit/SPEC.md` §4).
public protocol ElectionPayload: TermPayload {
    static var kind: EntryKind { get }
}

extension ElectionPayload {
    public static var kindName: String { kind.rawValue }
    public static func malformed(_ detail: String) -> Error {
        ElectionError.malformed("\(kind.rawValue) payload does not match the specification (\(detail))")
    }
}

public struct TrusteeCount: Codable, Sendable, Equatable {
    public var n: Int
    public var t: Int
    public init(n: Int, t: Int) { self.n = n; self.t = t }
}

/// `term.setup` — the first entry of a record.
public struct TermSetup: ElectionPayload, Equatable {
    public static let kind = EntryKind.termSetup
    public var term: String
    public var title: String
    public var timeZone: String
    public var start: String
    public var end: String
    public var windowDays: Int
    public var leapDay: String
    public var group: String
    public var trustees: TrusteeCount
    public var trusteeKeys: [String]
    public var officer: String
    public var registrar: String
    public var perYearResults: Bool
    public var winnerRule: String
    /// True for a simulated term (its node's clock may be set by hand): public, so that nobody takes
    /// a simulation's record for a real election's.
    public var simulation: Bool
    /// The log's C2SP verifier key (`origin+keyhash+base64`, SPEC §4.2), so observers can pin the
    /// key from the signed record itself. The node fills it in when it writes `term.setup`.
    public var logKey: String?

    enum CodingKeys: String, CodingKey {
        case term, title, start, end, group, trustees, officer, registrar, simulation
        case logKey = "log_key"
        case timeZone = "time_zone", windowDays = "window_days", leapDay = "leap_day"
        case trusteeKeys = "trustee_keys", perYearResults = "per_year_results", winnerRule = "winner_rule"
    }

    public init(term: String, title: String, timeZone: String, start: String, end: String, windowDays: Int,
                leapDay: String, group: String, trustees: TrusteeCount, trusteeKeys: [String], officer: String,
                registrar: String, perYearResults: Bool, winnerRule: String = "plurality", simulation: Bool = false) {
        self.term = term; self.title = title; self.timeZone = timeZone; self.start = start; self.end = end
        self.windowDays = windowDays; self.leapDay = leapDay; self.group = group; self.trustees = trustees
        self.trusteeKeys = trusteeKeys; self.officer = officer; self.registrar = registrar
        self.perYearResults = perYearResults; self.winnerRule = winnerRule; self.simulation = simulation
    }

    public var fields: [(String, OrderedJSON)] {
        [("title", .string(title)), ("time_zone", .string(timeZone)), ("start", .string(start)), ("end", .string(end)),
         ("window_days", .int(windowDays)), ("leap_day", .string(leapDay)), ("group", .string(group)),
         ("trustees", .object([("n", .int(trustees.n)), ("t", .int(trustees.t))])),
         ("trustee_keys", .array(trusteeKeys.map(OrderedJSON.string))), ("officer", .string(officer)),
         ("registrar", .string(registrar)), ("per_year_results", .bool(perYearResults)),
         ("winner_rule", .string(winnerRule)), ("simulation", .bool(simulation))]
            + (logKey.map { [("log_key", OrderedJSON.string($0))] } ?? [])
    }
}

/// A compact proof with one challenge and one response (Schnorr, Chaum–Pedersen).
public struct ProofCR: Codable, Sendable, Equatable {
    public var c: String
    public var r: String
    public init(c: String, r: String) { self.c = c; self.r = r }
    var json: OrderedJSON { .object([("c", .string(c)), ("r", .string(r))]) }
}

/// `trustee.commitments`.
public struct TrusteeCommitments: ElectionPayload, Equatable {
    public static let kind = EntryKind.trusteeCommitments
    public var trustee: Int
    public var boxKey: String
    public var commitments: [String]
    public var proofs: [ProofCR]
    enum CodingKeys: String, CodingKey { case trustee, commitments, proofs, boxKey = "box_key" }
    public init(trustee: Int, boxKey: String, commitments: [String], proofs: [ProofCR]) {
        self.trustee = trustee; self.boxKey = boxKey; self.commitments = commitments; self.proofs = proofs
    }
    public var fields: [(String, OrderedJSON)] {
        [("trustee", .int(trustee)), ("box_key", .string(boxKey)),
         ("commitments", .array(commitments.map(OrderedJSON.string))), ("proofs", .array(proofs.map(\.json)))]
    }
}

/// `trustee.shares`: each share sealed to its recipient.
public struct TrusteeShares: ElectionPayload, Equatable {
    public struct Sealed: Codable, Sendable, Equatable {
        public var to: Int
        public var sealed: String
        public init(to: Int, sealed: String) { self.to = to; self.sealed = sealed }
    }
    public static let kind = EntryKind.trusteeShares
    public var trustee: Int
    public var shares: [Sealed]
    public init(trustee: Int, shares: [Sealed]) { self.trustee = trustee; self.shares = shares }
    public var fields: [(String, OrderedJSON)] {
        [("trustee", .int(trustee)),
         ("shares", .array(shares.map { .object([("to", .int($0.to)), ("sealed", .string($0.sealed))]) }))]
    }
}

/// `trustee.complaint`.
public struct TrusteeComplaint: ElectionPayload, Equatable {
    public static let kind = EntryKind.trusteeComplaint
    public var trustee: Int
    public var against: Int
    public var reason: String
    public init(trustee: Int, against: Int, reason: String) { self.trustee = trustee; self.against = against; self.reason = reason }
    public var fields: [(String, OrderedJSON)] {
        [("trustee", .int(trustee)), ("against", .int(against)), ("reason", .string(reason))]
    }
}

/// `trustee.ready`.
public struct TrusteeReady: ElectionPayload, Equatable {
    public static let kind = EntryKind.trusteeReady
    public var trustee: Int
    public var verificationKey: String
    enum CodingKeys: String, CodingKey { case trustee, verificationKey = "verification_key" }
    public init(trustee: Int, verificationKey: String) { self.trustee = trustee; self.verificationKey = verificationKey }
    public var fields: [(String, OrderedJSON)] {
        [("trustee", .int(trustee)), ("verification_key", .string(verificationKey))]
    }
}

/// `election.key`.
public struct ElectionKeyPayload: ElectionPayload, Equatable {
    public static let kind = EntryKind.electionKey
    public var publicKey: String
    enum CodingKeys: String, CodingKey { case publicKey = "public_key" }
    public init(publicKey: String) { self.publicKey = publicKey }
    public var fields: [(String, OrderedJSON)] { [("public_key", .string(publicKey))] }
}

/// `roll.enrol`.
public struct RollEnrol: ElectionPayload, Equatable {
    public static let kind = EntryKind.rollEnrol
    public var credential: String
    public var birthday: String
    public var eligibleFrom: String?
    public var eligibleUntil: String?
    enum CodingKeys: String, CodingKey { case credential, birthday, eligibleFrom = "eligible_from", eligibleUntil = "eligible_until" }
    public init(credential: String, birthday: String, eligibleFrom: String?, eligibleUntil: String?) {
        self.credential = credential; self.birthday = birthday; self.eligibleFrom = eligibleFrom; self.eligibleUntil = eligibleUntil
    }
    public var fields: [(String, OrderedJSON)] {
        [("credential", .string(credential)), ("birthday", .string(birthday)),
         ("eligible_from", .optional(eligibleFrom)), ("eligible_until", .optional(eligibleUntil))]
    }

    /// Exactly the members this kind writes, in its order, as plain strings (the dates also null): the
    /// registrar's own payloads, read in one pass. The values are checked by the roll's rules, as on
    /// the general path.
    public static func decodePlain(_ bytes: [UInt8]) -> RollEnrol? {
        guard let m = FlatPayload.members(bytes), m.count == 7,
              m[0].key == "kind", m[0].value == kind.rawValue, m[1].key == "record", m[1].value != nil,
              m[2].key == "term", m[2].value != nil,
              m[3].key == "credential", let credential = m[3].value, m[4].key == "birthday", let birthday = m[4].value,
              m[5].key == "eligible_from", m[6].key == "eligible_until" else { return nil }
        return RollEnrol(credential: credential, birthday: birthday, eligibleFrom: m[5].value, eligibleUntil: m[6].value)
    }
}

/// `roll.update`.
public struct RollUpdate: ElectionPayload, Equatable {
    public static let kind = EntryKind.rollUpdate
    public static let reasons: Set<String> = ["coming-of-age", "moved-in", "moved-out", "death", "correction"]
    public var credential: String
    public var eligibleFrom: String?
    public var eligibleUntil: String?
    public var reason: String
    enum CodingKeys: String, CodingKey { case credential, reason, eligibleFrom = "eligible_from", eligibleUntil = "eligible_until" }
    public init(credential: String, eligibleFrom: String?, eligibleUntil: String?, reason: String) {
        self.credential = credential; self.eligibleFrom = eligibleFrom; self.eligibleUntil = eligibleUntil; self.reason = reason
    }
    public var fields: [(String, OrderedJSON)] {
        [("credential", .string(credential)), ("eligible_from", .optional(eligibleFrom)),
         ("eligible_until", .optional(eligibleUntil)), ("reason", .string(reason))]
    }
}

/// `roll.replace`.
public struct RollReplace: ElectionPayload, Equatable {
    public static let kind = EntryKind.rollReplace
    public static let reasons: Set<String> = ["lost", "stolen", "damaged"]
    public var old: String
    public var new: String
    public var date: String
    public var reason: String
    public init(old: String, new: String, date: String, reason: String) {
        self.old = old; self.new = new; self.date = date; self.reason = reason
    }
    public var fields: [(String, OrderedJSON)] {
        [("old", .string(old)), ("new", .string(new)), ("date", .string(date)), ("reason", .string(reason))]
    }
}

/// One option of a contest version.
public struct ContestOption: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var label: String
    /// The label in English, for kiosks showing English screens (SPEC §4.6, optional).
    public var labelEn: String?
    public init(id: String, label: String, labelEn: String? = nil) { self.id = id; self.label = label; self.labelEn = labelEn }
    public static let blankID = "blank"
    enum CodingKeys: String, CodingKey { case id, label, labelEn = "label_en" }
    var json: OrderedJSON {
        .object([("id", .string(id)), ("label", .string(label))] + (labelEn.map { [("label_en", OrderedJSON.string($0))] } ?? []))
    }
}

/// `contest.version`.
public struct ContestVersion: ElectionPayload, Equatable {
    public static let kind = EntryKind.contestVersion
    public var contest: String
    public var version: Int
    public var title: String
    /// The title in English, for kiosks showing English screens (SPEC §4.6, optional).
    public var titleEn: String?
    public var year: Int?
    public var options: [ContestOption]
    public var min: Int
    public var max: Int
    public init(contest: String, version: Int, title: String, titleEn: String? = nil, year: Int?, options: [ContestOption], min: Int, max: Int) {
        self.contest = contest; self.version = version; self.title = title; self.titleEn = titleEn; self.year = year
        self.options = options; self.min = min; self.max = max
    }
    enum CodingKeys: String, CodingKey { case contest, version, title, titleEn = "title_en", year, options, min, max }
    public var fields: [(String, OrderedJSON)] {
        [("contest", .string(contest)), ("version", .int(version)), ("title", .string(title))]
            + (titleEn.map { [("title_en", OrderedJSON.string($0))] } ?? [])
            + [("year", .optional(year)), ("options", .array(options.map(\.json))), ("min", .int(min)), ("max", .int(max))]
    }
}

/// One encrypted selection with its disjunctive proof; `t` carries the proof's commitments
/// `[A_0, B_0, A_1, B_1]` in the groups that carry them (ristretto255, SPEC §3.5.1), nil otherwise.
public struct EncryptedSelection: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var c: [String]
    public var r: [String]
    public var t: [String]?
    public init(a: String, b: String, c: [String], r: [String], t: [String]? = nil) {
        self.a = a; self.b = b; self.c = c; self.r = r; self.t = t
    }
    var json: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [
            ("a", .string(a)), ("b", .string(b)), ("c", .array(c.map(OrderedJSON.string))), ("r", .array(r.map(OrderedJSON.string))),
        ]
        if let t { fields.append(("t", .array(t.map(OrderedJSON.string)))) }
        return .object(fields)
    }
}

/// A range proof as arrays of challenges and responses, and its commitments `t` where carried (SPEC §3.5.1).
public struct RangeProofPayload: Codable, Sendable, Equatable {
    public var c: [String]
    public var r: [String]
    public var t: [String]?
    public init(c: [String], r: [String], t: [String]? = nil) { self.c = c; self.r = r; self.t = t }
    var json: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [("c", .array(c.map(OrderedJSON.string))), ("r", .array(r.map(OrderedJSON.string)))]
        if let t { fields.append(("t", .array(t.map(OrderedJSON.string)))) }
        return .object(fields)
    }
}

/// The encrypted answer to one contest.
public struct EncryptedContest: Codable, Sendable, Equatable {
    public var contest: String
    public var version: Int
    public var selections: [EncryptedSelection]
    public var range: RangeProofPayload
    public init(contest: String, version: Int, selections: [EncryptedSelection], range: RangeProofPayload) {
        self.contest = contest; self.version = version; self.selections = selections; self.range = range
    }
    var json: OrderedJSON {
        .object([("contest", .string(contest)), ("version", .int(version)),
                 ("selections", .array(selections.map(\.json))), ("range", range.json)])
    }
}

/// `ballot.cast`.
public struct BallotCast: ElectionPayload, Equatable {
    public static let kind = EntryKind.ballotCast
    public var term: String
    public var window: Int
    public var contests: [EncryptedContest]
    public init(term: String, window: Int, contests: [EncryptedContest]) {
        self.term = term; self.window = window; self.contests = contests
    }
    public var fields: [(String, OrderedJSON)] {
        [("window", .int(window)), ("contests", .array(contests.map(\.json)))]
    }
}

/// The opening of one selection of a challenged ballot.
public struct SelectionOpening: Codable, Sendable, Equatable {
    public var m: Int
    public var r: String
    public init(m: Int, r: String) { self.m = m; self.r = r }
}

/// The openings of one contest of a challenged ballot.
public struct ContestOpening: Codable, Sendable, Equatable {
    public var contest: String
    public var selections: [SelectionOpening]
    public init(contest: String, selections: [SelectionOpening]) { self.contest = contest; self.selections = selections }
}

/// `ballot.spoil`: a challenged ballot with its randomness revealed.
public struct BallotSpoil: ElectionPayload, Equatable {
    public static let kind = EntryKind.ballotSpoil
    public var window: Int
    public var ballot: String
    public var openings: [ContestOpening]
    public init(window: Int, ballot: String, openings: [ContestOpening]) {
        self.window = window; self.ballot = ballot; self.openings = openings
    }
    public var fields: [(String, OrderedJSON)] {
        [("window", .int(window)), ("ballot", .string(ballot)),
         ("openings", .array(openings.map { o in
             .object([("contest", .string(o.contest)),
                      ("selections", .array(o.selections.map { .object([("m", .int($0.m)), ("r", .string($0.r))]) }))])
         }))]
    }
}

/// One item of the encrypted tally frozen by `term.close`.
public struct TallyItem: Codable, Sendable, Equatable {
    public var contest: String
    public var option: String
    public var year: Int?
    public var a: String
    public var b: String
    public init(contest: String, option: String, year: Int?, a: String, b: String) {
        self.contest = contest; self.option = option; self.year = year; self.a = a; self.b = b
    }
}

/// `term.close`.
public struct TermClose: ElectionPayload, Equatable {
    public static let kind = EntryKind.termClose
    public var tally: [TallyItem]
    public var counted: Int
    public init(tally: [TallyItem], counted: Int) { self.tally = tally; self.counted = counted }
    public var fields: [(String, OrderedJSON)] {
        [("tally", .array(tally.map {
            .object([("contest", .string($0.contest)), ("option", .string($0.option)), ("year", .optional($0.year)),
                     ("a", .string($0.a)), ("b", .string($0.b))])
        })), ("counted", .int(counted))]
    }
}

/// One partial decryption with its Chaum–Pedersen proof.
public struct DecryptionSharePayload: Codable, Sendable, Equatable {
    public var d: String
    public var c: String
    public var r: String
    public init(d: String, c: String, r: String) { self.d = d; self.c = c; self.r = r }
}

/// `tally.share`.
public struct TallyShare: ElectionPayload, Equatable {
    public static let kind = EntryKind.tallyShare
    public var trustee: Int
    public var shares: [DecryptionSharePayload]
    public init(trustee: Int, shares: [DecryptionSharePayload]) { self.trustee = trustee; self.shares = shares }
    public var fields: [(String, OrderedJSON)] {
        [("trustee", .int(trustee)),
         ("shares", .array(shares.map { .object([("d", .string($0.d)), ("c", .string($0.c)), ("r", .string($0.r))]) }))]
    }
}

/// One option's count in a published result.
public struct OptionResult: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var count: Int
    public var withdrawn: Bool
    public init(id: String, label: String, count: Int, withdrawn: Bool) {
        self.id = id; self.label = label; self.count = count; self.withdrawn = withdrawn
    }
}

/// One contest's published result (overall when `year` is nil).
public struct ContestResult: Codable, Sendable, Equatable {
    public var contest: String
    public var year: Int?
    public var options: [OptionResult]
    public var winners: [String]
    public var tie: Bool
    public init(contest: String, year: Int?, options: [OptionResult], winners: [String], tie: Bool) {
        self.contest = contest; self.year = year; self.options = options; self.winners = winners; self.tie = tie
    }
}

/// `tally.result`.
public struct TallyResult: ElectionPayload, Equatable {
    public static let kind = EntryKind.tallyResult
    public var trustees: [Int]
    public var results: [ContestResult]
    public init(trustees: [Int], results: [ContestResult]) { self.trustees = trustees; self.results = results }
    public var fields: [(String, OrderedJSON)] {
        [("trustees", .array(trustees.map(OrderedJSON.int))),
         ("results", .array(results.map { r in
             .object([("contest", .string(r.contest)), ("year", .optional(r.year)),
                      ("options", .array(r.options.map {
                          .object([("id", .string($0.id)), ("label", .string($0.label)), ("count", .int($0.count)),
                                   ("withdrawn", .bool($0.withdrawn))])
                      })),
                      ("winners", .array(r.winners.map(OrderedJSON.string))), ("tie", .bool(r.tie))])
         }))]
    }
}
