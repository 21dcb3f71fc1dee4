import CivicCrypto
import Testing
import TestSupport

/// RFC 9496 Appendix A vectors (Tests/TestVectors/ristretto255.json).
@Suite("ristretto255 RFC 9496 vectors")
struct RistrettoVectorTests {
    struct HashToGroup: Decodable, Sendable, CustomTestStringConvertible {
        let label: String
        let uniform_bytes_hex: String
        let expected_hex: String
        var testDescription: String { label }
    }
    struct SameOutput: Decodable, Sendable {
        let inputs_uniform_bytes_hex: [String]
        let expected_hex: String
    }
    struct File: Decodable, Sendable {
        let small_multiples: [String]
        let bad_encodings: [String]
        let hash_to_group: [HashToGroup]
        let hash_to_group_same_output: SameOutput
    }

    static let file: File = try! TestVectors.load(File.self, "ristretto255.json")
    let group = Ristretto255Group.shared

    @Test("the file has the published counts")
    func counts() {
        #expect(Self.file.small_multiples.count == 16)
        #expect(Self.file.bad_encodings.count == 29)
        #expect(Self.file.hash_to_group.count == 7)
    }

    @Test("[i]B via the fixed-base path", arguments: 0..<16)
    func smallMultipleFixedBase(i: Int) throws {
        let expected = Self.file.small_multiples[i]
        #expect(group.hex(group.expGenerator(group.scalar(UInt64(i)))) == expected)
        #expect(group.hex(group.expGeneratorPublic(group.scalar(UInt64(i)))) == expected)
        #expect(group.hex(group.elementForSmallInt(i)) == expected)
        // Variable-base path with B as an ordinary element.
        #expect(group.hex(group.exp(group.generator, group.scalar(UInt64(i)))) == expected)
        // Decoding accepts it (including the identity, i = 0) and re-encodes it unchanged.
        #expect(group.hex(try group.decodeElement(hex: expected)) == expected)
    }

    @Test("[i]B by repeated group operation and by subtraction")
    func smallMultiplesByAddition() throws {
        var acc = group.identity
        for (i, hex) in Self.file.small_multiples.enumerated() {
            #expect(group.hex(acc) == hex, "[\(i)]B")
            acc = group.op(acc, group.generator)
        }
        // [15]B − [15]B = identity; [15]B − B = [14]B; inverse([1]B) · [2]B = [1]B.
        let b15 = try group.decodeElement(hex: Self.file.small_multiples[15])
        #expect(group.divide(b15, b15) == group.identity)
        #expect(group.hex(group.divide(b15, group.generator)) == Self.file.small_multiples[14])
        let b2 = try group.decodeElement(hex: Self.file.small_multiples[2])
        #expect(group.op(group.inverse(group.generator), b2) == group.generator)
    }

    @Test("invalid encodings are rejected", arguments: Self.file.bad_encodings)
    func badEncoding(hex: String) {
        #expect(throws: CryptoError.self) { try group.decodeElement(hex: hex) }
        do {
            _ = try group.decodeElement(hex: hex)
        } catch let error as CryptoError {
            #expect(error.code == .invalidElement)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("hash to group (crypto_core_ristretto255_from_hash)", arguments: Self.file.hash_to_group)
    func hashToGroup(vector: HashToGroup) throws {
        let uniform = TestVectors.bytes(hex: vector.uniform_bytes_hex)
        #expect(SHA512.hash(Array(vector.label.utf8)) == uniform)
        #expect(group.hex(try group.elementFromUniformBytes(uniform)) == vector.expected_hex)
    }

    @Test("hash to group: inputs that map to one output")
    func hashToGroupSameOutput() throws {
        let same = Self.file.hash_to_group_same_output
        #expect(same.inputs_uniform_bytes_hex.count == 4)
        for input in same.inputs_uniform_bytes_hex {
            #expect(group.hex(try group.elementFromUniformBytes(TestVectors.bytes(hex: input))) == same.expected_hex)
        }
    }

    @Test("wrong lengths are refused, not sliced")
    func wrongLengths() {
        for n in [0, 31, 33, 64] {
            #expect(throws: CryptoError.self) { try group.decodeElement([UInt8](repeating: 0, count: n)) }
            #expect(throws: CryptoError.self) { try group.decodeScalar([UInt8](repeating: 0, count: n)) }
        }
    }

    @Test("scalars: canonical below q only")
    func canonicalScalars() throws {
        let qLE = TestVectors.bytes(hex: group.orderHex).reversed()
        #expect(throws: CryptoError.self) { try group.decodeScalar(Array(qLE)) }
        var qMinus1 = Array(qLE)
        qMinus1[0] -= 1
        let s = try group.decodeScalar(qMinus1)
        #expect(group.scalarAdd(s, group.scalar(1)) == group.scalar(0))
        #expect(group.scalarNegate(group.scalar(1)) == s)
        #expect(throws: CryptoError.self) { try group.decodeScalar([UInt8](repeating: 0xff, count: 32)) }
    }

    /// The hex of 64 digits is read straight into 32 bytes; it must agree with the general path (Hex
    /// then bytes) on every vector, either case, and give the general path's errors otherwise.
    @Test("hex read directly agrees with the general path, and refuses what it refuses")
    func hexDirect() throws {
        let q = group.orderHex.reversedHexBytes
        for hex in Self.file.small_multiples {
            let direct = try group.decodeElement(hex: hex)
            #expect(direct == (try group.decodeElement(TestVectors.bytes(hex: hex))))
            #expect(try group.decodeElement(hex: hex.uppercased()) == direct)
            // An encoding read as a scalar: the same value, or the same refusal (many are not below q).
            #expect((try? group.decodeScalar(hex: hex)) == (try? group.decodeScalar(TestVectors.bytes(hex: hex))))
        }
        for hex in Self.file.bad_encodings {
            #expect(throws: CryptoError.self) { try group.decodeElement(hex: hex) }
        }
        let bad = ["", "00", String(repeating: "0", count: 63), String(repeating: "0", count: 66), "g" + String(repeating: "0", count: 63),
                   " " + String(repeating: "0", count: 63), String(repeating: "0", count: 62) + "é"]
        for hex in bad {
            #expect(throws: CryptoError.self, "\(hex)") { try group.decodeElement(hex: hex) }
            #expect(throws: CryptoError.self, "\(hex)") { try group.decodeScalar(hex: hex) }
        }
        #expect(throws: CryptoError.self) { try group.decodeScalar(hex: q) }   // q itself is not canonical
        #expect(try group.decodeScalar(hex: String(repeating: "0", count: 64)) == group.scalar(0))
    }
}

extension String {
    /// A big-endian hex number as the hex of its little-endian bytes.
    var reversedHexBytes: String { Hex.encode(TestVectors.bytes(hex: self).reversed()) }
}
