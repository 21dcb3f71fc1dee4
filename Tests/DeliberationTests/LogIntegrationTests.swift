import CivicCrypto
import CivicLog
import Foundation
import GRDB
import BallotCore
import Perennial
import Testing
@testable import Deliberation

/// A temporary log with a registrar and a few participants' keys.
/// A simulation node whose term is set up, with a few participants' keys.
final class LogFixture {
    let directory: URL
    let node: Node
    let clock = ManualClock(milliseconds: 1_790_000_000_000)
    let registrar: Ed25519.SigningKey
    var keys: [String: Ed25519.SigningKey] = [:]
    static let origin = "perennial.example/delib-test"
    static let term = "nancy-2026"
    var store: LogStore { node.store }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("delib-log-\(UInt64.random(in: 0...UInt64.max))")
        let trustee = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        node = try Node.setUp(directory: directory, origin: Self.origin, simulation: true, clock: clock) { officer, registrar in
            try TermSetupService.makeSetup(term: Self.term, title: "Test", timeZone: "Europe/Paris", start: "2026-01-01", end: "2032-01-01",
                                           trustees: TrusteeCount(n: 1, t: 1), trusteeKeys: [trustee], officer: officer,
                                           registrar: registrar, simulation: true)
        }
        registrar = try node.key("registrar")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func key(_ id: String) -> Ed25519.SigningKey {
        if let k = keys[id] { return k }
        let k = Ed25519.SigningKey.generate()
        keys[id] = k
        return k
    }

    /// Deliberation on the node as a new process would open it.
    func open() throws -> DeliberationLog {
        try Node(directory: directory, clock: clock).deliberation()
    }

    /// A log with alice (author of p1, open), bob, carol and moderator mod registered.
    func populated() throws -> DeliberationLog {
        let log = try open()
        for (id, moderator) in [("alice", false), ("bob", false), ("carol", false), ("mod", true)] {
            try log.submit(.registerParticipant(id: Fixture.pid(id), displayName: id.capitalized, publicKey: key(id).publicKey.rawRepresentation, moderator: moderator), signer: registrar)
        }
        try log.submit(.createProposal(id: Fixture.prop("p1"), content: Fixture.content, status: .open), signer: key("alice"))
        return log
    }

    /// Appends raw payload bytes signed by `signer`, bypassing deliberation's checks (as a forger would).
    func forge(_ payload: [UInt8], signer: Ed25519.SigningKey) throws {
        let signature = try signer.signature(for: EntryEnvelope.signingInput(payload: payload))
        try store.append(EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signature))
    }
}

@Suite("Deliberation on the civic log")
struct LogIntegrationTests {
    typealias F = Fixture

    @Test func libsodiumHasherMatchesTheTestHasher() {
        for input in ["", "abc", "Démocratie vivante 🌱"] {
            #expect(LibsodiumContentHasher().sha256(Array(input.utf8)) == TestSHA256().sha256(Array(input.utf8)))
        }
    }

    @Test func corpusImportsIntoTheLogAndExportsByteForByte() throws {
        let fx = try LogFixture()
        let log = try fx.open()
        let plan = try log.importDirectory(CorpusTests.corpus, registrar: fx.registrar, key: { fx.key($0.rawValue) }, displayName: { _ in "Moments d’invention 2016" })
        #expect(plan.created.count == CorpusTests.corpusFiles().count)
        let size = try fx.store.size()
        // term.setup, the registrations and the events.
        #expect(size == UInt64(2 + plan.events.count))
        // Re-importing the same files appends nothing.
        let again = try log.importDirectory(CorpusTests.corpus, registrar: fx.registrar, key: { fx.key($0.rawValue) })
        let sizeAfter = try fx.store.size()
        #expect(again.events.isEmpty && sizeAfter == size)

        let out = fx.directory.appendingPathComponent("export")
        let names = try log.exportDirectory(out)
        #expect(names.sorted() == CorpusTests.corpusFiles())
        for name in names {
            #expect(try Data(contentsOf: out.appendingPathComponent(name)) == Data(contentsOf: CorpusTests.corpus.appendingPathComponent(name)), "\(name)")
        }
        // A second node state replayed from the log exports the same bytes.
        let replayed = try fx.open()
        let out2 = fx.directory.appendingPathComponent("export2")
        try replayed.exportDirectory(out2)
        for name in names {
            #expect(try Data(contentsOf: out2.appendingPathComponent(name)) == Data(contentsOf: out.appendingPathComponent(name)))
        }
    }

    @Test func fullTextSearchUsesFTS5() throws {
        let fx = try LogFixture()
        let log = try fx.open()
        try log.importDirectory(CorpusTests.corpus, registrar: fx.registrar, key: { fx.key($0.rawValue) })
        #expect(try log.search("AMAP").map(\.id.rawValue) == ["amap-de-la-donnee"])
        // Accents and case ignored.
        #expect(try log.search("ELECTIONS anniversaire").map(\.id.rawValue) == ["elections-tout-au-long-de-la-vie"])
        #expect(try log.search("impots").map(\.id.rawValue).contains("impots-en-temps-d-interet-general"))
        // Title matches rank first (title weighs five times the body).
        #expect(try log.search("démocratie vivante").first?.id.rawValue == "parcours-democratie-vivante")
        // FTS5 syntax in user input is treated as words.
        #expect(try log.search("\"AND OR NEAR(").isEmpty)
        #expect(try log.search("   ").isEmpty)
        // Hidden proposals leave the index.
        try log.submit(.registerParticipant(id: F.pid("mod"), displayName: "Mod", publicKey: fx.key("mod").publicKey.rawRepresentation, moderator: true), signer: fx.registrar)
        let id = F.prop("amap-de-la-donnee")
        try log.submit(.moderate(target: .proposal(id), hide: true, reason: "test", contentHash: (try log.state).current("amap-de-la-donnee")), signer: fx.key("mod"))
        #expect(try log.search("AMAP").isEmpty)
        #expect(try log.list().contains("(hidden)") == false)
    }

    @Test func aWholeDiscussionSurvivesReplay() throws {
        let fx = try LogFixture()
        let log = try fx.populated()
        let p1 = F.prop("p1")
        let v1 = (try log.state).current("p1")
        try log.submit(.support(proposal: p1, version: v1), signer: fx.key("bob"))
        let a1 = (try log.state).nextAmendmentID()
        try log.submit(.proposeAmendment(id: a1, proposal: p1, base: v1, change: .section(heading: "## Possibles", replacement: "\nDeux paniers.\n"), summary: "deux"), signer: fx.key("carol"))
        fx.clock.advance(by: 60_000)
        try log.submit(.decideAmendment(id: a1, accept: true, reason: "consensus"), signer: fx.key("mod"))
        let c1 = (try log.state).nextCommentID()
        try log.submit(.comment(id: c1, target: .proposal(p1), parent: nil, stance: .for, body: "Oui"), signer: fx.key("bob"))
        try log.submit(.comment(id: (try log.state).nextCommentID(), target: .proposal(p1), parent: c1, stance: .against, body: "Non"), signer: fx.key("carol"))
        try log.submit(.moderate(target: .comment(c1), hide: true, reason: "hors sujet", contentHash: (try log.state).contentHash(of: .comment(c1))), signer: fx.key("mod"))
        try log.submit(.changeStatus(id: p1, to: .closed, reason: ""), signer: fx.key("alice"))
        try log.submit(.changeStatus(id: p1, to: .onBallot(year: 2028), reason: "référendum"), signer: fx.key("mod"))

        let shown = try log.show(p1, options: .init(historyDiffs: true))
        #expect(shown.contains("amendment a1 accepted by Mod (mod) as moderator: consensus"))
        #expect(shown.contains("status: on-ballot 2028"))
        let replayed = try fx.open()
        #expect(try replayed.show(p1, options: .init(historyDiffs: true)) == shown)
        #expect((try replayed.state).eventCount == (try log.state).eventCount)

        // The projection agrees: hidden comment keeps its hash, loses its text.
        let row = try fx.store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT body, hash, hidden FROM delib_comments WHERE id = ?", arguments: [c1.rawValue])
        }
        #expect(row?["body"] as String? == nil)
        #expect(row?["hash"] as String? == (try log.state).comments[c1]!.hash.hex)
        #expect(row?["hidden"] as Bool? == true)
        let versions = try fx.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delib_versions WHERE proposal = 'p1'") }
        #expect(versions == 2)
        let supports = try fx.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delib_supports") }
        #expect(supports == 1)
        let status = try fx.store.database.read { db in try String.fetchOne(db, sql: "SELECT status FROM delib_proposals WHERE id = 'p1'") }
        #expect(status == "on-ballot 2028")
        // Rebuilding the projection from the log gives the same rows.
        func dump() throws -> [String] {
            try fx.store.database.read { db in
                try DeliberationProjection.tables.filter { $0 != "delib_search" }.flatMap { table in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" }
                }
            }
        }
        let before = try dump()
        try replayed.node.reload()
        #expect(try dump() == before)
    }

    @Test func refusedSubmissionsWriteNothing() throws {
        let fx = try LogFixture()
        let log = try fx.populated()
        let p1 = F.prop("p1")
        let size = try fx.store.size()
        // Deciding someone else's proposal.
        try log.submit(.proposeAmendment(id: F.amd("a1"), proposal: p1, base: (try log.state).current("p1"), change: .lines(start: 1, count: 1, replacement: "# X\n"), summary: ""), signer: fx.key("bob"))
        #expect(refusal { try log.submit(.decideAmendment(id: F.amd("a1"), accept: true, reason: "moi"), signer: fx.key("carol")) } == .notAllowed)
        // A participant registering someone.
        #expect(refusal { try log.submit(.registerParticipant(id: F.pid("eve"), displayName: "Eve", publicKey: fx.key("eve").publicKey.rawRepresentation, moderator: true), signer: fx.key("alice")) } == .notRegistrar)
        // An unregistered key.
        #expect(refusal { try log.submit(.support(proposal: p1, version: (try log.state).current("p1")), signer: fx.key("stranger")) } == .unknownParticipant)
        // The registrar's key as a participant's.
        #expect(refusal { try log.submit(.registerParticipant(id: F.pid("reg"), displayName: "Reg", publicKey: fx.registrar.publicKey.rawRepresentation, moderator: false), signer: fx.registrar) } == .invalidInput)
        // A batch with one bad action writes none of it.
        #expect(refusal {
            try log.submit([
                (.support(proposal: p1, version: (try log.state).current("p1")), fx.key("bob")),
                (.support(proposal: p1, version: (try log.state).current("p1")), fx.key("bob")),
            ])
        } == .alreadySupported)
        #expect(try fx.store.size() == size + 1)
        #expect(try (try log.state).supportSummary(p1).current == 0)
    }

    @Test func replayCatchesAForgedDecision() throws {
        let fx = try LogFixture()
        let log = try fx.populated()
        let p1 = F.prop("p1")
        try log.submit(.proposeAmendment(id: F.amd("a1"), proposal: p1, base: (try log.state).current("p1"), change: .lines(start: 1, count: 1, replacement: "# X\n"), summary: ""), signer: fx.key("bob"))
        // Bob accepts his own amendment to Alice's proposal, written straight into the log.
        let payload = DeliberationPayload.encode(
            .decideAmendment(id: F.amd("a1"), accept: true, reason: "moi"), record: LogFixture.origin, term: LogFixture.term, hasher: .sha256,
            resultHash: try (try log.state).acceptedVersionHash(F.amd("a1")))
        try fx.forge(payload, signer: fx.key("bob"))
        // The node refuses to open a log whose entries break a rule: it is damaged.
        #expect(throws: NodeError.self) { _ = try fx.open() }
        #expect(throws: NodeError.self) { _ = (try log.state) }
    }

    @Test func replayCatchesForgedHashes() throws {
        let fx = try LogFixture()
        let log = try fx.populated()
        var payload = String(decoding: DeliberationPayload.encode(
            .comment(id: F.cid("c1"), target: .proposal(F.prop("p1")), parent: nil, stance: .for, body: "Oui"),
            record: LogFixture.origin, term: LogFixture.term, hasher: .sha256), as: UTF8.self)
        payload = payload.replacingOccurrences(of: "\"body\":\"Oui\"", with: "\"body\":\"Non\"")
        try fx.forge(Array(payload.utf8), signer: fx.key("bob"))
        #expect(throws: NodeError.self) { _ = try fx.open() }
        // A moderation naming the wrong content hash.
        let fx2 = try LogFixture()
        let log2 = try fx2.populated()
        try log2.submit(.comment(id: F.cid("c1"), target: .proposal(F.prop("p1")), parent: nil, stance: .for, body: "Oui"), signer: fx2.key("bob"))
        #expect(refusal { try log2.submit(.moderate(target: .comment(F.cid("c1")), hide: true, reason: "x", contentHash: (try log2.state).current("p1")), signer: fx2.key("mod")) } == .invalidInput)
        // An accepting decision declaring another version.
        try log2.submit(.proposeAmendment(id: F.amd("a1"), proposal: F.prop("p1"), base: (try log2.state).current("p1"), change: .lines(start: 1, count: 1, replacement: "# X\n"), summary: ""), signer: fx2.key("bob"))
        let forged = DeliberationPayload.encode(.decideAmendment(id: F.amd("a1"), accept: true, reason: "ok"), record: LogFixture.origin, term: LogFixture.term, hasher: .sha256, resultHash: (try log2.state).current("p1"))
        let envelope = try EntryEnvelope(payload: forged, author: fx2.key("alice").publicKey.rawRepresentation, signature: fx2.key("alice").signature(for: EntryEnvelope.signingInput(payload: forged)))
        #expect(refusal { try log2.node.submit(envelope) } == .invalidInput)
        _ = log
    }

    @Test func otherModulesEntriesAreRoutedElsewhere() throws {
        let fx = try LogFixture()
        let log = try fx.populated()
        try fx.node.submit(payload: Array("{\"kind\":\"ledger.settings\",\"record\":\"\(LogFixture.origin)\",\"term\":\"\(LogFixture.term)\",\"from\":\"2026-01-01\",\"obligation_hours\":10,\"hour_value_minor\":1500,\"currency\":\"EUR\",\"daily_cap_minutes\":600,\"max_minutes\":600}".utf8), signer: fx.node.key("officer"))
        try log.submit(.support(proposal: F.prop("p1"), version: (try log.state).current("p1")), signer: fx.key("bob"))
        let replayed = try fx.open()
        #expect(try (try replayed.state).supportSummary(F.prop("p1")).current == 1)
        #expect(replayed.node.appliedThrough == Int(try fx.store.size()) - 1)
    }

    @Test func payloadsHaveTheDocumentedShape() throws {
        let key = [UInt8](repeating: 0xab, count: 32)
        let bytes = DeliberationPayload.encode(
            .registerParticipant(id: F.pid("alice"), displayName: "Alice \"A\"", publicKey: key, moderator: false), record: "r", term: "t", hasher: .sha256)
        #expect(String(decoding: bytes, as: UTF8.self) == "{\"kind\":\"delib.participant\",\"record\":\"r\",\"term\":\"t\",\"participant\":\"alice\",\"name\":\"Alice \\\"A\\\"\",\"key\":\"\(String(repeating: "ab", count: 32))\",\"moderator\":false}")
        let amend = String(decoding: DeliberationPayload.encode(
            .proposeAmendment(id: F.amd("a1"), proposal: F.prop("p1"), base: try ContentHash(bytes: key), change: .lines(start: 2, count: 0, replacement: "x\n"), summary: ""),
            record: "r", term: "t", hasher: .sha256), as: UTF8.self)
        #expect(amend.hasPrefix("{\"kind\":\"delib.amendment\",\"record\":\"r\",\"term\":\"t\",\"amendment\":\"a1\",\"proposal\":\"p1\",\"base\":\"abab"))
        #expect(amend.contains(",\"change\":\"lines\",\"heading\":null,\"start\":2,\"count\":0,\"replacement\":\"x\\n\",\"summary\":\"\",\"hash\":\""))
        // Every action round-trips through its payload.
        var s = try F.state()
        let v1 = s.current("p1")
        let actions: [DeliberationEvent.Action] = [
            .setModerator(F.pid("bob"), true),
            .reviseProposal(id: F.prop("p1"), base: v1, content: ProposalContent(title: "T", track: .nouvellesAttentions, body: "b")),
            .changeStatus(id: F.prop("p1"), to: .onBallot(year: 2030), reason: "r"),
            .rebaseAmendment(id: F.amd("a1"), base: v1, change: .section(heading: "## X", replacement: "")),
            .decideAmendment(id: F.amd("a1"), accept: false, reason: "non"),
            .withdrawAmendment(id: F.amd("a1")),
            .comment(id: F.cid("c2"), target: .amendment(F.amd("a1")), parent: F.cid("c1"), stance: .neutral, body: "é\u{301}\n\t\"🌱\""),
            .support(proposal: F.prop("p1"), version: v1),
            .withdrawSupport(proposal: F.prop("p1"), version: v1),
            .moderate(target: .amendment(F.amd("a1")), hide: false, reason: "ok", contentHash: v1),
        ]
        for action in actions {
            let decoded = try DeliberationPayload.decode(DeliberationPayload.encode(action, record: "r", term: "t", hasher: .sha256), record: "r", term: "t", hasher: .sha256)
            #expect(decoded.action == action)
        }
        #expect(refusal { _ = try DeliberationPayload.decode(Array("{\"kind\":\"delib.support\",\"record\":\"other\"}".utf8), record: "r", term: "t", hasher: .sha256) } == .invalidInput)
        #expect(refusal { _ = try DeliberationPayload.decode(Array("{\"kind\":\"delib.support\",\"record\":\"r\"}".utf8), record: "r", term: "t", hasher: .sha256) } == .invalidInput)
        #expect(refusal { _ = try DeliberationPayload.decode(DeliberationPayload.encode(.withdrawAmendment(id: F.amd("a1")), record: "r", term: "other", hasher: .sha256), record: "r", term: "t", hasher: .sha256) } == .invalidInput)
        _ = try s.act("registrar", .setModerator(F.pid("bob"), true))
    }
}

@Suite("Projector driven by a node")
struct ProjectorTests {
    typealias F = Fixture

    @Test func nodeStyleAppendAndReplay() throws {
        let fx = try LogFixture()
        let projector = DeliberationProjector(record: LogFixture.origin)
        try fx.store.database.write { db in try DeliberationProjector.createTables(db) }
        let registrar = fx.registrar.publicKey.rawRepresentation
        func append(_ action: DeliberationEvent.Action, _ signer: Ed25519.SigningKey) throws {
            let payload = try projector.payload(for: action, term: LogFixture.term)
            let envelope = try EntryEnvelope(payload: payload, author: signer.publicKey.rawRepresentation, signature: signer.signature(for: EntryEnvelope.signingInput(payload: payload)))
            try fx.store.append(envelope) { db, entry in
                try projector.apply(entry, registrar: registrar, term: LogFixture.term, db: db)
            }
        }
        // The log starts with the node's term.setup, which the node routes elsewhere.
        try append(.registerParticipant(id: F.pid("alice"), displayName: "Alice", publicKey: fx.key("alice").publicKey.rawRepresentation, moderator: false), fx.registrar)
        try append(.createProposal(id: F.prop("p1"), content: F.content, status: .open), fx.key("alice"))
        // A refused entry rolls back the append: nothing written, state unchanged.
        let size = try fx.store.size()
        #expect(refusal { try append(.createProposal(id: F.prop("p1"), content: F.content, status: .open), fx.key("alice")) } == .duplicateIdentifier)
        #expect(try fx.store.size() == size)
        #expect(projector.state.proposals.count == 1 && !projector.needsReplay)
        // The wrong term is refused.
        let wrong = DeliberationPayload.encode(.support(proposal: F.prop("p1"), version: projector.state.current("p1")), record: LogFixture.origin, term: "other", hasher: .sha256)
        let envelope = try EntryEnvelope(payload: wrong, author: fx.key("alice").publicKey.rawRepresentation, signature: fx.key("alice").signature(for: EntryEnvelope.signingInput(payload: wrong)))
        #expect(refusal { try fx.store.append(envelope) { db, entry in try projector.apply(entry, registrar: registrar, term: LogFixture.term, db: db) } } == .invalidInput)

        // Reset and replay as the node's reload() does.
        let rows = try fx.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delib_versions") }
        try fx.store.database.write { db in try projector.reset(db: db) }
        #expect(projector.state.proposals.isEmpty)
        #expect(try fx.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delib_versions") } == 0)
        var entries: [LogEntry] = []
        try fx.store.forEachEntry(in: 0..<(try fx.store.size())) { entries.append($0) }
        try fx.store.database.write { db in
            for entry in entries where String(decoding: entry.envelope.payload, as: UTF8.self).hasPrefix("{\"kind\":\"delib.") {
                try projector.apply(entry, registrar: registrar, term: LogFixture.term, db: db)
            }
        }
        #expect(projector.state.proposals.count == 1)
        #expect(try fx.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delib_versions") } == rows)
        #expect(try fx.store.database.read { db in try projector.search("AMAP", db: db) }.map(\.id) == [F.prop("p1")])
    }
}
