import AuditKit
import Foundation
import Testing

/// SPEC.md §6: a deliberation that follows every rule passes; each rule is tried.
@Suite struct DeliberationTests {
    typealias B = ElectionBuilder<Ristretto255>
    let alice = TestKey(seed: 0xd1), bob = TestKey(seed: 0xd2), mod = TestKey(seed: 0xd3)

    // Hashes written here from SPEC.md §6.2, independently of AuditKit.
    func lp(_ s: String) -> [UInt8] { let b = Array(s.utf8); return Bytes.u32be(UInt32(b.count)) + b }
    func list(_ xs: [String]) -> [UInt8] { Bytes.u32be(UInt32(xs.count)) + xs.flatMap(lp) }
    func versionHash(_ id: String, title: String, track: String, enjeux: [String], body: String) -> String {
        Hex.encode(Hash.sha256(Array("perennial-delib-proposal-v1\n".utf8) + lp(id) + lp(title) + lp(track) + list(enjeux) + list([]) + list([]) + lp(body)))
    }
    func amendmentHash(_ id: String, _ p: String, base: String, heading: String, replacement: String, summary: String) -> String {
        Hex.encode(Hash.sha256(Array("perennial-delib-amendment-v1\n".utf8) + lp(id) + lp(p) + lp(base) + lp("section") + lp(heading) + lp(replacement) + lp(summary)))
    }
    func commentHash(_ id: String, _ stance: String, _ body: String) -> String {
        Hex.encode(Hash.sha256(Array("perennial-delib-comment-v1\n".utf8) + lp(id) + lp(stance) + lp(body)))
    }

    let body1 = "# Titre\n\n## Enjeux\nancien texte\n\n## Possibles\nidée\n"
    let body2 = "# Titre\n\n## Enjeux\nnouveau texte\n## Possibles\nidée\n"
    let track = "démocratie vivante"

    func content(_ body: String) -> [(String, JSON)] {
        [("title", .string("AMAP de la donnée")), ("track", .string(track)), ("enjeux", .array([.string("Qui possède nos données ?")])),
         ("paradoxes", .array([])), ("possibles", .array([])), ("body", .string(body))]
    }
    var v1: String { versionHash("amap", title: "AMAP de la donnée", track: track, enjeux: ["Qui possède nos données ?"], body: body1) }
    var v2: String { versionHash("amap", title: "AMAP de la donnée", track: track, enjeux: ["Qui possède nos données ?"], body: body2) }

    func participants(_ b: B) {
        for (id, key, m) in [("alice", alice, false), ("bob", bob, false), ("mod", mod, true)] {
            b.add("delib.participant", [("participant", .string(id)), ("name", .string(id.capitalized)), ("key", b.hex(key.publicKey)), ("moderator", .bool(m))], by: b.registrar)
        }
    }

    func amendmentFields(base: String) -> [(String, JSON)] {
        [("amendment", .string("a1")), ("proposal", .string("amap")), ("base", .string(base)), ("change", .string("section")),
         ("heading", .string("## Enjeux")), ("start", .null), ("count", .null), ("replacement", .string("nouveau texte\n")),
         ("summary", .string("Clarifier")), ("hash", .string(amendmentHash("a1", "amap", base: base, heading: "## Enjeux", replacement: "nouveau texte\n", summary: "Clarifier")))]
    }

    /// Registers, proposes, opens, amends, comments, accepts, supports, moderates.
    func story() -> B {
        let b = B(group: Ristretto255())
        b.setup()
        participants(b)
        b.add("delib.proposal", [("proposal", .string("amap")), ("status", .string("draft"))] + content(body1) + [("hash", .string(v1))], by: alice)
        b.add("delib.status", [("proposal", .string("amap")), ("status", .string("open")), ("reason", .string(""))], by: alice)
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v1))], by: bob)
        b.add("delib.amendment", amendmentFields(base: v1), by: bob)
        b.add("delib.comment", [("comment", .string("c1")), ("on", .string("amendment")), ("target", .string("a1")), ("parent", .null),
                                ("stance", .string("for")), ("body", .string("Oui !")), ("hash", .string(commentHash("c1", "for", "Oui !")))], by: alice)
        b.add("delib.comment", [("comment", .string("c2")), ("on", .string("amendment")), ("target", .string("a1")), ("parent", .string("c1")),
                                ("stance", .string("against")), ("body", .string("Non.")), ("hash", .string(commentHash("c2", "against", "Non.")))], by: bob)
        b.add("delib.decision", [("amendment", .string("a1")), ("decision", .string("accept")), ("reason", .string("Plus clair")), ("version", .string(v2))], by: alice)
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v2))], by: bob)
        b.add("delib.moderation", [("target", .string("comment")), ("id", .string("c2")), ("action", .string("hide")),
                                   ("reason", .string("Hors sujet")), ("hash", .string(commentHash("c2", "against", "Non.")))], by: mod)
        b.add("delib.status", [("proposal", .string("amap")), ("status", .string("closed")), ("reason", .string("Fin"))], by: mod)
        b.add("delib.status", [("proposal", .string("amap")), ("status", .string("on-ballot 2027")), ("reason", .string("Référendum"))], by: mod)
        return b
    }

    func run(_ b: B) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    func expectOnly(_ report: Report, _ ids: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(report.failedIDs) == ids, "expected exactly \(ids.sorted()) to fail:\n\(report.text)", sourceLocation: sourceLocation)
    }

    @Test func aValidDeliberationPasses() throws {
        let r = try run(story())
        expectOnly(r, [])
        #expect(r["DEL-DECIDE"]?.checked == 1)
        #expect(r["DEL-HASH"]?.checked == 6)
    }

    @Test func rulesAreEnforced() throws {
        // DEL-AUTH: a participant kind by the registrar, a registrar kind by a participant, an unknown key.
        var b = story()
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v2))], by: b.registrar)
        b.add("delib.role", [("participant", .string("bob")), ("moderator", .bool(true))], by: alice)
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v2))], by: TestKey(seed: 0xd9))
        #expect(try run(b)["DEL-AUTH"]?.failed == 3)
        // DEL-PART: the registrar's key; a duplicate id.
        b = story()
        b.add("delib.participant", [("participant", .string("eve")), ("name", .string("Eve")), ("key", b.hex(b.registrar.publicKey)), ("moderator", .bool(false))], by: b.registrar)
        b.add("delib.participant", [("participant", .string("bob")), ("name", .string("Bob")), ("key", b.hex(TestKey(seed: 0xda).publicKey)), ("moderator", .bool(false))], by: b.registrar)
        expectOnly(try run(b), ["DEL-PART"])
        // DEL-HASH / DEL-PROP: a proposal whose hash is not its content's.
        b = B(group: Ristretto255()); b.setup(); participants(b)
        b.add("delib.proposal", [("proposal", .string("amap")), ("status", .string("open"))] + content(body2) + [("hash", .string(v1))], by: alice)
        expectOnly(try run(b), ["DEL-HASH", "DEL-PROP"])
        // DEL-DECIDE: accepting a stale amendment (the proposal was revised after it).
        b = B(group: Ristretto255()); b.setup(); participants(b)
        b.add("delib.proposal", [("proposal", .string("amap")), ("status", .string("open"))] + content(body1) + [("hash", .string(v1))], by: alice)
        b.add("delib.amendment", amendmentFields(base: v1), by: bob)
        let body3 = body1 + "Ajout\n"
        let v3 = versionHash("amap", title: "AMAP de la donnée", track: track, enjeux: ["Qui possède nos données ?"], body: body3)
        b.add("delib.revision", [("proposal", .string("amap")), ("base", .string(v1))] + content(body3) + [("hash", .string(v3))], by: alice)
        b.add("delib.decision", [("amendment", .string("a1")), ("decision", .string("accept")), ("reason", .string("ok")), ("version", .string(v2))], by: alice)
        expectOnly(try run(b), ["DEL-DECIDE"])
        // DEL-AMEND: a section that does not exist; DEL-LIFE: a step the author may not take.
        b = B(group: Ristretto255()); b.setup(); participants(b)
        b.add("delib.proposal", [("proposal", .string("amap")), ("status", .string("open"))] + content(body1) + [("hash", .string(v1))], by: alice)
        var f = amendmentFields(base: v1)
        f[4] = ("heading", .string("## Absent"))
        f[9] = ("hash", .string(amendmentHash("a1", "amap", base: v1, heading: "## Absent", replacement: "nouveau texte\n", summary: "Clarifier")))
        b.add("delib.amendment", f, by: bob)
        b.add("delib.status", [("proposal", .string("amap")), ("status", .string("adopted")), ("reason", .string("x"))], by: alice)
        expectOnly(try run(b), ["DEL-AMEND", "DEL-LIFE"])
        // DEL-SUPPORT twice; DEL-THREAD reply to a comment on another target; DEL-MOD by a non-moderator.
        b = B(group: Ristretto255()); b.setup(); participants(b)
        b.add("delib.proposal", [("proposal", .string("amap")), ("status", .string("open"))] + content(body1) + [("hash", .string(v1))], by: alice)
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v1))], by: bob)
        b.add("delib.support", [("proposal", .string("amap")), ("version", .string(v1))], by: bob)
        b.add("delib.comment", [("comment", .string("c1")), ("on", .string("proposal")), ("target", .string("amap")), ("parent", .string("zz")),
                                ("stance", .string("for")), ("body", .string("Oui")), ("hash", .string(commentHash("c1", "for", "Oui")))], by: alice)
        b.add("delib.moderation", [("target", .string("proposal")), ("id", .string("amap")), ("action", .string("hide")),
                                   ("reason", .string("x")), ("hash", .string(v1))], by: bob)
        expectOnly(try run(b), ["DEL-SUPPORT", "DEL-THREAD", "DEL-MOD"])
    }
}

@Suite struct DeliberationIncrementalTests {
    @Test func resumingMidDeliberationMatchesAFullRun() throws {
        let t = DeliberationTests()
        let b = t.story()
        let all = b.log.entries
        let dir = TempDir()
        let state = dir.path + "/state.json"
        var sizes: [Int] = []
        for cut in [6, 9, all.count] {
            var partial = b.log
            partial.entries = Array(all.prefix(cut))
            sizes.append(cut)
            partial.checkpointSizes = sizes
            partial.write(to: dir.path)
            let r = try verifyElection(dir.path, statePath: state)
            #expect(r.passed, "cut \(cut):\n\(r.text)")
        }
        let scratch = try verifyElection(dir.path)
        let resumed = try verifyElection(dir.path, statePath: state)
        #expect(scratch.passed && resumed.passed)
        #expect(resumed.checks.map(\.checked) == scratch.checks.map(\.checked))
    }
}
