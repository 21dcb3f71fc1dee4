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

    @Test(arguments: [("eg4096", "electionguard_v2"), ("belenios2048", "belenios_2048")])
    func schnorrGroupConstantsMatchPublishedParameters(name: String, key: String) throws {
        let v = try Vectors.json("modp.json")[key]!
        let group = try #require({ if case let .modp(g) = try AnyGroup(name: name) { return g }; return nil }())
        #expect(group.name == name)
        #expect(group.p.description == v["p_hex"]!.stringValue!)
        #expect(group.q.description == v["q_hex"]!.stringValue!)
        #expect(group.generator.description == v["g_hex"]!.stringValue!)
        #expect(group.elementLength * 8 == (name == "eg4096" ? 4096 : 2048))
        #expect(group.scalarLength == 32)
        // p and q prime, q | p - 1, g of order q (g != 1, g^q = 1).
        #expect(group.p.isProbablePrime(reps: 25))
        #expect(group.q.isProbablePrime(reps: 25))
        #expect(group.q.bitWidth == 256)
        #expect(group.p.subtracting(BigNum(1)).mod(group.q).isZero)
        #expect(group.generator != group.identity)
        #expect(group.generator.power(group.q, modulo: group.p) == group.identity)
        #expect(try group.element(group.encodeElement(group.generator)) == group.generator)
    }

    /// The constants equal the hex blocks of SPEC.md §3.1 (the audit is written from SPEC.md).
    @Test func schnorrGroupConstantsMatchSpec() throws {
        let specURL = Vectors.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Audit/SPEC.md")
        let lines = try String(contentsOf: specURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        func value(_ label: String) -> String? {
            guard let start = lines.firstIndex(of: Substring(label + " =")) else { return nil }
            let hex = lines[(start + 1)...].prefix { !$0.isEmpty && $0.allSatisfy(\.isHexDigit) }
            return hex.isEmpty ? nil : hex.joined()
        }
        for g in [ModpGroup.eg4096, ModpGroup.belenios2048] {
            #expect(value("\(g.name) p") == g.p.description)
            #expect(value("\(g.name) q") == g.q.description)
            #expect(value("\(g.name) g") == g.generator.description)
        }
    }

    @Test func electionGuardOrderIs2To256Minus189() {
        #expect(ModpGroup.eg4096.q.adding(BigNum(189)).bigEndian(length: 33) == [1] + [UInt8](repeating: 0, count: 32))
    }

    @Test func retiredAndUnknownGroupsAreRefused() {
        for name in ["modp2048", "modp3072"] {
            let e = #expect(throws: AuditError.self) { try AnyGroup(name: name) }
            #expect("\(e!)".contains("retired"))
        }
        #expect(throws: AuditError.self) { try AnyGroup(name: "p256") }
    }

    @Test(arguments: ["eg4096", "belenios2048"])
    func schnorrGroupMembershipIsXToTheQ(name: String) throws {
        let g = name == "eg4096" ? ModpGroup.eg4096 : ModpGroup.belenios2048
        let n = g.elementLength
        // 1 is the identity and an element (SPEC.md §3.1: 1 ≤ x < p).
        #expect(try g.element(g.encodeElement(BigNum(1))) == g.identity)
        // 0, p, p + 1 and 2^(8n) − 1 are not in [1, p).
        #expect(throws: AuditError.self) { try g.element([UInt8](repeating: 0, count: n)) }
        #expect(throws: AuditError.self) { try g.element(g.p.bigEndian(length: n)!) }
        #expect(throws: AuditError.self) { try g.element([UInt8](repeating: 0xff, count: n)) }
        // p − 1 (order 2), 2 (not a power of g), p − g = g·(−1): in [1, p) but x^q ≠ 1.
        #expect(throws: AuditError.self) { try g.element(g.encodeElement(g.p.subtracting(BigNum(1)))) }
        #expect(throws: AuditError.self) { try g.element(g.encodeElement(BigNum(2))) }
        #expect(throws: AuditError.self) { try g.element(g.encodeElement(g.p.subtracting(g.generator))) }
        // Random values below p are outside the subgroup (chance of membership about 2^256 / p).
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes[0] &= 0x7f
            #expect(throws: AuditError.self) { try g.element(bytes) }
        }
        // Powers of g are in; g + p, where it fits, is a non-canonical encoding and refused.
        let x = g.expG(g.scalar(123_456_789))
        #expect(try g.element(g.encodeElement(x)) == x)
        if let nonCanonical = g.generator.adding(g.p).bigEndian(length: n) {
            #expect(throws: AuditError.self) { try g.element(nonCanonical) }
        }
        // Wrong lengths: a leading zero byte, one byte short, the other group's elements.
        #expect(throws: AuditError.self) { try g.element([0] + g.encodeElement(x)) }
        #expect(throws: AuditError.self) { try g.element(Array(g.encodeElement(x).dropFirst())) }
        let other = name == "eg4096" ? ModpGroup.belenios2048 : ModpGroup.eg4096
        #expect(throws: AuditError.self) { try g.element(other.encodeElement(other.generator)) }
        // Scalars: 32 bytes, below q; H(T) reads the digest big-endian mod q.
        #expect(throws: AuditError.self) { try g.scalar(g.q.bigEndian(length: 32)!) }
        #expect(try g.scalar(g.q.subtracting(BigNum(1)).bigEndian(length: 32)!) == g.neg(g.scalar(1)))
        #expect(throws: AuditError.self) { try g.scalar([0] + g.scalar(5).bigEndian(length: 32)!) }
        #expect(g.scalar(fromDigest: [UInt8](repeating: 0, count: 63) + [9]) == BigNum(9))
        let digest = [UInt8](repeating: 0xff, count: 64)
        #expect(g.scalar(fromDigest: digest) == BigNum(bigEndian: digest).mod(g.q))
        #expect(g.scalar(fromDigest: digest) < g.q)
    }

    @Test(arguments: ["eg4096", "belenios2048", "ristretto255"])
    func shamirsTrickEqualsTwoExponentiations(name: String) throws {
        func check<G: PrimeOrderGroup>(_ g: G, _ s: [G.Scalar]) {
            let a = g.expG(s[0]), b = g.expG(s[1])
            for x in s {
                for y in s.reversed() {
                    #expect(g.exp2(a, x, b, y) == g.op(g.exp(a, x), g.exp(b, y)))
                    #expect(g.exp2(g.generator, x, b, y) == g.op(g.expG(x), g.exp(b, y)))
                }
            }
            #expect(g.exp2(a, g.neg(g.scalar(1)), a, g.scalar(1)) == g.identity)
        }
        var rng = SystemRandomNumberGenerator()
        func scalars<G: PrimeOrderGroup>(_ g: G) -> [G.Scalar] {
            [g.scalar(0), g.scalar(1), g.scalar(2), g.scalar(3), g.neg(g.scalar(1)),
             g.scalar(fromDigest: (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }),
             g.scalar(fromDigest: (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) })]
        }
        switch try AnyGroup(name: name) {
        case let .modp(g): check(g, scalars(g))
        case let .ristretto255(g): check(g, scalars(g))
        }
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
        let m = ModpGroup.belenios2048
        #expect(Threshold.discreteLog(m, m.expG(m.scalar(37)), bound: 50) == 37)
    }
}
