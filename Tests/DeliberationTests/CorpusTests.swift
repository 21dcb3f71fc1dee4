import Foundation
import Testing
@testable import Deliberation

@Suite("Proposal files and the Proposals/ corpus")
struct CorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Proposals", isDirectory: true)

    static func corpusFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? [])
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
    }

    @Test func corpusHasTheWorkshopsContent() throws {
        let docs = try ProposalCorpus.read(directory: Self.corpus)
        let ids = Set(docs.map(\.id.rawValue))
        for required in [
            "parcours-croisements-fertiles", "parcours-nouvelles-attentions", "parcours-democratie-vivante",
            "parcours-savoirs-partages", "amap-de-la-donnee", "centre-de-visualisation-de-data-urbaine",
            "elections-tout-au-long-de-la-vie", "impots-en-temps-d-interet-general",
            "toucher-les-personnes-eloignees-du-numerique",
        ] {
            #expect(ids.contains(required), "missing \(required)")
        }
        #expect(Set(docs.map(\.content.track)) == Set(Track.allCases))
        for doc in docs {
            #expect(!doc.content.facets.enjeux.isEmpty && !doc.content.facets.paradoxes.isEmpty && !doc.content.facets.possibles.isEmpty, "\(doc.id)")
        }
        // Each track question carries the programme's themes as its facets.
        for track in Track.allCases {
            let doc = try #require(docs.first { $0.id.rawValue.hasPrefix("parcours-") && $0.content.track == track })
            #expect(doc.content.facets.enjeux == [track.facetThemes.enjeux])
            #expect(doc.content.facets.paradoxes == [track.facetThemes.paradoxes])
            #expect(doc.content.facets.possibles == [track.facetThemes.possibles])
            #expect(doc.content.title.hasSuffix(track.question))
        }
    }

    @Test(arguments: corpusFiles())
    func eachFileParsesAndRendersByteForByte(_ name: String) throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
        let text = String(decoding: data, as: UTF8.self)
        let doc = try ProposalDocument(parsing: text)
        #expect(Array(doc.text.utf8) == Array(data))
        #expect(name == "\(doc.id).md")
    }

    @Test func importThenExportIsByteIdentical() throws {
        let docs = try ProposalCorpus.read(directory: Self.corpus)
        var state = DeliberationState(hasher: Fixture.hasher)
        let authors = Set(docs.map(\.author))
        for (i, author) in authors.sorted().enumerated() {
            try state.act("registrar", .registerParticipant(id: author, displayName: "Moments d’invention 2016", publicKey: Fixture.key(UInt8(i + 1)), moderator: false))
        }
        let plan = try state.importPlan(docs, time: 1)
        #expect(plan.created.count == docs.count && plan.updated.isEmpty)
        for event in plan.events { try state.apply(event) }
        // Importing the same files again changes nothing.
        let again = try state.importPlan(docs, time: 2)
        #expect(again.events.isEmpty && again.unchanged.count == docs.count)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("delib-export-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: out) }
        try ProposalCorpus.write(state.exportDocuments(), to: out)
        let exported = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(exported == Self.corpusFiles())
        for name in exported {
            let a = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            let b = try Data(contentsOf: out.appendingPathComponent(name))
            #expect(a == b, "\(name) differs after import → export")
        }
    }

    @Test func importPlanRevisesAndMovesStatus() throws {
        var state = try Fixture.state()
        try state.act("registrar", .registerParticipant(id: Fixture.pid("atelier"), displayName: "Atelier", publicKey: Fixture.key(50), moderator: false))
        var doc = ProposalDocument(id: Fixture.prop("p1"), content: Fixture.content, status: .closed, author: Fixture.pid("alice"))
        doc.content.body += "Révision.\n"
        let plan = try state.importPlan([doc], time: 5)
        #expect(plan.updated == [Fixture.prop("p1")])
        #expect(plan.events.count == 2)
        for e in plan.events { try state.apply(e) }
        #expect(state.proposals[Fixture.prop("p1")]!.status == .closed)
        #expect(try state.document(Fixture.prop("p1")) == doc)
        // A file cannot move a proposal backwards, nor record a decision without a moderator.
        doc.status = .open
        #expect(refusal { _ = try state.importPlan([doc], time: 6) } == .invalidTransition)
        doc.status = .adopted
        #expect(refusal { _ = try state.importPlan([doc], time: 6) } == .notModerator)
        #expect(try state.importPlan([doc], moderator: Fixture.pid("mod"), time: 6).events.count == 1)
        // Wrong author, unregistered author.
        var other = ProposalDocument(id: Fixture.prop("p1"), content: Fixture.content, status: .closed, author: Fixture.pid("bob"))
        #expect(refusal { _ = try state.importPlan([other], time: 6) } == .notAuthor)
        other.id = Fixture.prop("p7")
        other.author = Fixture.pid("nobody")
        #expect(refusal { _ = try state.importPlan([other], time: 6) } == .unknownParticipant)
    }

    @Test func renderAndParseSpecialValues() throws {
        let doc = ProposalDocument(
            id: Fixture.prop("x"),
            content: ProposalContent(
                title: "Démocratie vivante : vers un nouveau contrat citoyen ?", track: .democratieVivante,
                facets: Facets(enjeux: ["- tiret", "\"guillemets\" et \\", "true", "2027", "# dièse", "a #b", " espace"], paradoxes: [], possibles: ["e\u{301}moji 🌱"]),
                body: "Pas de saut de ligne final"),
            status: .onBallot(year: 2027), author: Fixture.pid("alice"))
        let text = doc.text
        #expect(text.contains("title: \"Démocratie vivante : vers un nouveau contrat citoyen ?\"\n"))
        #expect(text.contains("status: on-ballot 2027\n"))
        #expect(text.contains("  paradoxes: []\n"))
        #expect(text.contains("    - \"\\\"guillemets\\\" et \\\\\"\n"))
        #expect(text.contains("    - \"true\"\n"))
        #expect(text.contains("    - e\u{301}moji 🌱\n"))
        let back = try ProposalDocument(parsing: text)
        #expect(back == doc)
        #expect(Array(back.content.facets.possibles[0].utf8) == Array("e\u{301}moji 🌱".utf8))
        #expect(Array(back.text.utf8) == Array(text.utf8))
    }

    @Test func nonCanonicalAndMalformedFilesAreRefused() throws {
        let good = try ProposalDocument(parsing: ProposalDocument(id: Fixture.prop("x"), content: Fixture.content, status: .open, author: Fixture.pid("alice")).text).text
        // Needless quotes: readable, but would not export back byte for byte.
        let quoted = good.replacingOccurrences(of: "title: Vers une AMAP de la donnée", with: "title: \"Vers une AMAP de la donnée\"")
        do {
            _ = try ProposalDocument(parsing: quoted)
            Issue.record("accepted a non-canonical file")
        } catch let error as DeliberationError {
            #expect(error.code == .nonCanonicalDocument)
            #expect(error.message.contains("Line 3"))
            #expect(error.message.contains("title: Vers une AMAP de la donnée"))
        }
        #expect(try ProposalDocument.canonicalText(of: quoted) == good)
        let cases: [(String, DeliberationError.Code)] = [
            ("no front matter\n", .malformedDocument),
            (good.replacingOccurrences(of: "track: savoirs partagés", with: "track: savoirs"), .invalidInput),
            (good.replacingOccurrences(of: "status: open", with: "status: ouvert"), .invalidInput),
            (good.replacingOccurrences(of: "id: x\n", with: "id: X\n"), .invalidIdentifier),
            (good.replacingOccurrences(of: "id: x\ntitle", with: "title"), .malformedDocument),
            (good.replacingOccurrences(of: "  paradoxes: []\n", with: "  paradoxes:\n"), .malformedDocument),
            (good.replacingOccurrences(of: "title: Vers une AMAP de la donnée", with: "title: \"sans fin"), .malformedDocument),
            (good.replacingOccurrences(of: "title: Vers une AMAP de la donnée", with: "title: \"a\\nb\""), .malformedDocument),
            (String(good.prefix(20)), .malformedDocument),
            // Track spelled with a decomposed accent: bytes differ from the canonical name.
            (good.replacingOccurrences(of: "savoirs partagés", with: "savoirs partage\u{301}s"), .invalidInput),
        ]
        // Windows line ends get a specific hint.
        do {
            _ = try ProposalDocument(parsing: good.replacingOccurrences(of: "\n", with: "\r\n"))
            Issue.record("accepted CRLF")
        } catch let error as DeliberationError {
            #expect(error.code == .malformedDocument && error.message.contains("CR LF"))
        }
        do {
            _ = try ProposalDocument(parsing: good.replacingOccurrences(of: "savoirs partagés", with: "savoirs partage\u{301}s"))
        } catch let error as DeliberationError {
            #expect(error.message.contains("decomposed accent"))
        }
        for (text, code) in cases {
            #expect(refusal { _ = try ProposalDocument(parsing: text) } == code, "\(text.prefix(80))")
        }
    }

    @Test func corpusReadChecksFileNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("delib-names-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = ProposalDocument(id: Fixture.prop("x"), content: Fixture.content, status: .open, author: Fixture.pid("alice"))
        try Data(doc.text.utf8).write(to: dir.appendingPathComponent("y.md"))
        try Data("# not a proposal\n".utf8).write(to: dir.appendingPathComponent("README.md"))
        #expect(refusal { _ = try ProposalCorpus.read(directory: dir) } == .malformedDocument)
        try FileManager.default.moveItem(at: dir.appendingPathComponent("y.md"), to: dir.appendingPathComponent("x.md"))
        #expect(try ProposalCorpus.read(directory: dir) == [doc])
    }
}
