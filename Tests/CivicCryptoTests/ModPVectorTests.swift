import CivicCrypto
import Testing
import TestSupport

/// RFC 3526 groups 14 and 15 (Tests/TestVectors/modp.json) against ``ModPGroup``'s constants.
@Suite("MODP RFC 3526 vectors")
struct ModPVectorTests {
    struct Group: Decodable, Sendable {
        let bits: Int
        let p_hex: String
        let q_hex: String
        let g: Int
    }
    struct File: Decodable, Sendable {
        let rfc3526_group14: Group
        let rfc3526_group15: Group
    }

    static let file: File = try! TestVectors.load(File.self, "modp.json")

    /// (p − 1) / 2 for odd p, by shifting the big-endian bytes right one bit (independent of GMP).
    static func halfOfPMinusOne(_ p: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: p.count)
        var carry: UInt8 = 0
        for (i, b) in p.enumerated() {
            out[i] = (b >> 1) | (carry << 7)
            carry = b & 1
        }
        return out
    }

    @Test("group constants equal RFC 3526", arguments: [(GroupName.modp2048, 14), (GroupName.modp3072, 15)])
    func constants(name: GroupName, rfcGroup: Int) throws {
        let vector = rfcGroup == 14 ? Self.file.rfc3526_group14 : Self.file.rfc3526_group15
        let group = name == .modp2048 ? ModPGroup.rfc3526_2048 : ModPGroup.rfc3526_3072
        #expect(group.name == name.rawValue)
        #expect(group.modulusHex == vector.p_hex)
        #expect(group.elementByteCount * 8 == vector.bits)
        // q = (p − 1)/2 both in the file and in our group.
        let p = TestVectors.bytes(hex: vector.p_hex)
        let half = Self.halfOfPMinusOne(p)
        #expect(Hex.encode(half) == vector.q_hex)
        #expect(group.orderHex == vector.q_hex)
        #expect(group.scalarByteCount == half.count)
        // g = 2, encoded big-endian on len(p) bytes, and g^q = 1.
        #expect(vector.g == 2)
        var two = [UInt8](repeating: 0, count: group.elementByteCount)
        two[two.count - 1] = 2
        #expect(group.encode(group.generator) == two)
        #expect(group.isInSubgroupByExponentiation(two))
    }
}
