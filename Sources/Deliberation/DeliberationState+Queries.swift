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
