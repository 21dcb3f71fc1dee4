/// Byte helpers for contexts and bindings.
public enum Bytes {
    public static func u32(_ v: Int) -> [UInt8] {
        let x = UInt32(truncatingIfNeeded: v)
        return [UInt8(x >> 24), UInt8(x >> 16 & 0xff), UInt8(x >> 8 & 0xff), UInt8(x & 0xff)]
    }
    public static func lp(_ s: String) -> [UInt8] { lp(Array(s.utf8)) }
    public static func lp(_ b: [UInt8]) -> [UInt8] { u32(b.count) + b }
}
