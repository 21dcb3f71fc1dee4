/// How many exponentiations a verification needs: the "floor" of DESIGN §8.
public struct ExponentiationCount: Sendable, Hashable {
    /// Exponentiations of the fixed generator `g`.
    public var fixedBase: Int
    /// Exponentiations of other elements.
    public var variableBase: Int
    public init(fixedBase: Int, variableBase: Int) {
        self.fixedBase = fixedBase
        self.variableBase = variableBase
    }
    public static func + (a: Self, b: Self) -> Self { Self(fixedBase: a.fixedBase + b.fixedBase, variableBase: a.variableBase + b.variableBase) }
}

/// A Schnorr proof of knowledge of `x` with `X = g^x`, in compact form `{c, r}` (SPEC §3.5).
///
/// Transcript: protocol `"schnorr"`, statement `(g, X)`, commitment `(A)`.
public struct SchnorrProof<G: PrimeOrderGroup>: Sendable, Hashable {
    /// The challenge `c = H(T)`.
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

    /// Proves knowledge of `x`.
    /// - Parameters:
    ///   - x: the secret exponent.
    ///   - publicElement: `X = g^x` (computed if omitted).
    ///   - nonce: the commitment randomness `w`; fresh random if omitted (inject only in tests).
    public static func prove(
        secret x: G.Scalar, publicElement: G.Element? = nil, group: G, context: [UInt8], binding: [UInt8], nonce: G.Scalar? = nil
    ) -> SchnorrProof {
        let X = publicElement ?? group.expGenerator(x)
        let w = nonce ?? group.randomScalar()
        let A = group.expGenerator(w)
        let c = transcript(group: group, X: X, A: A, context: context, binding: binding).challenge(in: group)
        return SchnorrProof(c: c, r: group.scalarAdd(w, group.scalarMul(c, x)))
    }

    /// Whether the proof is valid for `X` under `context` and `binding`.
    /// Recomputes `A = g^r · X^(−c)` (one double exponentiation, `X^(q−c)`) and compares `c` with `H(T)`.
    public func verify(publicElement X: G.Element, group: G, context: [UInt8], binding: [UInt8]) -> Bool {
        let A = group.doubleExpPublic(group.generator, r, X, group.scalarNegate(c))
        return Self.transcript(group: group, X: X, A: A, context: context, binding: binding).challenge(in: group) == c
    }

    /// Like ``verify(publicElement:group:context:binding:)`` but throws a clear error.
    public func validate(publicElement X: G.Element, group: G, context: [UInt8], binding: [UInt8]) throws {
        guard verify(publicElement: X, group: group, context: context, binding: binding) else {
            throw CryptoError.invalidProof("Schnorr", "the challenge does not match the statement")
        }
    }

    /// Exponentiations one verification needs.
    public static var verificationExponentiations: ExponentiationCount { ExponentiationCount(fixedBase: 1, variableBase: 1) }

    static func transcript(group: G, X: G.Element, A: G.Element, context: [UInt8], binding: [UInt8]) -> Transcript {
        var t = Transcript(protocol: .schnorr, group: group.name, context: context, binding: binding)
        t.append(group.generator, in: group)
        t.append(X, in: group)
        t.append(A, in: group)
        return t
    }
}
