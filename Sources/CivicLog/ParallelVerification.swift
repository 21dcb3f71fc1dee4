import Foundation

/// Checks many envelopes' signatures and headers on all cores (Ed25519 verification dominates the
/// cost of appending and importing). Reports the failure with the lowest position, so the error
/// is the same as a one-by-one check would give.
public enum ParallelVerification {
    /// Below this many envelopes, checking on one thread is cheaper than spreading the work.
    static let threshold = 64

    static func verifyAll(count: Int, _ check: (Int) throws -> Void) throws {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / threshold))
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

    /// `transform(i)` for every `i` in `0..<count`, computed on all cores for large counts.
    public static func map<T: Sendable>(count: Int, _ transform: @Sendable (Int) -> T?) -> [T?] {
        let results = Slots<T>(count: count)
        try? verifyAll(count: count) { i in results.set(i, transform(i)) }
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
