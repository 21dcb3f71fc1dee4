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

    @Test("laws hold", arguments: proofTestGroups)
    func groupLaws(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.laws($0) }, modp: { try Self.laws($0) })
    }

    @Test("laws hold in modp3072")
    func modp3072Laws() throws { try Self.laws(ModPGroup.rfc3526_3072) }

    @Test("the fixed-base table agrees with powm for extreme exponents", arguments: [GroupName.modp2048, .modp3072])
    func fixedBaseTable(name: GroupName) throws {
        let group = name == .modp2048 ? ModPGroup.rfc3526_2048 : ModPGroup.rfc3526_3072
        let qMinus1 = group.scalarNegate(group.scalar(1))
        for s in [group.scalar(1), group.scalar(63), group.scalar(64), group.scalar(UInt64.max), qMinus1, group.randomScalar()] {
            #expect(group.expGeneratorPublic(s) == group.expPublic(group.generator, s))
            #expect(group.expGeneratorPublic(s) == group.expGenerator(s))
        }
        #expect(group.op(group.expGeneratorPublic(qMinus1), group.generator) == group.identity)
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
        default:
            let g = ModPGroup.rfc3526_2048
            // q > 2^512, so the big-endian digest is already reduced: the encoding ends with it.
            let encoded = g.encode(g.hashToScalar(input))
            #expect(Array(encoded.suffix(64)) == digest)
            #expect(encoded.dropLast(64).allSatisfy { $0 == 0 })
        }
    }

    @Test("MODP decoding refuses 0, p, p − 1, out-of-subgroup values and bad lengths", arguments: [GroupName.modp2048, .modp3072])
    func modpRefusals(name: GroupName) throws {
        let group = name == .modp2048 ? ModPGroup.rfc3526_2048 : ModPGroup.rfc3526_3072
        let n = group.elementByteCount
        let p = TestVectors.bytes(hex: group.modulusHex)
        var pMinus1 = p
        pMinus1[n - 1] -= 1  // p ends in 0xff
        let aboveP = [UInt8](repeating: 0xff, count: n)
        let zero = [UInt8](repeating: 0, count: n)
        var three = zero
        three[n - 1] = 3
        for bytes in [zero, p, aboveP, pMinus1] {
            #expect(throws: CryptoError.self) { try group.decodeElement(bytes) }
        }
        // p − 1 = −1 has order 2 (p ≡ 3 mod 4): outside the subgroup by the definition too.
        #expect(!group.isInSubgroupByExponentiation(pMinus1))
        // 3: the fast check and the definition agree, whichever way.
        #expect(((try? group.decodeElement(three)) != nil) == group.isInSubgroupByExponentiation(three))
        // Wrong lengths, including another group's encodings.
        #expect(throws: CryptoError.self) { try group.decodeElement(zero.dropLast()) }
        #expect(throws: CryptoError.self) { try group.decodeElement(zero + [1]) }
        #expect(throws: CryptoError.self) { try group.decodeElement(Ristretto255Group.shared.encode(Ristretto255Group.shared.generator)) }
        // q is not a scalar, q − 1 is.
        let q = TestVectors.bytes(hex: group.orderHex)
        #expect(throws: CryptoError.self) { try group.decodeScalar(q) }
        var qMinus1 = q
        qMinus1[qMinus1.count - 1] -= 1
        #expect(try group.decodeScalar(qMinus1) == group.scalarNegate(group.scalar(1)))
        #expect(throws: CryptoError.self) { try group.decodeScalar(q.dropLast()) }
    }

    @Test("the fast subgroup check agrees with x^q = 1")
    func legendreMatchesEuler() throws {
        let group = ModPGroup.rfc3526_2048
        var accepted = 0
        var refused = 0
        for _ in 0..<24 {
            var bytes = SecureRandom.bytes(group.elementByteCount)
            bytes[0] &= 0x7f  // below p
            let byDefinition = group.isInSubgroupByExponentiation(bytes)
            let decoded = (try? group.decodeElement(bytes)) != nil
            #expect(decoded == byDefinition)
            if decoded { accepted += 1 } else { refused += 1 }
        }
        // Half of all residues are in the subgroup; 24 draws give both outcomes except with prob. 2^-23.
        #expect(accepted > 0 && refused > 0)
    }

    @Test("elements of one MODP group are refused by the other")
    func crossGroup() throws {
        let small = ModPGroup.rfc3526_2048
        let large = ModPGroup.rfc3526_3072
        #expect(throws: CryptoError.self) { try large.decodeElement(small.encode(small.generator)) }
        #expect(throws: CryptoError.self) { try small.decodeElement(large.encode(large.generator)) }
        #expect(throws: CryptoError.self) { try Ristretto255Group.shared.decodeElement(small.encode(small.generator)) }
    }

    struct Describe: GroupVisitor {
        func visit<G: PrimeOrderGroup>(_ group: G) -> String { "\(group.name):\(group.elementByteCount)" }
    }

    @Test("run-time dispatch by name", arguments: GroupName.allCases)
    func dispatch(name: GroupName) throws {
        let expected = ["ristretto255": 32, "modp3072": 384, "modp2048": 256][name.rawValue]!
        #expect(try name.accept(Describe()) == "\(name.rawValue):\(expected)")
        #expect(try withGroup(name, Describe()) == "\(name.rawValue):\(expected)")
    }
}
