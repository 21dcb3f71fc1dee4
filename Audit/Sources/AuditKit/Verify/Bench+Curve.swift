import AuditCurve
import AuditSodium
import Foundation

extension Bench {
    /// AuditCurve's two hot paths, single-threaded: median ns to decode one ristretto255 encoding
    /// (almost all of it the inverse square root), and median ns per point of one bucket sum the
    /// size of the demo record's ballot batches (4,608 points; 3 in 5 with 128-bit batch weights,
    /// 2 in 5 with full-length scalars, as those batches have).
    static func measureCurve() -> (decode: Double, bucketPerPoint: Double) {
        Sodium.ensure()
        let n = 4608
        var encodings = [UInt8](repeating: 0, count: 32 * n)
        var scalars = [UInt8](repeating: 0, count: 32 * n)
        encodings.withUnsafeMutableBufferPointer { buf in
            for i in 0..<n { crypto_core_ristretto255_random(buf.baseAddress! + 32 * i) }
        }
        randombytes_buf(&scalars, scalars.count)
        for i in 0..<n {
            if i % 5 < 3 { for k in 16..<32 { scalars[32 * i + k] = 0 } }
            scalars[32 * i + 31] &= 0x0f
        }
        var points = [audit_point](repeating: audit_point(), count: n)
        func median(_ per: Double, _ body: () -> Void) -> Double {
            var samples: [Double] = []
            for _ in 0..<5 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / per)
            }
            return samples.sorted()[samples.count / 2]
        }
        let decode = median(Double(n)) {
            for i in 0..<n {
                let ok = encodings.withUnsafeBufferPointer { audit_ristretto_decode(&points[i], $0.baseAddress! + 32 * i) }
                precondition(ok == 1, "libsodium's random element decodes")
            }
        }
        // Random points and weights sum to the identity only with negligible probability: 0 expected.
        let bucket = median(Double(n)) { precondition(audit_ristretto_points_sum_is_identity(points, scalars, n) == 0) }
        return (decode, bucket)
    }
}
