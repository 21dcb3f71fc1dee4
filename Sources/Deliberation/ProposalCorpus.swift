import Foundation

/// A directory of proposal files (`Proposals/`): one `<id>.md` per proposal. `README.md` and files
/// not ending in `.md` are not proposals.
public enum ProposalCorpus {
    /// Reads every proposal file of `directory`, in file-name order.
    /// - Throws: ``DeliberationError`` naming the file and line that cannot be read, or a file whose
    ///   name is not `<id>.md`; Foundation's error if the directory cannot be listed.
    public static func read(directory: URL) throws -> [ProposalDocument] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" && !$0.hasPrefix(".") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return try names.map { name in
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            guard let text = String(data: data, encoding: .utf8), Array(text.utf8) == Array(data) else {
                throw DeliberationError(.malformedDocument, "\(name): the file is not valid UTF-8 text.")
            }
            let document: ProposalDocument
            do {
                document = try ProposalDocument(parsing: text)
            } catch let error as DeliberationError {
                throw DeliberationError(error.code, "\(name): \(error.message)")
            }
            guard name == document.id.rawValue + ".md" else {
                throw DeliberationError(.malformedDocument, "\(name): the file of proposal \(document.id) must be named \(document.id).md.")
            }
            return document
        }
    }

    /// Writes each document to `directory/<id>.md`, creating the directory if needed.
    /// - Returns: the file names written, in order.
    @discardableResult
    public static func write(_ documents: [ProposalDocument], to directory: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try documents.map { doc in
            let name = doc.id.rawValue + ".md"
            try Data(doc.text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
            return name
        }
    }
}

/// The events that bring a set of proposal files into the deliberation record.
public struct ImportPlan: Sendable {
    /// Events to append, in order (each signed by its actor).
    public let events: [DeliberationEvent]
    /// Files whose proposal is new.
    public let created: [ProposalID]
    /// Files whose proposal exists and gets a new version and/or status.
    public let updated: [ProposalID]
    /// Files that already match the record.
    public let unchanged: [ProposalID]
}

extension DeliberationState {
    /// The current version and status of a proposal as a file.
    /// - Throws: ``DeliberationError/Code/unknownProposal``.
    public func document(_ id: ProposalID) throws -> ProposalDocument {
        let p = try existingProposal(id)
        return ProposalDocument(id: id, content: p.content, status: p.status, author: p.author)
    }

    /// Every proposal as a file, in creation order (hidden ones only if asked: exporting them would
    /// republish what a moderator hid).
    public func exportDocuments(includeHidden: Bool = false) -> [ProposalDocument] {
        // Unreachable failure: `document` throws only for an unknown id, and these ids come from the list.
        list(includeHidden: includeHidden).map { try! document($0.id) }
    }

    /// Works out the events that make the record match `documents`, and checks them against the rules
    /// without changing this state.
    ///
    /// A new proposal is created by its author (as draft, or open), then moved along the life cycle to
    /// the file's status; an existing proposal whose text differs gets a revision by its author; a
    /// status ahead in the life cycle is reached step by step. Steps that belong to a moderator
    /// (adopted, rejected, on-ballot) are signed by `moderator`.
    ///
    /// - Parameters:
    ///   - documents: the files, e.g. from ``ProposalCorpus/read(directory:)``.
    ///   - moderator: the moderator who records decisions, if the files contain any.
    ///   - time: the log time to use when checking (the log assigns the real one).
    /// - Throws: ``DeliberationError`` if an author is not registered, a status cannot be reached,
    ///   a file would move a proposal backwards, or any event breaks a rule.
    public func importPlan(_ documents: [ProposalDocument], moderator: ParticipantID? = nil, time: Int64) throws -> ImportPlan {
        var scratch = self
        var events: [DeliberationEvent] = []
        var created: [ProposalID] = [], updated: [ProposalID] = [], unchanged: [ProposalID] = []
        func add(_ actor: Actor, _ action: DeliberationEvent.Action) throws {
            let event = DeliberationEvent(actor: actor, time: time, action: action)
            do {
                try scratch.apply(event)
            } catch let error as DeliberationError {
                throw DeliberationError(error.code, "Importing: \(error.message)")
            }
            events.append(event)
        }
        for doc in documents {
            let author = Actor.participant(doc.author)
            let before = events.count
            if let existing = scratch.proposals[doc.id] {
                guard existing.author == doc.author else {
                    throw DeliberationError(.notAuthor, "Importing: the file of \(doc.id) names author \(doc.author), but the proposal's author is \(existing.author).")
                }
                if existing.content != doc.content {
                    try add(author, .reviseProposal(id: doc.id, base: existing.current.hash, content: doc.content))
                }
            } else {
                try add(author, .createProposal(id: doc.id, content: doc.content, status: doc.status == .draft ? .draft : .open))
            }
            for step in try Self.path(from: scratch.proposals[doc.id]!.status, to: doc.status, id: doc.id) {
                let needsModerator: Bool
                switch step {
                case .adopted, .rejected, .onBallot: needsModerator = true
                default: needsModerator = false
                }
                if needsModerator {
                    guard let moderator else {
                        throw DeliberationError(.notModerator, "Importing: proposal \(doc.id) is \(doc.status.text) in its file; name a moderator to record that decision.")
                    }
                    try add(.participant(moderator), .changeStatus(id: doc.id, to: step, reason: "import"))
                } else {
                    try add(author, .changeStatus(id: doc.id, to: step, reason: "import"))
                }
            }
            if before == events.count {
                unchanged.append(doc.id)
            } else if events[before...].contains(where: { if case .createProposal = $0.action { return true } else { return false } }) {
                created.append(doc.id)
            } else {
                updated.append(doc.id)
            }
        }
        return ImportPlan(events: events, created: created, updated: updated, unchanged: unchanged)
    }

    /// The life-cycle steps from `from` to `to`.
    static func path(from: ProposalStatus, to: ProposalStatus, id: ProposalID) throws -> [ProposalStatus] {
        if from == to { return [] }
        let forward: [ProposalStatus]
        switch to {
        case .draft: forward = []
        case .open: forward = from == .draft ? [.open] : []
        case .closed: forward = from == .draft ? [.open, .closed] : from == .open ? [.closed] : []
        case .adopted, .rejected, .onBallot:
            forward = from == .draft ? [.open, .closed, to] : from == .open ? [.closed, to] : from == .closed ? [to] : []
        case .withdrawn: forward = from.isFinal ? [] : [.withdrawn]
        }
        guard !forward.isEmpty else {
            throw DeliberationError(.invalidTransition, "Importing: proposal \(id) is \(from.text) in the record; its file cannot make it \(to.text).")
        }
        return forward
    }
}
