/// A fixed-size heap buffer for secret bytes that is zeroed before its memory is freed.
///
/// Stand-in until CivicCrypto's `SecureBytes` (libsodium `sodium_malloc`/`sodium_memzero`) is
/// available to this module; BallotCore has no C imports, so the wipe here is plain Swift:
/// `initializeMemory(as:repeating:)` in a function that is neither inlined nor optimised, so the
/// stores cannot be removed as dead before `deallocate()`. It does not lock the pages in memory.
///
/// - Important: never give this type a `description` that shows the bytes, and never copy the bytes
///   into an `Array` or `String` that outlives a `withBytes` call.
final class SecretBuffer: @unchecked Sendable {
    // @unchecked Sendable: the pointer is immutable; the bytes are written only by the code that
    // creates the buffer, before it is shared, and by `deinit`, when no other reference exists.
    private let bytes: UnsafeMutableRawBufferPointer

    /// A zero-filled buffer of `count` bytes.
    init(count: Int) {
        bytes = .allocate(byteCount: count, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        SecretBuffer.wipe(bytes)
        bytes.deallocate()
    }

    var count: Int { bytes.count }

    /// Read access for the owner.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(bytes))
    }

    /// Write access, only while the buffer is being filled and before it is shared.
    func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(bytes)
    }

    subscript(index: Int) -> UInt8 {
        get { bytes[index] }
        set { bytes[index] = newValue }
    }

    /// Zeroes `buffer`. Kept out of line and unoptimised so the stores survive dead-store elimination.
    @inline(never) @_optimize(none)
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
    }
}

extension SecretBuffer: CustomStringConvertible, CustomDebugStringConvertible {
    var description: String { "SecretBuffer(redacted)" }
    var debugDescription: String { description }
}
