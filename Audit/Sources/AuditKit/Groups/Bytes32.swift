/// Exactly 32 bytes held inline (one homogeneous tuple, so its memory is the bytes in order).
///
/// ristretto255 elements and scalars are 32-byte encodings; kept as `[UInt8]` each one was a heap
/// array, so every group operation allocated (and looked up the array's generic metadata) and every
/// copy retained. As a plain value a copy is a 32-byte move and nothing is allocated or counted.
public struct Bytes32: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Thirty-two zero bytes.
    public static let zero = Bytes32()

    private init() {}

    /// The bytes of `bytes`, which must hold exactly 32.
    public init(_ bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "Bytes32 holds exactly 32 bytes")
        self.init()
        withUnsafeMutableBytes(of: &words) { out in
            for (k, b) in bytes.enumerated() { out[k] = b }
        }
    }

    /// Thirty-two bytes written by `fill` into a zeroed buffer (a C routine's output).
    @inline(__always)
    public init(filling fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        self.init()
        withUnsafeMutableBytes(of: &words) { fill($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Reads the 32 bytes at `pointer`.
    @inline(__always)
    init(copying pointer: UnsafeRawPointer) {
        self.init()
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: 32)) }
    }

    /// Calls `body` with a pointer to the 32 bytes (valid only during the call).
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: words) { try body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The bytes as an array.
    public var array: [UInt8] { withUnsafeBytes(of: words) { Array($0) } }

    /// Appends the 32 bytes to `out`.
    @inline(__always)
    public func append(to out: inout [UInt8]) { withUnsafeBytes(of: words) { out.append(contentsOf: $0) } }

    public static func == (a: Bytes32, b: Bytes32) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
