import AuditKit
import AuditSodium

/// A small prover written in the tests from SPEC.md §3.3–3.6, independent of AuditKit's verifier code
/// (it builds its own transcripts), used to produce proofs for the verifier to accept or refuse.
struct TestProver<G: PrimeOrderGroup> {
    let group: G

    /// A uniformly random scalar: 64 random bytes reduced for ristretto255, `len(q) + 16` for the Schnorr groups
    /// (full-size exponents, as a real prover's).
    func randomScalar() -> G.Scalar {
        let n = group.name == "ristretto255" ? 64 : group.scalarLength + 16
        var wide = [UInt8](repeating: 0, count: n)
        randombytes_buf(&wide, n)
        return group.scalar(fromDigest: wide)
    }

    /// `"perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding) || lp(e)…`, hashed.
    func challenge(_ proto: String, _ b: ProofBinding, _ items: [[UInt8]]) -> G.Scalar {
        func lp(_ x: [UInt8]) -> [UInt8] {
            let n = UInt32(x.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + x
        }
        var t = Array("perennial-proof-v1".utf8) + lp(Array(proto.utf8)) + lp(Array(group.name.utf8)) + lp(b.context) + lp(b.binding)
        for i in items { t += lp(i) }
        return group.scalar(fromDigest: Hash.sha512(t))
    }

    func enc(_ e: G.Element) -> [UInt8] { group.encodeElement(e) }
    func u32(_ n: UInt32) -> [UInt8] { [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] }

    func schnorr(x: G.Scalar, _ b: ProofBinding) -> (G.Element, CompactProof<G>) {
        let X = group.expG(x)
        let w = randomScalar()
        let A = group.expG(w)
        let c = challenge("schnorr", b, [enc(group.generator), enc(X), enc(A)])
        return (X, CompactProof(c: c, r: group.add(w, group.mul(c, x))))
    }

    func chaumPedersen(x: G.Scalar, h: G.Element, _ b: ProofBinding) -> (X: G.Element, Y: G.Element, proof: CompactProof<G>) {
        let X = group.expG(x)
        let Y = group.exp(h, x)
        let w = randomScalar()
        let c = challenge("chaum-pedersen", b, [enc(group.generator), enc(X), enc(h), enc(Y), enc(group.expG(w)), enc(group.exp(h, w))])
        return (X, Y, CompactProof(c: c, r: group.add(w, group.mul(c, x))))
    }

    func encrypt(_ m: UInt64, pk: G.Element, r: G.Scalar) -> Ciphertext<G> {
        Ciphertext(alpha: group.expG(r), beta: group.op(group.exp(pk, r), group.expG(group.scalar(m))))
    }

    /// Range proof for a ciphertext of `m` with randomness `r`; `claimed` lets a test lie about `m`.
    func range(pk: G.Element, ct: Ciphertext<G>, m claimed: UInt32, r: G.Scalar, lo: UInt32, hi: UInt32,
               _ b: ProofBinding, proto: String = "range") -> RangeProof<G> {
        var cs: [G.Scalar] = []
        var rs: [G.Scalar] = []
        var commitments: [[UInt8]] = []
        var elements: [G.Element] = []
        var w = group.zeroScalar
        for j in lo...hi {
            if j == claimed {
                w = randomScalar()
                cs.append(group.zeroScalar)
                rs.append(group.zeroScalar)
                elements += [group.expG(w), group.exp(pk, w)]
                commitments += [enc(group.expG(w)), enc(group.exp(pk, w))]
            } else {
                let c = randomScalar()
                let rj = randomScalar()
                let negC = group.neg(c)
                let A = group.op(group.expG(rj), group.exp(ct.alpha, negC))
                let betaOverGj = group.div(ct.beta, group.expG(group.scalar(UInt64(j))))
                let B = group.op(group.exp(pk, rj), group.exp(betaOverGj, negC))
                cs.append(c)
                rs.append(rj)
                elements += [A, B]
                commitments += [enc(A), enc(B)]
            }
        }
        let h = challenge(proto, b, [enc(group.generator), enc(pk), enc(ct.alpha), enc(ct.beta), u32(lo), u32(hi)] + commitments)
        if claimed >= lo && claimed <= hi {
            let k = Int(claimed - lo)
            var others = group.zeroScalar
            for (i, c) in cs.enumerated() where i != k { others = group.add(others, c) }
            cs[k] = group.sub(h, others)
            rs[k] = group.add(w, group.mul(cs[k], r))
        }
        // SPEC.md §3.5.1: ristretto255 and eg4096 proofs carry their commitments.
        return RangeProof(c: cs, r: rs, t: group.name != "belenios2048" ? elements : nil)
    }
}
