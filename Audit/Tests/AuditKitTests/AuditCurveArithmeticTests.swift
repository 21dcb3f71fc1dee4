import AuditCurve
@testable import AuditKit
import AuditSodium
import Testing

/// AuditCurve's lazily reduced arithmetic (products carried in two rounds, point formulas whose
/// additions skip their carries, mixed additions into Pippenger's buckets) at the edges where a
/// wrong bound or a wrong formula would show: limbs at their largest, the same point added to itself
/// in a bucket, a point and its negation cancelling, and scalars whose signed digits carry through
/// every window. Each sum is compared with libsodium one operation at a time, and with AuditCurve's
/// plain (extended + extended) addition.
@Suite struct AuditCurveArithmeticTests {
    let r = Ristretto255()

    @Test(arguments: [UInt64(1), 0x9e37_79b9_7f4a_7c15, 0xdead_beef_0bad_f00d])
    func productsKeepTheirLimbBounds(seed: UInt64) {
        #expect(audit_curve_field_selfcheck(seed, 20000) == 0)
    }

    func sodiumMul(_ s: [UInt8], _ p: [UInt8]) -> Ristretto255.Element {
        var out = [UInt8](repeating: 0, count: 32)
        if crypto_scalarmult_ristretto255(&out, s, p) != 0 { return r.identity }
        return try! r.element(out)
    }

    /// Scalars whose signed-digit recoding carries or sits on a window's edge, for every window width.
    func edgeScalar(_ i: Int) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: 32)
        switch i % 6 {
        case 0: s[0] = 1
        case 1: s = [UInt8](repeating: 0xff, count: 32); s[31] = 0x7f                  // 2^255 − 1
        case 2: s = r.encodeScalar(r.neg(r.oneScalar))                                // l − 1
        case 3: let bit = (i * 37) % 255; s[bit / 8] = UInt8(1 << (bit % 8))          // 2^k
        case 4: for k in 0..<16 { s[k] = 0xff }                                       // 2^128 − 1
        default: for k in 0..<32 { s[k] = k % 2 == 0 ? 0x80 : 0x7f }; s[31] &= 0x7f  // digits at ±2^(w−1)
        }
        return s
    }

    @Test(arguments: [3, 40, 600, 5000])
    func bucketSumsWithRepeatsNegationsAndIdentitiesAgreeWithLibsodium(n: Int) {
        let p = TestProver(group: r)
        var elements: [Ristretto255.Element] = [], scalars: [[UInt8]] = []
        var i = 0
        while elements.count < n {
            let e = r.expG(p.randomScalar())
            let s = i % 3 == 0 ? edgeScalar(i) : r.encodeScalar(p.randomScalar())
            switch i % 5 {
            case 0: elements += [e, e, e]; scalars += [s, s, s]            // one bucket: P + P, then + P
            case 1: elements += [e, r.div(r.identity, e)]; scalars += [s, s]   // P − P in one bucket
            case 2: elements.append(r.identity); scalars.append(s)
            default: elements.append(e); scalars.append(s)
            }
            i += 1
        }
        elements = Array(elements.prefix(n)); scalars = Array(scalars.prefix(n))
        var expected = r.identity
        for (e, s) in zip(elements, scalars) { expected = r.op(expected, sodiumMul(s, e.bytes)) }
        let encodings = elements.flatMap(\.bytes), flat = scalars.flatMap { $0 }
        var out = [UInt8](repeating: 0, count: 32)
        #expect(audit_ristretto_sum(&out, encodings, flat, n) == 0)
        #expect(out == expected.bytes)
        let minusOne = r.encodeScalar(r.neg(r.oneScalar))
        #expect(audit_ristretto_sum_is_identity(encodings + expected.bytes, flat + minusOne, n + 1) == 1)
        #expect(audit_ristretto_sum_is_identity(encodings + r.generator.bytes, flat + minusOne, n + 1) == (expected == r.generator ? 1 : 0))
    }

    /// With every scalar 1 the bucket sum is a chain of mixed additions into one bucket; it must give
    /// what the plain additions of `audit_ristretto_add_all` give, doublings and cancellations included.
    @Test(arguments: [1, 2, 9, 300])
    func mixedAdditionsAgreeWithPlainAdditions(n: Int) {
        let p = TestProver(group: r)
        var elements: [Ristretto255.Element] = []
        while elements.count < n {
            let e = r.expG(p.randomScalar())
            switch elements.count % 4 {
            case 0: elements += [e, e]
            case 1: elements += [e, r.div(r.identity, e)]
            case 2: elements.append(r.identity)
            default: elements.append(e)
            }
        }
        elements = Array(elements.prefix(n))
        let encodings = elements.flatMap(\.bytes)
        var ones = [UInt8](repeating: 0, count: 32 * n)
        for k in 0..<n { ones[32 * k] = 1 }
        var bucket = [UInt8](repeating: 0, count: 32), plain = [UInt8](repeating: 1, count: 32)
        #expect(audit_ristretto_sum(&bucket, encodings, ones, n) == 0)
        #expect(audit_ristretto_add_all(&plain, encodings, nil, n) == 0)
        #expect(bucket == plain)
        #expect(bucket == elements.reduce(r.identity) { r.op($0, $1) }.bytes)
    }

    /// Encodings one below p, at p and just above it (bit 255 clear): the byte check refuses exactly
    /// the non-canonical ones, as libsodium does, for ristretto255 and for Ed25519 keys.
    @Test func encodingsAroundPAreJudgedAsLibsodiumJudgesThem() {
        for low in [0xeb, 0xec, 0xed, 0xee, 0xff] as [UInt8] {
            for middle in [nil, 5, 30] as [Int?] {
                var e = [UInt8](repeating: 0xff, count: 32)
                e[31] = 0x7f
                e[0] = low
                if let middle { e[middle] = 0xfe }
                let sodium = crypto_core_ristretto255_is_valid_point(e) == 1
                #expect((audit_ristretto_valid(e) == 1) == sodium, "\(low) \(String(describing: middle))")
                // y >= p is not a canonical Ed25519 encoding: -1 (not a point) rather than a subgroup answer.
                let canonical = middle != nil || low < 0xed
                if !canonical { #expect(audit_ed25519_in_prime_subgroup(e) == -1) }
            }
        }
    }

    /// `perennial-audit bench`'s AuditCurve figures run (their random elements decode, their random
    /// sum is not the identity) and give positive times.
    @Test func benchCurveFiguresAreMeasured() {
        let (decode, bucket) = Bench.measureCurve()
        #expect(decode > 0 && bucket > 0)
    }
}
