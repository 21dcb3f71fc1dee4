/// The checks of SPEC.md §6 (deliberation), under the ids SPEC.md gives them.
extension Check {
    public static let delibAuth = Check("DEL-AUTH", "deliberation authors")
    public static let delibHash = Check("DEL-HASH", "deliberation content hashes")
    public static let delibParticipants = Check("DEL-PART", "participants and roles")
    public static let delibProposals = Check("DEL-PROP", "proposals")
    public static let delibRevisions = Check("DEL-REV", "proposal revisions")
    public static let delibLifeCycle = Check("DEL-LIFE", "proposal life cycle")
    public static let delibAmendments = Check("DEL-AMEND", "amendments, rebases, withdrawals")
    public static let delibDecisions = Check("DEL-DECIDE", "amendment decisions")
    public static let delibThreads = Check("DEL-THREAD", "comment threads")
    public static let delibSupports = Check("DEL-SUPPORT", "supports")
    public static let delibModeration = Check("DEL-MOD", "moderation")

    public static let deliberationChecks: [Check] = [
        .delibAuth, .delibHash, .delibParticipants, .delibProposals, .delibRevisions, .delibLifeCycle,
        .delibAmendments, .delibDecisions, .delibThreads, .delibSupports, .delibModeration,
    ]
}

/// Replays the `delib.*` entries (SPEC.md §6) in log order and checks §6.1–6.5.
public final class DeliberationChecker: KindChecker {
    public var kinds: [String] {
        ["delib.participant", "delib.role", "delib.proposal", "delib.revision", "delib.status", "delib.amendment", "delib.rebase",
         "delib.decision", "delib.withdrawal", "delib.comment", "delib.support", "delib.unsupport", "delib.moderation"]
    }
    public var checks: [Check] { Check.deliberationChecks }

    private let election: ElectionChecker

    struct Participant { let key: [UInt8]; var moderator: Bool }
    struct Content { let title: String; let track: String; let enjeux: [String]; let paradoxes: [String]; let possibles: [String]; var body: [UInt8] }
    struct Proposal { let author: String; var status: String; var versions: [(content: Content, hash: [UInt8])]; var hidden = false
        var current: (content: Content, hash: [UInt8]) { versions[versions.count - 1] } }
    struct Change { let kind: String; let heading: String?; let start: Int?; let count: Int?; let replacement: String }
    struct Amendment { let proposal: String; let author: String; var base: [UInt8]; var change: Change; let summary: String
        var proposedBody: [UInt8]; var status: String; var hash: [UInt8]; var hidden = false }
    struct Comment { let on: String; let target: String; let author: String; let hash: [UInt8]; var hidden = false
        /// The entry of a redacted comment (SPEC.md §2.2): it must be hidden at the end of the record.
        var redactedAt: UInt64? = nil }

    private var participants: [String: Participant] = [:]
    private var byKey: [[UInt8]: String] = [:]
    private var proposals: [String: Proposal] = [:]
    private var amendments: [String: Amendment] = [:]
    private var comments: [String: Comment] = [:]
    private var supports: Set<String> = []

    static let tracks: Set<String> = ["croisements fertiles", "nouvelles attentions", "démocratie vivante", "savoirs partagés"]
    static let registrarKinds: Set<String> = ["delib.participant", "delib.role"]

    /// - Parameter election: the election checker, which reads `term.setup` (registrar, term id).
    public init(election: ElectionChecker) { self.election = election }

    public func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        let kind = entry.payload.kind
        guard let (setup, _) = election.term else {
            report.record(.delibAuth, loc, failure: "\(kind) before a valid term.setup")
            return []
        }
        let members = entry.payload.json.objectMembers ?? []
        guard members.count >= 3, members[2].0 == "term", members[2].1.stringValue == setup.term else {
            report.record(.delibAuth, loc, failure: "\(kind): the third key must be \"term\":\"\(setup.term)\"")
            return []
        }
        // DEL-AUTH: the actor.
        let isRegistrar = entry.author == setup.registrar
        let actor = byKey[entry.author]
        var authFailure: String? = nil
        if Self.registrarKinds.contains(kind) { if !isRegistrar { authFailure = "\(kind) must be written by the registrar" } }
        else if actor == nil { authFailure = "\(kind) is not signed by a registered participant" }
        report.record(.delibAuth, loc, failure: authFailure)
        guard authFailure == nil else { return [] }
        do throws(AuditError) {
            let f = try Fields(entry.payload.json, kind: kind)
            switch kind {
            case "delib.participant": try participant(f, setup, loc, &report)
            case "delib.role": try role(f, loc, &report)
            case "delib.proposal": try proposal(f, actor!, loc, &report)
            case "delib.revision": try revision(f, actor!, loc, &report)
            case "delib.status": try status(f, actor!, loc, &report)
            case "delib.amendment": try amendment(f, actor!, loc, &report)
            case "delib.rebase": try rebase(f, actor!, loc, &report)
            case "delib.decision": try decision(f, actor!, loc, &report)
            case "delib.withdrawal": try withdrawal(f, actor!, loc, &report)
            case "delib.comment": try comment(f, actor!, loc, &report, redactedAt: entry.redacted ? entry.index : nil)
            case "delib.support", "delib.unsupport": try support(f, actor!, kind == "delib.support", loc, &report)
            default: try moderation(f, actor!, loc, &report)
            }
        } catch {
            report.record(Self.check(for: kind), loc, failure: error.message)
        }
        return []
    }

    static func check(for kind: String) -> Check {
        switch kind {
        case "delib.participant", "delib.role": return .delibParticipants
        case "delib.proposal": return .delibProposals
        case "delib.revision": return .delibRevisions
        case "delib.status": return .delibLifeCycle
        case "delib.decision": return .delibDecisions
        case "delib.comment": return .delibThreads
        case "delib.support", "delib.unsupport": return .delibSupports
        case "delib.moderation": return .delibModeration
        default: return .delibAmendments
        }
    }

    // MARK: Values and hashes

    static func isID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return (1...64).contains(u.count) && u.first != 0x2d && u.last != 0x2d
            && u.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    func id(_ f: Fields, _ key: String) throws(AuditError) -> String {
        let s = try f.string(key)
        guard Self.isID(s) else { throw .malformed("\(f.kind): \"\(key)\" must be 1–64 of a-z 0-9 - (not at either end)") }
        return s
    }

    func hash(_ f: Fields, _ key: String) throws(AuditError) -> [UInt8] { try f.hex(key, length: 32) }

    static func oneLine(_ s: String) -> Bool {
        let n = s.utf8.count
        return n >= 1 && n <= 500 && !s.utf8.contains(0x0a) && !s.utf8.contains(0x0d)
    }

    func bytes(_ s: String, _ what: String, _ range: ClosedRange<Int>) throws(AuditError) {
        guard range.contains(s.utf8.count) else { throw .malformed("\(what) must be \(range.lowerBound)–\(range.upperBound) bytes") }
    }

    func content(_ f: Fields) throws(AuditError) -> Content {
        let title = try f.string("title")
        guard Self.oneLine(title) else { throw .malformed("\(f.kind): the title must be one line of 1–500 bytes") }
        let track = try f.string("track")
        guard Self.tracks.contains(track) else { throw .malformed("\(f.kind): unknown track \"\(track)\"") }
        func list(_ key: String) throws(AuditError) -> [String] {
            var out: [String] = []
            for v in try f.array(key) {
                guard let s = v.stringValue, Self.oneLine(s) else { throw .malformed("\(f.kind): \"\(key)\" must hold one-line strings") }
                out.append(s)
            }
            return out
        }
        let body = Array(try f.string("body").utf8)
        guard body.count <= 1 << 20 else { throw .malformed("\(f.kind): the body exceeds 1 MiB") }
        return Content(title: title, track: track, enjeux: try list("enjeux"), paradoxes: try list("paradoxes"), possibles: try list("possibles"), body: body)
    }

    static func lp(_ s: String) -> [UInt8] { Bytes.lp(Array(s.utf8)) }
    static func lp(_ b: [UInt8]) -> [UInt8] { Bytes.lp(b) }
    static func list(_ xs: [String]) -> [UInt8] { Bytes.u32be(UInt32(xs.count)) + xs.flatMap { lp($0) } }

    static func versionHash(_ id: String, _ c: Content) -> [UInt8] {
        Hash.sha256(Array("perennial-delib-proposal-v1\n".utf8) + lp(id) + lp(c.title) + lp(c.track) + list(c.enjeux)
                    + list(c.paradoxes) + list(c.possibles) + lp(c.body))
    }

    static func amendmentHash(_ id: String, _ proposal: String, _ base: [UInt8], _ c: Change, _ summary: String) -> [UInt8] {
        let whereText = c.kind == "section" ? (c.heading ?? "") : "\(c.start ?? 0),\(c.count ?? 0)"
        return Hash.sha256(Array("perennial-delib-amendment-v1\n".utf8) + lp(id) + lp(proposal) + lp(Hex.encode(base)) + lp(c.kind)
                           + lp(whereText) + lp(c.replacement) + lp(summary))
    }

    static func commentHash(_ id: String, _ stance: String, _ body: String) -> [UInt8] {
        Hash.sha256(Array("perennial-delib-comment-v1\n".utf8) + lp(id) + lp(stance) + lp(body))
    }

    func change(_ f: Fields) throws(AuditError) -> Change {
        let kind = try f.string("change")
        let replacement = try f.string("replacement")
        switch kind {
        case "section":
            guard let h = try f.optionalString("heading"), try f.optionalCount("start") == nil, try f.optionalCount("count") == nil else {
                throw .malformed("a section change has a heading and null start and count")
            }
            return Change(kind: kind, heading: h, start: nil, count: nil, replacement: replacement)
        case "lines":
            guard try f.optionalString("heading") == nil, let s = try f.optionalCount("start"), let c = try f.optionalCount("count") else {
                throw .malformed("a lines change has null heading and integer start and count")
            }
            return Change(kind: kind, heading: nil, start: s, count: c, replacement: replacement)
        default: throw .malformed("change must be \"section\" or \"lines\"")
        }
    }

    func applied(_ c: Change, to body: [UInt8]) throws(AuditError) -> [UInt8] {
        switch MarkdownChange.apply(body: body, section: c.heading, start: c.start, count: c.count, replacement: Array(c.replacement.utf8)) {
        case let .success(b): return b
        case let .failure(e): throw e
        }
    }

    func isModerator(_ actor: String) -> Bool { participants[actor]?.moderator ?? false }

    func hashCheck(_ given: [UInt8], _ expected: [UInt8], _ what: String, _ loc: Location, _ report: inout Report) -> Bool {
        report.record(.delibHash, loc, failure: given == expected ? nil : "\(what) hash does not match the content")
        return given == expected
    }

    // MARK: Kinds

    private func participant(_ f: Fields, _ setup: TermSetup, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["participant", "name", "key", "moderator"])
        let p = try id(f, "participant")
        let name = try f.string("name")
        try bytes(name, "name", 1...200)
        guard !name.utf8.contains(where: { $0 < 0x20 }) else { throw .malformed("name must not contain control characters") }
        let key = try f.hex("key", length: 32)
        let moderator = try f.bool("moderator")
        guard participants[p] == nil else { throw .malformed("participant \"\(p)\" is already registered") }
        guard key != setup.registrar, byKey[key] == nil else { throw .malformed("the key is the registrar's or another participant's") }
        participants[p] = Participant(key: key, moderator: moderator)
        byKey[key] = p
        if election.isCredential(key) {
            // SPEC.md §6.1: a SHOULD, so a warning in the header rather than a failed check.
            report.setFact("warning", "participant \"\(p)\" (\(loc)) uses a voting credential key: what they say could be linked to how they vote")
        }
        report.record(.delibParticipants, loc, failure: nil)
    }

    private func role(_ f: Fields, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["participant", "moderator"])
        let p = try id(f, "participant")
        let moderator = try f.bool("moderator")
        guard let current = participants[p] else { throw .malformed("participant \"\(p)\" is not registered") }
        guard current.moderator != moderator else { throw .malformed("the role does not change") }
        participants[p]!.moderator = moderator
        report.record(.delibParticipants, loc, failure: nil)
    }

    private func proposal(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["proposal", "status", "title", "track", "enjeux", "paradoxes", "possibles", "body", "hash"])
        let p = try id(f, "proposal")
        guard proposals[p] == nil else { throw .malformed("proposal \"\(p)\" already exists") }
        let status = try f.string("status")
        guard status == "draft" || status == "open" else { throw .malformed("a new proposal is draft or open") }
        let c = try content(f)
        let h = Self.versionHash(p, c)
        guard hashCheck(try hash(f, "hash"), h, "the proposal version", loc, &report) else { throw .malformed("wrong version hash") }
        proposals[p] = Proposal(author: actor, status: status, versions: [(c, h)])
        report.record(.delibProposals, loc, failure: nil)
    }

    private func revision(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["proposal", "base", "title", "track", "enjeux", "paradoxes", "possibles", "body", "hash"])
        let p = try id(f, "proposal")
        guard let prop = proposals[p] else { throw .malformed("proposal \"\(p)\" does not exist") }
        guard prop.author == actor else { throw .malformed("only the proposal's author revises it") }
        guard prop.status == "draft" || prop.status == "open" else { throw .malformed("a \(prop.status) proposal cannot be revised") }
        guard try hash(f, "base") == prop.current.hash else { throw .malformed("base is not the current version") }
        let c = try content(f)
        let h = Self.versionHash(p, c)
        guard hashCheck(try hash(f, "hash"), h, "the new version", loc, &report) else { throw .malformed("wrong version hash") }
        guard h != prop.current.hash else { throw .malformed("the revision does not change the proposal") }
        proposals[p]!.versions.append((c, h))
        report.record(.delibRevisions, loc, failure: nil)
    }

    static func isStatus(_ s: String) -> Bool {
        if ["draft", "open", "closed", "adopted", "rejected", "withdrawn"].contains(s) { return true }
        guard s.hasPrefix("on-ballot "), let y = Int(s.dropFirst(10)), String(y) == String(s.dropFirst(10)) else { return false }
        return (2000...9999).contains(y)
    }

    private func status(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["proposal", "status", "reason"])
        let p = try id(f, "proposal")
        let to = try f.string("status")
        let reason = try f.string("reason")
        guard reason.utf8.count <= 10_000 else { throw .malformed("reason exceeds 10,000 bytes") }
        guard Self.isStatus(to) else { throw .malformed("unknown status \"\(to)\"") }
        guard let prop = proposals[p] else { throw .malformed("proposal \"\(p)\" does not exist") }
        let from = prop.status
        let author = prop.author == actor, moderator = isModerator(actor)
        let allowed: Bool
        switch (from, to) {
        case ("draft", "open"): allowed = author
        case ("open", "closed"): allowed = author || moderator
        case ("closed", "adopted"), ("closed", "rejected"): allowed = moderator
        case ("closed", _) where to.hasPrefix("on-ballot "): allowed = moderator
        case ("draft", "withdrawn"), ("open", "withdrawn"), ("closed", "withdrawn"): allowed = author
        default: allowed = false
        }
        guard allowed else { throw .malformed("\(from) → \(to) is not a step this participant may take") }
        proposals[p]!.status = to
        report.record(.delibLifeCycle, loc, failure: nil)
    }

    private func amendment(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["amendment", "proposal", "base", "change", "heading", "start", "count", "replacement", "summary", "hash"])
        let a = try id(f, "amendment")
        let p = try id(f, "proposal")
        guard amendments[a] == nil else { throw .malformed("amendment \"\(a)\" already exists") }
        guard let prop = proposals[p], prop.status == "open" else { throw .malformed("proposal \"\(p)\" is not open") }
        let base = try hash(f, "base")
        guard base == prop.current.hash else { throw .malformed("base is not the proposal's current version") }
        let c = try change(f)
        let summary = try f.string("summary")
        guard summary.utf8.count <= 10_000 else { throw .malformed("summary exceeds 10,000 bytes") }
        let proposed = try applied(c, to: prop.current.content.body)
        let h = Self.amendmentHash(a, p, base, c, summary)
        guard hashCheck(try hash(f, "hash"), h, "the amendment", loc, &report) else { throw .malformed("wrong amendment hash") }
        amendments[a] = Amendment(proposal: p, author: actor, base: base, change: c, summary: summary, proposedBody: proposed, status: "pending", hash: h)
        report.record(.delibAmendments, loc, failure: nil)
    }

    private func rebase(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["amendment", "base", "change", "heading", "start", "count", "replacement"])
        let a = try id(f, "amendment")
        guard let am = amendments[a] else { throw .malformed("amendment \"\(a)\" does not exist") }
        guard am.author == actor else { throw .malformed("only the amendment's author rebases it") }
        guard am.status == "pending" else { throw .malformed("the amendment is \(am.status)") }
        guard let prop = proposals[am.proposal], prop.status == "open" else { throw .malformed("the proposal is not open") }
        let base = try hash(f, "base")
        guard base == prop.current.hash, base != am.base else { throw .malformed("base must be the current version and differ from the amendment's base") }
        let c = try change(f)
        let proposed = try applied(c, to: prop.current.content.body)
        amendments[a]!.base = base
        amendments[a]!.change = c
        amendments[a]!.proposedBody = proposed
        amendments[a]!.hash = Self.amendmentHash(a, am.proposal, base, c, am.summary)
        report.record(.delibAmendments, loc, failure: nil)
    }

    private func decision(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["amendment", "decision", "reason", "version"])
        let a = try id(f, "amendment")
        let d = try f.string("decision")
        let reason = try f.string("reason")
        try bytes(reason, "reason", 1...10_000)
        guard let am = amendments[a] else { throw .malformed("amendment \"\(a)\" does not exist") }
        guard let prop = proposals[am.proposal] else { throw .malformed("the proposal does not exist") }
        guard prop.author == actor || isModerator(actor) else { throw .malformed("only the proposal's author or a moderator decides") }
        guard am.status == "pending" else { throw .malformed("the amendment is \(am.status)") }
        guard prop.status == "open" else { throw .malformed("the proposal is not open") }
        let version = try f.optionalString("version")
        switch d {
        case "reject":
            guard version == nil else { throw .malformed("a rejection has a null version") }
            amendments[a]!.status = "rejected"
        case "accept":
            guard am.base == prop.current.hash else { throw .malformed("the amendment is stale: it must be rebased before it can be accepted") }
            var c = prop.current.content
            c.body = am.proposedBody
            let h = Self.versionHash(am.proposal, c)
            guard let v = version, let given = try? Hex.decode(v, length: 32) else { throw .malformed("an acceptance names the new version hash") }
            guard hashCheck(given, h, "the accepted version", loc, &report) else { throw .malformed("wrong version hash") }
            proposals[am.proposal]!.versions.append((c, h))
            amendments[a]!.status = "accepted"
        default: throw .malformed("decision must be accept or reject")
        }
        report.record(.delibDecisions, loc, failure: nil)
    }

    private func withdrawal(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["amendment"])
        let a = try id(f, "amendment")
        guard let am = amendments[a] else { throw .malformed("amendment \"\(a)\" does not exist") }
        guard am.author == actor, am.status == "pending" else { throw .malformed("only the author withdraws a pending amendment") }
        amendments[a]!.status = "withdrawn"
        report.record(.delibAmendments, loc, failure: nil)
    }

    private func comment(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report, redactedAt: UInt64?) throws(AuditError) {
        try f.finish(["comment", "on", "target", "parent", "stance", "body", "hash"])
        let c = try id(f, "comment")
        guard comments[c] == nil else { throw .malformed("comment \"\(c)\" already exists") }
        let on = try f.string("on")
        let target = try id(f, "target")
        switch on {
        case "proposal": guard proposals[target] != nil else { throw .malformed("proposal \"\(target)\" does not exist") }
        case "amendment": guard amendments[target] != nil else { throw .malformed("amendment \"\(target)\" does not exist") }
        default: throw .malformed("on must be proposal or amendment")
        }
        if let parent = try f.optionalString("parent") {
            guard let pc = comments[parent], pc.on == on, pc.target == target else { throw .malformed("the parent is not a comment on the same target") }
        }
        let stance = try f.string("stance")
        guard ["for", "against", "neutral"].contains(stance) else { throw .malformed("stance must be for, against or neutral") }
        let body = try f.string("body")
        if let redactedAt {
            // The text left the record: its hash stands for it, and a moderator's signed hide names it.
            guard body.isEmpty else { throw .malformed("a redacted comment's stand-in must have an empty body") }
            comments[c] = Comment(on: on, target: target, author: actor, hash: try hash(f, "hash"), redactedAt: redactedAt)
            report.record(.delibThreads, loc, failure: nil)
            return
        }
        try bytes(body, "body", 1...100_000)
        let h = Self.commentHash(c, stance, body)
        guard hashCheck(try hash(f, "hash"), h, "the comment", loc, &report) else { throw .malformed("wrong comment hash") }
        comments[c] = Comment(on: on, target: target, author: actor, hash: h)
        report.record(.delibThreads, loc, failure: nil)
    }

    private func support(_ f: Fields, _ actor: String, _ add: Bool, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["proposal", "version"])
        let p = try id(f, "proposal")
        let v = try hash(f, "version")
        let key = p + "\u{0}" + Hex.encode(v) + "\u{0}" + actor
        if add {
            guard let prop = proposals[p], prop.status == "open" else { throw .malformed("proposal \"\(p)\" is not open") }
            guard v == prop.current.hash else { throw .malformed("a support names the current version") }
            guard supports.insert(key).inserted else { throw .malformed("the participant already supports this version") }
        } else {
            guard supports.remove(key) != nil else { throw .malformed("the participant does not support this version") }
        }
        report.record(.delibSupports, loc, failure: nil)
    }

    private func moderation(_ f: Fields, _ actor: String, _ loc: Location, _ report: inout Report) throws(AuditError) {
        try f.finish(["target", "id", "action", "reason", "hash"])
        guard isModerator(actor) else { throw .malformed("only a moderator moderates") }
        let target = try f.string("target")
        let tid = try id(f, "id")
        let action = try f.string("action")
        guard action == "hide" || action == "show" else { throw .malformed("action must be hide or show") }
        try bytes(try f.string("reason"), "reason", 1...10_000)
        let given = try hash(f, "hash")
        let hide = action == "hide"
        switch target {
        case "proposal":
            guard let p = proposals[tid] else { throw .malformed("proposal \"\(tid)\" does not exist") }
            guard p.hidden != hide else { throw .malformed("the proposal is already \(hide ? "hidden" : "visible")") }
            guard hashCheck(given, p.current.hash, "the moderated proposal", loc, &report) else { throw .malformed("wrong hash") }
            proposals[tid]!.hidden = hide
        case "amendment":
            guard let a = amendments[tid] else { throw .malformed("amendment \"\(tid)\" does not exist") }
            guard a.hidden != hide else { throw .malformed("the amendment is already \(hide ? "hidden" : "visible")") }
            guard hashCheck(given, a.hash, "the moderated amendment", loc, &report) else { throw .malformed("wrong hash") }
            amendments[tid]!.hidden = hide
        case "comment":
            guard let c = comments[tid] else { throw .malformed("comment \"\(tid)\" does not exist") }
            guard c.hidden != hide else { throw .malformed("the comment is already \(hide ? "hidden" : "visible")") }
            guard hashCheck(given, c.hash, "the moderated comment", loc, &report) else { throw .malformed("wrong hash") }
            comments[tid]!.hidden = hide
        default: throw .malformed("target must be proposal, amendment or comment")
        }
        report.record(.delibModeration, loc, failure: nil)
    }

    // MARK: Incremental state

    static func contentJSON(_ c: Content) -> JSON {
        .object([("title", .string(c.title)), ("track", .string(c.track)), ("enjeux", .array(c.enjeux.map { .string($0) })),
                 ("paradoxes", .array(c.paradoxes.map { .string($0) })), ("possibles", .array(c.possibles.map { .string($0) })),
                 ("body", .string(Base64.encode(c.body)))])
    }

    static func changeJSON(_ c: Change) -> JSON {
        .object([("change", .string(c.kind)), ("heading", c.heading.map { .string($0) } ?? .null), ("start", c.start.map { .int($0) } ?? .null),
                 ("count", c.count.map { .int($0) } ?? .null), ("replacement", .string(c.replacement))])
    }

    public func saveState() -> JSON {
        .object([
            ("participants", .object(participants.sorted { $0.key < $1.key }.map { ($0.key, .object([("key", .string(Hex.encode($0.value.key))), ("moderator", .bool($0.value.moderator))])) })),
            ("proposals", .object(proposals.sorted { $0.key < $1.key }.map { id, p in
                (id, .object([("author", .string(p.author)), ("status", .string(p.status)), ("hidden", .bool(p.hidden)),
                              ("versions", .array(p.versions.map { .object([("content", Self.contentJSON($0.content)), ("hash", .string(Hex.encode($0.hash)))]) }))]))
            })),
            ("amendments", .object(amendments.sorted { $0.key < $1.key }.map { id, a in
                (id, .object([("proposal", .string(a.proposal)), ("author", .string(a.author)), ("base", .string(Hex.encode(a.base))),
                              ("change", Self.changeJSON(a.change)), ("summary", .string(a.summary)), ("body", .string(Base64.encode(a.proposedBody))),
                              ("status", .string(a.status)), ("hash", .string(Hex.encode(a.hash))), ("hidden", .bool(a.hidden))]))
            })),
            ("comments", .object(comments.sorted { $0.key < $1.key }.map { id, c in
                (id, .object([("on", .string(c.on)), ("target", .string(c.target)), ("author", .string(c.author)),
                              ("hash", .string(Hex.encode(c.hash))), ("hidden", .bool(c.hidden)),
                              // State is saved only after a passing run, so every redaction read so far
                              // was checked at that run's end (SPEC.md §2.7): a comment shown again later
                              // stays redacted in a mirror, and is not reported then.
                              ("redacted_at", .null)]))
            })),
            ("supports", .array(supports.sorted().map { .string($0) })),
        ])
    }

    public func restoreState(_ s: JSON) throws(AuditError) {
        func bad(_ w: String) -> AuditError { .malformed("saved deliberation state: \(w)") }
        func str(_ j: JSON?, _ w: String) throws(AuditError) -> String { guard let v = j?.stringValue else { throw bad(w) }; return v }
        func hex(_ j: JSON?) throws(AuditError) -> [UInt8] { try Hex.decode(try str(j, "hash"), length: 32) }
        func strings(_ j: JSON?) -> [String] { (j?.arrayValue ?? []).compactMap(\.stringValue) }
        for (id, p) in s["participants"]?.objectMembers ?? [] {
            let key = try hex(p["key"])
            participants[id] = Participant(key: key, moderator: p["moderator"]?.boolValue ?? false)
            byKey[key] = id
        }
        for (id, p) in s["proposals"]?.objectMembers ?? [] {
            var versions: [(content: Content, hash: [UInt8])] = []
            for v in p["versions"]?.arrayValue ?? [] {
                let c = v["content"]
                versions.append((Content(title: try str(c?["title"], "title"), track: try str(c?["track"], "track"), enjeux: strings(c?["enjeux"]),
                                         paradoxes: strings(c?["paradoxes"]), possibles: strings(c?["possibles"]),
                                         body: try Base64.decode(try str(c?["body"], "body"))), try hex(v["hash"])))
            }
            guard !versions.isEmpty else { throw bad("a proposal without versions") }
            proposals[id] = Proposal(author: try str(p["author"], "author"), status: try str(p["status"], "status"), versions: versions,
                                     hidden: p["hidden"]?.boolValue ?? false)
        }
        for (id, a) in s["amendments"]?.objectMembers ?? [] {
            let c = a["change"]
            let change = Change(kind: try str(c?["change"], "change"), heading: c?["heading"]?.stringValue, start: c?["start"]?.intValue,
                                count: c?["count"]?.intValue, replacement: try str(c?["replacement"], "replacement"))
            amendments[id] = Amendment(proposal: try str(a["proposal"], "proposal"), author: try str(a["author"], "author"), base: try hex(a["base"]),
                                       change: change, summary: try str(a["summary"], "summary"), proposedBody: try Base64.decode(try str(a["body"], "body")),
                                       status: try str(a["status"], "status"), hash: try hex(a["hash"]), hidden: a["hidden"]?.boolValue ?? false)
        }
        for (id, c) in s["comments"]?.objectMembers ?? [] {
            comments[id] = Comment(on: try str(c["on"], "on"), target: try str(c["target"], "target"), author: try str(c["author"], "author"),
                                   hash: try hex(c["hash"]), hidden: c["hidden"]?.boolValue ?? false,
                                   redactedAt: c["redacted_at"]?.uint64Value)
        }
        supports = Set(strings(s["supports"]))
    }

    public func finish(report: inout Report) -> [ProofJob] {
        // SPEC.md §2.2, §6.4: only a comment hidden at the end of the record may be redacted.
        for (id, c) in comments.sorted(by: { $0.key < $1.key }) {
            guard let at = c.redactedAt else { continue }
            report.record(.delibModeration, .entry(at), failure: c.hidden ? nil
                : "entry \(at) is redacted, but comment \"\(id)\" is not hidden by moderation at the end of the record")
        }
        if !participants.isEmpty {
            report.setFact("deliberation", "\(participants.count) participants, \(proposals.count) proposals, \(amendments.count) amendments, \(comments.count) comments")
        }
        return []
    }
}
