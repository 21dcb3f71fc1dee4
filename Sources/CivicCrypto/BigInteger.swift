import CGMP

/// Owner of one GMP integer: a heap-stable `mpz` pointer, initialised in `init`, wiped (limbs
/// overwritten with zeros, as any value may be a secret scalar) and freed in `deinit`.
///
/// `@unchecked Sendable`: an `MPZ` is mutated only by the function that creates it, before it is
/// wrapped in an `Element`/`Scalar` value or stored in a table; afterwards it is read-only, and GMP
/// reads are thread-safe.
final class MPZ: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<perennial_mpz>

    init() {
        pointer = .allocate(capacity: 1)
        perennial_mpz_init(pointer)
    }

    convenience init(_ value: UInt) {
        self.init()
        perennial_mpz_set_ui(pointer, value)
    }

    /// Parses a constant written in hex (only for built-in parameters).
    convenience init(hexConstant: String) {
        self.init()
        let rc = hexConstant.withCString { perennial_mpz_set_str(pointer, $0, 16) }
        checkInfallible(rc, "mpz_set_str on a built-in constant")
    }

    /// Reads unsigned big-endian bytes.
    convenience init(bigEndian bytes: some Collection<UInt8>) {
        self.init()
        withContiguousBytes(bytes) { b in
            if b.count > 0 { perennial_mpz_import_be(pointer, b.baseAddress, b.count) }
        }
    }

    deinit {
        perennial_mpz_wipe(pointer)
        perennial_mpz_clear(pointer)
        pointer.deallocate()
    }

    /// Big-endian bytes, left-padded to exactly `length`. The caller guarantees the value fits.
    func bigEndian(length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let fits = out.withUnsafeMutableBytes { perennial_mpz_export_be(pointer, $0.u8, length) }
        checkInfallible(fits == 1 ? 0 : -1, "mpz_export of a reduced value")
        return out
    }

    var bitCount: Int { Int(perennial_mpz_sizeinbase2(pointer)) }
    var isZero: Bool { perennial_mpz_sgn(pointer) == 0 }

    static func compare(_ a: MPZ, _ b: MPZ) -> Int32 { perennial_mpz_cmp(a.pointer, b.pointer) }
}
