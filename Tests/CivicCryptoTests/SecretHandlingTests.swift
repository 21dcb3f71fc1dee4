import CivicCrypto
import Testing
import TestSupport

@Suite("Secrets: SecureBytes, sealed boxes, passphrase seals, errors")
struct SecretHandlingTests {
    @Test("SecureBytes compares by content and never prints it")
    func secureBytes() {
        let a = SecureBytes([0xde, 0xad, 0xbe, 0xef])
        let b = SecureBytes([0xde, 0xad, 0xbe, 0xef])
        let c = SecureBytes([0xde, 0xad, 0xbe, 0xee])
        #expect(a == b)
        #expect(a != c)
        #expect(a != SecureBytes([0xde, 0xad, 0xbe]))
        #expect(SecureBytes([]) == SecureBytes([]))
        #expect(a.count == 4)
        #expect(a.copyBytes() == [0xde, 0xad, 0xbe, 0xef])
        for text in [String(describing: a), String(reflecting: a), "\(a)"] {
            #expect(!text.lowercased().contains("dead"))
            #expect(!text.contains("222"))  // 0xde as decimal
        }
        let r1 = SecureBytes.random(count: 32)
        let r2 = SecureBytes.random(count: 32)
        #expect(r1 != r2)
        #expect(SecureRandom.bytes(16).count == 16)
    }

    @Test("sealed box round trip")
    func sealedBox() throws {
        let recipient = try BoxKeyPair.generate()
        let message = Array("f_1(3) = secret share".utf8)
        let sealed = try SealedBox.seal(message, to: recipient.publicKey)
        #expect(sealed.count == message.count + SealedBox.overhead)
        #expect(try SealedBox.open(sealed, with: recipient) == SecureBytes(message))
        // Seal from secure memory; a key pair rebuilt from its secret key opens it.
        let sealed2 = try SealedBox.seal(SecureBytes(message), to: recipient.publicKey)
        let rebuilt = try BoxKeyPair(secretKey: recipient.secretKey)
        #expect(rebuilt.publicKey == recipient.publicKey)
        #expect(try SealedBox.open(sealed2, with: rebuilt).copyBytes() == message)
        // Deterministic key pairs from a seed.
        let seed = SecureBytes([UInt8](repeating: 9, count: 32))
        #expect(try BoxKeyPair(seed: seed).publicKey == (try BoxKeyPair(seed: seed).publicKey))
        #expect(!String(describing: recipient).contains(Hex.encode(recipient.secretKey.copyBytes())))
    }

    @Test("sealed box refuses tampering, the wrong key and short input", arguments: [0, 20, 31, 40, 47])
    func sealedBoxTamper(position: Int) throws {
        let recipient = try BoxKeyPair.generate()
        let message = Array("0123456789abcdef".utf8)
        var sealed = try SealedBox.seal(message, to: recipient.publicKey)
        sealed[position] ^= 0x01
        #expect(throws: CryptoError.self) { try SealedBox.open(sealed, with: recipient) }
        let fresh = try SealedBox.seal(message, to: recipient.publicKey)
        #expect(throws: CryptoError.self) { try SealedBox.open(fresh, with: try BoxKeyPair.generate()) }
        #expect(throws: CryptoError.self) { try SealedBox.open(fresh.prefix(10), with: recipient) }
        #expect(throws: CryptoError.self) { try SealedBox.seal(message, to: [1, 2, 3]) }
        do {
            _ = try SealedBox.open(sealed, with: recipient)
        } catch let error as CryptoError {
            #expect(error.code == .decryptionFailed)
        }
    }

    @Test("passphrase seal round trip; wrong passphrase and tampering refused")
    func passphraseSeal() throws {
        let secret = SecureBytes(Array("trustee share s_3".utf8))
        let seal = try PassphraseSeal.seal(secret, passphrase: "correct horse battery staple", cost: .minimumForTesting)
        #expect(try seal.open(passphrase: "correct horse battery staple") == secret)
        // Stored parameters: a second seal uses a fresh salt and nonce.
        let again = try PassphraseSeal.seal(secret, passphrase: "correct horse battery staple", cost: .minimumForTesting)
        #expect(again.salt != seal.salt)
        #expect(again.ciphertext != seal.ciphertext)
        #expect(seal.cost == .minimumForTesting)
        // Wrong passphrase.
        do {
            _ = try seal.open(passphrase: "correct horse battery stapler")
            Issue.record("a wrong passphrase opened the seal")
        } catch let error as CryptoError {
            #expect(error.code == .decryptionFailed)
            #expect(!error.description.contains("staple"))
        }
        // Tampered ciphertext, salt, or cost parameters.
        var tampered = seal
        tampered.ciphertext = String(tampered.ciphertext.dropLast()) + (tampered.ciphertext.hasSuffix("0") ? "1" : "0")
        #expect(throws: CryptoError.self) { try tampered.open(passphrase: "correct horse battery staple") }
        var otherSalt = seal
        otherSalt.salt = again.salt
        #expect(throws: CryptoError.self) { try otherSalt.open(passphrase: "correct horse battery staple") }
        var otherCost = seal
        otherCost.cost.operations += 1
        #expect(throws: CryptoError.self) { try otherCost.open(passphrase: "correct horse battery staple") }
        var unknownVersion = seal
        unknownVersion.version = 2
        #expect(throws: CryptoError.self) { try unknownVersion.open(passphrase: "correct horse battery staple") }
        var badHex = seal
        badHex.nonce = "zz"
        #expect(throws: CryptoError.self) { try badHex.open(passphrase: "correct horse battery staple") }
    }

    @Test("passphrase seals survive JSON")
    func passphraseSealCodable() throws {
        let secret = SecureBytes.random(count: 32)
        let seal = try PassphraseSeal.seal(secret, passphrase: SecureBytes(Array("pw".utf8)), cost: .minimumForTesting)
        let json = try JSONEncoder().encode(seal)
        #expect(!String(decoding: json, as: UTF8.self).contains(Hex.encode(secret.copyBytes())))
        let decoded = try JSONDecoder().decode(PassphraseSeal.self, from: json)
        #expect(try decoded.open(passphrase: "pw") == secret)
    }

    @Test("hex decoding refuses malformed text")
    func hex() throws {
        #expect(try Hex.decode("00ff7F") == [0, 255, 127])
        #expect(Hex.encode([0, 255, 127]) == "00ff7f")
        for bad in ["0", "0g", "zz", " 00"] {
            #expect(throws: CryptoError.self) { try Hex.decode(bad) }
        }
        // The record's canonical form: lowercase only.
        #expect(Hex.decodeCanonical("00ff7f") == [0, 255, 127])
        for bad in ["00ff7F", "0", "0g", " 00", "AB"] { #expect(Hex.decodeCanonical(bad) == nil, "\(bad)") }
    }
}

import Foundation
