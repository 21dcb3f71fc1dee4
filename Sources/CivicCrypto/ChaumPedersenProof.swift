/// A Chaum–Pedersen proof of equal discrete logarithms, `X = g^x` and `Y = h^x`, in compact form
/// `{c, r}` (SPEC §3.5). Used for partial decryptions (`h = α`, `X = P_j`, `Y = D_j`).
///
/// Transcript: protocol `"chaum-pedersen"`, over `(g, X, h, Y, A, B)`.
public struct ChaumPedersenProof<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The challenge.
    public let c: G.Scalar
    /// The response `r = w + c·x mod q`.
    public let r: G.Scalar

    public init(c: G.Scalar, r: G.Scalar) {
        self.c = c
        self.r = r
    }

    /// Decodes `{"c","r"}` from hex, checking both are canonical scalars.
    public init(group: G, cHex: String, rHex: String) throws {
        self.init(c: try group.decodeScalar(hex: cHex), r: try group.decodeScalar(hex: rHex))
    }

    /// Proves `log_g X = log_h Y = x`.
    /// - Parameters:
    ///   - x: the secret exponent.
    ///   - X: `g^x`. `h`: the second base. `Y`: `h^x`.
    ///   - nonce: `w`; fresh random if omitted (inject only in tests).
    public static func prove(
        secret x: G.Scalar, X: G.Element, h: G.Element, Y: G.Element, group: G, context: [UInt8], binding: [UInt8],
        nonce: G.Scalar? = nil
    ) -> ChaumPedersenProof {
        let w = nonce ?? group.randomScalar()
        let A = group.expGenerator(w)
        let B = group.exp(h, w)
        let c = transcript(group: group, X: X, h: h, Y: Y, A: A, B: B, context: context, binding: binding).challenge(in: group)
        return ChaumPedersenProof(c: c, r: group.scalarAdd(w, group.scalarMul(c, x)))
    }

    /// Whether the proof is valid: recomputes `A = g^r·X^(−c)`, `B = h^r·Y^(−c)` and compares `c`.
    /// Each commitment is one double exponentiation with the exponent `−c = q − c`.
    public func verify(X: G.Element, h: G.Element, Y: G.Element, group: G, context: [UInt8], binding: [UInt8]) -> Bool {
        let negC = group.scalarNegate(c)
        let A = group.doubleExpPublic(group.generator, r, X, negC)
        let B = group.doubleExpPublic(h, r, Y, negC)
        return Self.transcript(group: group, X: X, h: h, Y: Y, A: A, B: B, context: context, binding: binding).challenge(in: group) == c
    }

    /// Like ``verify(X:h:Y:group:context:binding:)`` but throws a clear error.
    public func validate(X: G.Element, h: G.Element, Y: G.Element, group: G, context: [UInt8], binding: [UInt8]) throws {
        guard verify(X: X, h: h, Y: Y, group: group, context: context, binding: binding) else {
            throw CryptoError.invalidProof("Chaum–Pedersen", "the challenge does not match the statement")
        }
    }

    /// Exponentiations one verification needs.
    public static var verificationExponentiations: ExponentiationCount { ExponentiationCount(fixedBase: 1, variableBase: 3) }

    static func transcript(
        group: G, X: G.Element, h: G.Element, Y: G.Element, A: G.Element, B: G.Element, context: [UInt8], binding: [UInt8]
    ) -> Transcript {
        var t = Transcript(protocol: .chaumPedersen, group: group.name, context: context, binding: binding)
        for e in [group.generator, X, h, Y, A, B] { t.append(e, in: group) }
        return t
    }
}
