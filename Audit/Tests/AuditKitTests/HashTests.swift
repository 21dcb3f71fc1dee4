import AuditSHA
@testable import AuditKit
import AuditSodium
import Testing

/// SHA-256 through AuditSHA (the CPU's SHA extensions) must equal libsodium's for every length and
/// split: every leaf hash and ballot digest of a record goes through it.
@Suite struct HashTests {
    /// Deterministic bytes, different at every position.
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7 ^ ($0 >> 8)) } }

    func sodium(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_hash_sha256(&out, data, UInt64(data.count))
        return out
    }

    @Test("FIPS 180-4 vectors: empty, abc, two-block message")
    func fipsVectors() {
        #expect(Hex.encode(Hash.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(Hash.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(Hash.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("every length up to 130 bytes and long inputs, whole and in two parts, equal libsodium's")
    func equalsLibsodium() {
        let data = bytes(20_000)
        // Every length across two blocks (the padding's edge cases: 55, 56, 63, 64, 119, 120), then long ones.
        var lengths = Array(0...130)
        lengths += [191, 192, 255, 256, 511, 512, 513, 4_095, 4_096, 4_097, 19_999, 20_000]
        for n in lengths {
            let message = Array(data.prefix(n))
            let expected = sodium(message)
            #expect(Hash.sha256(message) == expected, "length \(n)")
            #expect(Hash.sha256(message[...]) == expected, "length \(n), as a slice")
            for cut in Set([0, 1, n / 3, max(0, n - 1), n]) where cut <= n {
                #expect(Hash.sha256(parts: [Array(message[..<cut]), Array(message[cut...])]) == expected, "length \(n) cut at \(cut)")
            }
            #expect(Hash.sha256(parts: [Array(message.prefix(n / 2)), [], Array(message.dropFirst(n / 2))]) == expected, "length \(n), three parts")
        }
    }

    @Test("the hardware path is the one taken on a CPU with SHA extensions")
    func hardwarePathReported() {
        #expect(Hash.hardwareSHA256 == (audit_sha256_available() == 1))
        if Hash.hardwareSHA256 {
            // Straight through AuditSHA, with an update split inside a block.
            let message = bytes(1_000)
            var ctx = audit_sha256_ctx()
            audit_sha256_init(&ctx)
            message.withUnsafeBufferPointer { b in
                audit_sha256_update(&ctx, b.baseAddress!, 10)
                audit_sha256_update(&ctx, b.baseAddress! + 10, 990)
            }
            var out = [UInt8](repeating: 0, count: 32)
            audit_sha256_final(&ctx, &out)
            #expect(out == sodium(message))
        }
    }
}
