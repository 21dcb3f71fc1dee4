import Dispatch

/// Runs ``ProofJob``s on background threads while the verifier keeps reading and applying the next
/// entries, and hands their results back **in submission order**, so the report does not depend on
/// timing or on the number of workers.
///
/// At most `workers` chunks run at once, and at most `16 × workers` chunks wait, which bounds the memory
/// held by pending proofs.
final class JobPipeline {
    private let workers: Int
    private let chunkSize: Int
    private let queue = DispatchQueue(label: "perennial-audit.proofs", attributes: .concurrent)
    private let group = DispatchGroup()
    private let running: DispatchSemaphore
    private let inFlight: DispatchSemaphore
    private let results = ResultStore()
    private var submitted = 0
    private var flushed = 0
    private var pending: [ProofJob] = []

    init(workers: Int, chunkSize: Int = 128) {
        self.workers = max(1, workers)
        self.chunkSize = chunkSize
        running = DispatchSemaphore(value: max(1, workers))
        inFlight = DispatchSemaphore(value: 16 * max(1, workers))
    }

    /// Queues jobs; they start once a chunk is full (or at ``flush(into:)``).
    func submit(_ jobs: [ProofJob]) {
        pending += jobs
        while pending.count >= chunkSize {
            let chunk = Array(pending.prefix(chunkSize))
            pending.removeFirst(chunkSize)
            start(chunk)
        }
    }

    private func start(_ chunk: [ProofJob]) {
        guard !chunk.isEmpty else { return }
        let first = submitted
        submitted += chunk.count
        if workers == 1 {
            results.put(first, ProofJob.run(chunk))
            return
        }
        inFlight.wait()
        let running = self.running, inFlight = self.inFlight, results = self.results
        queue.async(group: group) {
            running.wait()
            let out = ProofJob.run(chunk)
            running.signal()
            results.put(first, out)
            inFlight.signal()
        }
    }

    /// Records into `report` the results that are ready, in order, without waiting.
    func drain(_ jobs: inout [ProofJob], into report: inout Report) {
        for (i, failure) in results.takeContiguous(from: flushed) {
            let job = jobs[i - flushedBase]
            report.record(job.check, job.location, failure: failure)
            flushed = i + 1
        }
        trim(&jobs)
    }

    // The jobs whose results are not yet recorded (to know their check and location).
    private var flushedBase = 0

    /// Drops the recorded jobs once they are half the array: removing them at every drain would
    /// shift the whole array each time, on the in-order thread.
    private func trim(_ jobs: inout [ProofJob]) {
        let done = flushed - flushedBase
        if done > 0, 2 * done >= jobs.count {
            // The recorded jobs hold the last references to their ballots' decoded contests: freed
            // on a background thread, not on this (in-order) one.
            var finished = Array(jobs[done...])
            swap(&finished, &jobs)
            BatchDisposal.release(&finished)
            flushedBase = flushed
        }
    }

    /// Runs everything queued, waits for it, and records every result in order.
    func flush(_ jobs: inout [ProofJob], into report: inout Report) {
        let rest = pending
        pending = []
        // Nothing follows these jobs until they are done: one piece per worker, so no core waits
        // for a lone chunk at the end of the run (or before a barrier).
        let piece = max(1, (rest.count + workers - 1) / workers)
        for first in stride(from: 0, to: rest.count, by: piece) {
            start(Array(rest[first ..< min(first + piece, rest.count)]))
        }
        group.wait()
        drain(&jobs, into: &report)
    }
}

/// Results by submission index, filled by the workers.
private final class ResultStore: @unchecked Sendable {
    // Guarded by `lock`.
    private var ready: [Int: String?] = [:]
    private let lock = NSLockLite()

    func put(_ first: Int, _ values: [String?]) {
        lock.lock()
        defer { lock.unlock() }
        for (i, v) in values.enumerated() { ready[first + i] = v }
    }

    /// Removes and returns the results `from, from+1, …` that are ready.
    func takeContiguous(from start: Int) -> [(Int, String?)] {
        lock.lock()
        defer { lock.unlock() }
        var out: [(Int, String?)] = []
        var i = start
        while let v = ready.removeValue(forKey: i) {
            out.append((i, v))
            i += 1
        }
        return out
    }
}
