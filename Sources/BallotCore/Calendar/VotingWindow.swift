import Foundation

/// One yearly voting window of a birthday in a term, as instants.
///
/// - `number` is the window's index among **all** the term's windows for that birthday, 1...T in
///   time order, counted before eligibility is applied. It depends only on the term and the birthday,
///   never on the citizen's eligibility, so it is stable: a citizen who comes of age in the third year
///   has windows 3, 4, …; a window dropped for ineligibility leaves a gap in the numbers rather than
///   renumbering the later ones. The once-per-window rule is keyed on this number.
/// - `openingDay` is the local day the window nominally opens (the birthday, or 28 Feb / 1 Mar for a
///   29 February birthday in a common year); it decides whether the window belongs to the term.
/// - `opens` and `closes` bound the half-open interval `[opens, closes)` in which a ballot counts,
///   after clipping to the term end and to the citizen's eligibility, so `opens` can be later than
///   local midnight of `openingDay`, and `closes` earlier than midnight `W` days later.
public struct VotingWindow: Hashable, Codable, Sendable {
    /// 1-based index among the term's windows for this birthday (independent of eligibility).
    public var number: Int
    /// The local day the window nominally opens.
    public var openingDay: LocalDate
    /// The first instant of the window (inclusive).
    public var opens: Date
    /// The instant the window closes (exclusive).
    public var closes: Date

    public init(number: Int, openingDay: LocalDate, opens: Date, closes: Date) {
        self.number = number
        self.openingDay = openingDay
        self.opens = opens
        self.closes = closes
    }

    /// Whether `instant` lies in `[opens, closes)`.
    public func contains(_ instant: Date) -> Bool {
        opens <= instant && instant < closes
    }

    /// The length of the window in seconds (for example 7 × 24 h ± 1 h across a DST change).
    public var duration: TimeInterval { closes.timeIntervalSince(opens) }
}
