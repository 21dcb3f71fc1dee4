import CivicCrypto
import Testing
import TestSupport

@Suite("Exponential ElGamal")
struct ElGamalTests {
    static func roundTrips<G: PrimeOrderGroup>(_ group: G) throws {
        let sk = ElGamalSecretKey.generate(in: group)
        let pk = sk.publicKey
        let solver = try DiscreteLogSolver(group: group, max: 64)
        for m in 0...64 {
            let c = ElGamal.encrypt(m: m, randomness: group.randomScalar(), pk: pk)
            #expect(sk.decryptToElement(c) == group.elementForSmallInt(m))
            #expect(try sk.decrypt(c, using: solver) == m)
        }
    }

    @Test("decrypts every value in 0…64", arguments: proofTestGroups)
    func fullBoundedRange(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.roundTrips($0) }, modp: { try Self.roundTrips($0) })
    }

    static func homomorphism<G: PrimeOrderGroup>(_ group: G) throws {
        let sk = ElGamalSecretKey.generate(in: group)
        let pk = sk.publicKey
        let solver = try DiscreteLogSolver(group: group, max: 1000)
        let r1 = group.randomScalar()
        let r2 = group.randomScalar()
        let a = pk.encrypt(m: 17, randomness: r1)
        let b = pk.encrypt(m: 25, randomness: r2)
        // Sum: equals the encryption of 42 with randomness r1 + r2, and decrypts to 42.
        #expect(a + b == pk.encrypt(m: 42, randomness: group.scalarAdd(r1, r2)))
        #expect(try sk.decrypt(a + b, using: solver) == 42)
        // Difference (a superseded ballot subtracted).
        #expect(try sk.decrypt(b - a, using: solver) == 8)
        #expect(a + b - b == a)
        var running = ElGamalCiphertext.zero(in: group)
        for m in [1, 0, 1, 1, 0] { running += pk.encrypt(m: m, randomness: group.randomScalar()) }
        #expect(try sk.decrypt(running, using: solver) == 3)
        running -= pk.encrypt(m: 1, randomness: group.randomScalar())
        #expect(try sk.decrypt(running, using: solver) == 2)
        // a − b encrypts −8: below the bound's range, so not found.
        #expect(throws: CryptoError.self) { try sk.decrypt(a - b, using: solver) }
        // Encryption with randomness 0 and m = 0 is the identity pair (the libsodium −1 case).
        #expect(pk.encrypt(m: 0, randomness: group.scalar(0)) == ElGamalCiphertext.zero(in: group))
        // Ciphertexts round-trip through hex with validation.
        let decoded = try ElGamalCiphertext(group: group, alphaHex: a.alphaHex, betaHex: a.betaHex)
        #expect(decoded == a)
    }

    @Test("homomorphic addition and subtraction", arguments: proofTestGroups)
    func homomorphic(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.homomorphism($0) }, modp: { try Self.homomorphism($0) })
    }

    static func bsgs<G: PrimeOrderGroup>(_ group: G) throws {
        let max = 100_000
        let solver = try DiscreteLogSolver(group: group, max: max)
        var values = [0, 1, 2, 315, 316, 317, 99_999, max]
        values += (0..<5).map { _ in Int.random(in: 0...max) }
        for m in values {
            #expect(try solver.solve(group.elementForSmallInt(m)) == m, "m = \(m)")
        }
        #expect(throws: CryptoError.self) { try solver.solve(group.elementForSmallInt(max + 1)) }
        #expect(throws: CryptoError.self) { try solver.solve(group.elementForSmallInt(-1)) }
        #expect(throws: CryptoError.self) { try DiscreteLogSolver(group: group, max: -1) }
        let zeroSolver = try DiscreteLogSolver(group: group, max: 0)
        #expect(try zeroSolver.solve(group.identity) == 0)
        #expect(throws: CryptoError.self) { try zeroSolver.solve(group.generator) }
    }

    @Test("baby-step giant-step up to 10^5", arguments: proofTestGroups)
    func babyStepGiantStep(name: GroupName) throws {
        try withTestGroup(name, ristretto: { try Self.bsgs($0) }, modp: { try Self.bsgs($0) })
    }
}
