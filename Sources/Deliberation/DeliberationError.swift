/// Why a deliberation event, a proposal file or a text operation was refused.
///
/// One error type for the whole module: a struct over a private enum, so that new cases can be added
/// without breaking callers. Compare ``code`` to tell refusals apart; show ``description`` to people.
/// Messages name identifiers and line numbers, never display names or other personal data.
public struct DeliberationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which rule refused the operation.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidIdentifier, invalidInput, duplicateIdentifier
            case unknownParticipant, unknownProposal, unknownAmendment, unknownComment
            case notRegistrar, notAuthor, notModerator, notAllowed
            case invalidTransition, proposalNotOpen, staleVersion, noChange
            case amendmentNotPending, sectionNotFound, ambiguousSection, lineRangeOutOfBounds
            case rebaseConflict, alreadySupported, notSupported, alreadyHidden, notHidden
            case malformedDocument, nonCanonicalDocument
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }
        public var description: String { base.rawValue }

        /// An identifier is empty, too long or uses characters other than `a-z 0-9 -`.
        public static let invalidIdentifier = Code(.invalidIdentifier)
        /// A field is empty, malformed or out of range.
        public static let invalidInput = Code(.invalidInput)
        /// A participant, proposal, amendment or comment with this identifier already exists.
        public static let duplicateIdentifier = Code(.duplicateIdentifier)
        /// The acting or named participant is not registered.
        public static let unknownParticipant = Code(.unknownParticipant)
        /// No proposal has this identifier.
        public static let unknownProposal = Code(.unknownProposal)
        /// No amendment has this identifier.
        public static let unknownAmendment = Code(.unknownAmendment)
        /// No comment has this identifier (for instance, replying to a missing comment).
        public static let unknownComment = Code(.unknownComment)
        /// Only the registrar may register participants or grant roles.
        public static let notRegistrar = Code(.notRegistrar)
        /// Only the author may do this (revise a proposal, rebase or withdraw an amendment, …).
        public static let notAuthor = Code(.notAuthor)
        /// Only a participant holding the moderator role may do this.
        public static let notModerator = Code(.notModerator)
        /// Neither the author nor a moderator: this participant has no right to decide here.
        public static let notAllowed = Code(.notAllowed)
        /// The proposal's life cycle does not allow this status change.
        public static let invalidTransition = Code(.invalidTransition)
        /// The proposal is not in a status that allows this action (revise, amend, support, …).
        public static let proposalNotOpen = Code(.proposalNotOpen)
        /// The version named is no longer the current one; rebase or reload first.
        public static let staleVersion = Code(.staleVersion)
        /// The change leaves the text as it was.
        public static let noChange = Code(.noChange)
        /// The amendment was already accepted, rejected or withdrawn.
        public static let amendmentNotPending = Code(.amendmentNotPending)
        /// No section with this heading exists in the text.
        public static let sectionNotFound = Code(.sectionNotFound)
        /// More than one section has this heading.
        public static let ambiguousSection = Code(.ambiguousSection)
        /// The line range lies outside the text.
        public static let lineRangeOutOfBounds = Code(.lineRangeOutOfBounds)
        /// Both the amendment and the current version changed the same lines.
        public static let rebaseConflict = Code(.rebaseConflict)
        /// This participant already supports this version.
        public static let alreadySupported = Code(.alreadySupported)
        /// This participant does not support this version.
        public static let notSupported = Code(.notSupported)
        /// The item is already hidden.
        public static let alreadyHidden = Code(.alreadyHidden)
        /// The item is not hidden.
        public static let notHidden = Code(.notHidden)
        /// A proposal file cannot be read (front matter missing or malformed).
        public static let malformedDocument = Code(.malformedDocument)
        /// A proposal file is readable but not written in the canonical form, so it would not export
        /// back byte for byte.
        public static let nonCanonicalDocument = Code(.nonCanonicalDocument)
    }

    /// Which rule refused the operation.
    public let code: Code
    /// A sentence saying what was wrong and what to do next.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
