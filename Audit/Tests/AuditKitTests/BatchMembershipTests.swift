import AuditKit
import Foundation
import Testing

/// SPEC.md §3.1's batched membership for eg4096 (Jacobi symbol, then one 128-bit-weighted x^q test)
/// and the audit's multi-exponentiation, against the one-by-one definitions; and eg4096 ballots
/// carrying their commitments (SPEC.md §3.5.1) with a non-member slipped in, refused under BAL-4.
@Suite struct BatchMembershipTests {
    typealias B = ElectionBuilder<ModpGroup>
    let g = ModpGroup.eg4096
    /// 2^(2q) mod p: a square (Jacobi symbol 1) of order r' = (p − 1)/(2q), so only x^q can refuse it.
    static let orderRPrime = "1390a2c9e74261aef2e65e7cbab445bc2412f4645a474d1eb7f8e8ab3fb763109d550964042d63575cdddd2e91fc4fc0fa3c08ef227a6738d2cc2fb63325f7fcf216f01ffba85bd42c45c241778948928282e9a45b435dfd28062dc9b31f62a1abf3e5d1e13f882d94abe495c44d97554fb4fd9218368acc44d8cdd37e1b6b91488145b5a8938f8205e29af0520da1c3d0928c18f3382c9abfd2b845e86ac204a63547822ca1ff106cb382f39c83c56214767022c954920ca1feadceab2d11050dcef040662ef8cc7088dc8ffb21fb222344c59c018e9ee86094f800cb56a71302bb737e39d2e9e389c2eaa42f7b91068f1959fdd462f93b5eb4a878b07fc175391221213f4e513add0c2019a063a621d398847d1a73954970bb271600813dbb417cc97c8db48d70cd6cbe1fe0f74c68be3f4bd838ed1d7c9ee4fd802d9974dd5e581fa2fb268a9dac064c065af8209de3da6b5e1caecafa749f0d044a4a84a1da9ee88180399cbcc365f54cd97ed7730012070e0a65afb6ba2e920e2f95b9e76b11289bb0554ff5d1f50ad77fb83a33015b263549b7b606e9ee5d22a8e432203f668efcc9c684a0c7141f148e99684828fbfd08c1acacf0e94974f89d0eabf99609624aac7b901ea492a46bb006f211d76a5d4e944ef5c1f594342e60a21fd0fdc4f59231248ef850bda5f472720221f041eeb71117c5e22004e4c554c2ba35"

    var minusOne: [UInt8] { g.p.subtracting(BigNum(1)).bigEndian(length: g.elementLength)! }
    func members(_ n: Int) -> [BigNum] { (0..<n).map { _ in g.expG(TestProver(group: g).randomScalar()) } }

    @Test func theOrderRPrimeValueIsASquareOutsideTheSubgroup() {
        let x = BigNum(hex: Self.orderRPrime)
        #expect(x == BigNum(2).power(g.q.adding(g.q), modulo: g.p))
        #expect(x.jacobi(g.p) == 1)
        #expect(x.power(g.q, modulo: g.p) != g.identity)
        #expect(g.batchesMembership && !ModpGroup.belenios2048.batchesMembership)
    }

    @Test func candidatesNeedJacobiOneAndMembersPassTogether() throws {
        #expect(throws: AuditError.self) { try g.elementCandidate(minusOne) }
        #expect(throws: AuditError.self) { try g.elementCandidate(g.p.bigEndian(length: g.elementLength)!) }
        let xs = members(12)
        for x in xs { #expect(try g.elementCandidate(g.encodeElement(x)) == x) }
        #expect(g.firstNonMember(xs) == nil)
        #expect(g.firstNonMember([]) == nil)
        // belenios2048 has no batched test: its candidates are whole elements, so p − 1 is refused at once.
        let b = ModpGroup.belenios2048
        #expect(throws: AuditError.self) { try b.elementCandidate(b.p.subtracting(BigNum(1)).bigEndian(length: b.elementLength)!) }
    }

    @Test(arguments: [0, 5, 11]) func anOrderRPrimeValueIsFoundAtAnyPosition(position: Int) throws {
        var xs = members(12)
        xs[position] = try g.elementCandidate(Hex.decode(Self.orderRPrime))
        #expect(g.firstNonMember(xs) == position)
        #expect(g.firstNonMember([xs[position]]) == 0)
        let batch = ElementBatch(g)
        for (i, x) in xs.enumerated() { _ = try batch.element(hex: i == position ? Self.orderRPrime : Hex.encode(g.encodeElement(x))) }
        #expect(throws: AuditError.self) { try batch.check() }
    }

    @Test func multiPowerIsTheProductOfPowers() {
        let p = TestProver(group: g)
        for n in [0, 1, 2, 9, 40] {
            let bases = (0..<n).map { i in i == 1 ? BigNum(hex: Self.orderRPrime) : g.expG(p.randomScalar()) }
            let exps = (0..<n).map { i in i % 4 == 0 ? BigNum(0) : (i % 4 == 1 ? BigNum(bigEndian: [UInt8](repeating: 0xa5, count: 16)) : p.randomScalar()) }
            var expected = BigNum(1)
            for (b, e) in zip(bases, exps) { expected = expected.modMul(b.power(e, modulo: g.p), g.p) }
            #expect(BigNum.multiPower(bases, exps, modulo: g.p) == expected)
            // expected^(p − 2) is its inverse mod p (Fermat), whatever its order.
            let terms = zip(bases, exps).map { ($0, $1) }
            #expect(g.productIsOne(terms + [(expected, g.p.subtracting(BigNum(2)))]))
            #expect(g.productIsOne(terms) == (expected == g.identity))
        }
    }

    /// An eg4096 record: a valid ballot passes; ballots with a non-member (p − 1 or the order-r' value)
    /// as a ciphertext component or as a carried commitment, or without their "t", fail BAL-4.
    @Test func eg4096BallotsCarryCommitmentsAndNonMembersFail() throws {
        let b = B(group: g)
        b.setup()
        b.ceremony()
        let voters = (0..<6).map { b.enrol(0xb0 + UInt8($0), birthday: "03-10") }
        b.contest("office", options: [("alice", "Alice"), ("bob", "Bob"), ("blank", "Blanc")])
        let valid = b.cast(voters[0], window: 1, at: b.at(2026, 3, 10))
        #expect(String(decoding: valid.payload, as: UTF8.self).contains(#""t":["#))
        let replacements: [(String, String)] = [
            (#""a":""#, Hex.encode(minusOne)), (#""b":""#, Self.orderRPrime), (#""t":[""#, Hex.encode(minusOne)),
            (#""t":[""#, Self.orderRPrime),
        ]
        for (k, (field, value)) in replacements.enumerated() {
            var text = String(decoding: b.makeBallot(credential: b.voters[voters[k + 1]].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
            let r = text.range(of: field)!
            text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 2 * g.elementLength), with: value)
            b.add(raw: Array(text.utf8), by: b.voters[voters[k + 1]].key, at: b.at(2026, 3, 10, plus: Int64(k + 1)))
        }
        // A ballot whose first selection has no "t".
        var text = String(decoding: b.makeBallot(credential: b.voters[voters[5]].key.publicKey, window: 1, choices: [:]).payload, as: UTF8.self)
        let t = text.range(of: #","t":["#)!
        let end = text.range(of: "]", range: t.upperBound..<text.endIndex)!
        text.removeSubrange(t.lowerBound..<end.upperBound)
        b.add(raw: Array(text.utf8), by: b.voters[voters[5]].key, at: b.at(2026, 3, 10, plus: 9))
        let dir = TempDir()
        b.write(to: dir.path)
        let report = try verifyElection(dir.path)
        #expect(Set(report.failedIDs) == ["BAL-4"], "\(report.text)")
        #expect(report["BAL-4"]?.failed == 5, "\(report.text)")
    }
}
