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

/// SHA-256 and SHA-512 (FIPS 180-4) through libsodium.
public enum Hash {
    /// SHA-256 of the bytes.
    public static func sha256<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: 32)
        let rc = data.withContiguousStorageIfAvailable { buf in
            crypto_hash_sha256(&out, buf.baseAddress, UInt64(buf.count))
        } ?? Array(data).withUnsafeBufferPointer { buf in
            crypto_hash_sha256(&out, buf.baseAddress, UInt64(buf.count))
        }
        precondition(rc == 0)
        return out
    }

    /// SHA-256 of several byte strings concatenated, without building the concatenation.
    public static func sha256(parts: [[UInt8]]) -> [UInt8] {
        Sodium.ensure()
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        for p in parts { crypto_hash_sha256_update(&state, p, UInt64(p.count)) }
        var out = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256_final(&state, &out)
        return out
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
