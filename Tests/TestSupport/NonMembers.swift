import CivicCrypto

/// Values of `[1, p)` outside the order-`q` subgroup, for the refusal tests of SPEC §3.1's membership
/// checks (one by one and batched).
public enum NonMembers {
    /// `2^(2q) mod p` in eg4096: a square (Jacobi symbol 1) of order `r' = (p − 1)/(2q)`, so only the
    /// `x^q` test (alone or batched) can refuse it. `ModPBatchMembershipTests` recomputes it.
    public static let eg4096OrderRPrime = "1390a2c9e74261aef2e65e7cbab445bc2412f4645a474d1eb7f8e8ab3fb763109d550964042d63575cdddd2e91fc4fc0fa3c08ef227a6738d2cc2fb63325f7fcf216f01ffba85bd42c45c241778948928282e9a45b435dfd28062dc9b31f62a1abf3e5d1e13f882d94abe495c44d97554fb4fd9218368acc44d8cdd37e1b6b91488145b5a8938f8205e29af0520da1c3d0928c18f3382c9abfd2b845e86ac204a63547822ca1ff106cb382f39c83c56214767022c954920ca1feadceab2d11050dcef040662ef8cc7088dc8ffb21fb222344c59c018e9ee86094f800cb56a71302bb737e39d2e9e389c2eaa42f7b91068f1959fdd462f93b5eb4a878b07fc175391221213f4e513add0c2019a063a621d398847d1a73954970bb271600813dbb417cc97c8db48d70cd6cbe1fe0f74c68be3f4bd838ed1d7c9ee4fd802d9974dd5e581fa2fb268a9dac064c065af8209de3da6b5e1caecafa749f0d044a4a84a1da9ee88180399cbcc365f54cd97ed7730012070e0a65afb6ba2e920e2f95b9e76b11289bb0554ff5d1f50ad77fb83a33015b263549b7b606e9ee5d22a8e432203f668efcc9c684a0c7141f148e99684828fbfd08c1acacf0e94974f89d0eabf99609624aac7b901ea492a46bb006f211d76a5d4e944ef5c1f594342e60a21fd0fdc4f59231248ef850bda5f472720221f041eeb71117c5e22004e4c554c2ba35"

    /// `p − 1` (order 2, Jacobi symbol −1), big-endian hex on `len(p)` bytes, from the modulus hex.
    public static func minusOne(modulusHex: String) -> String {
        var bytes = TestVectors.bytes(hex: modulusHex)
        bytes[bytes.count - 1] -= 1  // p is odd
        return Hex.encode(bytes)
    }
}
