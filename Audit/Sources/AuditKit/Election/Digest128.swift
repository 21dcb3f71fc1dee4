/// A 128-bit digest prefix, hashable without allocation.
struct Digest128: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ digest: [UInt8]) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(digest[i]) }
        for i in 8..<16 { l = l << 8 | UInt64(digest[i]) }
        high = h
        low = l
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    var hex: String { Hex.encode(Bytes.u64be(high) + Bytes.u64be(low)) }
}
