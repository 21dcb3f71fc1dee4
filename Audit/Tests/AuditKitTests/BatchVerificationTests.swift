import AuditCurve
import AuditKit
import AuditSodium
import Foundation
import Testing

/// The audit's own ristretto255 code (AuditCurve) against RFC 9496 and libsodium, and its batch
/// verification of ballot proofs with carried commitments (SPEC.md §3.5.1).
@Suite struct BatchVerificationTests {
    typealias B = ElectionBuilder<Ristretto255>
    let r = Ristretto255()

    func sodiumMul(_ s: [UInt8], _ p: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        if crypto_scalarmult_ristretto255(&out, s, p) != 0 { return [UInt8](repeating: 0, count: 32) }
        return out
    }

    @Test func curveAgreesWithTheRFCVectors() throws {
        let v = try Vectors.json("ristretto255.json")
        let multiples = v["small_multiples"]!.arrayValue!.map { try! Hex.decode($0.stringValue!) }
        for (k, m) in multiples.enumerated() {
            #expect(audit_ristretto_valid(m) == 1)
            var scalar = [UInt8](repeating: 0, count: 32)
            scalar[0] = UInt8(k)
            var out = [UInt8](repeating: 0, count: 32)
            #expect(audit_ristretto_sum(&out, multiples[1], scalar, 1) == 0)
            #expect(out == m, "[\(k)]B")
        }
        for hex in v["bad_encodings"]!.arrayValue!.map({ $0.stringValue! }) {
            #expect(audit_ristretto_valid(try Hex.decode(hex)) == 0, "\(hex)")
        }
    }

    @Test func curveValidityAgreesWithLibsodiumAndRefusesBit255() {
        for i in 0..<2000 {
            var bytes = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&bytes, 32)
            if i % 2 == 1 { bytes = r.expG(TestProver(group: r).randomScalar()).bytes }
            if i % 4 == 3 { bytes[31] |= 0x80 }
            let sodium = crypto_core_ristretto255_is_valid_point(bytes) == 1 && bytes[31] & 0x80 == 0
            #expect((audit_ristretto_valid(bytes) == 1) == sodium)
            #expect(((try? r.element(bytes)) != nil) == sodium)
        }
    }

    @Test(arguments: [1, 2, 5, 31, 32, 100, 255, 256, 700, 4100])
    func curveSumsAgreeWithLibsodium(n: Int) {
        let p = TestProver(group: r)
        var encodings: [UInt8] = [], scalars: [UInt8] = []
        var expected = r.identity
        for i in 0..<n {
            let e = i % 9 == 4 ? r.identity : r.expG(p.randomScalar())
            var s = r.encodeScalar(p.randomScalar())
            if i % 5 == 0 { for k in 16..<32 { s[k] = 0 } }  // 128-bit weights, as the batch uses
            if i % 7 == 0 { s = [UInt8](repeating: 0, count: 32) }
            encodings += e.bytes
            scalars += s
            expected = r.op(expected, try! r.element(sodiumMul(s, e.bytes)))
        }
        var out = [UInt8](repeating: 0, count: 32)
        #expect(audit_ristretto_sum(&out, encodings, scalars, n) == 0)
        #expect(out == expected.bytes)
        // Σ − expected = identity, and not for a wrong expectation.
        let minusOne = r.encodeScalar(r.neg(r.oneScalar))
        #expect(audit_ristretto_sum_is_identity(encodings + expected.bytes, scalars + minusOne, n + 1) == 1)
        #expect(audit_ristretto_sum_is_identity(encodings + r.generator.bytes, scalars + minusOne, n + 1) == (expected == r.generator ? 1 : 0))
        // An invalid encoding is refused, not summed.
        #expect(audit_ristretto_sum_is_identity(encodings + [UInt8](repeating: 0xff, count: 32), scalars + minusOne, n + 1) == -1)
    }

    @Test func sumsOfElementsAgreeWithOneOperationAtATime() {
        let p = TestProver(group: r)
        for n in [0, 1, 2, 17, 600] {
            let es = (0..<n).map { i in i % 6 == 5 ? r.identity : r.expG(p.randomScalar()) }
            let neg = (0..<n).map { $0 % 3 == 1 }
            var expected = r.identity
            for (e, minus) in zip(es, neg) { expected = minus ? r.div(expected, e) : r.op(expected, e) }
            #expect(r.sum(es, negate: neg) == expected)
            #expect(r.sum(es) == es.reduce(r.identity) { r.op($0, $1) })
        }
    }

    func items(_ n: Int, tamper: String? = nil) -> [CarriedRange<Ristretto255>] {
        let p = TestProver(group: r)
        let pk = r.expG(p.randomScalar())
        return (0..<n).map { i in
            let m = UInt32(i % 2)
            let rnd = p.randomScalar()
            let ct = p.encrypt(UInt64(m), pk: pk, r: rnd)
            let b = ProofBinding(context: [UInt8(i)], binding: [1, 2, 3])
            var proof = p.range(pk: pk, ct: ct, m: m, r: rnd, lo: 0, hi: 1, b, proto: "disjunctive")
            var binding = b
            if i == 3 {
                switch tamper {
                case "c": proof.c[1] = r.add(proof.c[1], r.oneScalar)
                case "r": proof.r[0] = r.add(proof.r[0], r.oneScalar)
                case "t": proof.t![2] = r.op(proof.t![2], r.generator)
                case "order": proof.t!.swapAt(0, 1)
                case "short": proof.t!.removeLast()
                case "binding": binding = ProofBinding(context: [9], binding: [1, 2, 3])
                default: break
                }
            }
            return CarriedRange(pk: pk, ciphertext: ct, lo: 0, hi: 1, proof: proof, binding: binding, protocolName: "disjunctive")
        }
    }

    @Test func validProofsPassTheBatch() {
        let all = items(12)
        #expect(BatchVerifier.allVerify(r, all) == true)
        for item in all {
            #expect(ProofVerifier.disjunctive(r, pk: item.pk, ciphertext: item.ciphertext, proof: item.proof, binding: item.binding) == nil)
        }
    }

    @Test(arguments: ["c", "r", "t", "order", "short", "binding"])
    func aTamperedFieldFailsTheBatchAndOneByOneNamesIt(field: String) {
        let all = items(12, tamper: field)
        #expect(BatchVerifier.allVerify(r, all) == false)
        let failing = all.indices.filter {
            ProofVerifier.disjunctive(r, pk: all[$0].pk, ciphertext: all[$0].ciphertext, proof: all[$0].proof, binding: all[$0].binding) != nil
        }
        #expect(failing == [3])
    }

    @Test func errorsThatCancelUnderEqualWeightsAreCaught() {
        var all = items(4)
        // Responses off by +1 and −1 in two proofs: the hashes still match; equal weights would cancel.
        all[0].proof.r[0] = r.add(all[0].proof.r[0], r.oneScalar)
        all[2].proof.r[0] = r.sub(all[2].proof.r[0], r.oneScalar)
        #expect(BatchVerifier.allVerify(r, all) == false)
    }

    // MARK: Records

    func base() -> (B, Int) {
        let b = B(group: Ristretto255())
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10")
        _ = b.enrol(0xa2, birthday: "06-15")
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        return (b, ana)
    }

    func run(_ b: B) throws -> Report {
        let dir = TempDir()
        b.write(to: dir.path)
        return try verifyElection(dir.path)
    }

    /// A ballot whose JSON text is edited by `edit`; returns the BAL-4 failures.
    func failures(_ edit: (inout String, B) -> Void) throws -> [Failure] {
        let (b, ana) = base()
        b.cast(ana, window: 1, at: b.at(2026, 3, 10))
        var text = String(decoding: b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        edit(&text, b)
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 11))
        let report = try run(b)
        #expect(Set(report.failedIDs).subtracting(["TAL-1"]) == ["BAL-4"], "\(report.text)")
        return report["BAL-4"]?.failures ?? []
    }

    /// The n-th occurrence of `"t":["` (0: first selection, 3: the range proof).
    func tRange(_ text: String, _ n: Int) -> Range<String.Index> {
        var from = text.startIndex
        var found = text.range(of: "\"t\":[\"")!
        for _ in 0..<n {
            from = found.upperBound
            found = text.range(of: "\"t\":[\"", range: from..<text.endIndex)!
        }
        return found.upperBound..<text.index(found.upperBound, offsetBy: 64)
    }

    @Test(arguments: [0, 1, 3])
    func aReplacedCommitmentFailsBAL4(position: Int) throws {
        let f = try failures { text, b in text.replaceSubrange(tRange(text, position), with: Hex.encode(b.group.generator.bytes)) }
        #expect(f.count == 1)
        #expect(f.first?.reason.contains(position == 3 ? "range" : "option \(position)") == true, "\(f)")
    }

    @Test func aMissingTFailsBAL4() throws {
        let f = try failures { text, _ in
            let start = text.range(of: ",\"t\":[")!
            let end = text.range(of: "]", range: start.upperBound..<text.endIndex)!
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        #expect(f.first?.reason.contains("four commitments") == true)
    }

    @Test func aCommitmentWithBit255SetFailsBAL4() throws {
        let f = try failures { text, _ in
            let range = tRange(text, 1)
            let hex = String(text[range])
            let last = UInt8(hex.suffix(2), radix: 16)! | 0x80
            text.replaceSubrange(range, with: hex.dropLast(2) + String(format: "%02x", last))
        }
        #expect(f.count == 1)
    }

    @Test func aSchnorrGroupBallotWithTIsRefused() throws {
        let b = ElectionBuilder<ModpGroup>(group: .belenios2048)
        b.setup()
        b.ceremony()
        let ana = b.enrol(0xa1, birthday: "03-10")
        b.contest("office", options: [("alice", "Alice"), ("blank", "Blanc")])
        var text = String(decoding: b.makeBallot(credential: b.voters[ana].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        let r = text.range(of: "\"r\":[")!
        text.insert(contentsOf: "\"t\":[],", at: r.lowerBound)
        b.add(raw: Array(text.utf8), by: b.voters[ana].key, at: b.at(2026, 3, 10))
        let dir = TempDir()
        b.write(to: dir.path)
        let report = try verifyElection(dir.path)
        #expect(report.failedIDs.contains("BAL-4") || report.failedIDs.contains("BAL-3"), "\(report.text)")
    }
}
