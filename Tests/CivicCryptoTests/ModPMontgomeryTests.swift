@testable import CivicCrypto
import Testing
import TestSupport

/// The Schnorr groups' Montgomery-form public exponentiation (fixed-base tables, power ladders and
/// their cache) against GMP's `mpz_powm` (``ModPGroup/expPublic(_:_:)``), and the ladder-based
/// membership check against the definition.
@Suite("Schnorr-group Montgomery exponentiation")
struct ModPMontgomeryTests {
    static func group(_ name: GroupName) -> ModPGroup { name == .eg4096 ? .eg4096 : .belenios2048 }

    /// Exponents at the edges of the 8-bit table windows and 4-bit ladder windows, 64-bit limb
    /// boundaries, 0, 1, q − 1 and random ones.
    static func exponents(_ group: ModPGroup) -> [ModPGroup.Scalar] {
        let two64 = group.scalarMul(group.scalar(1 << 32), group.scalar(1 << 32))
        return [
            group.scalar(0), group.scalar(1), group.scalar(15), group.scalar(16), group.scalar(255), group.scalar(256),
            group.scalar(UInt64.max), two64, group.scalarAdd(two64, group.scalar(1)), group.scalarNegate(group.scalar(1)),
            group.scalarNegate(group.scalar(16)), group.randomScalar(), group.randomScalar(),
        ]
    }

    /// Bases given straight as integers (no decoding): 1, g, a random member, and p − 1 and 2, which
    /// are not members — the arithmetic must be right for any value in [1, p).
    static func bases(_ group: ModPGroup) -> [ModPGroup.Element] {
        var pMinus1 = TestVectors.bytes(hex: group.modulusHex)
        pMinus1[pMinus1.count - 1] -= 1  // p is odd
        return [
            group.identity, group.generator, group.expGenerator(group.randomScalar()),
            ModPGroup.Element(value: MPZ(bigEndian: pMinus1)), ModPGroup.Element(value: MPZ(2)),
        ]
    }

    @Test("table · ladder equals mpz_powm for edge exponents and any base in [1, p)", arguments: schnorrTestGroups)
    func tableTimesLadder(name: GroupName) {
        let group = Self.group(name)
        let exponents = Self.exponents(group)
        for base in Self.bases(group) {
            let ladder = group.parameters.newLadder(base.value)
            for s in exponents {
                for t in exponents {
                    let expected = group.op(group.expPublic(group.generator, s), group.expPublic(base, t))
                    let got = ModPGroup.Element(value: group.parameters.generatorTable.exp(s.value, times: ladder, raisedTo: t.value))
                    #expect(got == expected, "\(base) s t")
                }
                #expect(ModPGroup.Element(value: group.parameters.generatorTable.exp(s.value)) == group.expPublic(group.generator, s))
            }
        }
    }

    @Test("ladder membership agrees with x^q by mpz_powm, members and non-members", arguments: schnorrTestGroups)
    func ladderMembership(name: GroupName) {
        let group = Self.group(name)
        for base in Self.bases(group) {
            let byLadder = group.parameters.newLadder(base.value).isOne(raisedTo: group.parameters.q)
            #expect(byLadder == group.isInSubgroup(base.value), "\(base)")
        }
        // 1, g and g^x are members; p − 1 and 2 are not (the test would pass vacuously otherwise).
        let verdicts = Self.bases(group).map { group.parameters.newLadder($0.value).isOne(raisedTo: group.parameters.q) }
        #expect(verdicts == [true, true, true, false, false])
    }

    @Test("decoding caches the ladder of members only; a refused value stays refused", arguments: schnorrTestGroups)
    func decodingCache(name: GroupName) throws {
        let group = Self.group(name)
        let member = group.expGenerator(group.randomScalar())
        #expect(group.parameters.ladders.ladder(for: member) == nil)
        #expect(try group.decodeElement(group.encode(member)) == member)
        #expect(group.parameters.ladders.ladder(for: member) != nil)
        // 2 is not a member: refused, not cached, refused again.
        var two = [UInt8](repeating: 0, count: group.elementByteCount)
        two[two.count - 1] = 2
        for _ in 0..<2 {
            #expect(throws: CryptoError.self) { try group.decodeElement(two) }
            #expect(group.parameters.ladders.ladder(for: ModPGroup.Element(value: MPZ(2))) == nil)
        }
        #expect(group.parameters.ladders.entry(for: member)?.checkedMember == true)
        // A ladder made by an exponentiation (not a decoding) does not vouch for membership: a
        // non-member given straight as an integer (p − 1, order 2) and raised is still refused when
        // its encoding is decoded.
        var pMinus1 = TestVectors.bytes(hex: group.modulusHex)
        pMinus1[pMinus1.count - 1] -= 1
        let outsider = ModPGroup.Element(value: MPZ(bigEndian: pMinus1))
        _ = group.doubleExpPublic(group.generator, group.scalar(3), outsider, group.scalar(5))
        #expect(group.parameters.ladders.entry(for: outsider)?.checkedMember == false)
        #expect(throws: CryptoError.self) { try group.decodeElement(pMinus1) }
        // A cached ladder gives the same results as a fresh one.
        let s = group.randomScalar(), t = group.randomScalar()
        #expect(group.doubleExpPublic(group.generator, s, member, t) == group.op(group.expPublic(group.generator, s), group.expPublic(member, t)))
    }

    @Test("the ladder cache keeps at most its capacity, dropping the oldest; results stay right")
    func cacheEviction() {
        let group = ModPGroup.belenios2048
        let cache = ModPGroup.LadderCache()
        let one = group.parameters.newLadder(group.identity.value)
        let keys = (0..<(ModPGroup.LadderCache.capacity + 10)).map { ModPGroup.Element(value: MPZ(UInt($0 + 1))) }
        for key in keys { cache.insert(one, for: key, checkedMember: false) }
        #expect(cache.count == ModPGroup.LadderCache.capacity)
        #expect(cache.ladder(for: keys[0]) == nil)
        #expect(cache.ladder(for: keys[9]) == nil)
        #expect(cache.ladder(for: keys[10]) != nil)
        #expect(cache.ladder(for: keys[keys.count - 1]) != nil)
        // Re-inserting a present key changes nothing but a membership check recorded.
        cache.insert(one, for: keys[keys.count - 1], checkedMember: false)
        #expect(cache.count == ModPGroup.LadderCache.capacity)
        #expect(cache.entry(for: keys[keys.count - 1])?.checkedMember == false)
        cache.insert(one, for: keys[keys.count - 1], checkedMember: true)
        cache.insert(one, for: keys[keys.count - 1], checkedMember: false)
        #expect(cache.entry(for: keys[keys.count - 1])?.checkedMember == true)
        #expect(cache.count == ModPGroup.LadderCache.capacity)
        // The group's own cache under churn: every result equals the plain computation.
        for _ in 0..<3 {
            let b = group.expGenerator(group.randomScalar())
            let (s, t) = (group.randomScalar(), group.randomScalar())
            #expect(group.doubleExpPublic(group.generator, s, b, t) == group.op(group.expPublic(group.generator, s), group.expPublic(b, t)))
        }
    }
}
