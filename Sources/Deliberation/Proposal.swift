/// A citizen proposal with its full history.
public struct Proposal: Hashable, Sendable {
    /// One published version of the text.
    public struct Version: Hashable, Sendable {
        /// Why a version exists.
        public enum Origin: Hashable, Sendable {
            /// The first version, written by the author.
            case created
            /// A revision by the author.
            case revised
            /// An accepted amendment.
            case amendment(AmendmentID)
        }
        /// 1 for the first version.
        public let number: Int
        public let content: ProposalContent
        /// The content hash (``ProposalContent/hash(id:hasher:)``).
        public let hash: ContentHash
        public let origin: Origin
        /// Who published it: the author, or whoever accepted the amendment.
        public let by: ParticipantID
        public let time: Int64
    }

    /// A status change, kept for the history.
    public struct StatusChange: Hashable, Sendable {
        public let from: ProposalStatus
        public let to: ProposalStatus
        public let by: ParticipantID
        public let asModerator: Bool
        public let reason: String
        public let time: Int64
    }

    public let id: ProposalID
    public let author: ParticipantID
    public internal(set) var status: ProposalStatus
    /// Every version, oldest first; never empty.
    public internal(set) var versions: [Version]
    public internal(set) var statusChanges: [StatusChange]
    /// Set while a moderator hides the proposal.
    public internal(set) var hidden: ModerationRecord?

    /// The newest version.
    public var current: Version { versions[versions.count - 1] }
    /// The newest content.
    public var content: ProposalContent { current.content }

    /// The version with this hash, if any.
    public func version(_ hash: ContentHash) -> Version? {
        versions.first { $0.hash == hash }
    }
}
