import AuditCurve
import AuditKit
import AuditSodium
import Foundation
import Testing

/// The batch check of Ed25519 signatures (``Ed25519/verifyAll(_:)``, SPEC.md §2.2) must answer exactly
/// as libsodium's `crypto_sign_verify_detached` does for every signature, crafted cofactor cases included.
@Suite struct Ed25519BatchTests {
    static func hex(_ s: String) -> [UInt8] { try! Hex.decode(s) }
    func hex(_ s: String) -> [UInt8] { Self.hex(s) }

    /// The points of order 1, 2, 4 and 8 (canonical encodings; the last two with the sign bit).
    static let smallOrder = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    ].map { hex($0) }

    static let order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

    func checks(_ count: Int, keys: Int = 7) -> [SignatureCheck] {
        (0..<count).map { i in
            let key = TestKey(index: i % keys)
            let message = Array("message \(i)".utf8)
            return SignatureCheck(signature: key.sign(Entry.signaturePrefix + message), publicKey: key.publicKey,
                                  prefix: Entry.signaturePrefix, message: message)
        }
    }

    func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        #expect(crypto_core_ed25519_add(&out, a, b) == 0)
        return out
    }

    @Test func rfc8032VectorsPassAndEachTamperIsCaught() throws {
        let vectors = try Vectors.json("ed25519.json")["vectors"]!.arrayValue!
        let items = try vectors.map { t in
            SignatureCheck(signature: try Hex.decode(t["signature_hex"]!.stringValue!),
                           publicKey: try Hex.decode(t["public_key_hex"]!.stringValue!),
                           message: try Hex.decode(t["message_hex"]!.stringValue!))
        }
        #expect(items.count == 5)
        #expect(Ed25519.verifyAll(items) == [true, true, true, true, true])
        for bad in items.indices {
            var tampered = items
            tampered[bad].message += [0]
            #expect(Ed25519.verifyAll(tampered) == items.indices.map { $0 != bad }, "vector \(bad), message")
        }
    }

    @Test func oneBadSignatureAmong500IsNamed() {
        let items = checks(500)
        #expect(Ed25519.verifyAll(items).allSatisfy { $0 })
        for bad in [0, 257, 499] {
            var tampered = items
            tampered[bad].signature[20] ^= 0x04
            let results = Ed25519.verifyAll(tampered)
            #expect(results == items.indices.map { $0 != bad }, "entry \(bad)")
        }
    }

    /// R, s, A and the message, each tampered in a batch of otherwise good signatures.
    @Test(arguments: ["R", "s", "s+L", "A", "message", "prefix", "short signature", "short key"])
    func everyFieldTamperIsCaught(field: String) {
        var items = checks(40)
        let bad = 17
        switch field {
        case "R": items[bad].signature[3] ^= 0x10
        case "s": items[bad].signature[40] ^= 0x01
        case "s+L":
            // The same s plus L (still below 2^256): libsodium refuses non-canonical s.
            var carry = 0
            for k in 0..<32 {
                let v = Int(items[bad].signature[32 + k]) + Int(Self.order[k]) + carry
                items[bad].signature[32 + k] = UInt8(v & 0xff)
                carry = v >> 8
            }
            #expect(carry == 0)
        case "A": items[bad].publicKey = TestKey(index: 99).publicKey
        case "message": items[bad].message[0] ^= 0x20
        case "prefix": items[bad].prefix = []
        case "short signature": items[bad].signature.removeLast()
        default: items[bad].publicKey.removeLast()
        }
        #expect(!items[bad].verifiesAlone)
        #expect(Ed25519.verifyAll(items) == items.indices.map { $0 != bad })
    }

    /// The subgroup test against libsodium's `[L]P = 0` for points with each torsion component.
    @Test func subgroupTestAgreesWithLibsodium() {
        _ = sodium_init()
        for i in 0..<120 {
            var r = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_random(&r)
            var p = [UInt8](repeating: 0, count: 32)
            #expect(crypto_scalarmult_ed25519_base_noclamp(&p, r) == 0)
            let torsion = i % 7 == 0 ? nil : Self.smallOrder[i % Self.smallOrder.count]
            let q = torsion.map { add(p, $0) } ?? p
            let inSubgroup = torsion == nil || torsion == Self.smallOrder[0]
            #expect(audit_ed25519_in_prime_subgroup(q) == (inSubgroup ? 1 : 0), "round \(i)")
            #expect(crypto_core_ed25519_is_valid_point(q) == (inSubgroup ? 1 : 0))
            var point = audit_point()
            #expect(audit_ed25519_decode_batchable(&point, q) == (inSubgroup ? 1 : 0))
        }
        for s in Self.smallOrder {
            var point = audit_point()
            #expect(audit_ed25519_decode_batchable(&point, s) == 0, "small order \(Hex.encode(s))")
        }
        // Non-canonical y (y = p + 1 encodes 1 again) and the identity with the sign bit are refused.
        var point = audit_point()
        #expect(audit_ed25519_in_prime_subgroup(hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) == -1)
        #expect(audit_ed25519_in_prime_subgroup(hex("0100000000000000000000000000000000000000000000000000000000000080")) == -1)
        #expect(audit_ed25519_decode_batchable(&point, hex("0100000000000000000000000000000000000000000000000000000000000080")) == 0)
    }

    /// Signatures a cofactored equation accepts but libsodium's cofactorless one refuses (R or A with a
    /// small-order component, made with the secret key): the batch must refuse exactly those libsodium does.
    @Test func cofactorCasesAnswerExactlyAsLibsodium() {
        _ = sodium_init()
        let key = TestKey(index: 3)
        // The secret scalar a = clamp(SHA-512(seed)[0..<32]) mod L (RFC 8032 §5.1.5).
        var digest = Hash.sha512(Array(key.secretKey.prefix(32)))
        digest[0] &= 248
        digest[31] &= 127
        digest[31] |= 64
        var a = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&a, Array(digest.prefix(32)) + [UInt8](repeating: 0, count: 32))
        var publicA = [UInt8](repeating: 0, count: 32)
        #expect(crypto_scalarmult_ed25519_base_noclamp(&publicA, a) == 0)
        #expect(publicA == key.publicKey)

        func sign(_ message: [UInt8], rTorsion: [UInt8]?, aTorsion: [UInt8]?) -> SignatureCheck {
            var r = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_random(&r)
            var bigR = [UInt8](repeating: 0, count: 32)
            _ = crypto_scalarmult_ed25519_base_noclamp(&bigR, r)
            if let t = rTorsion { bigR = add(bigR, t) }
            let pk = aTorsion.map { add(publicA, $0) } ?? publicA
            var h = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_reduce(&h, Hash.sha512(bigR + pk + message))
            var ha = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_mul(&ha, h, a)
            var s = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_add(&s, r, ha)
            return SignatureCheck(signature: bigR + s, publicKey: pk, message: message)
        }

        var items = checks(30)
        var crafted: [Int] = []
        for (k, t) in Self.smallOrder.dropFirst().enumerated() {
            crafted.append(items.count)
            items.append(sign(Array("torsion R \(k)".utf8), rTorsion: t, aTorsion: nil))
            crafted.append(items.count)
            items.append(sign(Array("torsion A \(k)".utf8), rTorsion: nil, aTorsion: t))
            crafted.append(items.count)
            items.append(sign(Array("torsion both \(k)".utf8), rTorsion: t, aTorsion: t))
        }
        // The honest construction verifies, so the crafted ones differ only by their torsion.
        #expect(sign(Array("honest".utf8), rTorsion: nil, aTorsion: nil).verifiesAlone)
        let expected = items.map(\.verifiesAlone)
        // R with a torsion component is always refused by libsodium (its R is recomputed without it).
        for k in stride(from: 0, to: crafted.count, by: 3) { #expect(!expected[crafted[k]]) }
        #expect(Ed25519.verifyAll(items) == expected)
        // And no crafted signature alone slips through a batch of one.
        for k in crafted { #expect(Ed25519.verifyAll([items[k]]) == [expected[k]]) }
    }

    /// AuditCurve's decoder answers libsodium's `crypto_core_ed25519_is_valid_point` on any 32 bytes (the
    /// audit uses it for credential and device keys, and to admit points to the batch).
    @Test func decoderAgreesWithLibsodiumValidity() {
        _ = sodium_init()
        var valid = 0
        for i in 0..<4000 {
            var bytes = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&bytes, 32)
            if i % 2 == 0 { bytes[31] &= 0x7f }
            if i % 5 == 0 { bytes = TestKey(index: i).publicKey }
            if i % 7 == 0 { bytes = add(TestKey(index: i).publicKey, Self.smallOrder[1 + i % 5]) }
            var point = audit_point()
            let ours = audit_ed25519_decode_batchable(&point, bytes)
            #expect(ours == crypto_core_ed25519_is_valid_point(bytes), "\(Hex.encode(bytes))")
            valid += Int(ours)
        }
        #expect(valid > 800)
    }

    /// The 512-bit weight sums, reduced once, equal libsodium's running sums mod L.
    @Test func wideWeightSumsMatchLibsodium() {
        _ = sodium_init()
        var acc = [UInt64](repeating: 0, count: 8)
        var expected = [UInt8](repeating: 0, count: 32)
        for i in 0..<300 {
            var z = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&z, 16)
            if i == 0 { for k in 0..<16 { z[k] = 0xff } }
            var s = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_random(&s)
            if i == 1 { s = Self.order; s[0] -= 1 }
            audit_scalar_muladd_wide(&acc, z, s)
            var product = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_mul(&product, z, s)
            var sum = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_add(&sum, expected, product)
            expected = sum
        }
        var wide = [UInt8](repeating: 0, count: 64)
        for (k, w) in acc.enumerated() { for j in 0..<8 { wide[8 * k + j] = UInt8(truncatingIfNeeded: w >> (8 * j)) } }
        var reduced = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&reduced, wide)
        #expect(reduced == expected)
    }

    @Test func emptyAndSingleBatches() {
        #expect(Ed25519.verifyAll([]) == [])
        let one = checks(1)
        #expect(Ed25519.verifyAll(one) == [true])
    }
}
