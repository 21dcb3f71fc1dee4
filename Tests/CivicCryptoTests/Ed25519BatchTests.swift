import CRistretto
import CSodium
@testable import CivicCrypto
import Testing
import TestSupport

/// The Ed25519 batch verifier (`Ed25519.firstInvalidSignature`) accepts exactly what libsodium 1.0.18's
/// `crypto_sign_verify_detached` accepts, and names the first signature it refuses.
@Suite("Ed25519 batch verification")
struct Ed25519BatchTests {
    typealias Item = (signature: [UInt8], publicKey: [UInt8], message: [UInt8])

    struct Vector: Decodable, Sendable {
        let secret_key_hex: String
        let public_key_hex: String
        let message_hex: String
        let signature_hex: String
    }
    struct File: Decodable, Sendable { let vectors: [Vector] }
    static let vectors: [Vector] = try! TestVectors.load(File.self, "ed25519.json").vectors

    static let prefix: [UInt8] = Array("batch-test\n".utf8)

    /// The batch's verdict, checked against libsodium's one-by-one verdict on the same items.
    static func firstInvalid(_ items: [Item], prefix: [UInt8] = prefix) -> Int? {
        let found = Ed25519.firstInvalidSignature(count: items.count, prefix: prefix) { items[$0] }
        let expected = items.firstIndex { !Ed25519.verify(signature: $0.signature, message: prefix + $0.message, rawPublicKey: $0.publicKey) }
        #expect(found == expected, "the batch and libsodium disagree")
        return found
    }

    /// `count` valid signatures by a few keys, over random messages.
    static func validItems(_ count: Int, keys: Int = 3) throws -> [Item] {
        let signers = (0..<keys).map { _ in Ed25519.SigningKey.generate() }
        return try (0..<count).map { i in
            let key = signers[i % keys]
            let message = SecureRandom.bytes(20 + i % 50)
            return (try key.sign(prefix + message), key.publicKey.rawRepresentation, message)
        }
    }

    @Test("large batches of valid signatures pass; the batch path is the one taken")
    func validBatch() throws {
        let items = try Self.validItems(600)
        #expect(Self.firstInvalid(items) == nil)
        #expect(Ed25519.batchAccepts(count: items.count, prefix: Self.prefix) { items[$0] })
        // Each author distinct (as ballots signed by credentials).
        let distinct = try Self.validItems(300, keys: 300)
        #expect(Ed25519.batchAccepts(count: distinct.count, prefix: Self.prefix) { distinct[$0] })
    }

    @Test("the RFC 8032 vectors pass in a batch, and each field tampered is named")
    func rfc8032() throws {
        // The vectors sign the message alone: an empty prefix.
        let vectorItems: [Item] = Self.vectors.map {
            (TestVectors.bytes(hex: $0.signature_hex), TestVectors.bytes(hex: $0.public_key_hex), TestVectors.bytes(hex: $0.message_hex))
        }
        let filler = try Self.validItems(300).map { item -> Item in
            let key = Ed25519.SigningKey.generate()
            return (try key.sign(item.message), key.publicKey.rawRepresentation, item.message)
        }
        let items = Array(filler.prefix(150)) + vectorItems + Array(filler.suffix(150))
        #expect(Self.firstInvalid(items, prefix: []) == nil)
        for v in 0..<vectorItems.count {
            let position = 150 + v
            let original = items[position]
            var tampered: [Item] = []
            var r = original; r.signature[3] ^= 0x20; tampered.append(r)
            var s = original; s.signature[40] ^= 0x01; tampered.append(s)
            var a = original; a.publicKey[5] ^= 0x04; tampered.append(a)
            var m = original; m.message = m.message + [0x2e]; tampered.append(m)
            if !original.message.isEmpty { var m2 = original; m2.message[0] ^= 0x80; tampered.append(m2) }
            for bad in tampered {
                var batch = items
                batch[position] = bad
                #expect(Self.firstInvalid(batch, prefix: []) == position)
            }
        }
    }

    @Test("one bad signature among 500 is named, wherever it is")
    func oneBadAmong500() throws {
        let items = try Self.validItems(500)
        for position in [0, 1, 137, 250, 251, 499] {
            var batch = items
            batch[position].signature[10] ^= 0x01
            #expect(Self.firstInvalid(batch) == position)
        }
        // Two bad ones: the first is named.
        var batch = items
        batch[300].message[0] ^= 1
        batch[42].signature[60] ^= 1
        #expect(Self.firstInvalid(batch) == 42)
    }

    /// L, little-endian.
    static let order: [UInt8] = TestVectors.bytes(hex: "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

    @Test("s ≥ L is refused like libsodium (s + L, the same scalar mod L)")
    func nonCanonicalS() throws {
        let items = try Self.validItems(300)
        var batch = items
        var s = Array(batch[77].signature[32...])
        // s + L < 2^256 for any s < L (L < 2^253).
        var carry = 0
        for i in 0..<32 {
            let sum = Int(s[i]) + Int(Self.order[i]) + carry
            s[i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        batch[77].signature.replaceSubrange(32..., with: s)
        #expect(Self.firstInvalid(batch) == 77)
        var atL = items
        atL[5].signature.replaceSubrange(32..., with: Self.order)
        #expect(Self.firstInvalid(atL) == 5)
    }

    /// The encodings of small-order points libsodium refuses (its blacklist), each also with the sign bit.
    static let smallOrder: [[UInt8]] = {
        let hexes = [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        ]
        return hexes.flatMap { hex -> [[UInt8]] in
            let bytes = TestVectors.bytes(hex: hex)
            var signed = bytes
            signed[31] |= 0x80
            return [bytes, signed]
        }
    }()

    @Test("small-order and non-canonical A and R are refused like libsodium")
    func smallOrderAndNonCanonicalPoints() throws {
        let items = try Self.validItems(300)
        for encoding in Self.smallOrder {
            var badR = items
            badR[120].signature.replaceSubrange(0..<32, with: encoding)
            #expect(Self.firstInvalid(badR) == 120)
            var badA = items
            badA[33].publicKey = encoding
            #expect(Self.firstInvalid(badA) == 33)
        }
        // A point with a small y has a second, non-canonical encoding y + p (< 2^255).
        var y: [UInt8] = []
        for candidate in 2..<19 {
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes[0] = UInt8(candidate)
            var point = cr_point()
            if cr_ed25519_decode_vartime(&point, bytes) == 0 { y = bytes; break }
        }
        #expect(!y.isEmpty)
        var nonCanonical = y
        var carry = 0
        let p = TestVectors.bytes(hex: "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
        for i in 0..<32 {
            let sum = Int(nonCanonical[i]) + Int(p[i]) + carry
            nonCanonical[i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        var point = cr_point()
        #expect(cr_ed25519_decode_vartime(&point, nonCanonical) == -1)
        var badA = items
        badA[200].publicKey = nonCanonical
        #expect(Self.firstInvalid(badA) == 200)
        var badR = items
        badR[201].signature.replaceSubrange(0..<32, with: nonCanonical)
        #expect(Self.firstInvalid(badR) == 201)
        // Not on the curve (about half of all y have no x).
        var offCurve = items
        for candidate in 2..<40 {
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes[0] = UInt8(candidate)
            if cr_ed25519_decode_vartime(&point, bytes) != 0 {
                offCurve[9].publicKey = bytes
                offCurve[10].signature.replaceSubrange(0..<32, with: bytes)
                break
            }
        }
        #expect(Self.firstInvalid(offCurve) == 9)
    }

    /// Signs `message` under A' = [a]B + T (T a torsion point), with R = [r]B + U, retrying r until
    /// libsodium's cofactorless equation holds (U = −[h]T) or, with `valid` false, until it cannot.
    static func mixedOrderSignature(message: [UInt8], torsion: [UInt8], torsionOnR: Bool, valid: Bool) -> Item {
        var a = [UInt8](repeating: 0, count: 32), aB = [UInt8](repeating: 0, count: 32), publicKey = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_random(&a)
        _ = crypto_scalarmult_ed25519_base_noclamp(&aB, a)
        _ = crypto_core_ed25519_add(&publicKey, aB, torsion)
        while true {
            var r = [UInt8](repeating: 0, count: 32), rB = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_random(&r)
            _ = crypto_scalarmult_ed25519_base_noclamp(&rB, r)
            var R = rB
            if torsionOnR { _ = crypto_core_ed25519_add(&R, rB, torsion) }
            var h = [UInt8](repeating: 0, count: 64), hr = [UInt8](repeating: 0, count: 32)
            crypto_hash_sha512(&h, R + publicKey + prefix + message, UInt64(64 + prefix.count + message.count))
            crypto_core_ed25519_scalar_reduce(&hr, h)
            var ha = [UInt8](repeating: 0, count: 32), s = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_mul(&ha, hr, a)
            crypto_core_ed25519_scalar_add(&s, r, ha)
            let signature = R + s
            let accepted = Ed25519.verify(signature: signature, message: prefix + message, rawPublicKey: publicKey)
            if accepted == valid { return (signature, publicKey, message) }
        }
    }

    @Test("mixed-order keys and R: the batch defers to libsodium, which accepts some and refuses others")
    func mixedOrder() throws {
        let items = try Self.validItems(300)
        let order8 = Self.smallOrder[4]   // the first order-8 point's encoding
        for torsionOnR in [false, true] {
            let accepted = Self.mixedOrderSignature(message: [1, 2, 3], torsion: order8, torsionOnR: torsionOnR, valid: true)
            #expect(Ed25519.verify(signature: accepted.signature, message: Self.prefix + accepted.message, rawPublicKey: accepted.publicKey))
            var batch = items
            batch[150] = accepted
            #expect(!Ed25519.batchAccepts(count: batch.count, prefix: Self.prefix) { batch[$0] })
            #expect(Self.firstInvalid(batch) == nil)
            let refused = Self.mixedOrderSignature(message: [4, 5], torsion: order8, torsionOnR: torsionOnR, valid: false)
            batch[151] = refused
            #expect(Self.firstInvalid(batch) == 151)
        }
        // R with a torsion component under a prime-order key: never valid.
        var batch = items
        var R = [UInt8](repeating: 0, count: 32)
        _ = crypto_core_ed25519_add(&R, Array(batch[60].signature[0..<32]), Self.smallOrder[6])   // + the other order-8 point
        batch[60].signature.replaceSubrange(0..<32, with: R)
        #expect(Self.firstInvalid(batch) == 60)
    }

    @Test("the C subgroup test finds a torsion component anywhere in the batch")
    func subgroupTest() throws {
        let items = try Self.validItems(40)
        var points = items.map { item -> cr_point in
            var p = cr_point()
            _ = cr_ed25519_decode_vartime(&p, Array(item.signature[0..<32]))
            return p
        }
        var random = SecureRandom.bytes(16 * points.count)
        #expect(cr_ed25519_in_prime_subgroup_batch(points, points.count, random) == 1)
        for encoding in Self.smallOrder where encoding[31] & 0x80 == 0 {
            var torsion = cr_point()
            guard cr_ed25519_decode_vartime(&torsion, encoding) == 0, cr_ed25519_is_neutral(&torsion) == 0 else { continue }
            for position in [0, 17, 39] {
                var mixed = points
                cr_point_add(&mixed[position], &points[position], &torsion)
                random = SecureRandom.bytes(16 * points.count)
                #expect(cr_ed25519_in_prime_subgroup_batch(mixed, mixed.count, random) == 0)
            }
        }
    }
}
