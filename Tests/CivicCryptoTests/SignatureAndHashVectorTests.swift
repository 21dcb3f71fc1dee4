import CivicCrypto
import Testing
import TestSupport

/// RFC 8032 §7.1 (Tests/TestVectors/ed25519.json) and FIPS 180 / RFC 7693 known answers.
@Suite("Ed25519 and hash vectors")
struct SignatureAndHashVectorTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let secret_key_hex: String
        let public_key_hex: String
        let message_hex: String
        let signature_hex: String
        var testDescription: String { name }
    }
    struct File: Decodable, Sendable { let vectors: [Vector] }

    static let vectors: [Vector] = try! TestVectors.load(File.self, "ed25519.json").vectors

    @Test("the file has the five RFC 8032 vectors")
    func count() { #expect(Self.vectors.count == 5) }

    @Test("RFC 8032 sign and verify", arguments: Self.vectors)
    func rfc8032(vector: Vector) throws {
        let key = try Ed25519.SigningKey(seed: TestVectors.bytes(hex: vector.secret_key_hex))
        #expect(Hex.encode(key.publicKey.rawRepresentation) == vector.public_key_hex)
        let message = TestVectors.bytes(hex: vector.message_hex)
        let signature = try key.sign(message)
        #expect(Hex.encode(signature) == vector.signature_hex)
        let pk = try Ed25519.PublicKey(rawRepresentation: TestVectors.bytes(hex: vector.public_key_hex))
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: pk))
        // Tampering: message, signature and key.
        #expect(!Ed25519.verify(signature: signature, message: message + [0], publicKey: pk))
        var badSignature = signature
        badSignature[7] ^= 0x01
        #expect(!Ed25519.verify(signature: badSignature, message: message, publicKey: pk))
        #expect(!Ed25519.verify(signature: signature.dropLast(), message: message, publicKey: pk))
        let other = Ed25519.SigningKey.generate().publicKey
        #expect(!Ed25519.verify(signature: signature, message: message, publicKey: other))
    }

    @Test("Ed25519 key input lengths are checked")
    func keyLengths() {
        #expect(throws: CryptoError.self) { try Ed25519.SigningKey(seed: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) }
        // Small-order point (the identity, y = 1) and a non-canonical encoding (y = p) are refused.
        var identity = [UInt8](repeating: 0, count: 32)
        identity[0] = 1
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(rawRepresentation: identity) }
        let nonCanonical: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(rawRepresentation: nonCanonical) }
    }

    @Test("a signing key's description does not reveal its seed")
    func redaction() throws {
        let seed = [UInt8](repeating: 0xab, count: 32)
        let key = try Ed25519.SigningKey(seed: seed)
        #expect(!String(describing: key).contains("abababab"))
        #expect(key.seed == SecureBytes(seed))
    }

    @Test("SHA-256 and SHA-512 of \"abc\" (FIPS 180-2 appendix)")
    func sha() {
        let abc = Array("abc".utf8)
        #expect(Hex.encode(SHA256.hash(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hex.encode(SHA512.hash(abc))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
        #expect(Hex.encode(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("BLAKE2b-512 of \"abc\" (RFC 7693 appendix A) and parameter checks")
    func blake2b() throws {
        #expect(
            Hex.encode(try BLAKE2b.hash(Array("abc".utf8), outputLength: 64))
                == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        )
        let keyed = try BLAKE2b.hash(Array("abc".utf8), key: [UInt8](repeating: 7, count: 32))
        #expect(keyed.count == 32)
        #expect(keyed != (try BLAKE2b.hash(Array("abc".utf8))))
        #expect(throws: CryptoError.self) { try BLAKE2b.hash([1], outputLength: 8) }
        #expect(throws: CryptoError.self) { try BLAKE2b.hash([1], key: [1, 2, 3]) }
    }
}
