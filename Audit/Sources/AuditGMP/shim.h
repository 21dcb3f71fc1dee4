#ifndef PERENNIAL_AUDIT_GMP_SHIM_H
#define PERENNIAL_AUDIT_GMP_SHIM_H
/*
 * The audit's own view of GMP (not the engine's CGMP). Swift cannot import GMP's #define aliases
 * (mpz_init is __gmpz_init) nor its function-like macros (mpz_sgn), so every call Swift makes goes
 * through one of these audit_-prefixed static inline functions. The audit only verifies: every
 * exponent it uses is public, so plain mpz_powm is used throughout.
 */
#include <stddef.h>
#include <gmp.h>
#include <stdlib.h>

typedef __mpz_struct audit_mpz;

static inline void audit_mpz_init(audit_mpz *x) { mpz_init(x); }
static inline void audit_mpz_clear(audit_mpz *x) { mpz_clear(x); }
static inline void audit_mpz_set(audit_mpz *r, const audit_mpz *a) { mpz_set(r, a); }
static inline void audit_mpz_set_ui(audit_mpz *r, unsigned long v) { mpz_set_ui(r, v); }
static inline void audit_mpz_import_be(audit_mpz *r, const void *bytes, size_t count) {
    mpz_import(r, count, 1, 1, 1, 0, bytes);
}
/* Writes a (>= 0) big-endian into out, left-padded with zeros to `length` bytes; returns 0 if it does not fit. */
static inline int audit_mpz_export_be(const audit_mpz *a, unsigned char *out, size_t length) {
    size_t needed = mpz_sgn(a) == 0 ? 0 : (mpz_sizeinbase(a, 2) + 7) / 8;
    if (mpz_sgn(a) < 0 || needed > length) return 0;
    for (size_t i = 0; i < length; i++) out[i] = 0;
    size_t written = 0;
    if (needed > 0) mpz_export(out + (length - needed), &written, 1, 1, 1, 0, a);
    return 1;
}
static inline size_t audit_mpz_sizeinbase2(const audit_mpz *a) { return mpz_sizeinbase(a, 2); }
static inline int audit_mpz_sgn(const audit_mpz *a) { return mpz_sgn(a); }
static inline int audit_mpz_cmp(const audit_mpz *a, const audit_mpz *b) { return mpz_cmp(a, b); }
static inline int audit_mpz_cmp_ui(const audit_mpz *a, unsigned long b) { return mpz_cmp_ui(a, b); }
static inline void audit_mpz_add(audit_mpz *r, const audit_mpz *a, const audit_mpz *b) { mpz_add(r, a, b); }
static inline void audit_mpz_sub(audit_mpz *r, const audit_mpz *a, const audit_mpz *b) { mpz_sub(r, a, b); }
static inline void audit_mpz_sub_ui(audit_mpz *r, const audit_mpz *a, unsigned long b) { mpz_sub_ui(r, a, b); }
static inline void audit_mpz_mul(audit_mpz *r, const audit_mpz *a, const audit_mpz *b) { mpz_mul(r, a, b); }
static inline void audit_mpz_mod(audit_mpz *r, const audit_mpz *a, const audit_mpz *m) { mpz_mod(r, a, m); }
static inline void audit_mpz_fdiv_q_2exp(audit_mpz *r, const audit_mpz *a, unsigned long bits) { mpz_fdiv_q_2exp(r, a, bits); }
static inline int audit_mpz_invert(audit_mpz *r, const audit_mpz *a, const audit_mpz *m) { return mpz_invert(r, a, m); }
static inline void audit_mpz_powm(audit_mpz *r, const audit_mpz *b, const audit_mpz *e, const audit_mpz *m) { mpz_powm(r, b, e, m); }
static inline int audit_mpz_probab_prime_p(const audit_mpz *a, int reps) { return mpz_probab_prime_p(a, reps); }

/* r = a^s * b^t mod m for public s, t >= 0: Shamir's trick, both exponents read two bits at a time
 * against the 16 products a^i * b^j (0 <= i, j < 4), so the two powers share one chain of squarings. */
static inline void audit_mpz_powm2(audit_mpz *r, const audit_mpz *a, const audit_mpz *s, const audit_mpz *b, const audit_mpz *t,
                                   const audit_mpz *m) {
    mpz_t tab[16], acc;
    for (int k = 0; k < 16; k++) mpz_init(tab[k]);
    mpz_set_ui(tab[0], 1);
    mpz_mod(tab[1], b, m);
    mpz_mod(tab[4], a, m);
    for (int k = 2; k < 4; k++) {
        mpz_mul(tab[k], tab[k - 1], tab[1]);
        mpz_mod(tab[k], tab[k], m);
        mpz_mul(tab[4 * k], tab[4 * (k - 1)], tab[4]);
        mpz_mod(tab[4 * k], tab[4 * k], m);
    }
    for (int i = 1; i < 4; i++)
        for (int j = 1; j < 4; j++) {
            mpz_mul(tab[4 * i + j], tab[4 * i], tab[j]);
            mpz_mod(tab[4 * i + j], tab[4 * i + j], m);
        }
    size_t bits = mpz_sizeinbase(s, 2);
    if (mpz_sizeinbase(t, 2) > bits) bits = mpz_sizeinbase(t, 2);
    bits += bits & 1;
    mpz_init_set_ui(acc, 1);
    mpz_mod(acc, acc, m);
    for (long k = (long)bits - 2; k >= 0; k -= 2) {
        mpz_mul(acc, acc, acc);
        mpz_mod(acc, acc, m);
        mpz_mul(acc, acc, acc);
        mpz_mod(acc, acc, m);
        int i = (mpz_tstbit(s, (mp_bitcnt_t)k + 1) << 1) | mpz_tstbit(s, (mp_bitcnt_t)k);
        int j = (mpz_tstbit(t, (mp_bitcnt_t)k + 1) << 1) | mpz_tstbit(t, (mp_bitcnt_t)k);
        if (i | j) {
            mpz_mul(acc, acc, tab[4 * i + j]);
            mpz_mod(acc, acc, m);
        }
    }
    mpz_swap(r, acc);
    mpz_clear(acc);
    for (int k = 0; k < 16; k++) mpz_clear(tab[k]);
}

/* (a|n), the Jacobi symbol, for odd n > 0 (SPEC.md §3.1, batched membership). */
static inline int audit_mpz_jacobi(const audit_mpz *a, const audit_mpz *n) { return mpz_jacobi(a, n); }

/* r = prod_i bases[i]^exps[i] mod m for public exponents >= 0 (SPEC.md §3.1 batched membership and
 * §3.5.1 batch verification). Straus' method with FIXED 4-bit windows: each base gets the table
 * base^0 .. base^15, and one chain of 4 squarings per window serves every base. Returns 0, or -1 if
 * memory runs out (r untouched). */
static inline int audit_mpz_multi_powm(audit_mpz *r, const audit_mpz *const *bases, const audit_mpz *const *exps, size_t n,
                                       const audit_mpz *m) {
    size_t windows = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = mpz_sgn(exps[i]) == 0 ? 0 : (mpz_sizeinbase(exps[i], 2) + 3) / 4;
        if (w > windows) windows = w;
    }
    mpz_t acc;
    mpz_init_set_ui(acc, 1);
    mpz_mod(acc, acc, m);
    if (windows > 0) {
        mpz_t *pow = malloc(n * 16 * sizeof(mpz_t));
        if (!pow) { mpz_clear(acc); return -1; }
        for (size_t i = 0; i < n; i++) {
            mpz_t *row = pow + 16 * i;
            mpz_init_set_ui(row[0], 1);
            mpz_init(row[1]);
            mpz_mod(row[1], bases[i], m);
            for (int d = 2; d < 16; d++) {
                mpz_init(row[d]);
                mpz_mul(row[d], row[d - 1], row[1]);
                mpz_mod(row[d], row[d], m);
            }
        }
        for (size_t k = windows; k-- > 0;) {
            for (int s = 0; s < 4; s++) {
                mpz_mul(acc, acc, acc);
                mpz_mod(acc, acc, m);
            }
            for (size_t i = 0; i < n; i++) {
                unsigned d = 0;
                for (int b = 3; b >= 0; b--) d = (d << 1) | (unsigned)mpz_tstbit(exps[i], (mp_bitcnt_t)(4 * k + (size_t)b));
                if (d == 0) continue;
                mpz_mul(acc, acc, pow[16 * i + d]);
                mpz_mod(acc, acc, m);
            }
        }
        for (size_t i = 0; i < 16 * n; i++) mpz_clear(pow[i]);
        free(pow);
    }
    mpz_swap(r, acc);
    mpz_clear(acc);
    return 0;
}

#endif
