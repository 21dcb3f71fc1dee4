import BallotCore
import Foundation

/// Two local days, first and last inclusive, as a voter reads a window: "from Monday 14 March to
/// Sunday 20 March".
public struct DaySpan: Sendable, Equatable {
    public var first: LocalDate
    public var last: LocalDate
    public init(first: LocalDate, last: LocalDate) { self.first = first; self.last = last }

    /// The local days a window covers (it closes at a local midnight, exclusive).
    public init(_ window: VotingWindow, _ calendar: TermCalendar) {
        self.init(first: calendar.localDate(of: window.opens), last: calendar.localDate(of: window.closes.addingTimeInterval(-1)))
    }
}

/// Why voting is not possible, in terms a voter understands. Never carries internals (error
/// messages, paths, keys): only what the voter needs to know and what to do next. Thrown inside a
/// ``NodeError`` (`.kiosk`); the kiosk words it in the voter's language.
public enum KioskRefusal: Sendable, Equatable {
    /// The code checks out but is not on this term's roll.
    case notOnRoll
    /// No window is open today; `next` is the next one in this term, if any.
    case outsideWindow(next: DaySpan?)
    /// This card was replaced by a new card.
    case replaced
    /// The term has ended: voting is closed.
    case closed
    /// Voting has not opened yet (the term has not started, or the key ceremony is not finished).
    case notOpenYet(start: LocalDate?)
    /// There is nothing to vote on for this window.
    case noContests
    /// The questions changed while the voter was voting (a candidate entered or withdrew).
    case contestsChanged
    /// The window closed while the voter was voting (midnight passed).
    case windowJustClosed
    /// Anything else: a technical problem the voter cannot fix.
    case technical
}

extension KioskRefusal {
    /// The refusal in one English sentence for a clerk or a log (the kiosk has its own words, in
    /// the voter's language): what happened and what to do.
    public var summary: String {
        switch self {
        case .notOnRoll:
            "This credential is not on this term's roll. The voter should ask the registrar to check their enrolment."
        case .outsideWindow(let next):
            "No voting window of this credential is open today. "
                + (next.map { "Come back from \($0.first.iso) to \($0.last.iso)." } ?? "There is no other window in this term.")
        case .replaced:
            "This card was replaced by a newer one. Vote with the newest card."
        case .closed:
            "The term has ended: voting is closed."
        case .notOpenYet(let start):
            "Voting has not opened yet" + (start.map { " (the term starts on \($0.iso))" } ?? "") + ". Come back once it has opened."
        case .noContests:
            "There is nothing to vote on in this window. The officer has not published any question for it."
        case .contestsChanged:
            "The questions changed while the voter was voting. Start the ballot again."
        case .windowJustClosed:
            "The voting window closed while the voter was voting. Vote in the next window."
        case .technical:
            "A technical problem stopped the vote; nothing was recorded. Try again, or use another kiosk."
        }
    }
}
