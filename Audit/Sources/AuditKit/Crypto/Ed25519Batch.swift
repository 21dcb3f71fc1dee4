import AuditCurve
import AuditSodium

/// One Ed25519 signature to check: `signature` (64 bytes) over `prefix || message` under `publicKey`
/// (32 bytes). The prefix is kept apart so that entries need not copy their payloads to be hashed.
public struct SignatureCheck: Sendable {
    public var signature: [UInt8]
    public var publicKey: [UInt8]
    public var prefix: [UInt8]
    public var message: [UInt8]

    public init(signature: [UInt8], publicKey: [UInt8], prefix: [UInt8] = [], message: [UInt8]) {
        self.signature = signature
        self.publicKey = publicKey
        self.prefix = prefix
        self.message = message
    }

    /// libsodium's answer for this one signature (the reference the batch must agree with).
    public var verifiesAlone: Bool { Ed25519.verify(signature: signature, message: prefix + message, publicKey: publicKey) }
}

extension Ed25519 {
    /// For each signature, whether it verifies: exactly libsodium's `crypto_sign_verify_detached`
    /// answer (SPEC.md §2.2), found with one multi-scalar sum for the whole batch when it can be.
    ///
    /// A signature joins the batch only if `s < L` and both `R` and `A` are canonical encodings of
    /// points of the prime-order subgroup other than the identity (AuditCurve checks). For those,
    /// libsodium's checks other than its equation hold, and its cofactorless equation
    /// `[s]B = R + [h]A` is the same as the cofactored one. The batch then checks
    /// `[8]·(Σ z_i·R_i + Σ_A (Σ z_i·h_i)·A − [Σ z_i·s_i]B) = 0` under independent random 128-bit
    /// weights `z_i`: a set holding a false signature passes with probability ≤ 2^-128. If the sum is
    /// not the identity, or a signature could not join, libsodium checks those one by one, so a
    /// failure always names the right entry.
    public static func verifyAll(_ items: [SignatureCheck]) -> [Bool] {
        Sodium.ensure()
        var results = [Bool](repeating: false, count: items.count)
        var batch: [Int] = []
        var rPoints: [audit_point] = []
        var rScalars: [UInt8] = []
        var keySlot: [[UInt8]: Int] = [:]          // public key → index in keyPoints, or -1 if it cannot join
        var keyPoints: [audit_point] = []
        // Σ z_i·h_i per key and Σ z_i·s_i, as 512-bit sums reduced mod L once at the end.
        var keySums: [[UInt64]] = []
        var bSum = [UInt64](repeating: 0, count: 8)
        var weights = [UInt8](repeating: 0, count: 16 * max(1, items.count))
        randombytes_buf(&weights, weights.count)
        var z = [UInt8](repeating: 0, count: 32)
        var h = [UInt8](repeating: 0, count: 32)
        var point = audit_point()

        for (i, item) in items.enumerated() {
            guard item.signature.count == 64, item.publicKey.count == 32, scalarIsCanonical(item.signature, from: 32) else {
                results[i] = item.verifiesAlone
                continue
            }
            let slot: Int
            if let known = keySlot[item.publicKey] {
                slot = known
            } else if let key = Ed25519Keys.shared.point(item.publicKey) {
                slot = keyPoints.count
                keyPoints.append(key)
                keySums.append([UInt64](repeating: 0, count: 8))
                keySlot[item.publicKey] = slot
            } else {
                slot = -1
                keySlot[item.publicKey] = -1
            }
            let joined = slot >= 0 && item.signature.withUnsafeBufferPointer { audit_ed25519_decode_batchable(&point, $0.baseAddress!) } == 1
            guard joined else {
                results[i] = item.verifiesAlone
                continue
            }
            challenge(&h, item)
            for k in 0..<16 { z[k] = weights[16 * i + k] }
            audit_scalar_muladd_wide(&keySums[slot], z, h)
            item.signature.withUnsafeBufferPointer { audit_scalar_muladd_wide(&bSum, z, $0.baseAddress! + 32) }
            rPoints.append(point)
            rScalars += z
            batch.append(i)
        }
        guard !batch.isEmpty else { return results }

        // The sum is written Σ z_i·R_i + Σ_A (Σ z_i·h_i)·A − (Σ z_i·s_i)·B, so that the many R_i keep
        // their 128-bit weights (the bucket sum skips their empty top windows) and only B is negated.
        var points = [basePoint]
        points += rPoints
        points += keyPoints
        var scalars = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_negate(&scalars, reduced(bSum))
        scalars += rScalars
        for sum in keySums { scalars += reduced(sum) }
        precondition(scalars.count == 32 * points.count, "AuditCurve reads 32 scalar bytes per point")
        let rc = audit_ed25519_points_sum_is_identity(points, scalars, points.count)
        precondition(rc >= 0, "AuditCurve ran out of memory")
        for i in batch { results[i] = rc == 1 ? true : items[i].verifiesAlone }
        return results
    }

    /// A 512-bit little-endian sum of words, reduced mod L.
    private static func reduced(_ words: [UInt64]) -> [UInt8] {
        var wide = [UInt8](repeating: 0, count: 64)
        for (k, w) in words.enumerated() { for j in 0..<8 { wide[8 * k + j] = UInt8(truncatingIfNeeded: w >> (8 * j)) } }
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&out, wide)
        return out
    }

    /// The Ed25519 base point, decoded once.
    private static let basePoint: audit_point = {
        var p = audit_point()
        let ok = audit_ed25519_decode_batchable(&p, Hex.uncheckedDecode("5866666666666666666666666666666666666666666666666666666666666666"))
        precondition(ok == 1, "AuditCurve refused the Ed25519 base point")
        return p
    }()

    /// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    private static let order: [UInt8] = Hex.uncheckedDecode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

    /// `bytes[from ..< from + 32]`, little-endian, is below L (libsodium refuses other `s`).
    static func scalarIsCanonical(_ bytes: [UInt8], from: Int) -> Bool {
        for k in stride(from: 31, through: 0, by: -1) where bytes[from + k] != order[k] {
            return bytes[from + k] < order[k]
        }
        return false
    }

    /// h = SHA-512(R || A || prefix || message) mod L (RFC 8032 §5.1.7).
    private static func challenge(_ out: inout [UInt8], _ item: SignatureCheck) {
        var state = crypto_hash_sha512_state()
        crypto_hash_sha512_init(&state)
        crypto_hash_sha512_update(&state, item.signature, 32)
        crypto_hash_sha512_update(&state, item.publicKey, 32)
        crypto_hash_sha512_update(&state, item.prefix, UInt64(item.prefix.count))
        crypto_hash_sha512_update(&state, item.message, UInt64(item.message.count))
        var digest = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512_final(&state, &digest)
        crypto_core_ed25519_scalar_reduce(&out, digest)
    }
}
