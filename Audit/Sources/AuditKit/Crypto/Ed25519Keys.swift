import AuditCurve

/// Ed25519 public keys as AuditCurve decodes them (canonical, on the curve, not of small order, in the
/// prime-order subgroup: libsodium's `crypto_core_ed25519_is_valid_point`), remembered by their exact
/// bytes. A citizen's credential is checked on the roll and then again as the key of each signature it
/// makes; the subgroup test costs about six inverse square roots, so each key pays it once.
///
/// Thread-safe; the answer for given bytes never changes, so sharing it between records and tests is
/// harmless. It stops growing at ``limit`` keys (later keys are decoded each time).
final class Ed25519Keys: @unchecked Sendable {
    static let shared = Ed25519Keys()
    static let limit = 1 << 20

    // Guarded by `lock`: the decoded point of a valid key, nil for a refused one.
    private var known: [Bytes32: audit_point?] = [:]
    private let lock = NSLockLite()

    /// The decoded point of a valid key, or nil (wrong length, or refused).
    func point(_ key: [UInt8]) -> audit_point? {
        guard key.count == 32 else { return nil }
        let k = Bytes32(key)
        lock.lock()
        let cached = known[k]
        lock.unlock()
        if let cached { return cached }
        var p = audit_point()
        let decoded: audit_point? = audit_ed25519_decode_batchable(&p, key) == 1 ? p : nil
        lock.lock()
        if known.count < Self.limit { known[k] = .some(decoded) }
        lock.unlock()
        return decoded
    }
}
