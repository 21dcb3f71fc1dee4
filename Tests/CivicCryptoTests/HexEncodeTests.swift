import CivicCrypto
import Foundation
import Testing

/// `Hex.encode` writes contiguous bytes straight into the string: the same text as the obvious
/// per-byte formatting, for every byte value and for non-contiguous sequences too.
@Suite("Hex encoding")
struct HexEncodeTests {
    @Test func everyByteValueAndEveryShape() throws {
        let all = (0...255).map { UInt8($0) }
        let expected = all.map { String(format: "%02x", $0) }.joined()
        #expect(Hex.encode(all) == expected)
        #expect(Hex.encode(all[16..<32]) == String(expected.dropFirst(32).prefix(32)))
        #expect(Hex.encode(AnySequence(all)) == expected)     // no contiguous storage
        #expect(Hex.encode((0..<4).lazy.map { UInt8($0 * 85) }) == "0055aaff")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(try Hex.decode(Hex.encode(all)) == all)
    }
}
