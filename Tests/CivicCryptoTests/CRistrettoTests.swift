import CRistretto
import CSodium
import CivicCrypto
import Testing
import TestSupport

/// Our own ristretto255 arithmetic (the C target CRistretto) against RFC 9496 §A.4 and against
/// libsodium on random inputs. The A.1–A.3 vectors run through the group in RistrettoVectorTests.
@Suite("CRistretto: field and group against RFC 9496 and libsodium")
struct CRistrettoTests {
    struct SqrtRatio: Decodable, Sendable {
        let u: String
        let v: String
        let was_square: Bool
        let r: String
    }
    struct File: Decodable, Sendable { let sqrt_ratio_m1: [SqrtRatio] }
    static let file: File = try! TestVectors.load(File.self, "ristretto255.json")
    let group = Ristretto255Group.shared

    init() { _ = sodium_init() }

    @Test("SQRT_RATIO_M1 (RFC 9496 A.4)", arguments: 0..<6)
    func sqrtRatio(i: Int) {
        let v = Self.file.sqrt_ratio_m1[i]
        var r = [UInt8](repeating: 0, count: 32)
        let u = TestVectors.bytes(hex: v.u), w = TestVectors.bytes(hex: v.v)
        let square = cr_sqrt_ratio_m1(&r, u, w)
        #expect((square == 1) == v.was_square)
        #expect(Hex.encode(r) == v.r)
    }

    private func randomScalarBytes() -> [UInt8] {
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ristretto255_scalar_random(&s)
        return s
    }

    private func sodiumBase(_ s: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        if crypto_scalarmult_ristretto255_base(&out, s) != 0 { return [UInt8](repeating: 0, count: 32) }
        return out
    }

    private func sodiumMul(_ s: [UInt8], _ p: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        if crypto_scalarmult_ristretto255(&out, s, p) != 0 { return [UInt8](repeating: 0, count: 32) }
        return out
    }

    private func sodiumAdd(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_core_ristretto255_add(&out, a, b)
        return out
    }

    @Test("g^s, P^s, P·Q, P/Q and P^s·Q^t agree with libsodium on 300 random inputs")
    func randomAgainstLibsodium() throws {
        for _ in 0..<300 {
            let s = randomScalarBytes(), t = randomScalarBytes(), k = randomScalarBytes()
            let pBytes = sodiumBase(k), qBytes = sodiumBase(t)
            let p = try group.decodeElement(pBytes), q = try group.decodeElement(qBytes)
            let sc = try group.decodeScalar(s), tc = try group.decodeScalar(t)
            #expect(group.encode(group.expGenerator(sc)) == sodiumBase(s))
            #expect(group.encode(group.exp(p, sc)) == sodiumMul(s, pBytes))
            #expect(group.encode(group.expPublic(p, sc)) == sodiumMul(s, pBytes))
            #expect(group.encode(group.op(p, q)) == sodiumAdd(pBytes, qBytes))
            var diff = [UInt8](repeating: 0, count: 32)
            _ = crypto_core_ristretto255_sub(&diff, pBytes, qBytes)
            #expect(group.encode(group.divide(p, q)) == diff)
            let expected = sodiumAdd(sodiumMul(s, pBytes), sodiumMul(t, qBytes))
            #expect(group.encode(group.doubleExpPublic(p, sc, q, tc)) == expected)
            let withBase = sodiumAdd(sodiumBase(s), sodiumMul(t, qBytes))
            #expect(group.encode(group.doubleExpPublic(group.generator, sc, q, tc)) == withBase)
            #expect(group.encode(group.doubleExpPublic(q, tc, group.generator, sc)) == withBase)
        }
    }

    @Test("decoding agrees with libsodium's validity check on random and near-valid strings")
    func decodeAgainstLibsodium() {
        var accepted = 0
        for i in 0..<3000 {
            var bytes = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&bytes, 32)
            if i % 3 == 0 { bytes = sodiumBase(randomScalarBytes()); bytes[Int(bytes[1]) % 32] ^= UInt8(1 << (i % 8)) }
            if i % 3 == 1 { bytes = sodiumBase(randomScalarBytes()) }
            // libsodium 1.0.18 ignores bit 255 (its canonical check masks it); RFC 9496 rejects every value ≥ p.
            let sodiumValid = crypto_core_ristretto255_is_valid_point(bytes) == 1 && bytes[31] & 0x80 == 0
            let ours = (try? group.decodeElement(bytes)) != nil
            #expect(ours == sodiumValid, "\(Hex.encode(bytes))")
            if ours { accepted += 1; #expect(group.encode(try! group.decodeElement(bytes)) == bytes) }
        }
        #expect(accepted >= 1000)
    }

    @Test("an encoding with bit 255 set is refused (RFC 9496: the value is ≥ p), though libsodium 1.0.18 accepts it")
    func highBitRefused() {
        for _ in 0..<50 {
            var bytes = sodiumBase(randomScalarBytes())
            #expect((try? group.decodeElement(bytes)) != nil)
            bytes[31] |= 0x80
            #expect(throws: CryptoError.self) { try group.decodeElement(bytes) }
        }
    }

    @Test("the element derivation map agrees with libsodium's from_hash on random inputs")
    func fromHashAgainstLibsodium() throws {
        for _ in 0..<200 {
            var input = [UInt8](repeating: 0, count: 64)
            randombytes_buf(&input, 64)
            var expected = [UInt8](repeating: 0, count: 32)
            _ = crypto_core_ristretto255_from_hash(&expected, input)
            #expect(group.encode(try group.elementFromUniformBytes(input)) == expected)
        }
    }

    @Test("edge scalars: 0, 1, q − 1 and the identity as base")
    func edgeScalars() throws {
        let qMinus1 = group.scalarNegate(group.scalar(1))
        let p = group.expGenerator(group.randomScalar())
        #expect(group.exp(p, group.zeroScalar) == group.identity)
        #expect(group.expGenerator(group.zeroScalar) == group.identity)
        #expect(group.exp(p, group.scalar(1)) == p)
        #expect(group.exp(p, qMinus1) == group.inverse(p))
        #expect(group.expGenerator(qMinus1) == group.inverse(group.generator))
        #expect(group.expPublic(p, qMinus1) == group.inverse(p))
        #expect(group.exp(group.identity, group.randomScalar()) == group.identity)
        #expect(group.doubleExpPublic(group.identity, group.randomScalar(), group.identity, group.randomScalar()) == group.identity)
        #expect(group.multiExpPublic([]) == group.identity)
    }

    /// Σ s_i·P_i computed term by term with libsodium.
    private func naive(_ terms: [(Ristretto255Group.Element, Ristretto255Group.Scalar)]) -> Ristretto255Group.Element {
        var acc = [UInt8](repeating: 0, count: 32)
        for (e, s) in terms { acc = sodiumAdd(acc, sodiumMul(group.encode(s), group.encode(e))) }
        return try! group.decodeElement(acc)
    }

    @Test("multi-scalar multiplication: Straus and Pippenger agree with term-by-term libsodium",
          arguments: [1, 2, 3, 17, 189, 190, 191, 400, 900])
    func multiScalar(n: Int) {
        var terms: [(Ristretto255Group.Element, Ristretto255Group.Scalar)] = []
        let shared = group.expGenerator(group.randomScalar())
        for i in 0..<n {
            // Repeated points, zero and one scalars, the identity and the generator all occur.
            let e = i % 7 == 3 ? shared : i % 11 == 5 ? group.identity : i % 13 == 6 ? group.generator : group.expGenerator(group.randomScalar())
            let s = i % 9 == 4 ? group.zeroScalar : i % 10 == 8 ? group.scalar(1) : group.randomScalar()
            terms.append((e, s))
        }
        let expected = naive(terms)
        #expect(group.multiExpPublic(terms) == expected)
        #expect(group.multiExpIsIdentity(terms + [(expected, group.scalarNegate(group.scalar(1)))]))
        #expect(!group.multiExpIsIdentity(terms + [(expected, group.scalarNegate(group.scalar(2)))]) || expected == group.identity)
        var points = terms.map { try! CRistrettoPoint(group.encode($0.0)) }
        var scalars = terms.flatMap { group.encode($0.1) }
        var a = cr_point(), b = cr_point()
        #expect(cr_multiscalarmult_straus_vartime(&a, &scalars, &points, n) == 0)
        #expect(cr_multiscalarmult_pippenger_vartime(&b, &scalars, &points, n) == 0)
        #expect(cr_point_equal(&a, &b) == 1)
        var enc = [UInt8](repeating: 0, count: 32)
        cr_point_encode(&enc, &b)
        #expect(enc == group.encode(expected))
    }
}

/// Decodes an encoding straight through the C API.
private struct NotAPoint: Error {}
private func CRistrettoPoint(_ bytes: [UInt8]) throws -> cr_point {
    var p = cr_point()
    guard cr_point_decode(&p, bytes) == 0 else { throw NotAPoint() }
    return p
}
