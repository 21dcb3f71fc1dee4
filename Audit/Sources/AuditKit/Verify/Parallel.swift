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

/// One slot per item, allocated once up front. Each slot is written by exactly one worker (the one
/// that took its index from ``Counter``), straight into the buffer: the workers never touch a shared
/// Swift array (whose every write is a formal access to the whole array, a data race even on
/// disjoint elements). Read only after `concurrentPerform` has returned, which orders all writes
/// before the read.
private final class ResultBox<R>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<R?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    func set(_ i: Int, _ value: R) { slots[i] = value }
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
