import CRistretto
import CSodium

extension Ed25519 {
    /// Below this many signatures the batch's fixed cost (128 multiplications by the group order in the
    /// subgroup test) outweighs what it saves, and libsodium checks them one by one.
    public static let batchThreshold = 256

    /// The position of the first signature that libsodium 1.0.18's `crypto_sign_verify_detached` refuses,
    /// or nil when it accepts them all: `item(i)` gives the i-th signature, its signer's raw 32-byte key
    /// and the message signed after `prefix` (the message is `prefix ‖ message`).
    ///
    /// From ``batchThreshold`` signatures on, they are checked together (random linear combination, one
    /// multi-scalar multiplication, CRistretto): a signature enters the batch only when s < L and A and R
    /// are canonical encodings of points other than the identity, and the batch passes only when every
    /// A and R lies in the prime-order subgroup (where the cofactorless equation libsodium checks and the
    /// combined one agree) and Σ z·(R + [h]A − [s]B) is the neutral element, for weights z of 128 bits
    /// from the CSPRNG. A wrong "all valid" has probability at most 2^-127. Anything else (a signature
    /// that does not enter the batch, a batch that fails) goes to libsodium one by one, which names the
    /// first bad signature, so the set accepted is exactly libsodium's.
    public static func firstInvalidSignature(
        count: Int, prefix: [UInt8], _ item: (Int) -> (signature: [UInt8], publicKey: [UInt8], message: [UInt8])
    ) -> Int? {
        Sodium.ensureInitialized()
        func oneByOne() -> Int? {
            for i in 0..<count {
                let (signature, publicKey, message) = item(i)
                if !verify(signature: signature, message: prefix + message, rawPublicKey: publicKey) { return i }
            }
            return nil
        }
        guard count >= batchThreshold, batchAccepts(count: count, prefix: prefix, item) else { return oneByOne() }
        return nil
    }

    /// True only if every signature is valid (see ``firstInvalidSignature(count:prefix:_:)``); false
    /// when one is not, or when one does not fit the batch's rules (then libsodium decides).
    static func batchAccepts(
        count: Int, prefix: [UInt8], _ item: (Int) -> (signature: [UInt8], publicKey: [UInt8], message: [UInt8])
    ) -> Bool {
        var points = [cr_point](repeating: cr_point(), count: count)
        // Per entry: its weight z (16 random bytes, then 16 zero bytes) as a 32-byte scalar.
        var scalars = [UInt8](repeating: 0, count: 32 * count)
        var weights = [UInt8](repeating: 0, count: 16 * count)
        randombytes_buf(&weights, weights.count)
        var authorPosition: [[UInt8]: Int] = [:]
        var authorPoints: [cr_point] = []
        var authorScalars: [UInt8] = []   // Σ z·h per distinct key, 32 bytes each
        var baseSum = [UInt8](repeating: 0, count: 32)   // Σ z·s
        var h = [UInt8](repeating: 0, count: 64)
        var reduced = [UInt8](repeating: 0, count: 32)
        var product = [UInt8](repeating: 0, count: 32)
        var state = crypto_hash_sha512_state()
        for i in 0..<count {
            let (signature, publicKey, message) = item(i)
            guard signature.count == 64, publicKey.count == 32 else { return false }
            let accepted: Bool = signature.withUnsafeBufferPointer { sig in
                let r = sig.baseAddress!, s = sig.baseAddress! + 32
                guard cr_ed25519_scalar_is_canonical(s) == 1,
                      cr_ed25519_decode_vartime(&points[i], r) == 0, cr_ed25519_x_is_zero(&points[i]) == 0
                else { return false }
                let author: Int
                if let known = authorPosition[publicKey] {
                    author = known
                } else {
                    var a = cr_point()
                    guard cr_ed25519_decode_vartime(&a, publicKey) == 0, cr_ed25519_x_is_zero(&a) == 0 else { return false }
                    author = authorPoints.count
                    authorPosition[publicKey] = author
                    authorPoints.append(a)
                    authorScalars.append(contentsOf: repeatElement(0, count: 32))
                }
                // h = SHA-512(R ‖ A ‖ prefix ‖ message) mod L, as RFC 8032 §5.1.7.
                crypto_hash_sha512_init(&state)
                crypto_hash_sha512_update(&state, r, 32)
                crypto_hash_sha512_update(&state, publicKey, 32)
                crypto_hash_sha512_update(&state, prefix, UInt64(prefix.count))
                crypto_hash_sha512_update(&state, message, UInt64(message.count))
                crypto_hash_sha512_final(&state, &h)
                crypto_core_ed25519_scalar_reduce(&reduced, h)
                scalars.withUnsafeMutableBufferPointer { z in
                    let zi = z.baseAddress! + 32 * i
                    weights.withUnsafeBufferPointer { w in zi.update(from: w.baseAddress! + 16 * i, count: 16) }
                    crypto_core_ed25519_scalar_mul(&product, zi, reduced)
                    authorScalars.withUnsafeMutableBufferPointer { a in
                        let sum = a.baseAddress! + 32 * author
                        crypto_core_ed25519_scalar_add(sum, sum, product)
                    }
                    crypto_core_ed25519_scalar_mul(&product, zi, s)
                    baseSum.withUnsafeMutableBufferPointer { b in crypto_core_ed25519_scalar_add(b.baseAddress!, b.baseAddress!, product) }
                }
                return true
            }
            guard accepted else { return false }
        }
        points.append(contentsOf: authorPoints)
        scalars.append(contentsOf: authorScalars)
        var subsetBits = [UInt8](repeating: 0, count: 16 * points.count)
        randombytes_buf(&subsetBits, subsetBits.count)
        guard cr_ed25519_in_prime_subgroup_batch(points, points.count, subsetBits) == 1 else { return false }
        var base = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_negate(&base, baseSum)
        return cr_ed25519_sum_is_neutral_vartime(scalars, points, points.count, base) == 1
    }
}
