import AuditSHA
import AuditSodium

/// The audit's funnel into libsodium: initialisation once, and every return code checked here.
enum Sodium {
    /// `sodium_init` is idempotent and thread-safe; a static `let` runs it exactly once.
    static let initialized: Bool = sodium_init() >= 0

    @inline(__always)
    static func ensure() {
        precondition(initialized, "libsodium failed to initialise")
    }

    /// Turns a libsodium return code into a typed error.
    @inline(__always)
    static func check(_ rc: Int32, _ what: @autoclosure () -> String) throws(AuditError) {
        guard rc == 0 else { throw .crypto("libsodium refused: \(what())") }
    }
}

/// SHA-256 and SHA-512 (FIPS 180-4) through libsodium, SHA-256 through the CPU's SHA extensions
/// (AuditSHA) where it has them: every entry line and ballot payload (~57 MB for the demo record) is
/// hashed, and libsodium's portable SHA-256 is about six times slower.
public enum Hash {
    /// Whether AuditSHA can run on this CPU (checked once).
    static let hardwareSHA256: Bool = audit_sha256_available() == 1

    /// SHA-256 of the bytes.
    public static func sha256<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ sha256(buffers: [UnsafeRawBufferPointer($0)]) }) { return digest }
        return Array(data).withUnsafeBytes { sha256(buffers: [$0]) }
    }

    /// SHA-256 of several byte strings concatenated, without building the concatenation.
    public static func sha256(parts: [[UInt8]]) -> [UInt8] {
        switch parts.count {
        case 1: return parts[0].withUnsafeBytes { sha256(buffers: [$0]) }
        case 2: return parts[0].withUnsafeBytes { a in parts[1].withUnsafeBytes { b in sha256(buffers: [a, b]) } }
        default:
            var all: [UInt8] = []
            for p in parts { all += p }
            return all.withUnsafeBytes { sha256(buffers: [$0]) }
        }
    }

    /// SHA-256 of the buffers concatenated: AuditSHA, or libsodium on a CPU without SHA extensions.
    private static func sha256(buffers: [UnsafeRawBufferPointer]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, initialized in
            if hardwareSHA256 {
                var ctx = audit_sha256_ctx()
                audit_sha256_init(&ctx)
                for b in buffers where b.count > 0 {
                    audit_sha256_update(&ctx, b.baseAddress!.assumingMemoryBound(to: UInt8.self), b.count)
                }
                audit_sha256_final(&ctx, out.baseAddress!)
            } else {
                Sodium.ensure()
                var state = crypto_hash_sha256_state()
                crypto_hash_sha256_init(&state)
                for b in buffers where b.count > 0 {
                    crypto_hash_sha256_update(&state, b.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(b.count))
                }
                crypto_hash_sha256_final(&state, out.baseAddress!)
            }
            initialized = 32
        }
    }

    /// SHA-512 of the bytes.
    public static func sha512<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: 64)
        let rc = data.withContiguousStorageIfAvailable { buf in
            crypto_hash_sha512(&out, buf.baseAddress, UInt64(buf.count))
        } ?? Array(data).withUnsafeBufferPointer { buf in
            crypto_hash_sha512(&out, buf.baseAddress, UInt64(buf.count))
        }
        precondition(rc == 0)
        return out
    }
}

/// Ed25519 (RFC 8032) signature verification.
public enum Ed25519 {
    /// True iff `signature` (64 bytes) is a valid signature of `message` under `publicKey` (32 bytes).
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Sodium.ensure()
        guard signature.count == 64, publicKey.count == 32 else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}
