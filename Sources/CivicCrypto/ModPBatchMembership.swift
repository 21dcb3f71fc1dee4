import CGMP
import Foundation

// Batched subgroup membership and batch-verification products for the Schnorr groups (SPEC §3.1,
// §3.5.1). VARIABLE TIME: public values only.

extension ModPGroup {
    /// Whether this group checks the membership of many elements at once (SPEC §3.1, "Batched
    /// membership"): `eg4096` only. Its `p − 1 = 2·q·r'` with `r'` prime (checked by
    /// ``batchMembershipProblems()``), so an element whose Jacobi symbol `(x|p)` is 1 lies in the subgroup
    /// of order `q·r'`, and a random 128-bit combination of such elements raised to `q` is 1 only if
    /// every one of them has no `r'` part, except with probability at most 2^−128. For `belenios2048`,
    /// `(p − 1)/(2q)` is not prime (it has small factors), so each element keeps its own `x^q` check.
    public var batchesMembership: Bool { parameters.name == .eg4096 }

    /// Decodes and validates many elements together (SPEC §3.1): each is `len(p)` bytes and lies in
    /// `[1, p)`; then, in a group that ``batchesMembership``, every Jacobi symbol `(x|p)` must be 1 and
    /// `(∏ x_i^(z_i))^q ≡ 1` for fresh independent uniform 128-bit weights `z_i` from the CSPRNG; if that
    /// fails, each element is checked alone so that the error names the first non-member. In the other
    /// groups each element is decoded as ``decodeElement(_:)`` does.
    /// - Throws: ``CryptoError/Code/invalidLength`` or ``CryptoError/Code/invalidElement`` (saying which
    ///   element, counted from 1).
    public func decodeElements(_ encodings: [[UInt8]]) throws -> [Element] {
        guard batchesMembership, encodings.count > 1 else { return try encodings.map { try decodeElement($0) } }
        let values = try jacobiCandidates(encodings)
        if !allMembers(values) {
            for (i, x) in values.enumerated() where !isInSubgroup(x) {
                throw CryptoError.invalidElement(name, "element \(i + 1) of \(encodings.count) is not in the order-q subgroup (x^q mod p ≠ 1)")
            }
        }
        return values.map { Element(value: $0) }
    }

    /// Carried commitments (SPEC §3.5.1) in a group that ``batchesMembership``: length, `[1, p)` and Jacobi
    /// symbol 1 only. Their `x^q ≡ 1` follows from rule 2, which the caller checks next (SPEC §3.1): in a
    /// batch, the `r'` part of the combination is `Σ z·e` over the commitments' `r'` exponents `e` with
    /// independent 128-bit weights `z`, so a non-member passes with probability at most 2^−128; one by one,
    /// a commitment equal to a recomputed member is a member. The other groups check them in full.
    public func decodeCarriedCommitments(_ encodings: [[UInt8]]) throws -> [Element] {
        guard batchesMembership else { return try decodeElements(encodings) }
        return try jacobiCandidates(encodings).map { Element(value: $0) }
    }

    /// Ciphertext components whose membership the caller folds into its proof combination (SPEC §3.1,
    /// folded membership; ``multiExpIsIdentity(_:recurring:candidates:)``): in a group that
    /// ``batchesMembership``, length, `[1, p)` and Jacobi symbol 1 only; the other groups check them in full.
    public func decodeMembershipCandidates(_ encodings: [[UInt8]]) throws -> [Element] {
        guard batchesMembership else { return try decodeElements(encodings) }
        return try jacobiCandidates(encodings).map { Element(value: $0) }
    }

    /// Each encoding's value, checked for length, `[1, p)` and Jacobi symbol `(x|p) = 1`.
    private func jacobiCandidates(_ encodings: [[UInt8]]) throws -> [MPZ] {
        var values: [MPZ] = []
        values.reserveCapacity(encodings.count)
        for (i, bytes) in encodings.enumerated() {
            try checkLength(bytes.count, elementByteCount, "A \(name) element")
            let x = MPZ(bigEndian: bytes)
            guard perennial_mpz_cmp_ui(x.pointer, 1) >= 0, MPZ.compare(x, parameters.p) < 0 else {
                throw CryptoError.invalidElement(name, "element \(i + 1) of \(encodings.count) is not between 1 and p − 1")
            }
            guard perennial_mpz_jacobi(x.pointer, parameters.p.pointer) == 1 else {
                throw CryptoError.invalidElement(name, "element \(i + 1) of \(encodings.count) is not in the order-q subgroup (Jacobi symbol (x|p) ≠ 1)")
            }
            values.append(x)
        }
        return values
    }

    /// `(∏ x_i^(z_i))^q ≡ 1 (mod p)` with fresh uniform 128-bit weights `z_i` (the batched test; the
    /// caller has checked that every `(x_i|p) = 1`).
    func allMembers(_ values: [MPZ]) -> Bool {
        let random = SecureRandom.bytes(16 * values.count)
        let weights = (0..<values.count).map { MPZ(bigEndian: random[(16 * $0)..<(16 * $0 + 16)]) }
        let combined = parameters.montgomery.multiExp(bases: values, exponents: weights)
        let raised = parameters.montgomery.multiExp(bases: [combined], exponents: [parameters.q])
        return raised.isOne
    }

    /// Checks the fact batched membership rests on: `p − 1 = 2·q·r'` with `r'` a probable prime (40
    /// Miller–Rabin rounds) other than `q`. Returns the failed checks (empty when all hold).
    public func batchMembershipProblems() -> [String] {
        let r = MPZ(), rem = MPZ()
        perennial_mpz_sub_ui(r.pointer, parameters.p.pointer, 1)
        perennial_mpz_fdiv_q_2exp(r.pointer, r.pointer, 1)
        perennial_mpz_mod(rem.pointer, r.pointer, parameters.q.pointer)
        guard rem.isZero else { return ["q does not divide (p − 1)/2"] }
        let cofactor = MPZ()
        perennial_mpz_fdiv_q(cofactor.pointer, r.pointer, parameters.q.pointer)
        var problems: [String] = []
        if perennial_mpz_probab_prime_p(cofactor.pointer, 40) == 0 { problems.append("(p − 1)/(2q) is not prime") }
        if MPZ.compare(cofactor, parameters.q) == 0 { problems.append("(p − 1)/(2q) equals q") }
        return problems
    }

    public func multiExpIsIdentity(_ terms: [(Element, Scalar)]) -> Bool {
        multiExpIsIdentity(terms, recurring: [])
    }

    /// One Montgomery multi-exponentiation (CGMP `perennial_mont_multi_exp`): `g` and the `recurring`
    /// bases through their fixed-base tables (a recurring base gets one once it has recurred often
    /// enough, see ``Parameters/recurringTable(for:)``), every other base in one shared chain of squarings.
    public func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)]) -> Bool {
        multiExpIsIdentity(terms, recurring: recurring, candidates: [])
    }

    /// The same, and in a group that ``batchesMembership`` it also proves that the bases of the terms at
    /// `candidates` (Jacobi symbol 1, ``decodeMembershipCandidates(_:)``) lie in the order-q subgroup:
    /// each such base `x_i` is raised to `s_i + q·w_i` (an integer, not reduced mod q) with fresh
    /// independent uniform 128-bit weights `w_i` from the CSPRNG.
    ///
    /// Why this is sound (SPEC §3.1, folded membership): `(x|p) = 1` puts `x` in the cyclic subgroup of
    /// order `q·r'` (`r'` prime, ≠ q, > 2^128), so `x_i = y_i·h^(e_i)` with `y_i^q = 1` and `h` a generator
    /// of the order-r' subgroup. The `q·w_i` vanish on the order-q parts, so the order-q component of the
    /// product is the unchanged combination. Its order-r' component is `h^(C + q·Σ w_i·e_i)`, where `C`
    /// collects everything else (fixed before the `w_i` are drawn). If some `e_i ≠ 0`, then `q·e_i` is invertible mod r', so for any values of the other
    /// weights at most one of the 2^128 values of `w_i` makes this linear form vanish: a non-member
    /// passes with probability at most 2^−128.
    public func multiExpIsIdentity(_ terms: [(Element, Scalar)], recurring: [(Element, Scalar)], candidates: [Int]) -> Bool {
        // The generator is a member (and keeps its table, which takes exponents below q only).
        let folded = batchesMembership ? candidates.filter { terms[$0].0 != generator } : []
        var extra: [Int: MPZ] = [:]
        if !folded.isEmpty {
            let random = SecureRandom.bytes(16 * folded.count)
            for (k, i) in folded.enumerated() {
                let e = MPZ(bigEndian: random[(16 * k)..<(16 * k + 16)])
                perennial_mpz_mul(e.pointer, e.pointer, parameters.q.pointer)
                perennial_mpz_add(e.pointer, e.pointer, terms[i].1.value.pointer)
                extra[i] = e
            }
        }
        var tables: [(FixedBaseTable, MPZ)] = []
        var bases: [MPZ] = [], exponents: [MPZ] = []
        bases.reserveCapacity(terms.count + recurring.count)
        exponents.reserveCapacity(terms.count + recurring.count)
        for (i, (base, s)) in terms.enumerated() {
            if base == generator { tables.append((parameters.generatorTable, s.value)) } else {
                bases.append(base.value)
                exponents.append(extra[i] ?? s.value)
            }
        }
        for (base, s) in recurring {
            if let table = base == generator ? parameters.generatorTable : parameters.recurringTable(for: base.value) {
                tables.append((table, s.value))
            } else {
                bases.append(base.value)
                exponents.append(s.value)
            }
        }
        return parameters.montgomery.multiExp(bases: bases, exponents: exponents, tables: tables).isOne
    }
}

extension ModPGroup.MontgomeryContext {
    /// `∏ tables_i^(e_i) · ∏ bases_j^(f_j) mod p` for public exponents `≥ 0` and bases in `(0, p)`.
    func multiExp(bases: [MPZ], exponents: [MPZ], tables: [(ModPGroup.FixedBaseTable, MPZ)] = []) -> MPZ {
        let r = MPZ()
        let b: [UnsafePointer<perennial_mpz>?] = bases.map { UnsafePointer($0.pointer) }
        let e: [UnsafePointer<perennial_mpz>?] = exponents.map { UnsafePointer($0.pointer) }
        let t: [UnsafePointer<perennial_mont_table>?] = tables.map { UnsafePointer($0.0.pointer) }
        let te: [UnsafePointer<perennial_mpz>?] = tables.map { UnsafePointer($0.1.pointer) }
        let rc = perennial_mont_multi_exp(r.pointer, pointer, t, te, tables.count, b, e, min(bases.count, exponents.count))
        checkInfallible(rc, "multi-exponentiation (out of memory, or an exponent wider than q)")
        withExtendedLifetime((bases, exponents, tables)) {}
        return r
    }
}

extension MPZ {
    /// Whether the value is 1 (the object is kept alive across the C call).
    var isOne: Bool { withExtendedLifetime(self) { perennial_mpz_cmp_ui(pointer, 1) == 0 } }
}
