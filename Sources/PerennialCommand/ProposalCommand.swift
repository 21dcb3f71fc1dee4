import ArgumentParser
import CivicCrypto
import Deliberation
import Foundation
import Perennial

struct ProposalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposal", abstract: "Deliberation: proposals, amendments, comments and supports, on the civic log.",
        discussion: """
            Participants act with their own keys, distinct from any voting credential. This command uses the keys \
            the node holds for them in DIR/keys/participants/ (created on first use), as a town-hall terminal would.
            """,
        subcommands: [Participant.self, Import.self, Export.self, List.self, Show.self, Search.self, Revise.self,
                      Amend.self, Rebase.self, Decide.self, Comment.self, Support.self, Status.self, Moderate.self])

    struct Actor: ParsableArguments {
        @Option(name: .customLong("as"), help: "The participant acting (their id).") var actor: String
        /// The acting participant's key, which `perennial proposal participant` created; never created here.
        func key(_ node: Node) throws -> Ed25519.SigningKey {
            let id = try ParticipantID(actor)
            let file = node.directory.appendingPathComponent("keys/participants/\(id.rawValue).key")
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw Refusal("There is no participant \"\(id.rawValue)\" on this node; register them first with `perennial proposal participant`.")
            }
            return try KeyFile.load(file)
        }
    }

    static func submit(_ options: NodeOptions, _ actor: Actor, _ action: (DeliberationLog) throws -> DeliberationEvent.Action) throws {
        let node = try options.open()
        let log = node.deliberation()
        let entry = try log.submit(try action(log), signer: try actor.key(node))
        options.emit(["Recorded as entry \(entry.index)."], json: ["index": entry.index])
    }

    struct Participant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a participant (by the registrar), with a display name.")
        @OptionGroup var node: NodeOptions
        @Option(help: "Participant id (letters, digits, dashes).") var id: String
        @Option(help: "Display name.") var name: String
        @Flag(help: "Give the moderator role.") var moderator = false
        func run() throws {
            let n = try node.open()
            let pid = try ParticipantID(id)
            // A new participant's key is written only once the registration is in the log.
            let file = n.directory.appendingPathComponent("keys/participants/\(pid.rawValue).key")
            let existing = FileManager.default.fileExists(atPath: file.path)
            let key = existing ? try KeyFile.load(file) : Ed25519.SigningKey.generate()
            if !existing { try AtomicFile.requireWritableDirectory(file.deletingLastPathComponent()) }
            let action = DeliberationEvent.Action.registerParticipant(id: pid, displayName: name, publicKey: key.publicKey.rawRepresentation, moderator: moderator)
            let entry = try n.deliberation().submit(action, signer: n.key("registrar"))
            if !existing { try AtomicFile.write(Data((Hex.encode(key.seed.copyBytes()) + "\n").utf8), to: file) }
            node.emit(["Participant \(id) registered (entry \(entry.index))."], json: ["index": entry.index])
        }
    }

    /// The status as `ProposalStatus` reads it: `on-ballot-2031` (no space to quote) is `on-ballot 2031`.
    static func statusText(_ text: String) -> String {
        let prefix = "on-ballot-"
        guard text.hasPrefix(prefix), text.count > prefix.count, text.dropFirst(prefix.count).allSatisfy(\.isASCII),
              text.dropFirst(prefix.count).allSatisfy(\.isNumber) else { return text }
        return "on-ballot " + text.dropFirst(prefix.count)
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring a directory of proposal files (e.g. Proposals/) into the log, in one transaction.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The directory of .md proposal files.") var directory: String
        @Option(help: "The moderator who records final statuses found in the files.") var moderator: String?
        func run() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw Refusal("\(directory) is not a directory of proposal files (.md); check the path. Nothing was imported.")
            }
            guard FileManager.default.isReadableFile(atPath: directory) else {
                throw Refusal("Cannot read the directory \(directory); check its permissions. Nothing was imported.")
            }
            let n = try node.open()
            // Authors' keys are made as the import is planned; a refused import removes the new ones.
            let keys = n.directory.appendingPathComponent("keys/participants")
            let before = Set((try? FileManager.default.contentsOfDirectory(atPath: keys.path)) ?? [])
            let createdDirectory = !FileManager.default.fileExists(atPath: keys.path)
            do {
                try importPlan(n)
            } catch {
                let after = Set((try? FileManager.default.contentsOfDirectory(atPath: keys.path)) ?? [])
                for name in after.subtracting(before) { try? FileManager.default.removeItem(at: keys.appendingPathComponent(name)) }
                if createdDirectory { try? FileManager.default.removeItem(at: keys) }
                throw error
            }
        }

        func importPlan(_ n: Node) throws {
            let plan = try n.deliberation().importDirectory(URL(fileURLWithPath: directory, isDirectory: true), registrar: n.key("registrar"),
                                                            key: { try n.participantKey($0) }, moderator: try moderator.map { try ParticipantID($0) })
            node.emit(["Imported \(directory): \(plan.created.count) created, \(plan.updated.count) updated, \(plan.unchanged.count) unchanged."],
                      json: ["created": plan.created.map(\.rawValue), "updated": plan.updated.map(\.rawValue), "unchanged": plan.unchanged.map(\.rawValue)])
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every visible proposal's current version as Markdown files.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The directory to write into.") var directory: String
        func run() throws {
            let files = try node.open().deliberation().exportDirectory(URL(fileURLWithPath: directory, isDirectory: true))
            node.emit(["Wrote \(files.count) proposals to \(directory)."], json: ["files": files])
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List proposals, filtered by track and status.")
        @OptionGroup var node: NodeOptions
        @Option(help: "croisements fertiles, nouvelles attentions, démocratie vivante or savoirs partagés.") var track: String?
        @Option(help: "draft, open, closed, adopted, rejected, withdrawn, or on-ballot YEAR (\"on-ballot 2031\" or on-ballot-2031).") var status: String?
        func run() throws {
            let t = try track.map { text -> Track in
                guard let t = Track(rawValue: text) else { throw ValidationError("Unknown track \"\(text)\"; use one of: \(Track.allCases.map(\.rawValue).joined(separator: ", ")).") }
                return t
            }
            print(try node.open().deliberation().list(track: t, status: try status.map { try ProposalStatus(text: ProposalCommand.statusText($0)) }), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a proposal: text, history, open amendments with diffs, thread, supports.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The proposal id.") var id: String
        func run() throws { print(try node.open().deliberation().show(try ProposalID(id)), terminator: "") }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Full-text search over titles and bodies.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "Words to look for.") var query: String
        func run() throws {
            for p in try node.open().deliberation().search(query) { print("\(p.id)  \(p.current.content.title)") }
        }
    }

    struct Revise: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The author revises a proposal from an edited proposal file.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Argument(help: "The edited .md file.") var file: String
        func run() throws {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try ProposalCommand.submit(node, actor) { try $0.state.revision(from: try ProposalDocument(parsing: text)) }
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose an amendment to the current version, by section or by line range.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The proposal id.") var proposal: String
        @Option(help: "Replace the content under this Markdown heading (the heading line exactly).") var section: String?
        @Option(help: "Replace lines START:COUNT (1-based; COUNT 0 inserts).") var lines: String?
        @Option(help: "A file holding the replacement text.") var textFile: String
        @Option(help: "One line saying what the amendment does.") var summary: String
        func run() throws {
            let replacement = try String(contentsOfFile: textFile, encoding: .utf8)
            let change: AmendmentChange
            if let section { change = .section(heading: section, replacement: replacement) }
            else if let lines, case let parts = lines.split(separator: ":").compactMap({ Int($0) }), parts.count == 2 {
                change = .lines(start: parts[0], count: parts[1], replacement: replacement)
            } else { throw ValidationError("Give --section HEADING or --lines START:COUNT.") }
            try ProposalCommand.submit(node, actor) { try $0.state.amendment(try ProposalID(proposal), change: change, summary: summary) }
        }
    }

    struct Rebase: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rebase a stale amendment onto the current version (refused, with where, on conflict).")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The amendment id.") var amendment: String
        func run() throws { try ProposalCommand.submit(node, actor) { try $0.state.rebase(try AmendmentID(amendment)) } }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The author (or a moderator, recorded as such) accepts or rejects an amendment.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The amendment id.") var amendment: String
        @Flag(help: "Accept (otherwise reject).") var accept = false
        @Option(help: "Why.") var reason: String
        func run() throws {
            let id = try AmendmentID(amendment)
            try ProposalCommand.submit(node, actor) { _ in .decideAmendment(id: id, accept: accept, reason: reason) }
        }
    }

    struct Comment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Comment on a proposal or an amendment, possibly replying, with a stance.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The proposal commented on.") var proposal: String?
        @Option(help: "The amendment commented on.") var amendment: String?
        @Option(help: "The comment replied to.") var replyTo: String?
        @Option(help: "for, against or neutral.") var stance = "neutral"
        @Option(help: "The comment's text.") var text: String
        func run() throws {
            guard let s = Stance(rawValue: stance) else { throw ValidationError("--stance must be for, against or neutral.") }
            let target: CommentTarget
            if let proposal { target = .proposal(try ProposalID(proposal)) }
            else if let amendment { target = .amendment(try AmendmentID(amendment)) }
            else { throw ValidationError("Give --proposal or --amendment.") }
            let parent = try replyTo.map { try CommentID($0) }
            try ProposalCommand.submit(node, actor) { try $0.state.comment(on: target, replyingTo: parent, stance: s, body: text) }
        }
    }

    struct Support: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Support the current version of a proposal (confirm again after it changes).")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The proposal id.") var proposal: String
        func run() throws { try ProposalCommand.submit(node, actor) { try $0.state.support(try ProposalID(proposal)) } }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a proposal through its life cycle (open, close, adopt, reject, withdraw, put on the ballot).")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "The proposal id.") var proposal: String
        @Option(help: "open, closed, adopted, rejected, withdrawn, or on-ballot YEAR (e.g. --to \"on-ballot 2031\" or --to on-ballot-2031).") var to: String
        @Option(help: "Why.") var reason: String
        func run() throws {
            let id = try ProposalID(proposal), status = try ProposalStatus(text: ProposalCommand.statusText(to))
            try ProposalCommand.submit(node, actor) { _ in .changeStatus(id: id, to: status, reason: reason) }
        }
    }

    struct Moderate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hide (or unhide) content with a reason; the log keeps its hash.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var actor: Actor
        @Option(help: "A proposal id.") var proposal: String?
        @Option(help: "An amendment id.") var amendment: String?
        @Option(help: "A comment id.") var comment: String?
        @Flag(help: "Unhide instead of hiding.") var unhide = false
        @Option(help: "Why.") var reason: String
        func run() throws {
            let target: ModerationTarget
            if let proposal { target = .proposal(try ProposalID(proposal)) }
            else if let amendment { target = .amendment(try AmendmentID(amendment)) }
            else if let comment { target = .comment(try CommentID(comment)) }
            else { throw ValidationError("Give --proposal, --amendment or --comment.") }
            try ProposalCommand.submit(node, actor) { try $0.state.moderation(target, hide: !unhide, reason: reason) }
        }
    }
}

