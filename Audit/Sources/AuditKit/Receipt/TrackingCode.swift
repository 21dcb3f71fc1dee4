/// The tracking code of a ballot (SPEC.md §2.6), written from the specification alone: 12 base-31
/// digits of the tracker's first 8 bytes, plus a check digit with `Σ i·dᵢ ≡ 0 (mod 31)`.
public enum TrackingCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTWXYZ".utf8)

    /// The code of the ballot whose tracker (`SHA-256(payload)`) is `tracker`, as `XXXX-XXXX-XXXXX`.
    public static func code(tracker: [UInt8]) -> String {
        var n: UInt64 = 0
        for b in tracker.prefix(8) { n = (n << 8) | UInt64(b) }
        var m: UInt64 = 1
        for _ in 0..<12 { m *= 31 }
        n %= m
        var digits = [Int](repeating: 0, count: 13)
        for i in stride(from: 11, through: 0, by: -1) { digits[i] = Int(n % 31); n /= 31 }
        var s = 0
        for i in 0..<12 { s += (i + 1) * digits[i] }
        digits[12] = ((31 - s % 31) % 31 * 12) % 31
        let symbols = digits.map { alphabet[$0] }
        return String(decoding: symbols[0..<4], as: UTF8.self) + "-" + String(decoding: symbols[4..<8], as: UTF8.self)
            + "-" + String(decoding: symbols[8...], as: UTF8.self)
    }

    /// The canonical form of a typed code, or nil if it is not one (wrong length, symbol or check).
    public static func normalise(_ typed: String) -> String? {
        var values: [Int] = []
        for u in typed.uppercased().utf8 {
            if u == 0x2D || u == 0x5F || u == 0x2E || u == 0x20 || u == 0x09 { continue }
            switch u {
            case 0x4F: values.append(0)            // O
            case 0x49, 0x4C: values.append(1)      // I, L
            default:
                guard let v = alphabet.firstIndex(of: u) else { return nil }
                values.append(v)
            }
        }
        guard values.count == 13 else { return nil }
        var s = 0
        for (i, v) in values.enumerated() { s += (i + 1) * v }
        guard s % 31 == 0 else { return nil }
        let symbols = values.map { alphabet[$0] }
        return String(decoding: symbols[0..<4], as: UTF8.self) + "-" + String(decoding: symbols[4..<8], as: UTF8.self)
            + "-" + String(decoding: symbols[8...], as: UTF8.self)
    }
}
