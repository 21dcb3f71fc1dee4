/// Where a proposal stands in its life cycle.
///
/// ```
/// draft ──open──▶ open ──close──▶ closed ──▶ adopted | rejected | on-ballot <year>
///   │               │                │
///   └───────────────┴────────────────┴──withdraw (author)──▶ withdrawn
/// ```
/// Revisions (by the author) are allowed while `draft` or `open`; amendments and supports only while
/// `open`. `adopted`, `rejected`, `withdrawn` and `on-ballot` are final.
public enum ProposalStatus: Hashable, Sendable, CustomStringConvertible {
    case draft
    case open
    case closed
    case adopted
    case rejected
    case withdrawn
    /// Put to the vote as a referendum contest on the birthday ballots of `year`.
    case onBallot(year: Int)

    /// Parses the front-matter spelling: `draft`, `open`, `closed`, `adopted`, `rejected`,
    /// `withdrawn`, `on-ballot 2027`.
    /// - Throws: ``DeliberationError/Code/invalidInput`` listing the accepted spellings.
    public init(text: String) throws {
        switch text {
        case "draft": self = .draft
        case "open": self = .open
        case "closed": self = .closed
        case "adopted": self = .adopted
        case "rejected": self = .rejected
        case "withdrawn": self = .withdrawn
        default:
            let prefix = "on-ballot "
            if text.hasPrefix(prefix), let year = Int(text.dropFirst(prefix.count)),
                String(year) == String(text.dropFirst(prefix.count)), Self.validYears.contains(year)
            {
                self = .onBallot(year: year)
            } else {
                throw DeliberationError(
                    .invalidInput,
                    "Unknown status \"\(text)\"; use draft, open, closed, adopted, rejected, withdrawn, "
                        + "or on-ballot followed by a year such as on-ballot 2027.")
            }
        }
    }

    /// Years accepted for `on-ballot`.
    public static let validYears = 2000...9999

    /// The front-matter spelling.
    public var text: String {
        switch self {
        case .draft: return "draft"
        case .open: return "open"
        case .closed: return "closed"
        case .adopted: return "adopted"
        case .rejected: return "rejected"
        case .withdrawn: return "withdrawn"
        case .onBallot(let year): return "on-ballot \(year)"
        }
    }

    public var description: String { text }

    /// True when no further status change is possible.
    public var isFinal: Bool {
        switch self {
        case .adopted, .rejected, .withdrawn, .onBallot: return true
        case .draft, .open, .closed: return false
        }
    }

    /// True while the author may publish new versions.
    public var allowsRevision: Bool { self == .draft || self == .open }

    /// Who asks for a status change, relative to the proposal.
    public struct Standing: Sendable, Hashable {
        /// The actor is the proposal's author.
        public var isAuthor: Bool
        /// The actor holds the moderator role.
        public var isModerator: Bool
        public init(isAuthor: Bool, isModerator: Bool) {
            self.isAuthor = isAuthor
            self.isModerator = isModerator
        }
    }

    /// The life-cycle rule: whether `standing` may move a proposal from `self` to `next`.
    ///
    /// - open (from draft): the author;
    /// - closed (from open): the author or a moderator;
    /// - adopted, rejected, on-ballot (from closed): a moderator, who records the institution's decision;
    /// - withdrawn (from draft, open or closed): the author.
    /// - Throws: ``DeliberationError/Code/invalidTransition`` when the life cycle has no such step,
    ///   ``DeliberationError/Code/notAuthor`` or ``DeliberationError/Code/notModerator`` when the step
    ///   exists but belongs to someone else.
    public func checkTransition(to next: ProposalStatus, by standing: Standing) throws {
        enum Who { case author, authorOrModerator, moderator }
        let who: Who
        switch (self, next) {
        case (.draft, .open): who = .author
        case (.open, .closed): who = .authorOrModerator
        case (.closed, .adopted), (.closed, .rejected): who = .moderator
        case (.closed, .onBallot(let year)):
            guard Self.validYears.contains(year) else {
                throw DeliberationError(.invalidInput, "The ballot year \(year) is out of range \(Self.validYears).")
            }
            who = .moderator
        case (.draft, .withdrawn), (.open, .withdrawn), (.closed, .withdrawn): who = .author
        default:
            throw DeliberationError(
                .invalidTransition,
                "A proposal cannot go from \(text) to \(next.text)"
                    + (isFinal ? " (\(text) is final)." : "; the life cycle is draft → open → closed → adopted, rejected or on-ballot, and the author may withdraw before a decision."))
        }
        switch who {
        case .author:
            guard standing.isAuthor else {
                throw DeliberationError(.notAuthor, "Only the proposal's author may move it from \(text) to \(next.text).")
            }
        case .authorOrModerator:
            guard standing.isAuthor || standing.isModerator else {
                throw DeliberationError(.notAllowed, "Only the proposal's author or a moderator may move it from \(text) to \(next.text).")
            }
        case .moderator:
            guard standing.isModerator else {
                throw DeliberationError(.notModerator, "Only a moderator may record the decision \(next.text); ask a participant with the moderator role.")
            }
        }
    }
}
