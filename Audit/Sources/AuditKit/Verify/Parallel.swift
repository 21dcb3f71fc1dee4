import Dispatch

/// Runs `transform` over `items` on `workers` threads and returns the results in input order.
///
/// Items are taken from a shared counter so that uneven work (a 12-option ballot next to a 2-option
/// one) keeps both cores busy.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
    if workers <= 1 || items.count < 2 { return items.map(transform) }
    let box = ResultBox<R>(count: items.count)
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
        while true {
            let i = next.take()
            if i >= items.count { break }
            box.set(i, transform(items[i]))
        }
    }
    return box.values()
}

/// Each slot is written by exactly one worker (the one that took its index from ``Counter``) and
/// read only after `concurrentPerform` has returned, which orders all writes before the read.
private final class ResultBox<R>: @unchecked Sendable {
    private var slots: [R?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: R) { slots.withUnsafeMutableBufferPointer { $0[i] = value } }
    func values() -> [R] { slots.map { $0! } }
}

/// A counter shared by the workers; `take` is serialised by a lock.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLockLite()
    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let v = value
        value += 1
        return v
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex owned by a class (so its address is stable). Safe to share: pthread mutexes are
/// made to be used from several threads.
final class NSLockLite: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func lock() { pthread_mutex_lock(mutex) }
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
    func unlock() { pthread_mutex_unlock(mutex) }
}
