import CivicCrypto
import Foundation

/// Checks many envelopes' signatures and headers on all cores (Ed25519 verification dominates the
/// cost of appending and importing). Reports the failure with the lowest position, so the error
/// is the same as a one-by-one check would give.
public enum ParallelVerification {
    /// Below this many envelopes, checking on one thread is cheaper than spreading the work.
    public static let threshold = 64

    static func verifyAll(count: Int, minimumPerWorker: Int = threshold, _ check: (Int) throws -> Void) throws {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimumPerWorker))
        guard workers > 1 else {
            for i in 0..<count { try check(i) }
            return
        }
        let failures = FirstFailure()
        let chunk = (count + workers - 1) / workers
        withoutActuallyEscaping(check) { check in
            let box = UncheckedBox(check)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in (worker * chunk)..<min(count, (worker + 1) * chunk) {
                    do { try box.value(i) } catch {
                        failures.record(i, error)
                        return
                    }
                }
            }
        }
        if let error = failures.first { throw error }
    }

    /// The position of the first envelope whose signature libsodium's verify refuses, or nil: the
    /// envelopes are split into one chunk per core (each at least ``Ed25519/batchThreshold`` long), and
    /// each chunk is checked as one Ed25519 batch (``Ed25519/firstInvalidSignature(count:prefix:_:)``).
    static func firstBadSignature(_ envelopes: [EntryEnvelope]) -> Int? {
        let count = envelopes.count
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / Ed25519.batchThreshold))
        let chunk = (count + workers - 1) / workers
        let found = ParallelVerification.map(count: workers, minimumPerWorker: 1) { worker -> Int? in
            let start = worker * chunk, end = min(count, start + chunk)
            guard start < end else { return nil }
            return Ed25519.firstInvalidSignature(count: end - start, prefix: EntryEnvelope.signaturePrefix) { i in
                let envelope = envelopes[start + i]
                return (envelope.signature, envelope.author, envelope.payload)
            }.map { start + $0 }
        }
        return found.compactMap { $0 }.min()
    }

    /// `transform(i)` for every `i` in `0..<count`, computed on all cores for large counts.
    public static func map<T: Sendable>(count: Int, minimumPerWorker: Int = threshold, _ transform: @Sendable (Int) -> T?) -> [T?] {
        let results = Slots<T>(count: count)
        try? verifyAll(count: count, minimumPerWorker: minimumPerWorker) { i in results.set(i, transform(i)) }
        return results.values
    }

    /// One value per position, set from many threads (each once). `@unchecked Sendable` is safe:
    /// state is guarded by `lock`.
    private final class Slots<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [T?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T?) { lock.withLock { slots[i] = value } }
        var values: [T?] { lock.withLock { slots } }
    }

    /// The lowest-position failure. `@unchecked Sendable` is safe: state is guarded by `lock`.
    private final class FirstFailure: @unchecked Sendable {
        private let lock = NSLock()
        private var position = Int.max
        private var error: (any Error)?

        func record(_ position: Int, _ error: any Error) {
            lock.withLock {
                if position < self.position {
                    self.position = position
                    self.error = error
                }
            }
        }

        var first: (any Error)? { lock.withLock { error } }
    }

    /// Carries the check closure into `concurrentPerform`. `@unchecked Sendable` is safe: the
    /// closures passed here only read immutable arrays of `Sendable` values and the store's
    /// immutable origin, and `concurrentPerform` returns before the closure's lifetime ends.
    private struct UncheckedBox<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }
}
