/// The order-`q` subgroup of `Z_p^*` for an RFC 3526 safe prime `p = 2q + 1`, generator `g = 2`
/// (SPEC.md §3.1), through GMP.
public struct ModpGroup: PrimeOrderGroup {
    public typealias Element = BigNum
    public typealias Scalar = BigNum

    public let name: String
    public let p: BigNum
    public let q: BigNum
    public let elementLength: Int
    public let scalarLength: Int
    public let generator: BigNum
    public let identity = BigNum(1)

    /// Builds the group of a safe prime `p` with generator 2.
    public init(name: String, pHex: String) {
        self.name = name
        p = BigNum(hex: pHex)
        q = p.shiftedRight(1)
        elementLength = (p.bitWidth + 7) / 8
        scalarLength = (q.bitWidth + 7) / 8
        generator = BigNum(2)
    }

    public func element(_ bytes: [UInt8]) throws(AuditError) -> BigNum {
        guard bytes.count == elementLength else { throw .invalidElement("a \(name) element is \(elementLength) bytes") }
        let x = BigNum(bigEndian: bytes)
        guard !x.isZero, x < p else { throw .invalidElement("a \(name) element must lie in [1, p)") }
        // For a safe prime the order-q subgroup is the quadratic residues, so x^q ≡ 1 (mod p) exactly
        // when the Legendre symbol (x/p) is 1; this is the same test as SPEC.md's, far cheaper.
        guard x.jacobi(p) == 1 else { throw .invalidElement("a \(name) element is not in the order-q subgroup") }
        return x
    }

    /// The subgroup test exactly as SPEC.md words it, `x^q ≡ 1 (mod p)` (tests compare the two).
    public func isInSubgroupByExponentiation(_ x: BigNum) -> Bool {
        !x.isZero && x < p && x.power(q, modulo: p) == identity
    }

    public func encodeElement(_ e: BigNum) -> [UInt8] { e.bigEndian(length: elementLength)! }

    public func scalar(_ bytes: [UInt8]) throws(AuditError) -> BigNum {
        guard bytes.count == scalarLength else { throw .invalidScalar("a \(name) scalar is \(scalarLength) bytes") }
        let s = BigNum(bigEndian: bytes)
        guard s < q else { throw .invalidScalar("a \(name) scalar must be below q") }
        return s
    }

    public func encodeScalar(_ s: BigNum) -> [UInt8] { s.bigEndian(length: scalarLength)! }
    public func scalar(_ n: UInt64) -> BigNum { BigNum(n).mod(q) }
    public func scalar(fromDigest digest: [UInt8]) -> BigNum { BigNum(bigEndian: digest).mod(q) }

    public func op(_ a: BigNum, _ b: BigNum) -> BigNum { a.modMul(b, p) }
    public func div(_ a: BigNum, _ b: BigNum) -> BigNum { a.modMul(b.inverse(modulo: p)!, p) }
    public func exp(_ a: BigNum, _ s: BigNum) -> BigNum { a.power(s, modulo: p) }
    public func expG(_ s: BigNum) -> BigNum { generator.power(s, modulo: p) }

    public func add(_ a: BigNum, _ b: BigNum) -> BigNum { a.modAdd(b, q) }
    public func sub(_ a: BigNum, _ b: BigNum) -> BigNum { a.modSub(b, q) }
    public func mul(_ a: BigNum, _ b: BigNum) -> BigNum { a.modMul(b, q) }
    public func neg(_ a: BigNum) -> BigNum { BigNum(0).modSub(a, q) }
    public func inverse(_ a: BigNum) -> BigNum? { a.isZero ? nil : a.inverse(modulo: q) }

    /// RFC 3526 group 14 (2048-bit MODP).
    public static let modp2048 = ModpGroup(name: "modp2048", pHex:
        "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd"
        + "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
        + "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f"
        + "83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
        + "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510"
        + "15728e5a8aacaa68ffffffffffffffff")

    /// RFC 3526 group 15 (3072-bit MODP).
    public static let modp3072 = ModpGroup(name: "modp3072", pHex:
        "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd"
        + "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
        + "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f"
        + "83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
        + "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510"
        + "15728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7"
        + "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200c"
        + "bbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff")
}
