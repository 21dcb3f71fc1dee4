@testable import CivicCrypto
import Testing
import TestSupport

/// The Schnorr groups' constants against the published parameters in Tests/TestVectors/modp.json
/// (ElectionGuard 2.x and Belenios BELENIOS-2048), and the RFC 3526 groups' retirement.
@Suite("Schnorr group parameter vectors")
struct ModPVectorTests {
    struct Group: Decodable, Sendable {
        let p_hex: String
        let q_hex: String
        let g_hex: String
    }
    struct File: Decodable, Sendable {
        let electionguard_v2: Group
        let belenios_2048: Group
    }

    static let file: File = try! TestVectors.load(File.self, "modp.json")

    /// Lowercase hex left-padded with zeros to `bytes` bytes.
    static func padded(_ hex: String, bytes: Int) -> String { String(repeating: "0", count: max(0, 2 * bytes - hex.count)) + hex }

    @Test("constants equal the published p, q, g", arguments: [GroupName.eg4096, .belenios2048])
    func constants(name: GroupName) throws {
        let (group, vector, bits) =
            name == .eg4096 ? (ModPGroup.eg4096, Self.file.electionguard_v2, 4096) : (ModPGroup.belenios2048, Self.file.belenios_2048, 2048)
        #expect(group.name == name.rawValue)
        #expect(group.groupName == name)
        #expect(group.modulusHex == vector.p_hex)
        #expect(group.orderHex == vector.q_hex)
        #expect(group.generatorHex == Self.padded(vector.g_hex, bytes: group.elementByteCount))
        #expect(group.elementByteCount * 8 == bits)
        #expect(TestVectors.bytes(hex: vector.p_hex).first! >= 0x80)  // p has exactly `bits` bits
        #expect(group.scalarByteCount == 32)
        // The generator's encoding is the published g, big-endian on len(p) bytes, and decodes.
        #expect(group.hex(group.generator) == Self.padded(vector.g_hex, bytes: group.elementByteCount))
        #expect(try group.decodeElement(hex: Self.padded(vector.g_hex, bytes: group.elementByteCount)) == group.generator)
        // g ≠ 1 and g^q = g^(q−1)·g = 1: g has order q (q prime).
        #expect(group.generator != group.identity)
        let qMinus1 = group.scalarNegate(group.scalar(1))
        #expect(group.op(group.expPublic(group.generator, qMinus1), group.generator) == group.identity)
        #expect(group.op(group.expGeneratorPublic(qMinus1), group.generator) == group.identity)
        // Primality of p and q (Miller–Rabin), q | p − 1, g^q = 1, 256-bit q.
        #expect(group.parameterProblems() == [])
    }

    @Test("eg4096's q is 2^256 − 189")
    func electionGuardOrder() {
        // 2^256 − 189 = ff…ff43 (31 bytes of ff, then 0x100 − 189 = 0x43).
        #expect(ModPGroup.eg4096.orderHex == String(repeating: "ff", count: 31) + "43")
        #expect(Self.file.electionguard_v2.q_hex == ModPGroup.eg4096.orderHex)
    }

    @Test("the parameter check notices a wrong g, q or p")
    func parameterCheckCanFail() {
        let v = Self.file.belenios_2048
        func problems(p: String = v.p_hex, q: String = v.q_hex, g: String = v.g_hex) -> [String] {
            ModPGroup(parameters: .init(name: .belenios2048, pHex: p, qHex: q, gHex: g)).parameterProblems()
        }
        #expect(problems() == [])
        #expect(problems(g: "2") == ["g^q mod p ≠ 1"])
        #expect(problems(g: "1").contains("g is not in (1, p)"))
        // q + 2 (…c491 → …c493) is odd but neither prime nor a divisor of p − 1.
        #expect(problems(q: String(v.q_hex.dropLast(2)) + "93").contains("q does not divide p − 1"))
        // Changing p's last byte (to an even number) breaks primality and q | p − 1.
        #expect(problems(p: String(v.p_hex.dropLast(2)) + "f8").contains("q does not divide p − 1"))
    }
}
