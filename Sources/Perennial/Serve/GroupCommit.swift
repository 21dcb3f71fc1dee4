import BallotCore
import CivicLog
import Foundation

/// Group commit for the server's ballots: submissions that arrive while a write is in flight wait,
/// and are then appended together by ``KioskDesk/submit(group:)`` — one transaction, one fsync,
/// one checkpoint — instead of queueing one fsync each behind it.
///
/// Nothing changes for a kiosk: each submission still gets its own entry or its own refusal,
/// resubmissions stay idempotent, entries are appended (and answered) in arrival order, and an
/// answer is given only once its entry is durable. A lone submission is written at once (no
/// timer): groups form only from the queue that builds up behind a write.
public final class GroupCommit: @unchecked Sendable {
    public let desk: KioskDesk
    /// The most submissions written in one transaction (a bound on one write's latency).
    public let maxGroup: Int
    private let queue = DispatchQueue(label: "perennial.group-commit")
    private let lock = NSLock()
    private var waiting: [(KioskDesk.Request, @Sendable (Result<KioskDesk.Submission, NodeError>) -> Void)] = []
    private var writing = false
    /// Told the size of each group before it is written (metrics).
    private let onGroup: (@Sendable (Int) -> Void)?

    public init(desk: KioskDesk, maxGroup: Int = 128, onGroup: (@Sendable (Int) -> Void)? = nil) {
        self.desk = desk
        self.maxGroup = maxGroup
        self.onGroup = onGroup
    }

    /// Submits one envelope with whatever else is waiting; returns once its entry is durable (or refused).
    public func submit(_ request: KioskDesk.Request) async -> Result<KioskDesk.Submission, NodeError> {
        await withCheckedContinuation { continuation in
            enqueue(request) { continuation.resume(returning: $0) }
        }
    }

    /// Queues a request; `done` is called (on the commit queue) with its answer.
    public func enqueue(_ request: KioskDesk.Request,
                        done: @escaping @Sendable (Result<KioskDesk.Submission, NodeError>) -> Void) {
        let start = lock.withLock {
            waiting.append((request, done))
            defer { writing = true }
            return !writing
        }
        if start { queue.async { self.drain() } }
    }

    /// Writes groups until nobody waits.
    private func drain() {
        while true {
            let group = lock.withLock {
                let taken = Array(waiting.prefix(maxGroup))
                waiting.removeFirst(taken.count)
                if taken.isEmpty { writing = false }
                return taken
            }
            guard !group.isEmpty else { return }
            onGroup?(group.count)
            let results = desk.submit(group: group.map(\.0))
            for (member, result) in zip(group, results) { member.1(result) }
        }
    }
}
