import CSodium

/// A buffer for secrets: wiped with `sodium_memzero` when the last copy goes away, compared in
/// constant time with `sodium_memcmp`, and never printed.
///
/// - Important: `description` and `debugDescription` show only the length. Bytes copied *out* with
///   ``withUnsafeBytes(_:)`` or ``copyBytes()`` are the caller's to wipe.
public struct SecureBytes: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Owns the heap buffer; immutable after `init`, which is why sharing it is safe.
    final class Storage: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            buffer = .allocate(byteCount: max(count, 1), alignment: 16)
            // Keep the logical length separate from the allocation (an empty secret allocates 1 byte).
            self.count = count
        }
        let count: Int

        deinit {
            Sodium.ensureInitialized()
            sodium_memzero(buffer.baseAddress, buffer.count)
            buffer.deallocate()
        }
    }

    let storage: Storage

    /// Copies `bytes` into a new secure buffer. The source is not wiped (it may be a literal);
    /// prefer ``init(count:initializer:)`` to produce secrets directly into secure memory.
    public init(_ bytes: some Collection<UInt8>) {
        storage = Storage(count: bytes.count)
        UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<bytes.count]).copyBytes(from: bytes)
    }

    /// Creates a buffer of `count` bytes and lets `initializer` write them in place.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        precondition(count >= 0, "negative length")
        storage = Storage(count: count)
        storage.buffer.initializeMemory(as: UInt8.self, repeating: 0)
        try initializer(UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<count]))
    }

    /// `count` fresh random bytes from libsodium's CSPRNG.
    public static func random(count: Int) -> SecureBytes {
        SecureBytes(count: count) { SecureRandom.fill($0) }
    }

    /// The number of bytes held.
    public var count: Int { storage.count }

    /// Read-only access to the bytes, without copying.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage.buffer[0..<storage.count]))
    }

    /// A copy of the bytes as an array. The caller owns (and should avoid keeping) the copy.
    public func copyBytes() -> [UInt8] { withUnsafeBytes { Array($0) } }

    /// Constant-time comparison (`sodium_memcmp`); lengths are public.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.count == 0 { return true }
        Sodium.ensureInitialized()
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in sodium_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 } }
    }

    /// Zeroes memory that held a secret outside a ``SecureBytes`` (`sodium_memzero`, which the
    /// compiler may not remove as a dead store).
    public static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        Sodium.ensureInitialized()
        sodium_memzero(base, buffer.count)
    }

    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
}

extension UnsafeRawBufferPointer {
    /// The base address as bytes. Only for buffers from ``SecureBytes`` or arrays, which always
    /// have a base address (even when empty, ``SecureBytes`` allocates at least one byte).
    var u8: UnsafePointer<UInt8> { baseAddress!.assumingMemoryBound(to: UInt8.self) }
}

extension UnsafeMutableRawBufferPointer {
    /// The base address as bytes; see `UnsafeRawBufferPointer.u8`.
    var u8: UnsafeMutablePointer<UInt8> { baseAddress!.assumingMemoryBound(to: UInt8.self) }
}
