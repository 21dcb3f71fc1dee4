/// A compact Schnorr or Chaum–Pedersen proof `{"c","r"}`.
public struct CompactProof<G: PrimeOrderGroup>: Sendable {
    public var c: G.Scalar
    public var r: G.Scalar
    public init(c: G.Scalar, r: G.Scalar) {
        self.c = c
        self.r = r
    }

    /// Decodes `{"c":"hex","r":"hex"}`.
    public init(json: JSON, group: G) throws(AuditError) {
        guard let c = json["c"]?.stringValue, let r = json["r"]?.stringValue else {
            throw .malformed("a proof must be {\"c\":\"hex\",\"r\":\"hex\"}")
        }
        self.c = try group.scalar(hex: c)
        self.r = try group.scalar(hex: r)
    }
}

/// A range (or disjunctive) proof `{"c":[…],"r":[…]}`, one pair per value of the range, with the
/// commitments `"t":[A_lo, B_lo, …]` in the groups that carry them (SPEC.md §3.5.1).
public struct RangeProof<G: PrimeOrderGroup>: Sendable {
    public var c: [G.Scalar]
    public var r: [G.Scalar]
    public var t: [G.Element]?
    public init(c: [G.Scalar], r: [G.Scalar], t: [G.Element]? = nil) {
        self.c = c
        self.r = r
        self.t = t
    }

    /// Decodes `{"c":["hex",…],"r":["hex",…]}`; commitments `"t"` through `batch` when given (their
    /// membership then waits for `batch.check()`).
    public init(json: JSON, group: G, batch: ElementBatch<G>? = nil) throws(AuditError) {
        guard let cs = json["c"]?.arrayValue, let rs = json["r"]?.arrayValue else {
            throw .malformed("a range proof must be {\"c\":[…],\"r\":[…]}")
        }
        var c: [G.Scalar] = []
        var r: [G.Scalar] = []
        for v in cs {
            guard let s = v.stringValue else { throw .malformed("a range proof challenge must be hex") }
            c.append(try group.scalar(hex: s))
        }
        for v in rs {
            guard let s = v.stringValue else { throw .malformed("a range proof response must be hex") }
            r.append(try group.scalar(hex: s))
        }
        self.c = c
        self.r = r
        if let ts = json["t"] {
            guard let items = ts.arrayValue else { throw .malformed("a proof's commitments \"t\" must be an array of hex elements") }
            var t: [G.Element] = []
            for v in items {
                guard let h = v.stringValue else { throw .malformed("a proof commitment must be hex") }
                if let batch { t.append(try batch.element(hex: h)) } else { t.append(try group.element(hex: h)) }
            }
            self.t = t
        }
    }
}

/// An exponential ElGamal ciphertext `(α, β)` (SPEC.md §3.4).
public struct Ciphertext<G: PrimeOrderGroup>: Sendable, Equatable {
    public var alpha: G.Element
    public var beta: G.Element
    public init(alpha: G.Element, beta: G.Element) {
        self.alpha = alpha
        self.beta = beta
    }

    /// Decodes `{"a":"hex α","b":"hex β"}`, through `batch` when given (membership then waits for
    /// `batch.check()`).
    public init(json: JSON, group: G, batch: ElementBatch<G>? = nil) throws(AuditError) {
        guard let a = json["a"]?.stringValue, let b = json["b"]?.stringValue else {
            throw .malformed("a ciphertext must be {\"a\":\"hex\",\"b\":\"hex\"}")
        }
        if let batch {
            alpha = try batch.element(hex: a)
            beta = try batch.element(hex: b)
        } else {
            alpha = try group.element(hex: a)
            beta = try group.element(hex: b)
        }
    }

    /// The encryption of 0 with randomness 0: the neutral element of ciphertext addition.
    public static func zero(_ group: G) -> Ciphertext { Ciphertext(alpha: group.identity, beta: group.identity) }

    /// Component-wise product: encrypts the sum of the plaintexts.
    public func adding(_ other: Ciphertext, in group: G) -> Ciphertext {
        Ciphertext(alpha: group.op(alpha, other.alpha), beta: group.op(beta, other.beta))
    }

    /// Component-wise quotient: encrypts the difference.
    public func subtracting(_ other: Ciphertext, in group: G) -> Ciphertext {
        Ciphertext(alpha: group.div(alpha, other.alpha), beta: group.div(beta, other.beta))
    }

    public func json(in group: G) -> JSON {
        .object([("a", .string(Hex.encode(group.encodeElement(alpha)))), ("b", .string(Hex.encode(group.encodeElement(beta))))])
    }
}

/// The proof verifiers of SPEC.md §3.5, generic over the group. Each returns nil when the proof is
/// accepted and otherwise the reason; the commitments are recomputed from the responses.
public enum ProofVerifier {
    /// Schnorr proof of knowledge of `x` with `X = g^x`: `A = g^r · X^(-c)`, accept iff `c = H(g, X, A)`.
    public static func schnorr<G: PrimeOrderGroup>(
        _ group: G, X: G.Element, proof: CompactProof<G>, binding: ProofBinding
    ) -> String? {
        // X^(-c) = X^(q - c): the whole commitment is one double exponentiation.
        let A = group.exp2(group.generator, proof.r, X, group.neg(proof.c))
        var t = Transcript(protocol: "schnorr", group: group.name, context: binding.context, binding: binding.binding)
        t.append(element: group.generator, in: group)
        t.append(element: X, in: group)
        t.append(element: A, in: group)
        return t.challenge(in: group) == proof.c ? nil : "the Schnorr proof does not verify"
    }

    /// Chaum–Pedersen proof of equal logs `X = g^x`, `Y = h^x`: `A = g^r·X^(-c)`, `B = h^r·Y^(-c)`,
    /// accept iff `c = H(g, X, h, Y, A, B)`. Here `g` is the group generator.
    public static func chaumPedersen<G: PrimeOrderGroup>(
        _ group: G, X: G.Element, h: G.Element, Y: G.Element, proof: CompactProof<G>, binding: ProofBinding
    ) -> String? {
        let negC = group.neg(proof.c)
        let A = group.exp2(group.generator, proof.r, X, negC)
        let B = group.exp2(h, proof.r, Y, negC)
        var t = Transcript(protocol: "chaum-pedersen", group: group.name, context: binding.context, binding: binding.binding)
        for e in [group.generator, X, h, Y, A, B] { t.append(element: e, in: group) }
        return t.challenge(in: group) == proof.c ? nil : "the Chaum–Pedersen proof does not verify"
    }

    /// Range proof that `(α, β)` under `pk` encrypts some `m ∈ [lo, hi]` (SPEC.md §3.5), hashed
    /// under `protocolName` (`"range"`, or `"disjunctive"` for `[0, 1]`).
    public static func range<G: PrimeOrderGroup>(
        _ group: G, pk: G.Element, ciphertext: Ciphertext<G>, lo: UInt32, hi: UInt32,
        proof: RangeProof<G>, binding: ProofBinding, protocolName: String = "range"
    ) -> String? {
        guard lo <= hi else { return "the range [\(lo), \(hi)] is empty" }
        let width = Int(hi - lo) + 1
        guard proof.c.count == width, proof.r.count == width else {
            return "the proof must have \(width) challenges and responses for [\(lo), \(hi)]"
        }
        var t = Transcript(protocol: protocolName, group: group.name, context: binding.context, binding: binding.binding)
        t.append(element: group.generator, in: group)
        t.append(element: pk, in: group)
        t.append(element: ciphertext.alpha, in: group)
        t.append(element: ciphertext.beta, in: group)
        t.append(u32: lo)
        t.append(u32: hi)
        // β / g^j for j = lo…hi, stepping by one division by g.
        var betaOverGj = lo == 0 ? ciphertext.beta : group.div(ciphertext.beta, group.expG(group.scalar(UInt64(lo))))
        if let carried = proof.t, carried.count != 2 * width {
            return "the proof must carry \(2 * width) commitments for [\(lo), \(hi)]"
        }
        var sum = group.zeroScalar
        for k in 0..<width {
            let negC = group.neg(proof.c[k])
            let A = group.exp2(group.generator, proof.r[k], ciphertext.alpha, negC)
            let B = group.exp2(pk, proof.r[k], betaOverGj, negC)
            if let carried = proof.t, carried[2 * k] != A || carried[2 * k + 1] != B {
                return "the \(protocolName) proof's carried commitments for j = \(Int(lo) + k) are not g^r·α^(−c) and pk^r·(β/g^j)^(−c)"
            }
            t.append(element: A, in: group)
            t.append(element: B, in: group)
            sum = group.add(sum, proof.c[k])
            if k + 1 < width { betaOverGj = group.div(betaOverGj, group.generator) }
        }
        return t.challenge(in: group) == sum ? nil : "the \(protocolName) proof does not verify"
    }

    /// Disjunctive proof that one selection encrypts 0 or 1.
    public static func disjunctive<G: PrimeOrderGroup>(
        _ group: G, pk: G.Element, ciphertext: Ciphertext<G>, proof: RangeProof<G>, binding: ProofBinding
    ) -> String? {
        range(group, pk: pk, ciphertext: ciphertext, lo: 0, hi: 1, proof: proof, binding: binding, protocolName: "disjunctive")
    }
}
