import AuditKit
import AuditSodium
import Foundation
import Testing

@Suite struct GroupTests {
    let r = Ristretto255()

    @Test func ristrettoSmallMultiplesOfTheGenerator() throws {
        let v = try Vectors.json("ristretto255.json")
        let multiples = v["small_multiples"]!.arrayValue!.map { $0.stringValue! }
        #expect(multiples.count == 16)
        var acc = r.identity
        for (i, hex) in multiples.enumerated() {
            let e = try r.element(hex: hex)
            #expect(e == acc, "[\(i)]B by repeated addition")
            #expect(r.expG(r.scalar(UInt64(i))) == e, "[\(i)]B by base multiplication")
            #expect(r.exp(r.generator, r.scalar(UInt64(i))) == e, "[\(i)]B by variable-base multiplication")
            acc = r.op(acc, r.generator)
        }
        #expect(Hex.encode(r.generator.bytes) == multiples[1])
        #expect(r.identity.bytes == [UInt8](repeating: 0, count: 32))
    }

    @Test func ristrettoRejectsEveryInvalidEncoding() throws {
        let v = try Vectors.json("ristretto255.json")
        let bad = v["bad_encodings"]!.arrayValue!.map { $0.stringValue! }
        #expect(bad.count == 29)
        for hex in bad { #expect(throws: AuditError.self, "\(hex)") { try r.element(hex: hex) } }
        #expect(throws: AuditError.self) { try r.element(hex: "00") }
    }

    @Test func ristrettoIdentityArithmetic() throws {
        let id = try r.element(hex: String(repeating: "0", count: 64))
        #expect(id == r.identity)
        // scalarmult returning the identity (libsodium's -1) is a legitimate result here.
        #expect(r.exp(r.generator, r.zeroScalar) == r.identity)
        #expect(r.exp(r.identity, r.scalar(5)) == r.identity)
        #expect(r.expG(r.zeroScalar) == r.identity)
        #expect(r.div(r.generator, r.generator) == r.identity)
    }

    @Test func ristrettoScalars() throws {
        // q - 1 is canonical; q and 2^255-1 are not.
        let qMinus1 = r.neg(r.oneScalar)
        #expect(r.add(qMinus1, r.oneScalar) == r.zeroScalar)
        var q = qMinus1.bytes
        q[0] += 1
        #expect(throws: AuditError.self) { try r.scalar(q) }
        #expect(throws: AuditError.self) { try r.scalar([UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: AuditError.self) { try r.scalar([UInt8](repeating: 0, count: 31)) }
        let seven = r.scalar(7)
        #expect(r.mul(seven, r.inverse(seven)!) == r.oneScalar)
        #expect(r.inverse(r.zeroScalar) == nil)
        // H(T) reduces little-endian: a digest of 1 followed by zeros is the scalar 1.
        #expect(r.scalar(fromDigest: [1] + [UInt8](repeating: 0, count: 63)) == r.oneScalar)
    }

    @Test func ed25519Vectors() throws {
        let v = try Vectors.json("ed25519.json")
        let vectors = v["vectors"]!.arrayValue!
        #expect(vectors.count == 5)
        for t in vectors {
            let pk = try Hex.decode(t["public_key_hex"]!.stringValue!)
            let msg = try Hex.decode(t["message_hex"]!.stringValue!)
            var sig = try Hex.decode(t["signature_hex"]!.stringValue!)
            #expect(Ed25519.verify(signature: sig, message: msg, publicKey: pk), "\(t["name"]!.stringValue!)")
            #expect(!Ed25519.verify(signature: sig, message: msg + [0], publicKey: pk))
            sig[0] ^= 1
            #expect(!Ed25519.verify(signature: sig, message: msg, publicKey: pk))
        }
    }

    @Test(arguments: [("modp2048", "rfc3526_group14"), ("modp3072", "rfc3526_group15")])
    func modpConstantsMatchRFC3526(name: String, key: String) throws {
        let v = try Vectors.json("modp.json")[key]!
        let group = try #require({ if case let .modp(g) = try AnyGroup(name: name) { return g }; return nil }())
        #expect(group.p.description == v["p_hex"]!.stringValue!)
        #expect(group.q.description == v["q_hex"]!.stringValue!)
        #expect(group.elementLength * 8 == v["bits"]!.intValue!)
        #expect(group.scalarLength == group.elementLength)
        #expect(group.generator == BigNum(2))
        #expect(group.isInSubgroupByExponentiation(group.generator))
    }

    @Test func modpSubgroupTestMatchesSpecWording() throws {
        let g = ModpGroup.modp2048
        #expect(g.q.isProbablePrime(reps: 10))
        var rng = SystemRandomNumberGenerator()
        for i in 0..<12 {
            var bytes = (0..<g.elementLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes[0] &= 0x7f
            let x = BigNum(bigEndian: bytes)
            let accepted = (try? g.element(bytes)) != nil
            #expect(accepted == g.isInSubgroupByExponentiation(x), "sample \(i)")
        }
        // p - 1 has order 2: outside the subgroup. 0 and p are not elements at all.
        let pMinus1 = g.p.subtracting(BigNum(1))
        #expect(throws: AuditError.self) { try g.element(g.encodeElement(pMinus1)) }
        #expect(throws: AuditError.self) { try g.element([UInt8](repeating: 0, count: g.elementLength)) }
        #expect(throws: AuditError.self) { try g.element(g.p.bigEndian(length: g.elementLength)!) }
        #expect(throws: AuditError.self) { try g.element([1]) }
        #expect(throws: AuditError.self) { try g.scalar(g.q.bigEndian(length: g.scalarLength)!) }
        // 4 = 2^2 is in; big-endian digest reduction.
        #expect(try g.element(g.encodeElement(BigNum(4))) == BigNum(4))
        #expect(g.scalar(fromDigest: [UInt8](repeating: 0, count: 63) + [9]) == BigNum(9))
    }

    @Test func lagrangeAndDiscreteLog() throws {
        let g = r
        // Lagrange at zero recovers f(0) from any t points of a degree t-1 polynomial.
        let coeffs = [g.scalar(11), g.scalar(5), g.scalar(3)]  // f(z) = 11 + 5z + 3z^2
        func f(_ z: UInt64) -> Ristretto255.Scalar {
            var acc = g.zeroScalar
            var p = g.oneScalar
            for c in coeffs { acc = g.add(acc, g.mul(c, p)); p = g.mul(p, g.scalar(z)) }
            return acc
        }
        for set in [[1, 2, 3], [2, 4, 5], [5, 1, 3]] as [[UInt64]] {
            let l = Threshold.lagrangeCoefficients(g, set: set)!
            var s = g.zeroScalar
            for (j, lj) in zip(set, l) { s = g.add(s, g.mul(lj, f(j))) }
            #expect(s == g.scalar(11))
        }
        #expect(Threshold.lagrangeCoefficients(g, set: [1, 1]) == nil)
        for m: UInt64 in [0, 1, 2, 17, 99, 100] {
            #expect(Threshold.discreteLog(g, g.expG(g.scalar(m)), bound: 100) == m)
        }
        #expect(Threshold.discreteLog(g, g.expG(g.scalar(101)), bound: 100) == nil)
        let m = ModpGroup.modp2048
        #expect(Threshold.discreteLog(m, m.expG(m.scalar(37)), bound: 50) == 37)
    }
}
