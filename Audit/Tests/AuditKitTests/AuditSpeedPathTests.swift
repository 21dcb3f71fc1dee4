import AuditCurve
@testable import AuditKit
import AuditSodium
import Testing

/// The audit's fast paths give exactly the answers of the plain ones: the bucket sum on the edge shapes
/// of its windows, and ballot elements decoded ahead on the workers (PredecodedPoints).
@Suite struct AuditSpeedPathTests {
    let r = Ristretto255()

    func sodiumMul(_ s: [UInt8], _ p: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        if crypto_scalarmult_ristretto255(&out, s, p) != 0 { return [UInt8](repeating: 0, count: 32) }
        return out
    }

    @Test("a sum whose scalars are all zero is the identity; all-128-bit scalars skip the top windows correctly")
    func bucketSumEdgeShapes() throws {
        let p = TestProver(group: r)
        let points = (0..<300).map { _ in r.expG(p.randomScalar()) }
        let encodings = points.flatMap(\.bytes)
        var out = [UInt8](repeating: 1, count: 32)
        #expect(audit_ristretto_sum(&out, encodings, [UInt8](repeating: 0, count: 32 * 300), 300) == 0)
        #expect(out == r.identity.bytes)
        var scalars: [UInt8] = []
        var expected = r.identity
        for e in points {
            var s = r.encodeScalar(p.randomScalar())
            for k in 16..<32 { s[k] = 0 }
            scalars += s
            expected = r.op(expected, try r.element(sodiumMul(s, e.bytes)))
        }
        #expect(audit_ristretto_sum(&out, encodings, scalars, 300) == 0)
        #expect(out == expected.bytes)
        // One more point with a full-size scalar brings the top windows back.
        let full = r.encodeScalar(p.randomScalar())
        expected = r.op(expected, try r.element(sodiumMul(full, r.generator.bytes)))
        #expect(audit_ristretto_sum(&out, encodings + r.generator.bytes, scalars + full, 301) == 0)
        #expect(out == expected.bytes)
    }

    @Test("prepared ballot elements decode to what the decoder gives; invalid ones are never prepared")
    func predecodedPointsMatchTheDecoder() throws {
        let p = TestProver(group: r)
        let good = (0..<5).map { _ in r.expG(p.randomScalar()).bytes }
        var bad = good[4]
        bad[31] |= 0x80   // bit 255: not canonical
        let ballot = """
            {"kind":"ballot.cast","contests":[{"selections":[{"a":"\(Hex.encode(good[0]))","b":"\(Hex.encode(good[1]))",\
            "t":["\(Hex.encode(good[2]))","\(Hex.encode(bad))"]}],"range":{"t":["\(Hex.encode(good[3]))"]}}]}
            """
        let cache = PredecodedPoints()
        cache.prepare(ballot: try JSON.parse(ballot))
        for bytes in good.prefix(4) {
            var direct = audit_point()
            #expect(audit_ristretto_decode(&direct, bytes) == 1)
            let prepared = try #require(cache.take(Bytes32(bytes)))
            #expect(withUnsafeBytes(of: prepared) { Array($0) } == withUnsafeBytes(of: direct) { Array($0) })
            #expect(cache.take(Bytes32(bytes)) == nil, "a prepared point is used once")
        }
        #expect(cache.take(Bytes32(bad)) == nil)
        #expect(cache.take(Bytes32(good[4])) == nil, "never prepared")
        // The group's decoder refuses the invalid encoding whatever was prepared.
        PredecodedPoints.shared.prepare(ballot: try JSON.parse(ballot))
        #expect(throws: AuditError.self) { try r.element(bad) }
        #expect(try r.element(good[0]).bytes == good[0])
    }
}
