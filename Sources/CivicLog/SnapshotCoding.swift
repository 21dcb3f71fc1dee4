/// A compact binary form for the node's persisted projection snapshots (never part of the public
/// record): little-endian varints, length-prefixed bytes and strings.
///
/// A snapshot is only a cache of what the log already says. It is tied to a tree size and root,
/// authenticated by the node, and thrown away and rebuilt from the log whenever anything about it
/// does not match, so its format can change freely (bump ``SnapshotWriter/formatVersion``).
public struct SnapshotWriter: Sendable {
    /// Changes whenever any module's snapshot layout changes; older snapshots are then rebuilt.
    /// 2: the election's roll, counted ballots and seen ballots are kept outside (node rows).
    /// 3: no challenged ciphertexts (BAL-5's randomness digests are seen rows).
    public static let formatVersion = 3

    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func int(_ value: Int) {
        // ZigZag so that small negative numbers (e.g. -1 for "none") stay short.
        var v = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func bytes(_ value: [UInt8]) {
        int(value.count)
        bytes.append(contentsOf: value)
    }

    public mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    public mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    public mutating func optionalInt(_ value: Int?) {
        bool(value != nil)
        if let value { int(value) }
    }

    public mutating func ints(_ values: [Int]) {
        int(values.count)
        for v in values { int(v) }
    }
}

/// Reads what ``SnapshotWriter`` wrote; any inconsistency throws ``LogError/damagedSnapshot``, and the
/// node then rebuilds.
public struct SnapshotReader {

    private let buffer: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.buffer = bytes }

    public var isAtEnd: Bool { position == buffer.count }

    public mutating func int() throws(LogError) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count, shift < 64 else { throw .damagedSnapshot }
            let b = buffer[position]
            position += 1
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        let signed = Int64(bitPattern: value)
        return Int((signed >> 1) ^ -(signed & 1))
    }

    public mutating func bool() throws(LogError) -> Bool {
        guard position < buffer.count, buffer[position] <= 1 else { throw .damagedSnapshot }
        position += 1
        return buffer[position - 1] == 1
    }

    public mutating func bytes() throws(LogError) -> [UInt8] {
        let count = try int()
        guard count >= 0, count <= buffer.count - position else { throw .damagedSnapshot }
        defer { position += count }
        return Array(buffer[position..<(position + count)])
    }

    public mutating func string() throws(LogError) -> String {
        let count = try int()
        guard count >= 0, count <= buffer.count - position else { throw .damagedSnapshot }
        defer { position += count }
        guard let s = String(validating: buffer[position..<(position + count)], as: UTF8.self) else { throw .damagedSnapshot }
        return s
    }

    public mutating func optionalString() throws(LogError) -> String? { try bool() ? try string() : nil }

    public mutating func optionalInt() throws(LogError) -> Int? { try bool() ? try int() : nil }

    public mutating func ints() throws(LogError) -> [Int] {
        let count = try int()
        guard count >= 0, count <= buffer.count - position else { throw .damagedSnapshot }
        var out: [Int] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try int()) }
        return out
    }

    /// A count of items to read, bounded by the bytes left (each item takes at least one byte).
    public mutating func count() throws(LogError) -> Int {
        let n = try int()
        guard n >= 0, n <= buffer.count - position else { throw .damagedSnapshot }
        return n
    }
}

/// A value kept in the compact binary form of ``SnapshotWriter``, inside a snapshot and alone as a
/// stored row: the one home of ``encoded``, so that the two forms cannot drift apart.
public protocol SnapshotEncodable {
    /// Appends the value's fields to `w` (what a snapshot holds for it).
    func encode(into w: inout SnapshotWriter)
}

extension SnapshotEncodable {
    /// The value alone in the compact binary form (a stored row).
    public var encoded: [UInt8] {
        var w = SnapshotWriter()
        encode(into: &w)
        return w.bytes
    }
}

extension SnapshotReader {
    /// Reads one value from `bytes` with `read`, which must use them all: the reverse of
    /// ``SnapshotEncodable/encoded``.
    /// - Throws: ``LogError/damagedSnapshot`` if bytes are left over, or what `read` throws.
    public static func whole<T>(_ bytes: [UInt8], _ read: (inout SnapshotReader) throws -> T) throws -> T {
        var r = SnapshotReader(bytes)
        let value = try read(&r)
        guard r.isAtEnd else { throw LogError.damagedSnapshot }
        return value
    }
}
