import AuditGMP

/// Owns one GMP integer on the heap (stable address), cleared in `deinit`.
///
/// `@unchecked Sendable`: a `BigNum` is written only while it is being computed inside one of the
/// functions below, before any other code can see it; afterwards it is only read, and GMP reads of
/// one `mpz_t` from several threads are safe.
final class MPZ: @unchecked Sendable {
    let ptr: UnsafeMutablePointer<audit_mpz>
    init() {
        ptr = .allocate(capacity: 1)
        audit_mpz_init(ptr)
    }
    deinit {
        audit_mpz_clear(ptr)
        ptr.deallocate()
    }
}

/// A non-negative arbitrary-precision integer (immutable value over ``MPZ``).
public struct BigNum: Sendable, Hashable, Comparable, CustomStringConvertible {
    let storage: MPZ

    private init(_ build: (UnsafeMutablePointer<audit_mpz>) -> Void) {
        storage = MPZ()
        build(storage.ptr)
    }

    public init(_ v: UInt64) { self.init { audit_mpz_set_ui($0, UInt(v)) } }

    /// Reads big-endian bytes.
    public init(bigEndian bytes: [UInt8]) {
        self.init { p in bytes.withUnsafeBytes { audit_mpz_import_be(p, $0.baseAddress, bytes.count) } }
    }

    /// Parses lowercase hex (constants).
    public init(hex: String) {
        self.init(bigEndian: Hex.uncheckedDecode(hex.count % 2 == 1 ? "0" + hex : hex))
    }

    /// Big-endian bytes, left-padded to `length`; nil if the value does not fit.
    public func bigEndian(length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        guard audit_mpz_export_be(storage.ptr, &out, length) == 1 else { return nil }
        return out
    }

    public var bitWidth: Int { Int(audit_mpz_sizeinbase2(storage.ptr)) }
    public var isZero: Bool { audit_mpz_sgn(storage.ptr) == 0 }

    public static func == (a: BigNum, b: BigNum) -> Bool { audit_mpz_cmp(a.storage.ptr, b.storage.ptr) == 0 }
    public static func < (a: BigNum, b: BigNum) -> Bool { audit_mpz_cmp(a.storage.ptr, b.storage.ptr) < 0 }
    public func hash(into h: inout Hasher) { h.combine(bigEndian(length: (bitWidth + 7) / 8) ?? []) }
    public var description: String { Hex.encode(bigEndian(length: max(1, (bitWidth + 7) / 8)) ?? []) }

    public func adding(_ b: BigNum) -> BigNum { BigNum { audit_mpz_add($0, storage.ptr, b.storage.ptr) } }
    /// `self - b`; the caller guarantees `self ≥ b`.
    public func subtracting(_ b: BigNum) -> BigNum { BigNum { audit_mpz_sub($0, storage.ptr, b.storage.ptr) } }
    public func multiplied(by b: BigNum) -> BigNum { BigNum { audit_mpz_mul($0, storage.ptr, b.storage.ptr) } }
    public func mod(_ m: BigNum) -> BigNum { BigNum { audit_mpz_mod($0, storage.ptr, m.storage.ptr) } }
    public func shiftedRight(_ bits: Int) -> BigNum { BigNum { audit_mpz_fdiv_q_2exp($0, storage.ptr, UInt(bits)) } }
    public func modAdd(_ b: BigNum, _ m: BigNum) -> BigNum {
        BigNum { audit_mpz_add($0, storage.ptr, b.storage.ptr); audit_mpz_mod($0, $0, m.storage.ptr) }
    }
    public func modSub(_ b: BigNum, _ m: BigNum) -> BigNum {
        BigNum { audit_mpz_sub($0, storage.ptr, b.storage.ptr); audit_mpz_mod($0, $0, m.storage.ptr) }
    }
    public func modMul(_ b: BigNum, _ m: BigNum) -> BigNum {
        BigNum { audit_mpz_mul($0, storage.ptr, b.storage.ptr); audit_mpz_mod($0, $0, m.storage.ptr) }
    }
    /// `self^e mod m` (public exponents only: the audit never handles secrets).
    public func power(_ e: BigNum, modulo m: BigNum) -> BigNum {
        BigNum { audit_mpz_powm($0, storage.ptr, e.storage.ptr, m.storage.ptr) }
    }
    /// `a^s · b^t mod m` in one pass (Shamir's trick; public exponents only).
    public static func power2(_ a: BigNum, _ s: BigNum, _ b: BigNum, _ t: BigNum, modulo m: BigNum) -> BigNum {
        BigNum { audit_mpz_powm2($0, a.storage.ptr, s.storage.ptr, b.storage.ptr, t.storage.ptr, m.storage.ptr) }
    }
    /// `∏ bases_i^(exps_i) mod m` in one pass (Straus, fixed 4-bit windows; public exponents only).
    public static func multiPower(_ bases: [BigNum], _ exps: [BigNum], modulo m: BigNum) -> BigNum {
        let b: [UnsafePointer<audit_mpz>?] = bases.map { UnsafePointer($0.storage.ptr) }
        let e: [UnsafePointer<audit_mpz>?] = exps.map { UnsafePointer($0.storage.ptr) }
        let r = BigNum { out in
            // Only an allocation failure makes this fail, and the audit cannot continue without memory.
            precondition(audit_mpz_multi_powm(out, b, e, min(bases.count, exps.count), m.storage.ptr) == 0, "out of memory")
        }
        withExtendedLifetime((bases, exps)) {}
        return r
    }
    /// The Jacobi symbol `(self | n)` for odd `n`: 1, −1 or 0.
    public func jacobi(_ n: BigNum) -> Int { Int(audit_mpz_jacobi(storage.ptr, n.storage.ptr)) }
    /// `self^(-1) mod m`, or nil when not invertible.
    public func inverse(modulo m: BigNum) -> BigNum? {
        var ok: Int32 = 0
        let r = BigNum { ok = audit_mpz_invert($0, storage.ptr, m.storage.ptr) }
        return ok == 0 ? nil : r
    }
    /// Probabilistic primality (GMP's `mpz_probab_prime_p`), for tests of constants.
    public func isProbablePrime(reps: Int = 25) -> Bool { audit_mpz_probab_prime_p(storage.ptr, Int32(reps)) > 0 }
}
