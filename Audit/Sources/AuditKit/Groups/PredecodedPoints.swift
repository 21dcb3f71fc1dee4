import AuditCurve

/// ristretto255 elements of ballots decoded ahead of time on the worker threads, so that the
/// sequential pass (which must check entries in log order) finds them decoded instead of spending an
/// inverse square root per element on the one thread nothing else can share.
///
/// Only elements that decoded successfully are stored, keyed by their exact 32-byte encoding, and the
/// point stored is what `audit_ristretto_decode` returns for those bytes: ``Ristretto255/element(_:)``
/// gives the same answer with or without this cache (an invalid encoding is never in it and is refused
/// by the decoder as before). An entry is removed when it is used; the cache stops growing at
/// ``limit`` entries (elements of ballots refused before their elements are read stay until then).
final class PredecodedPoints: @unchecked Sendable {
    static let shared = PredecodedPoints()
    static let limit = 1 << 20

    // Guarded by `lock`.
    private var points: [Key: audit_point] = [:]
    private let lock = NSLockLite()

    /// Decodes the element fields of a `ballot.cast` payload (`contests[].selections[].a/b/t[]` and
    /// `contests[].range.t[]`) that are 64 hex digits, and keeps those that are valid.
    func prepare(ballot json: JSON) {
        guard let members = json.objectMembers,
              let contests = members.first(where: { $0.0 == "contests" })?.1.arrayValue else { return }
        var found: [(Key, audit_point)] = []
        func take(_ value: JSON?) {
            guard let text = value?.stringValue, text.utf8.count == 64,
                  let bytes = try? Hex.decode(text, length: 32) else { return }
            var p = audit_point()
            if audit_ristretto_decode(&p, bytes) == 1 { found.append((Key(bytes), p)) }
        }
        func field(_ object: JSON, _ name: String) -> JSON? { object.objectMembers?.first(where: { $0.0 == name })?.1 }
        for contest in contests {
            for sel in field(contest, "selections")?.arrayValue ?? [] {
                take(field(sel, "a"))
                take(field(sel, "b"))
                for t in field(sel, "t")?.arrayValue ?? [] { take(t) }
            }
            if let range = field(contest, "range") { for t in field(range, "t")?.arrayValue ?? [] { take(t) } }
        }
        guard !found.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        guard points.count < Self.limit else { return }
        for (k, p) in found { points[k] = p }
    }

    /// The decoded point of `bytes` if it was prepared (and forgets it), else nil.
    func take(_ bytes: [UInt8]) -> audit_point? {
        guard bytes.count == 32 else { return nil }
        let key = Key(bytes)
        lock.lock()
        defer { lock.unlock() }
        return points.removeValue(forKey: key)
    }

    /// A 32-byte encoding as four words: hashed in four steps rather than 32 (SIMD32's hash).
    struct Key: Hashable {
        let w0, w1, w2, w3: UInt64
        init(_ bytes: [UInt8]) {
            func word(_ k: Int) -> UInt64 {
                var v: UInt64 = 0
                for j in 0..<8 { v |= UInt64(bytes[8 * k + j]) << (8 * j) }
                return v
            }
            w0 = word(0); w1 = word(1); w2 = word(2); w3 = word(3)
        }
    }
}
