import CGMP
@testable import CivicCrypto
import Testing
import TestSupport

/// SPEC §3.1's batched membership (eg4096) and the Montgomery multi-exponentiation behind it and
/// behind eg4096's batch verification (SPEC §3.5.1), against the one-by-one definitions.
@Suite("Schnorr-group batched membership and multi-exponentiation")
struct ModPBatchMembershipTests {
    let eg = ModPGroup.eg4096

    func members(_ n: Int) -> [[UInt8]] { (0..<n).map { _ in eg.encode(eg.expGenerator(eg.randomScalar())) } }

    @Test("the fact batching rests on: (p − 1)/(2q) is prime for eg4096, not for belenios2048")
    func cofactorPrimality() {
        #expect(ModPGroup.eg4096.batchMembershipProblems() == [])
        #expect(ModPGroup.eg4096.batchesMembership)
        #expect(ModPGroup.belenios2048.batchMembershipProblems() == ["(p − 1)/(2q) is not prime"])
        #expect(!ModPGroup.belenios2048.batchesMembership)
    }

    @Test("the shared order-r' test value is 2^(2q) mod p: Jacobi symbol 1, not a member")
    func orderRPrimeConstant() throws {
        let x = MPZ(bigEndian: TestVectors.bytes(hex: NonMembers.eg4096OrderRPrime))
        let two = MPZ(2), twoQ = MPZ(), expected = MPZ()
        perennial_mpz_add(twoQ.pointer, eg.parameters.q.pointer, eg.parameters.q.pointer)
        perennial_mpz_powm(expected.pointer, two.pointer, twoQ.pointer, eg.parameters.p.pointer)
        #expect(MPZ.compare(x, expected) == 0)
        #expect(perennial_mpz_jacobi(x.pointer, eg.parameters.p.pointer) == 1)
        #expect(!eg.isInSubgroup(x))
    }

    @Test("members decode together to the values one-by-one decoding gives", arguments: [1, 2, 30])
    func membersPass(count: Int) throws {
        let encodings = members(count)
        let batched = try eg.decodeElements(encodings)
        #expect(batched == (try encodings.map { try eg.decodeElement($0) }))
    }

    /// Every non-member, at every position of a batch, is refused and named (the Jacobi test for p − 1,
    /// the batched x^q test for the order-r' value), whatever the weights drawn.
    @Test("a non-member anywhere in a batch is refused and named",
          arguments: ["minusOne", "orderRPrime", "zero", "p", "short"], [0, 4, 9])
    func nonMemberRefused(kind: String, position: Int) throws {
        var encodings = members(10)
        switch kind {
        case "minusOne": encodings[position] = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: eg.modulusHex))
        case "orderRPrime": encodings[position] = TestVectors.bytes(hex: NonMembers.eg4096OrderRPrime)
        case "zero": encodings[position] = [UInt8](repeating: 0, count: eg.elementByteCount)
        case "p": encodings[position] = TestVectors.bytes(hex: eg.modulusHex)
        default: encodings[position].removeLast()
        }
        do {
            _ = try eg.decodeElements(encodings)
            Issue.record("a batch holding \(kind) at \(position) was accepted")
        } catch let error as CryptoError {
            let text = "\(error)"
            if kind == "short" { #expect(error.code == .invalidLength, "\(text)") } else {
                #expect(error.code == .invalidElement, "\(text)")
                #expect(text.contains("element \(position + 1) of 10"), "\(text)")
            }
            if kind == "minusOne" { #expect(text.contains("Jacobi"), "\(text)") }
            if kind == "orderRPrime" { #expect(text.contains("x^q"), "\(text)") }
        }
    }

    /// Carried commitments: eg4096 checks only length, range and Jacobi symbol (rule 2 of SPEC §3.5.1 then
    /// shows membership: Eg4096BallotTests refuses an order-r' commitment there); belenios2048 in full.
    @Test("carried commitments: Jacobi −1 refused; an order-r' value is left to rule 2 in eg4096 only")
    func carriedCommitments() throws {
        let minusOne = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: eg.modulusHex))
        let orderR = TestVectors.bytes(hex: NonMembers.eg4096OrderRPrime)
        #expect(throws: CryptoError.self) { try eg.decodeCarriedCommitments(members(3) + [minusOne]) }
        #expect(try eg.decodeCarriedCommitments(members(2) + [orderR]).count == 3)
        #expect(throws: CryptoError.self) { try eg.decodeElements(members(2) + [orderR]) }
        let b = ModPGroup.belenios2048
        let bMinusOne = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: b.modulusHex))
        #expect(throws: CryptoError.self) { try b.decodeCarriedCommitments([b.encode(b.generator), bMinusOne]) }
    }

    @Test("belenios2048 decodes a batch one by one: a non-member is refused")
    func beleniosOneByOne() throws {
        let b = ModPGroup.belenios2048
        var encodings = (0..<3).map { _ in b.encode(b.expGenerator(b.randomScalar())) }
        #expect(try b.decodeElements(encodings).count == 3)
        encodings[1] = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: b.modulusHex))
        #expect(throws: CryptoError.self) { try b.decodeElements(encodings) }
    }

    /// The multi-exponentiation against products of `expPublic`: empty, zero exponents, 128-bit and full
    /// exponents, non-member bases (the arithmetic holds for any value in [1, p)), with and without tables.
    @Test("multi-exponentiation equals the product of single exponentiations", arguments: [GroupName.eg4096, .belenios2048])
    func multiExpMatches(name: GroupName) throws {
        let group = name == .eg4096 ? ModPGroup.eg4096 : ModPGroup.belenios2048
        let ctx = group.parameters.montgomery
        #expect(ctx.multiExp(bases: [], exponents: []).isOne)
        var pMinus1 = TestVectors.bytes(hex: group.modulusHex)
        pMinus1[pMinus1.count - 1] -= 1
        let bases = [MPZ(bigEndian: pMinus1), MPZ(2), group.parameters.g] + (0..<9).map { _ in group.expGenerator(group.randomScalar()).value }
        let short = MPZ(bigEndian: SecureRandom.bytes(16))
        let exps = [MPZ(0), MPZ(1), short, group.parameters.q] + (0..<8).map { _ in group.randomScalar().value }
        let expected = MPZ(1), t = MPZ()
        for (b, e) in zip(bases, exps) {
            perennial_mpz_powm(t.pointer, b.pointer, e.pointer, group.parameters.p.pointer)
            perennial_mpz_mul(expected.pointer, expected.pointer, t.pointer)
            perennial_mpz_mod(expected.pointer, expected.pointer, group.parameters.p.pointer)
        }
        #expect(MPZ.compare(ctx.multiExp(bases: bases, exponents: exps), expected) == 0)
        let s = group.randomScalar()
        perennial_mpz_powm(t.pointer, group.parameters.g.pointer, s.value.pointer, group.parameters.p.pointer)
        perennial_mpz_mul(expected.pointer, expected.pointer, t.pointer)
        perennial_mpz_mod(expected.pointer, expected.pointer, group.parameters.p.pointer)
        #expect(MPZ.compare(ctx.multiExp(bases: bases, exponents: exps, tables: [(group.parameters.generatorTable, s.value)]), expected) == 0)
    }

    @Test("multiExpIsIdentity: x^s·x^(−s)·g^t·g^(−t) is 1; one exponent off is not", arguments: [true, false])
    func identityCheck(recurring: Bool) {
        let x = eg.expGenerator(eg.randomScalar()), pk = eg.expGenerator(eg.randomScalar())
        let s = eg.randomScalar(), t = eg.randomScalar(), u = eg.randomScalar()
        let terms = [(x, s), (x, eg.scalarNegate(s)), (eg.generator, t), (eg.generator, eg.scalarNegate(t))]
        let keyTerms = [(pk, u), (pk, eg.scalarNegate(u))]
        #expect(eg.multiExpIsIdentity(terms, recurring: recurring ? keyTerms : []))
        #expect(!eg.multiExpIsIdentity(terms + [(x, eg.scalar(1))], recurring: recurring ? keyTerms : []))
        #expect(!eg.multiExpIsIdentity(terms, recurring: [(pk, u)]))
    }

    /// Folded membership (SPEC §3.1): a candidate's exponent gets `+ q·w`. `x^0·g^t·g^(−t)` is 1 for any
    /// x, so without the fold an order-r' x passes (the test can fail); folded, it is refused at every
    /// position, while members and the generator keep passing. Decoding candidates keeps the Jacobi test;
    /// belenios2048 decodes its candidates in full.
    @Test("folded membership: a non-member candidate is refused in the proof multi-exponentiation", arguments: [0, 1, 3])
    func foldedMembership(position: Int) throws {
        let orderR = try eg.decodeMembershipCandidates([TestVectors.bytes(hex: NonMembers.eg4096OrderRPrime)])[0]
        let t = eg.randomScalar(), s = eg.randomScalar()
        var terms = (0..<4).map { _ in (eg.expGenerator(eg.randomScalar()), eg.zeroScalar) }
        terms += [(eg.generator, t), (eg.generator, eg.scalarNegate(t))]
        // A member with a non-zero exponent that cancels: x^s·(x^(−1))^s (as x^s·x^(q−s) would not: its + q·w differs).
        let x = eg.expGenerator(eg.randomScalar())
        terms += [(x, s), (eg.inverse(x), s)]
        let all = Array(0..<terms.count)
        #expect(eg.multiExpIsIdentity(terms, recurring: [], candidates: all))
        terms[position] = (orderR, eg.zeroScalar)
        #expect(eg.multiExpIsIdentity(terms, recurring: []), "x^0 hides any x without the fold")
        #expect(!eg.multiExpIsIdentity(terms, recurring: [], candidates: all))
        #expect(!eg.multiExpIsIdentity(terms, recurring: [], candidates: [position]))
        #expect(eg.multiExpIsIdentity(terms, recurring: [], candidates: all.filter { $0 != position }), "only the candidates are folded")
        // Decoding candidates: the Jacobi test stays (p − 1 refused), the order-r' value is deferred.
        let minusOne = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: eg.modulusHex))
        #expect(throws: CryptoError.self) { try eg.decodeMembershipCandidates(members(2) + [minusOne]) }
        let b = ModPGroup.belenios2048
        let bMinusOne = TestVectors.bytes(hex: NonMembers.minusOne(modulusHex: b.modulusHex))
        #expect(throws: CryptoError.self) { try b.decodeMembershipCandidates([b.encode(b.generator), bMinusOne]) }
    }
}
