/// Which ballot counts for one voter lineage in one window (SPEC.md §4.7 `BAL-6`: the latest
/// **valid** ballot), decided by the proof jobs as they finish.
///
/// The checker, in log order, hands every ballot that passed the order-dependent rules to its slot's
/// job; the job verifies the proofs and, only if they verify, offers the ballot. A later valid ballot
/// replaces an earlier one whatever order the jobs finish in, so the tally and the counts do not
/// depend on the number of workers.
///
/// `@unchecked Sendable`: `countedIndex` and `countedSelections` are only touched while `lock` is held.
final class WindowSlot<G: PrimeOrderGroup>: @unchecked Sendable {
    typealias Selections = [(ElectionCore<G>.TallyKey, Ciphertext<G>)]
    /// The window number.
    let window: Int
    /// The window's own close (clipped at the end of the term, never by eligibility): after it no
    /// ballot of this lineage can enter the window, whatever the roll says later.
    let closes: Int64
    private let lock = NSLockLite()
    private var countedIndex: UInt64?
    private var countedSelections: Selections = []

    init(window: Int, closes: Int64) {
        self.window = window
        self.closes = closes
    }

    /// A restored slot whose counted ballot is already in the tally.
    init(window: Int, closes: Int64, countedIndex: UInt64, selections: Selections) {
        self.window = window
        self.closes = closes
        self.countedIndex = countedIndex
        self.countedSelections = selections
    }

    /// Offers a ballot whose proofs verified: it counts unless a later valid ballot already does.
    func offerValid(index: UInt64, selections: Selections, tally: PartialTallies<G>, counters: BallotCounters) {
        lock.lock()
        defer { lock.unlock() }
        guard let current = countedIndex else {
            countedIndex = index
            countedSelections = selections
            tally.accumulate(selections)
            counters.countNew(window: window)
            return
        }
        counters.countSuperseded()
        guard current < index else { return }
        tally.accumulate(countedSelections, subtract: true)
        tally.accumulate(selections)
        countedIndex = index
        countedSelections = selections
    }

    /// The counted ballot's index and selections, if any (for saving the state when no job runs).
    var counted: (index: UInt64, selections: Selections)? {
        lock.lock()
        defer { lock.unlock() }
        return countedIndex.map { ($0, countedSelections) }
    }
}

/// The ballot counts the proof jobs establish (SPEC.md §4.8 `counted`, and the report's figures).
///
/// `@unchecked Sendable`: every field is only touched while `lock` is held.
final class BallotCounters: @unchecked Sendable {
    private let lock = NSLockLite()
    private var countedValue = 0
    private var supersededValue = 0
    private var lastWindowValue = 0

    func countNew(window: Int) {
        lock.lock()
        defer { lock.unlock() }
        countedValue += 1
        lastWindowValue = max(lastWindowValue, window)
    }

    func countSuperseded() {
        lock.lock()
        defer { lock.unlock() }
        supersededValue += 1
    }

    /// Ballots counted (one per lineage and window with a valid ballot), valid ballots superseded, and
    /// the highest window number with a counted ballot. Read when no job runs.
    var snapshot: (counted: Int, superseded: Int, lastWindow: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (countedValue, supersededValue, lastWindowValue)
    }

    func restore(counted: Int, superseded: Int, lastWindow: Int) {
        lock.lock()
        defer { lock.unlock() }
        countedValue = counted
        supersededValue = superseded
        lastWindowValue = lastWindow
    }
}
