import CRistretto
import CSodium

/// Ed25519 key expansion and signing (RFC 8032 §5.1.5–5.1.6) with CRistretto's constant-time
/// fixed-base multiplication (`cr_ed25519_scalarmult_base`) in place of libsodium's ref10 one, which
/// was the largest cost of enrolling a citizen (a credential key and a signature each). Hashes and
/// scalar arithmetic stay libsodium's (SHA-512; `crypto_core_ed25519_scalar_*`, constant time), and
/// the steps are `crypto_sign_seed_keypair` / `crypto_sign_detached`'s, so keys and signatures are byte
/// for byte libsodium's (Ed25519SigningTests compares them on random seeds and messages).
enum Ed25519Signing {
    /// The expanded secret: seed (32 bytes) ‖ clamped scalar a (32) ‖ nonce prefix (32).
    static let secretByteCount = 96

    /// Fills `expanded` (``secretByteCount`` bytes) from the 32-byte `seed` and writes the public key
    /// [a]B into `publicKey`: SHA-512(seed) = a ‖ prefix, a clamped (RFC 8032 §5.1.5).
    static func expand(seed: UnsafeRawBufferPointer, into expanded: UnsafeMutableRawBufferPointer, publicKey: inout [UInt8]) {
        expandOnly(seed: seed, into: expanded)
        let out = expanded.baseAddress!.assumingMemoryBound(to: UInt8.self)
        publicKey.withUnsafeMutableBufferPointer { cr_ed25519_scalarmult_base($0.baseAddress!, out + 32) }
    }

    /// SHA-512(seed) = a ‖ prefix after the seed in `expanded`, a clamped; no public key yet.
    static func expandOnly(seed: UnsafeRawBufferPointer, into expanded: UnsafeMutableRawBufferPointer) {
        precondition(seed.count == 32 && expanded.count == secretByteCount)
        Sodium.ensureInitialized()
        let out = expanded.baseAddress!.assumingMemoryBound(to: UInt8.self)
        out.update(from: seed.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 32)
        _ = crypto_hash_sha512(out + 32, out, 32)   // returns 0 on every input
        out[32] &= 248
        out[63] &= 127
        out[63] |= 64
    }

    /// Writes the 64-byte signature R ‖ S of `message` into `signature`:
    /// r = SHA-512(prefix ‖ M) mod L, R = [r]B, h = SHA-512(R ‖ A ‖ M) mod L, S = (r + h·a) mod L.
    /// The nonce and the intermediate scalars are wiped.
    static func sign(_ message: UnsafeRawBufferPointer, expanded: UnsafeRawBufferPointer, publicKey: UnsafeRawBufferPointer,
                     into signature: UnsafeMutableRawBufferPointer) {
        precondition(signature.count == 64)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { r in
            nonce(message, expanded: expanded, into: r.baseAddress!)
            cr_ed25519_scalarmult_base(signature.baseAddress!.assumingMemoryBound(to: UInt8.self), r.baseAddress!)
            finish(message, expanded: expanded, publicKey: publicKey, nonce: r.baseAddress!, into: signature)
            sodium_memzero(r.baseAddress!, 32)
        }
    }

    /// r = SHA-512(prefix ‖ M) mod L (32 bytes into `r`).
    static func nonce(_ message: UnsafeRawBufferPointer, expanded: UnsafeRawBufferPointer, into r: UnsafeMutablePointer<UInt8>) {
        precondition(expanded.count == secretByteCount)
        Sodium.ensureInitialized()
        let sk = expanded.baseAddress!.assumingMemoryBound(to: UInt8.self)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { wide in
            var state = crypto_hash_sha512_state()
            crypto_hash_sha512_init(&state)
            crypto_hash_sha512_update(&state, sk + 64, 32)
            crypto_hash_sha512_update(&state, message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count))
            crypto_hash_sha512_final(&state, wide.baseAddress!)
            crypto_core_ed25519_scalar_reduce(r, wide.baseAddress!)
            sodium_memzero(wide.baseAddress!, 64)
            withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress, $0.count) }
        }
    }

    /// Given R (the first 32 bytes of `signature`, [r]B's encoding) and the nonce r: A after R, then
    /// S = (r + SHA-512(R ‖ A ‖ M)·a) mod L.
    static func finish(_ message: UnsafeRawBufferPointer, expanded: UnsafeRawBufferPointer, publicKey: UnsafeRawBufferPointer,
                       nonce r: UnsafePointer<UInt8>, into signature: UnsafeMutableRawBufferPointer) {
        precondition(expanded.count == secretByteCount && publicKey.count == 32 && signature.count == 64)
        let sk = expanded.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let sig = signature.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let m = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // Scratch: wide hash (64) ‖ h (32) ‖ h·a (32).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { scratch in
            let wide = scratch.baseAddress!, h = wide + 64, ha = wide + 96
            (sig + 32).update(from: publicKey.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 32)
            var state = crypto_hash_sha512_state()
            crypto_hash_sha512_init(&state)
            crypto_hash_sha512_update(&state, sig, 64)
            crypto_hash_sha512_update(&state, m, UInt64(message.count))
            crypto_hash_sha512_final(&state, wide)
            crypto_core_ed25519_scalar_reduce(h, wide)
            crypto_core_ed25519_scalar_mul(ha, h, sk + 32)
            crypto_core_ed25519_scalar_add(sig + 32, ha, r)
            sodium_memzero(wide, 128)
        }
    }
}
