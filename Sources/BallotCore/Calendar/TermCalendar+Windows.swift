import Foundation

extension TermCalendar {
    /// The voting windows of a birthday in this term, in time order, clipped to the term's end and
    /// to the citizen's eligibility.
    ///
    /// - Parameters:
    ///   - birthday: the citizen's birthday.
    ///   - eligibleFrom: the first local day the citizen may vote (inclusive), or nil if eligible from
    ///     before the term; a window already open on that day opens at its local midnight.
    ///   - eligibleUntil: the first local day the citizen may no longer vote (exclusive), or nil if
    ///     eligible past the term; a window still open then closes at its local midnight.
    /// - Returns: the windows that keep some time after clipping. Each keeps its term-wide
    ///   ``VotingWindow/number`` (its index among all the term's windows for this birthday), so the
    ///   numbers can start above 1 or skip when eligibility removes windows.
    public func windows(
        for birthday: Birthday, eligibleFrom: LocalDate? = nil, eligibleUntil: LocalDate? = nil
    ) -> [VotingWindow] {
        let eligibility = Eligibility(self, from: eligibleFrom, until: eligibleUntil)
        return termYears.compactMap { window(of: birthday, in: $0, eligibility) }
    }

    /// The window of `birthday` that contains `instant` (`opens <= instant < closes`), if any.
    ///
    /// This is the check a ballot passes: a ballot logged at `instant` counts in the returned window,
    /// identified by its number. The opening instant is inside; the closing instant is not.
    public func window(
        containing instant: Date, birthday: Birthday, eligibleFrom: LocalDate? = nil, eligibleUntil: LocalDate? = nil
    ) -> VotingWindow? {
        guard termStartInstant <= instant, instant < termEndInstant else { return nil }
        let eligibility = Eligibility(self, from: eligibleFrom, until: eligibleUntil)
        // A window lasts at most 31 days, so it opened this local year or the previous one.
        let year = localDate(of: instant).year
        for candidate in [year - 1, year] where termYears.contains(candidate) {
            if let window = window(of: birthday, in: candidate, eligibility), window.contains(instant) {
                return window
            }
        }
        return nil
    }

    /// The first window of `birthday` that opens strictly after `instant`, or nil if none is left in
    /// the term — for the kiosk's "your next window opens on …". A window open at `instant` is not
    /// "next"; ask ``window(containing:birthday:eligibleFrom:eligibleUntil:)`` for it.
    public func nextWindow(
        after instant: Date, birthday: Birthday, eligibleFrom: LocalDate? = nil, eligibleUntil: LocalDate? = nil
    ) -> VotingWindow? {
        guard instant < termEndInstant else { return nil }
        let eligibility = Eligibility(self, from: eligibleFrom, until: eligibleUntil)
        let firstYear = instant < termStartInstant ? start.year : max(start.year, localDate(of: instant).year - 1)
        guard firstYear <= termYears.upperBound else { return nil }
        for year in firstYear...termYears.upperBound {
            if let window = window(of: birthday, in: year, eligibility), window.opens > instant {
                return window
            }
        }
        return nil
    }

    /// The calendar years in which a window of the term can open.
    var termYears: ClosedRange<Int> { start.year...end.adding(days: -1).year }

    /// The eligibility interval as instants (nil bounds stay open).
    struct Eligibility {
        let from: Date?
        let until: Date?

        init(_ calendar: TermCalendar, from: LocalDate?, until: LocalDate?) {
            self.from = from.map(calendar.instant(of:))
            self.until = until.map(calendar.instant(of:))
        }
    }

    /// The window of `birthday` opening in calendar year `year`, if it belongs to the term and keeps
    /// some time after clipping to the term end and to eligibility.
    func window(of birthday: Birthday, in year: Int, _ eligibility: Eligibility) -> VotingWindow? {
        let openingDay = birthday.openingDay(in: year, policy: leapDayPolicy)
        guard start <= openingDay, openingDay < end else { return nil }
        var opens = instant(of: openingDay)
        var closes = min(instant(of: openingDay.adding(days: windowDays)), termEndInstant)
        if let from = eligibility.from { opens = max(opens, from) }
        if let until = eligibility.until { closes = min(closes, until) }
        guard opens < closes else { return nil }
        // Every year after the start's has its opening day in the term; the start's year may not.
        let startYearCounts = birthday.openingDay(in: start.year, policy: leapDayPolicy) >= start
        let number = year - start.year + (startYearCounts ? 1 : 0)
        return VotingWindow(number: number, openingDay: openingDay, opens: opens, closes: closes)
    }
}
