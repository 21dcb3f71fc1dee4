import CivicCrypto

/// An exponential ElGamal ciphertext as a pair of elements.
public struct CipherPair<G: PrimeOrderGroup>: Sendable, Hashable {
    public var a: G.Element
    public var b: G.Element
    public init(a: G.Element, b: G.Element) { self.a = a; self.b = b }
}

/// Where one encrypted count accumulates: an option of a contest, overall (`year == nil`) or for one
/// window number.
public struct TallyKey: Sendable, Hashable {
    public var contest: String
    public var option: String
    public var year: Int?
    public init(contest: String, option: String, year: Int?) { self.contest = contest; self.option = option; self.year = year }
}
