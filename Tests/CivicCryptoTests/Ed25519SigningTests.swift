import CRistretto
import CSodium
@testable import CivicCrypto
import Testing
import TestSupport

/// Keys and signatures made with CRistretto's fixed-base multiplication (`Ed25519Signing`) are byte for
/// byte libsodium's `crypto_sign_seed_keypair` / `crypto_sign_detached` (the RFC 8032 vectors are in
/// SignatureAndHashVectorTests, which goes through the same `Ed25519.SigningKey`).
@Suite("Ed25519 signing (CRistretto fixed base) against libsodium")
struct Ed25519SigningTests {
    static func random(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// libsodium's key pair and signature for `seed` and `message`.
    static func sodium(seed: [UInt8], message: [UInt8]) -> (publicKey: [UInt8], signature: [UInt8]) {
        var pk = [UInt8](repeating: 0, count: 32), sk = [UInt8](repeating: 0, count: 64), sig = [UInt8](repeating: 0, count: 64)
        #expect(crypto_sign_seed_keypair(&pk, &sk, seed) == 0)
        #expect(crypto_sign_detached(&sig, nil, message, UInt64(message.count), sk) == 0)
        return (pk, sig)
    }

    @Test("random seeds and messages (0–300 bytes): the same public keys and signatures as libsodium")
    func randomSeeds() throws {
        #expect(sodium_init() >= 0)
        for i in 0..<300 {
            let seed = Self.random(32)
            let message = Self.random(i)
            let key = try Ed25519.SigningKey(seed: seed)
            let expected = Self.sodium(seed: seed, message: message)
            #expect(key.publicKey.rawRepresentation == expected.publicKey, "seed \(i)")
            #expect(try key.signature(for: message) == expected.signature, "seed \(i)")
            #expect(try key.signature(for: message[...]) == expected.signature, "a slice signs as its bytes")
        }
    }

    @Test("edge seeds (all 0x00, all 0xff, one bit) and one key signing many messages")
    func edgeSeeds() throws {
        var seeds: [[UInt8]] = [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xff, count: 32)]
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 0x80
        seeds.append(one)
        for seed in seeds {
            let key = try Ed25519.SigningKey(seed: seed)
            for length in [0, 1, 64, 111, 112, 128, 1000] {
                let message = [UInt8](repeating: 0xa5, count: length)
                let expected = Self.sodium(seed: seed, message: message)
                #expect(key.publicKey.rawRepresentation == expected.publicKey)
                #expect(try key.signature(for: message) == expected.signature, "length \(length)")
            }
            #expect(key.seed.copyBytes() == seed, "the seed is kept as given")
        }
    }

    @Test("cr_ed25519_scalarmult_base is libsodium's [s]B for random and edge scalars below 2^255")
    func fixedBase() {
        #expect(sodium_init() >= 0)
        func ours(_ s: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            cr_ed25519_scalarmult_base(&out, s)
            return out
        }
        func theirs(_ s: [UInt8]) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: 32)
            return crypto_scalarmult_ed25519_base_noclamp(&out, s) == 0 ? out : nil
        }
        // L − 1, L, L + 1, 2^255 − 1, 1, 2, 16^k: digit carries and the ends of the range.
        let l: [UInt8] = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]
        var scalars: [[UInt8]] = []
        for delta in [-1, 1] {
            var s = l
            s[0] = UInt8(Int(s[0]) + delta)
            scalars.append(s)
        }
        var top = [UInt8](repeating: 0xff, count: 32)
        top[31] = 0x7f
        scalars.append(top)
        var eights = [UInt8](repeating: 0x88, count: 32)   // every digit 8: the carry chain
        eights[31] = 0x78
        scalars.append(eights)
        for k in 0..<64 {
            var s = [UInt8](repeating: 0, count: 32)
            s[k / 2] = k % 2 == 0 ? 0x01 : 0x10
            scalars.append(s)
        }
        for _ in 0..<500 {
            var s = Self.random(32)
            s[31] &= 0x7f
            scalars.append(s)
        }
        for s in scalars {
            #expect(theirs(s) == ours(s), "scalar \(Hex.encode(s))")
        }
        // [L]B and [0]B: the neutral element (0, 1), which libsodium's noclamp refuses to return.
        var identity = [UInt8](repeating: 0, count: 32)
        identity[0] = 1
        #expect(ours(l) == identity)
        #expect(ours([UInt8](repeating: 0, count: 32)) == identity)
    }

    @Test("keys(seeds:) and signatures(for:) (one inversion per 32 points) match libsodium at 0, 1, 31, 32, 33 and 70 items")
    func batches() throws {
        #expect(sodium_init() >= 0)
        for n in [0, 1, 31, 32, 33, 70] {
            let seeds = (0..<n).map { _ in Self.random(32) }
            let keys = try Ed25519.SigningKey.keys(seeds: seeds.map { SecureBytes($0) })
            #expect(keys.count == n)
            let messages = (0..<n).map { Self.random($0 * 3) }
            let signer = try Ed25519.SigningKey(seed: Self.random(32))
            let signatures = signer.signatures(for: messages)
            #expect(signatures.count == n)
            for i in 0..<n {
                #expect(keys[i].publicKey.rawRepresentation == Self.sodium(seed: seeds[i], message: []).publicKey, "key \(i) of \(n)")
                #expect(keys[i].seed.copyBytes() == seeds[i])
                #expect(try keys[i].signature(for: messages[i]) == Self.sodium(seed: seeds[i], message: messages[i]).signature)
                #expect(signatures[i] == (try signer.signature(for: messages[i])), "signature \(i) of \(n)")
            }
        }
        #expect(throws: CryptoError.self) { try Ed25519.SigningKey.keys(seeds: [SecureBytes(Self.random(32)), SecureBytes(Self.random(31))]) }
    }

    @Test("signatures verify with libsodium, and change with the message and the key")
    func verifies() throws {
        let key = Ed25519.SigningKey.generate()
        let message = Array("roll.enrol".utf8)
        let signature = try key.signature(for: message)
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: key.publicKey))
        #expect(try key.signature(for: message) == signature, "deterministic")
        #expect(try key.signature(for: message + [0]) != signature)
        #expect(try Ed25519.SigningKey.generate().signature(for: message) != signature)
    }
}
