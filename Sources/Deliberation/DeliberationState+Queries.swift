import Foundation

extension DeliberationState {
    /// Support counts of one proposal, per version.
    public struct SupportSummary: Hashable, Sendable {
        /// For every version (oldest first): its number, hash and how many support it.
        public let perVersion: [(number: Int, hash: ContentHash, count: Int)]
        /// Supporters of the current version.
        public let current: Int
        /// Participants who supported an earlier version but not yet the current one: they are asked to
        /// confirm again.
        public let awaitingConfirmation: [ParticipantID]

        public static func == (a: Self, b: Self) -> Bool {
            a.current == b.current && a.awaitingConfirmation == b.awaitingConfirmation
                && a.perVersion.map(\.count) == b.perVersion.map(\.count) && a.perVersion.map(\.hash) == b.perVersion.map(\.hash)
        }
        public func hash(into h: inout Hasher) {
            h.combine(current)
            h.combine(awaitingConfirmation)
        }
    }

    /// Support counts for `id`, per version, and who must confirm again after a text change.
    /// - Throws: ``DeliberationError/Code/unknownProposal``.
    public func supportSummary(_ id: ProposalID) throws -> SupportSummary {
        let p = try existingProposal(id)
        let byVersion = supports[id] ?? [:]
        let currentSet = byVersion[p.current.hash] ?? []
        var earlier = Set<ParticipantID>()
        for v in p.versions.dropLast() { earlier.formUnion(byVersion[v.hash] ?? []) }
        return SupportSummary(
            perVersion: p.versions.map { ($0.number, $0.hash, byVersion[$0.hash]?.count ?? 0) },
            current: currentSet.count,
            awaitingConfirmation: earlier.subtracting(currentSet).sorted())
    }

    /// Whether `participant` supports version `hash` of proposal `id`.
    public func supports(_ participant: ParticipantID, proposal id: ProposalID, version hash: ContentHash) -> Bool {
        supports[id]?[hash]?.contains(participant) ?? false
    }

    /// Proposals the participant supported in an earlier version but not in the current one.
    public func confirmationsDue(for participant: ParticipantID) -> [ProposalID] {
        proposalOrder.filter { id in
            guard let s = try? supportSummary(id) else { return false }
            return s.awaitingConfirmation.contains(participant)
        }
    }

    /// A comment with its replies, recursively.
    public struct ThreadNode: Hashable, Sendable {
        public let comment: Comment
        public let replies: [ThreadNode]
        /// 0 for a top-level comment.
        public let depth: Int
    }

    /// The whole discussion of a proposal or an amendment, top-level comments in order, replies nested.
    public func thread(_ target: CommentTarget) -> [ThreadNode] {
        func node(_ id: CommentID, _ depth: Int) -> ThreadNode {
            ThreadNode(comment: comments[id]!, replies: (replies[id] ?? []).map { node($0, depth + 1) }, depth: depth)
        }
        return (rootComments[target] ?? []).map { node($0, 0) }
    }

    /// Stance counts over a thread (replies included, hidden comments excluded).
    public func stanceCounts(_ target: CommentTarget) -> [Stance: Int] {
        var counts: [Stance: Int] = [:]
        func walk(_ nodes: [ThreadNode]) {
            for n in nodes {
                if n.comment.hidden == nil { counts[n.comment.stance, default: 0] += 1 }
                walk(n.replies)
            }
        }
        walk(thread(target))
        return counts
    }

    /// The amendments of a proposal in creation order, optionally only the pending ones.
    public func amendments(of id: ProposalID, pendingOnly: Bool = false) -> [Amendment] {
        (amendmentsByProposal[id] ?? []).compactMap { amendments[$0] }.filter { !pendingOnly || $0.isPending }
    }

    /// True when a pending amendment must be rebased before it can be accepted.
    public func isStale(_ amendment: Amendment) -> Bool {
        guard let p = proposals[amendment.proposal] else { return false }
        return amendment.isPending && amendment.base != p.current.hash
    }

    /// Proposals in creation order, filtered by track and/or status.
    /// - Parameter includeHidden: hidden proposals are left out unless this is true.
    public func list(track: Track? = nil, status: ProposalStatus? = nil, includeHidden: Bool = false) -> [Proposal] {
        proposalOrder.compactMap { proposals[$0] }.filter {
            (track == nil || $0.content.track == track) && (status == nil || $0.status == status)
                && (includeHidden || $0.hidden == nil)
        }
    }

    /// A simple in-memory search over titles and bodies of visible proposals, ignoring case and accents.
    /// Every word of `query` must appear. (The engine's SQLite projection offers FTS5 ranking; this is the
    /// same question answered without a database.)
    public func search(_ query: String) -> [Proposal] {
        let words = Self.fold(query).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard !words.isEmpty else { return [] }
        return list().filter { p in
            let haystack = Self.fold(p.content.title + "\n" + p.content.body)
            return words.allSatisfy { haystack.contains($0) }
        }
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "fr_FR"))
    }
}

extension DeliberationState {
    /// The hash of the version that accepting `amendment` would create now (what an accepting
    /// `delib.decision` payload declares as `version`).
    /// - Throws: ``DeliberationError/Code/unknownAmendment`` or ``DeliberationError/Code/unknownProposal``.
    public func acceptedVersionHash(_ amendment: AmendmentID) throws -> ContentHash {
        let a = try existingAmendment(amendment)
        let p = try existingProposal(a.proposal)
        var content = p.content
        content.body = a.proposedBody
        return content.hash(id: p.id, hasher: hasher)
    }

    /// Works out how a pending amendment applies to its proposal's current version (three-way merge of
    /// the amendment's base, its proposed text and the current text).
    /// - Returns: the change to submit as `rebaseAmendment`, the conflicts, or `.alreadyApplied`.
    /// - Throws: ``DeliberationError/Code/unknownAmendment``, or ``DeliberationError/Code/noChange``
    ///   if the amendment is already written against the current version.
    public func rebaseOutcome(_ amendment: AmendmentID) throws -> RebaseOutcome {
        let a = try existingAmendment(amendment)
        let p = try existingProposal(a.proposal)
        guard a.base != p.current.hash else {
            throw DeliberationError(.noChange, "Amendment \(amendment) is already written against the current version.")
        }
        guard let base = p.version(a.base) else {
            throw DeliberationError(.staleVersion, "The base version of amendment \(amendment) is not a version of \(p.id).")
        }
        return a.rebase(baseBody: base.content.body, currentBody: p.content.body)
    }

    /// The unified diff an amendment proposes, against the version it targets.
    /// - Throws: ``DeliberationError/Code/unknownAmendment``.
    public func diff(amendment id: AmendmentID) throws -> String {
        let a = try existingAmendment(id)
        let p = try existingProposal(a.proposal)
        let base = p.version(a.base)
        return LineDiff(old: TextLines(base?.content.body ?? ""), new: TextLines(a.proposedBody))
            .unified(oldLabel: "\(p.id) v\(base?.number ?? 0)", newLabel: "\(p.id) + \(id)")
    }

    /// The unified diff of a proposal's body between two version numbers (1-based).
    /// - Throws: ``DeliberationError/Code/unknownProposal`` or ``DeliberationError/Code/invalidInput``
    ///   for a version number that does not exist.
    public func diff(proposal id: ProposalID, from: Int, to: Int) throws -> String {
        let p = try existingProposal(id)
        guard (1...p.versions.count).contains(from), (1...p.versions.count).contains(to) else {
            throw DeliberationError(.invalidInput, "Proposal \(id) has versions 1 to \(p.versions.count).")
        }
        return LineDiff(old: TextLines(p.versions[from - 1].content.body), new: TextLines(p.versions[to - 1].content.body))
            .unified(oldLabel: "\(id) v\(from)", newLabel: "\(id) v\(to)")
    }

    /// A fresh amendment identifier (`a1`, `a2`, …) not used yet.
    public func nextAmendmentID() -> AmendmentID {
        // Unreachable failures: "a" followed by digits is always a valid identifier (§6: a-z 0-9 -).
        var n = amendments.count + 1
        while amendments[try! AmendmentID("a\(n)")] != nil { n += 1 }
        return try! AmendmentID("a\(n)")
    }

    /// A fresh comment identifier (`c1`, `c2`, …) not used yet.
    public func nextCommentID() -> CommentID {
        // Unreachable failures: "c" followed by digits is always a valid identifier (§6: a-z 0-9 -).
        var n = comments.count + 1
        while comments[try! CommentID("c\(n)")] != nil { n += 1 }
        return try! CommentID("c\(n)")
    }

    /// Who signed an entry: the registrar if `key` is the registrar's, else the participant registered
    /// with it.
    /// - Throws: ``DeliberationError/Code/unknownParticipant`` for a key that is neither.
    public func actor(forKey key: [UInt8], registrar: [UInt8]) throws -> Actor {
        if key == registrar { return .registrar }
        guard let p = participant(withKey: key) else {
            throw DeliberationError(.unknownParticipant, "The entry is signed by a key that is neither the registrar's nor a registered participant's.")
        }
        return .participant(p.id)
    }
}
