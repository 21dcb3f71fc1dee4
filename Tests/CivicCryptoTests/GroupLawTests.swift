import CivicCrypto
import Testing
import TestSupport

/// Group and scalar laws, encodings and decoding refusals, generic over every group.
@Suite("Group laws and encodings")
struct GroupLawTests {
    static func laws<G: PrimeOrderGroup>(_ group: G) throws {
        let a = group.randomScalar()
        let b = group.randomScalar()
        // g^a · g^b = g^(a+b); (g^a)^b = g^(ab); g^a / g^a = 1.
        let ga = group.expGenerator(a)
        let gb = group.expGenerator(b)
        #expect(group.op(ga, gb) == group.expGenerator(group.scalarAdd(a, b)))
        #expect(group.exp(ga, b) == group.expGenerator(group.scalarMul(a, b)))
        #expect(group.expPublic(ga, b) == group.exp(ga, b))
        #expect(group.expGeneratorPublic(a) == ga)
        #expect(group.divide(ga, ga) == group.identity)
        #expect(group.op(ga, group.inverse(ga)) == group.identity)
        #expect(group.divide(ga, gb) == group.expGenerator(group.scalarSub(a, b)))
        #expect(group.inverse(ga) == group.expGenerator(group.scalarNegate(a)))
        // Identity and zero exponent.
        #expect(group.exp(ga, group.scalar(0)) == group.identity)
        #expect(group.expGenerator(group.scalar(0)) == group.identity)
        #expect(group.expPublic(ga, group.scalar(0)) == group.identity)
        #expect(group.expGeneratorPublic(group.scalar(0)) == group.identity)
        #expect(group.exp(group.identity, a) == group.identity)
        #expect(group.op(group.identity, ga) == ga)
        #expect(group.isZero(group.scalar(0)))
        #expect(!group.isZero(group.scalar(1)))
        // Scalars.
        let inverse = try group.scalarInvert(a)
        #expect(group.scalarMul(a, inverse) == group.scalar(1))
        #expect(group.scalarAdd(a, group.scalarNegate(a)) == group.scalar(0))
        #expect(throws: CryptoError.self) { try group.scalarInvert(group.scalar(0)) }
        #expect(group.scalar(int: -5) == group.scalarNegate(group.scalar(5)))
        // Small integers, negative too.
        #expect(group.elementForSmallInt(0) == group.identity)
        #expect(group.elementForSmallInt(1) == group.generator)
        #expect(group.elementForSmallInt(200) == group.expGenerator(group.scalar(200)))
        #expect(group.elementForSmallInt(-3) == group.inverse(group.elementForSmallInt(3)))
        // Encodings round-trip with the published lengths.
        #expect(group.encode(ga).count == group.elementByteCount)
        #expect(group.encode(a).count == group.scalarByteCount)
        #expect(try group.decodeElement(group.encode(ga)) == ga)
        #expect(try group.decodeScalar(group.encode(a)) == a)
        #expect(try group.decodeElement(hex: group.hex(gb)) == gb)
        #expect(try group.decodeScalar(hex: group.hex(b)) == b)
        #expect(try group.decodeElement(group.encode(group.identity)) == group.identity)
        // Distinct random scalars (a failure here means a broken RNG).
        #expect(a != b)
        // Hash to scalar is deterministic and input-sensitive.
        #expect(group.hashToScalar([1, 2, 3]) == group.hashToScalar([1, 2, 3]))
        #expect(group.hashToScalar([1, 2, 3]) != group.hashToScalar([1, 2, 4]))
    }

    /// `doubleExpPublic` and `multiExpPublic` equal the product of separate exponentiations.
    static func multiExponentiation<G: PrimeOrderGroup>(_ group: G) {
        let a = group.expGenerator(group.randomScalar())
        let b = group.expGenerator(group.randomScalar())
        let qMinus1 = group.scalarNegate(group.scalar(1))
        let exponents = [group.scalar(0), group.scalar(1), group.scalar(17), qMinus1, group.randomScalar(), group.randomScalar()]
        for s in exponents {
            for t in exponents.reversed() {
                let expected = group.op(group.expPublic(a, s), group.expPublic(b, t))
                #expect(group.doubleExpPublic(a, s, b, t) == expected)
                #expect(group.doubleExpPublic(group.generator, s, b, t) == group.op(group.expGenerator(s), group.expPublic(b, t)))
                #expect(group.doubleExpPublic(a, s, group.generator, t) == group.op(group.expPublic(a, s), group.expGenerator(t)))
                #expect(group.doubleExpPublic(a, s, group.identity, t) == group.expPublic(a, s))
                #expect(group.multiExpPublic([(a, s), (b, t), (group.generator, s)]) == group.op(expected, group.expGenerator(s)))
            }
        }
        #expect(group.multiExpPublic([]) == group.identity)
        #expect(group.multiExpPublic([(a, qMinus1)]) == group.inverse(a))
        // A base used first many times (the election key) may get a table of its own part-way:
        // every result before and after must be the same as the plain computation.
        let key = group.expGenerator(group.randomScalar())
        for _ in 0..<40 {
            let (s, t) = (group.randomScalar(), group.randomScalar())
            #expect(group.doubleExpPublic(key, s, b, t) == group.op(group.expPublic(key, s), group.expPublic(b, t)))
        }
        #expect(group.doubleExpPublic(key, qMinus1, key, group.scalar(1)) == group.identity)
    }

    /// The encrypted tally's running sums: ristretto255 keeps them unencoded, so their equality, hashing,
    /// encoding and use as an operand must be those of the eagerly encoded `op` / `divide` results.
    static func runningSums<G: PrimeOrderGroup>(_ group: G) throws {
        let xs = (0..<12).map { _ in group.expGenerator(group.randomScalar()) }
        var sum = group.identity, eager = group.identity
        for x in xs {
            sum = group.accumulate(sum, x)
            eager = group.op(eager, x)
        }
        #expect(sum == eager)
        #expect(group.encode(sum) == group.encode(eager))
        #expect(sum.hashValue == eager.hashValue)
        #expect(Set([sum, eager]).count == 1)
        #expect(try group.decodeElement(group.encode(sum)) == sum)
        #expect(group.op(sum, xs[0]) == group.op(eager, xs[0]))
        #expect(group.accumulate(sum, group.generator) != sum)
        for x in xs.prefix(5) {
            sum = group.deaccumulate(sum, x)
            eager = group.divide(eager, x)
        }
        #expect(sum == eager)
        #expect(group.encode(sum) == group.encode(eager))
        for x in xs.dropFirst(5) { sum = group.deaccumulate(sum, x) }
        #expect(sum == group.identity)
        #expect(group.encode(sum) == group.encode(group.identity))
    }

    @Test("a running sum (accumulate, deaccumulate) equals, hashes and encodes as op and divide", arguments: proofTestGroups)
    func runningSum(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.runningSums($0) }, modp: { try Self.runningSums($0) })
    }

    @Test("laws hold", arguments: proofTestGroups)
    func groupLaws(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.laws($0) }, modp: { try Self.laws($0) })
    }

    @Test("simultaneous exponentiation equals separate exponentiations", arguments: proofTestGroups)
    func multiExp(name: GroupName) {
        withTestGroup(name, ristretto: { Self.multiExponentiation($0) }, modp: { Self.multiExponentiation($0) })
    }

    static func schnorrGroup(_ name: GroupName) -> ModPGroup { name == .eg4096 ? .eg4096 : .belenios2048 }

    @Test("the fixed-base table agrees with powm for extreme exponents", arguments: schnorrTestGroups)
    func fixedBaseTable(name: GroupName) throws {
        let group = Self.schnorrGroup(name)
        let qMinus1 = group.scalarNegate(group.scalar(1))
        for s in [group.scalar(1), group.scalar(63), group.scalar(64), group.scalar(UInt64.max), qMinus1, group.randomScalar()] {
            #expect(group.expGeneratorPublic(s) == group.expPublic(group.generator, s))
            #expect(group.expGeneratorPublic(s) == group.expGenerator(s))
        }
        #expect(group.op(group.expGeneratorPublic(qMinus1), group.generator) == group.identity)
    }

    @Test("small powers of g agree with exponentiation", arguments: schnorrTestGroups)
    func smallPowers(name: GroupName) {
        let group = Self.schnorrGroup(name)
        for m in [0, 1, 2, 37, 63, 64, 65, -1, -63, -64, -1000] {
            #expect(group.elementForSmallInt(m) == group.expGenerator(group.scalar(int: m)), "m = \(m)")
        }
    }

    /// The big-endian integer of `bytes` reduced mod q, by Horner's rule in the group's scalars.
    static func bigEndianModQ<G: PrimeOrderGroup>(_ bytes: [UInt8], _ group: G) -> G.Scalar {
        bytes.reduce(group.scalar(0)) { group.scalarAdd(group.scalarMul($0, group.scalar(256)), group.scalar(UInt64($1))) }
    }

    @Test("hashToScalar follows SPEC §3.2 byte order", arguments: proofTestGroups)
    func hashToScalarByteOrder(name: GroupName) throws {
        let input: [UInt8] = Array("perennial".utf8)
        let digest = SHA512.hash(input)
        switch name {
        case .ristretto255:
            let g = Ristretto255Group.shared
            // Little-endian reduction: equals libsodium's reduce of the digest.
            #expect(g.hashToScalar(input) == (try g.scalarReducing(wide: digest)))
        case .eg4096, .belenios2048:
            let g = Self.schnorrGroup(name)
            // Big-endian reduction mod the 256-bit q (not little-endian).
            #expect(g.hashToScalar(input) == Self.bigEndianModQ(digest, g))
            #expect(g.hashToScalar(input) != Self.bigEndianModQ(digest.reversed(), g))
            #expect(g.encode(g.hashToScalar(input)).count == 32)
        }
    }

    /// Big-endian `a + b` on `a.count` bytes (nil on overflow); independent of GMP.
    static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8]? {
        var out = a
        var carry = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            let j = i - (a.count - b.count)
            let sum = Int(a[i]) + (j >= 0 ? Int(b[j]) : 0) + carry
            out[i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return carry == 0 ? out : nil
    }

    /// Big-endian `a − b` for `a ≥ b` of the same length; independent of GMP.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = a
        var borrow = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            let d = Int(a[i]) - Int(b[i]) - borrow
            out[i] = UInt8((d + 256) & 0xff)
            borrow = d < 0 ? 1 : 0
        }
        return out
    }

    @Test("Schnorr-group decoding refuses 0, p, p − 1, x + p, non-members and bad lengths; 1 is the identity", arguments: schnorrTestGroups)
    func schnorrRefusals(name: GroupName) throws {
        let group = Self.schnorrGroup(name)
        let n = group.elementByteCount
        let p = TestVectors.bytes(hex: group.modulusHex)
        var pMinus1 = p
        pMinus1[n - 1] -= 1  // p is odd, so its last byte is not 0
        let aboveP = [UInt8](repeating: 0xff, count: n)
        let zero = [UInt8](repeating: 0, count: n)
        var one = zero
        one[n - 1] = 1
        var two = zero
        two[n - 1] = 2
        for bytes in [zero, p, aboveP] {
            #expect(throws: CryptoError.self) { try group.decodeElement(bytes) }
        }
        // 1 is the identity (SPEC §3.1: 1 ≤ x < p).
        #expect(try group.decodeElement(one) == group.identity)
        // p − 1 = −1 has order 2; 2 is not a power of g; g·(−1) is outside too: all refused by x^q ≠ 1.
        #expect(throws: CryptoError.self) { try group.decodeElement(pMinus1) }
        #expect(throws: CryptoError.self) { try group.decodeElement(two) }
        // p − g = g·(−1) mod p: refused although g is a member.
        let g = group.encode(group.generator)
        #expect(throws: CryptoError.self) { try group.decodeElement(Self.subtract(p, g)) }
        // Random values below p are not in the subgroup (probability 2^256 / p of being in it).
        for _ in 0..<4 {
            var bytes = SecureRandom.bytes(n)
            bytes[0] &= 0x7f  // below p (its top bit is set)
            #expect(throws: CryptoError.self) { try group.decodeElement(bytes) }
        }
        // A member's non-canonical encoding x + p, where it fits on len(p) bytes, is refused.
        if let nonCanonical = Self.add(g, p) {
            #expect(throws: CryptoError.self) { try group.decodeElement(nonCanonical) }
        }
        // Wrong lengths, including another group's encodings and a leading zero byte.
        #expect(throws: CryptoError.self) { try group.decodeElement(zero.dropLast()) }
        #expect(throws: CryptoError.self) { try group.decodeElement([0] + g) }
        #expect(throws: CryptoError.self) { try group.decodeElement(Array(g.dropFirst())) }
        #expect(throws: CryptoError.self) { try group.decodeElement(Ristretto255Group.shared.encode(Ristretto255Group.shared.generator)) }
        // q is not a scalar, q − 1 is; scalars are 32 bytes.
        let q = TestVectors.bytes(hex: group.orderHex)
        #expect(q.count == 32)
        #expect(throws: CryptoError.self) { try group.decodeScalar(q) }
        #expect(throws: CryptoError.self) { try group.decodeScalar([UInt8](repeating: 0xff, count: 32)) }
        var qMinus1 = q
        qMinus1[qMinus1.count - 1] -= 1
        #expect(try group.decodeScalar(qMinus1) == group.scalarNegate(group.scalar(1)))
        #expect(throws: CryptoError.self) { try group.decodeScalar(q.dropLast()) }
        #expect(throws: CryptoError.self) { try group.decodeScalar([0] + qMinus1) }
    }

    @Test("elements of one Schnorr group are refused by the other")
    func crossGroup() throws {
        let small = ModPGroup.belenios2048
        let large = ModPGroup.eg4096
        #expect(throws: CryptoError.self) { try large.decodeElement(small.encode(small.generator)) }
        #expect(throws: CryptoError.self) { try small.decodeElement(large.encode(large.generator)) }
        // belenios2048's g padded to 512 bytes is below eg4096's p but not in its subgroup.
        #expect(throws: CryptoError.self) { try large.decodeElement([UInt8](repeating: 0, count: 256) + small.encode(small.generator)) }
        #expect(throws: CryptoError.self) { try Ristretto255Group.shared.decodeElement(small.encode(small.generator)) }
    }

    @Test("group names: the retired RFC 3526 groups and unknown names are refused with clear messages")
    func names() throws {
        for name in GroupName.allCases { #expect(try GroupName.named(name.rawValue) == name) }
        for retired in ["modp2048", "modp3072"] {
            let error = #expect(throws: CryptoError.self) { try GroupName.named(retired) }
            #expect(error?.code == .invalidParameter)
            #expect(error?.description.contains("no longer supported") == true)
            #expect(error?.description.contains(retired) == true)
        }
        let error = #expect(throws: CryptoError.self) { try GroupName.named("p256") }
        #expect(error?.description.contains("ristretto255, eg4096 or belenios2048") == true)
    }

    struct Describe: GroupVisitor {
        func visit<G: PrimeOrderGroup>(_ group: G) -> String { "\(group.name):\(group.elementByteCount)" }
    }

    @Test("run-time dispatch by name", arguments: GroupName.allCases)
    func dispatch(name: GroupName) throws {
        let expected = ["ristretto255": 32, "eg4096": 512, "belenios2048": 256][name.rawValue]!
        #expect(try name.accept(Describe()) == "\(name.rawValue):\(expected)")
        #expect(try withGroup(name, Describe()) == "\(name.rawValue):\(expected)")
    }
}
