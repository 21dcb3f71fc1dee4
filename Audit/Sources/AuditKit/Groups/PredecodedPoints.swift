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
    private var points: [Bytes32: audit_point] = [:]
    private let lock = NSLockLite()

    /// Decodes the element fields of a `ballot.cast` payload (`contests[].selections[].a/b/t[]` and
    /// `contests[].range.t[]`) that are 64 hex digits, and keeps those that are valid.
    func prepare(ballot json: JSON) {
        guard let members = json.objectMembers,
              let contests = members.first(where: { $0.0 == "contests" })?.1.arrayValue else { return }
        var found: [(Bytes32, audit_point)] = []
        func take(_ value: JSON?) {
            guard let text = value?.stringValue, let encoding = Hex.decode32(text) else { return }
            var p = audit_point()
            if encoding.withBytes({ audit_ristretto_decode(&p, $0) }) == 1 { found.append((encoding, p)) }
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

    /// The decoded point of `encoding` if it was prepared (and forgets it), else nil.
    func take(_ encoding: Bytes32) -> audit_point? {
        lock.lock()
        defer { lock.unlock() }
        return points.removeValue(forKey: encoding)
    }
}
