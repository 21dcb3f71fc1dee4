import CGMP
import Foundation

/// The order-`q` subgroup of `Z_p^*` for an RFC 3526 safe prime `p = 2q + 1`, generator `g = 2`
/// (SPEC §3.1), on GMP.
///
/// Exponent policy: ``exp(_:_:)`` and ``expGenerator(_:)`` use `mpz_powm_sec` (constant time in the
/// exponent) for every non-zero exponent, because callers pass secret keys, randomness and proof
/// nonces there. ``expPublic(_:_:)`` uses `mpz_powm` and ``expGeneratorPublic(_:)`` a precomputed
/// fixed-base table (6-bit windows, built on first use); both are variable time and only for public
/// exponents (verification). Element validation uses the Legendre symbol `(x/p) = 1`, which for prime
/// `p` is exactly Euler's criterion `x^q ≡ 1 (mod p)` required by SPEC §3.1, at a fraction of the cost.
public struct ModPGroup: PrimeOrderGroup, Hashable {
    /// A validated element: an integer `1 ≤ x < p` with `x^q ≡ 1 (mod p)`.
    public struct Element: Sendable, Hashable, CustomStringConvertible {
        let value: MPZ
        public static func == (a: Element, b: Element) -> Bool { MPZ.compare(a.value, b.value) == 0 }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(perennial_mpz_low_limb(value.pointer))
            hasher.combine(perennial_mpz_size(value.pointer))
        }
        public var description: String { "modp(\(value.bitCount) bits)" }
    }

    /// An integer `0 ≤ s < q`. `description` is redacted (scalars may be secrets).
    public struct Scalar: Sendable, Hashable, CustomStringConvertible {
        let value: MPZ
        public static func == (a: Scalar, b: Scalar) -> Bool { MPZ.compare(a.value, b.value) == 0 }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(perennial_mpz_low_limb(value.pointer))
            hasher.combine(perennial_mpz_size(value.pointer))
        }
        public var description: String { "modp.Scalar(redacted)" }
    }

    let parameters: Parameters

    /// RFC 3526 group 15 (3072-bit MODP), named `"modp3072"`.
    public static let rfc3526_3072 = ModPGroup(
        parameters: Parameters(
            name: .modp3072,
            pHex: "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
        ))

    /// RFC 3526 group 14 (2048-bit MODP), named `"modp2048"`.
    public static let rfc3526_2048 = ModPGroup(
        parameters: Parameters(
            name: .modp2048,
            pHex: "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF"
        ))

    public static func == (a: ModPGroup, b: ModPGroup) -> Bool { a.parameters.name == b.parameters.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(parameters.name) }

    public var name: String { parameters.name.rawValue }
    public var groupName: GroupName { parameters.name }
    public var elementByteCount: Int { parameters.elementByteCount }
    public var scalarByteCount: Int { parameters.scalarByteCount }
    public var identity: Element { Element(value: parameters.one) }
    public var generator: Element { Element(value: parameters.g) }
    public var orderHex: String { Hex.encode(parameters.q.bigEndian(length: scalarByteCount)) }
    /// The modulus `p`, big-endian hex.
    public var modulusHex: String { Hex.encode(parameters.p.bigEndian(length: elementByteCount)) }

    // MARK: Elements

    public func op(_ a: Element, _ b: Element) -> Element {
        let r = MPZ()
        perennial_mpz_mul(r.pointer, a.value.pointer, b.value.pointer)
        perennial_mpz_mod(r.pointer, r.pointer, parameters.p.pointer)
        return Element(value: r)
    }

    public func inverse(_ a: Element) -> Element {
        let r = MPZ()
        let invertible = perennial_mpz_invert(r.pointer, a.value.pointer, parameters.p.pointer)
        // Validated elements are in [1, p) and p is prime, so an inverse always exists.
        checkInfallible(invertible != 0 ? 0 : -1, "mpz_invert of a group element")
        return Element(value: r)
    }

    public func exp(_ base: Element, _ s: Scalar) -> Element {
        if s.value.isZero { return identity }  // mpz_powm_sec needs a positive exponent
        let r = MPZ()
        perennial_mpz_powm_sec(r.pointer, base.value.pointer, s.value.pointer, parameters.p.pointer)
        return Element(value: r)
    }

    public func expGenerator(_ s: Scalar) -> Element { exp(generator, s) }

    public func expPublic(_ base: Element, _ s: Scalar) -> Element {
        let r = MPZ()
        perennial_mpz_powm(r.pointer, base.value.pointer, s.value.pointer, parameters.p.pointer)
        return Element(value: r)
    }

    public func expGeneratorPublic(_ s: Scalar) -> Element {
        Element(value: parameters.generatorTable.exp(s.value, modulus: parameters.p))
    }

    public func elementForSmallInt(_ m: Int) -> Element {
        // g = 2, so g^|m| is a shift followed by one reduction.
        let r = MPZ(1)
        perennial_mpz_mul_2exp(r.pointer, r.pointer, UInt(m.magnitude))
        perennial_mpz_mod(r.pointer, r.pointer, parameters.p.pointer)
        let e = Element(value: r)
        return m >= 0 ? e : inverse(e)
    }

    // MARK: Scalars

    public func scalar(_ v: UInt64) -> Scalar {
        let r = MPZ(UInt(v))
        perennial_mpz_mod(r.pointer, r.pointer, parameters.q.pointer)
        return Scalar(value: r)
    }

    private func reduced(_ r: MPZ) -> Scalar {
        perennial_mpz_mod(r.pointer, r.pointer, parameters.q.pointer)
        return Scalar(value: r)
    }

    public func scalarAdd(_ a: Scalar, _ b: Scalar) -> Scalar {
        let r = MPZ()
        perennial_mpz_add(r.pointer, a.value.pointer, b.value.pointer)
        return reduced(r)
    }

    public func scalarSub(_ a: Scalar, _ b: Scalar) -> Scalar {
        let r = MPZ()
        perennial_mpz_sub(r.pointer, a.value.pointer, b.value.pointer)
        return reduced(r)  // mpz_mod's result is non-negative
    }

    public func scalarMul(_ a: Scalar, _ b: Scalar) -> Scalar {
        let r = MPZ()
        perennial_mpz_mul(r.pointer, a.value.pointer, b.value.pointer)
        return reduced(r)
    }

    public func scalarNegate(_ a: Scalar) -> Scalar {
        let r = MPZ()
        perennial_mpz_sub(r.pointer, parameters.q.pointer, a.value.pointer)
        return reduced(r)  // maps 0 to q mod q = 0
    }

    public func scalarInvert(_ a: Scalar) throws -> Scalar {
        let r = MPZ()
        let invertible = perennial_mpz_invert(r.pointer, a.value.pointer, parameters.q.pointer)
        try check(invertible != 0 ? 0 : -1, "mpz_invert", or: .notInvertible("The scalar"))
        return Scalar(value: r)
    }

    public func randomScalar() -> Scalar {
        // Rejection sampling on bitlen(q) random bits: uniform in [0, q). q is just below a power of
        // two (its top 64 bits are ones), so a retry is practically never needed.
        let length = scalarByteCount
        let topBits = parameters.q.bitCount - 8 * (length - 1)
        let mask: UInt8 = topBits >= 8 ? 0xff : UInt8((1 << topBits) - 1)
        while true {
            var bytes = SecureRandom.bytes(length)
            bytes[0] &= mask
            let r = MPZ(bigEndian: bytes)
            bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            if MPZ.compare(r, parameters.q) < 0 { return Scalar(value: r) }
        }
    }

    public func isZero(_ s: Scalar) -> Bool { s.value.isZero }

    // MARK: Encodings

    public func encode(_ e: Element) -> [UInt8] { e.value.bigEndian(length: elementByteCount) }

    public func decodeElement(_ bytes: some Collection<UInt8>) throws -> Element {
        try checkLength(bytes.count, elementByteCount, "A \(name) element")
        let x = MPZ(bigEndian: bytes)
        guard perennial_mpz_cmp_ui(x.pointer, 1) >= 0, MPZ.compare(x, parameters.p) < 0 else {
            throw CryptoError.invalidElement(name, "not between 1 and p − 1")
        }
        // Euler's criterion: x^q ≡ 1 (mod p) ⇔ the Legendre symbol (x/p) = 1 for prime p.
        guard perennial_mpz_jacobi(x.pointer, parameters.p.pointer) == 1 else {
            throw CryptoError.invalidElement(name, "not in the prime-order subgroup")
        }
        return Element(value: x)
    }

    /// Membership by the definition `x^q ≡ 1 (mod p)` (slow; for tests and audits of the fast check).
    public func isInSubgroupByExponentiation(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == elementByteCount else { return false }
        let x = MPZ(bigEndian: bytes)
        guard perennial_mpz_cmp_ui(x.pointer, 1) >= 0, MPZ.compare(x, parameters.p) < 0 else { return false }
        let r = MPZ()
        perennial_mpz_powm(r.pointer, x.pointer, parameters.q.pointer, parameters.p.pointer)
        return perennial_mpz_cmp_ui(r.pointer, 1) == 0
    }

    public func encode(_ s: Scalar) -> [UInt8] { s.value.bigEndian(length: scalarByteCount) }

    public func decodeScalar(_ bytes: some Collection<UInt8>) throws -> Scalar {
        try checkLength(bytes.count, scalarByteCount, "A \(name) scalar")
        let s = MPZ(bigEndian: bytes)
        guard MPZ.compare(s, parameters.q) < 0 else { throw CryptoError.invalidScalar(name, "not reduced below the group order") }
        return Scalar(value: s)
    }

    public func hashToScalar(_ transcript: [UInt8]) -> Scalar {
        reduced(MPZ(bigEndian: SHA512.hash(transcript)))
    }
}

extension ModPGroup {
    /// The constants of one MODP group and its lazily built fixed-base table for `g`.
    ///
    /// `@unchecked Sendable`: all stored integers are immutable after `init`; the table is created
    /// once under `lock` and immutable afterwards.
    final class Parameters: @unchecked Sendable {
        let name: GroupName
        let p: MPZ
        let q: MPZ
        let g: MPZ
        let one: MPZ
        let elementByteCount: Int
        let scalarByteCount: Int
        private let lock = NSLock()
        private var table: FixedBaseTable?

        init(name: GroupName, pHex: String) {
            self.name = name
            p = MPZ(hexConstant: pHex)
            q = MPZ()
            perennial_mpz_sub_ui(q.pointer, p.pointer, 1)
            perennial_mpz_fdiv_q_2exp(q.pointer, q.pointer, 1)
            g = MPZ(2)
            one = MPZ(1)
            elementByteCount = (p.bitCount + 7) / 8
            scalarByteCount = (q.bitCount + 7) / 8
        }

        var generatorTable: FixedBaseTable {
            lock.lock()
            defer { lock.unlock() }
            if let table { return table }
            let built = FixedBaseTable(base: g, modulus: p, exponentBits: q.bitCount)
            table = built
            return built
        }
    }

    /// Precomputed `base^(d·2^(w·i))` for every window `i` and digit `1 ≤ d < 2^w`: an
    /// exponentiation by a public exponent is then one multiplication per non-zero window.
    /// Variable time: only for public exponents.
    final class FixedBaseTable: @unchecked Sendable {  // immutable after init
        static let windowBits = 6
        let windows: Int
        let entries: [MPZ]  // entries[i * (2^w − 1) + (d − 1)]
        let exponentBytes: Int

        init(base: MPZ, modulus: MPZ, exponentBits: Int) {
            let w = Self.windowBits
            let perWindow = (1 << w) - 1
            windows = (exponentBits + w - 1) / w
            exponentBytes = (exponentBits + 7) / 8
            var entries: [MPZ] = []
            entries.reserveCapacity(windows * perWindow)
            let windowBase = MPZ()
            perennial_mpz_set(windowBase.pointer, base.pointer)
            for _ in 0..<windows {
                var previous = windowBase
                entries.append(windowBase.copy())
                for _ in 2...perWindow {
                    let next = MPZ()
                    perennial_mpz_mul(next.pointer, previous.pointer, windowBase.pointer)
                    perennial_mpz_mod(next.pointer, next.pointer, modulus.pointer)
                    entries.append(next)
                    previous = next
                }
                // Next window base: windowBase^(2^w) = previous · windowBase.
                perennial_mpz_mul(windowBase.pointer, previous.pointer, windowBase.pointer)
                perennial_mpz_mod(windowBase.pointer, windowBase.pointer, modulus.pointer)
            }
            self.entries = entries
        }

        func exp(_ exponent: MPZ, modulus: MPZ) -> MPZ {
            let w = Self.windowBits
            let perWindow = (1 << w) - 1
            let bytes = exponent.bigEndian(length: exponentBytes)
            let result = MPZ(1)
            let scratch = MPZ()
            for i in 0..<windows {
                // Bits [w·i, w·i + w) of the big-endian exponent.
                var digit = 0
                for bit in 0..<w {
                    let k = w * i + bit
                    let byteIndex = exponentBytes - 1 - k / 8
                    guard byteIndex >= 0 else { break }
                    digit |= Int((bytes[byteIndex] >> UInt8(k % 8)) & 1) << bit
                }
                if digit == 0 { continue }
                perennial_mpz_mul(scratch.pointer, result.pointer, entries[i * perWindow + digit - 1].pointer)
                perennial_mpz_mod(result.pointer, scratch.pointer, modulus.pointer)
            }
            return result
        }
    }
}

extension MPZ {
    func copy() -> MPZ {
        let r = MPZ()
        perennial_mpz_set(r.pointer, pointer)
        return r
    }
}
