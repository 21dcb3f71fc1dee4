#ifndef PERENNIAL_CGMP_SHIM_H
#define PERENNIAL_CGMP_SHIM_H
/*
 * Swift cannot import GMP's #define aliases (mpz_init is really __gmpz_init) nor its
 * function-like macros (mpz_sgn). Every GMP call Swift makes goes through one of these
 * project-prefixed static inline shims; Swift never names __gmpz_* directly.
 */
#include <stddef.h>
#include <gmp.h>

typedef __mpz_struct perennial_mpz;

static inline void perennial_mpz_init(perennial_mpz *x) { mpz_init(x); }
static inline void perennial_mpz_clear(perennial_mpz *x) { mpz_clear(x); }
static inline void perennial_mpz_set(perennial_mpz *r, const perennial_mpz *a) { mpz_set(r, a); }
static inline void perennial_mpz_set_ui(perennial_mpz *r, unsigned long v) { mpz_set_ui(r, v); }
static inline int perennial_mpz_set_str(perennial_mpz *r, const char *s, int base) { return mpz_set_str(r, s, base); }
static inline void perennial_mpz_import_be(perennial_mpz *r, const void *bytes, size_t count) {
    mpz_import(r, count, 1, 1, 1, 0, bytes);
}
/* Writes |a| big-endian into out, left-padded with zeros to `length` bytes; returns 0 if it does not fit. */
static inline int perennial_mpz_export_be(const perennial_mpz *a, unsigned char *out, size_t length) {
    size_t needed = (mpz_sizeinbase(a, 2) + 7) / 8;
    if (mpz_sgn(a) == 0) needed = 0;
    if (needed > length) return 0;
    for (size_t i = 0; i < length; i++) out[i] = 0;
    size_t written = 0;
    if (needed > 0) mpz_export(out + (length - needed), &written, 1, 1, 1, 0, a);
    return 1;
}
static inline size_t perennial_mpz_sizeinbase2(const perennial_mpz *a) { return mpz_sizeinbase(a, 2); }
static inline int perennial_mpz_sgn(const perennial_mpz *a) { return mpz_sgn(a); }
static inline int perennial_mpz_cmp(const perennial_mpz *a, const perennial_mpz *b) { return mpz_cmp(a, b); }
static inline int perennial_mpz_cmp_ui(const perennial_mpz *a, unsigned long b) { return mpz_cmp_ui(a, b); }
static inline void perennial_mpz_add(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *b) { mpz_add(r, a, b); }
static inline void perennial_mpz_sub(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *b) { mpz_sub(r, a, b); }
static inline void perennial_mpz_mul(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *b) { mpz_mul(r, a, b); }
static inline void perennial_mpz_mod(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *m) { mpz_mod(r, a, m); }
static inline int perennial_mpz_invert(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *m) { return mpz_invert(r, a, m); }
static inline void perennial_mpz_powm(perennial_mpz *r, const perennial_mpz *b, const perennial_mpz *e, const perennial_mpz *m) { mpz_powm(r, b, e, m); }
/* For secret exponents: constant-time in the exponent (modulus must be odd, exponent > 0). */
static inline void perennial_mpz_powm_sec(perennial_mpz *r, const perennial_mpz *b, const perennial_mpz *e, const perennial_mpz *m) { mpz_powm_sec(r, b, e, m); }
static inline int perennial_mpz_probab_prime_p(const perennial_mpz *a, int reps) { return mpz_probab_prime_p(a, reps); }
static inline unsigned long perennial_mpz_get_ui(const perennial_mpz *a) { return mpz_get_ui(a); }
static inline int perennial_mpz_fits_ulong_p(const perennial_mpz *a) { return mpz_fits_ulong_p(a); }
/* Overwrites the limbs with zeros before the caller clears a secret. */
static inline void perennial_mpz_wipe(perennial_mpz *a) {
    size_t n = (size_t)(a->_mp_alloc);
    volatile mp_limb_t *limbs = a->_mp_d;
    for (size_t i = 0; i < n; i++) limbs[i] = 0;
    a->_mp_size = 0;
}

/* Added for CivicCrypto. */
static inline void perennial_mpz_mul_2exp(perennial_mpz *r, const perennial_mpz *a, unsigned long bits) { mpz_mul_2exp(r, a, bits); }
static inline size_t perennial_mpz_size(const perennial_mpz *a) { return mpz_size(a); }
/* The least significant limb of |a| (0 when a == 0); used only to hash public values. */
static inline unsigned long perennial_mpz_low_limb(const perennial_mpz *a) { return (unsigned long)mpz_getlimbn(a, 0); }
static inline void perennial_mpz_sub_ui(perennial_mpz *r, const perennial_mpz *a, unsigned long b) { mpz_sub_ui(r, a, b); }
static inline void perennial_mpz_fdiv_q_2exp(perennial_mpz *r, const perennial_mpz *a, unsigned long bits) { mpz_fdiv_q_2exp(r, a, bits); }
static inline int perennial_mpz_tstbit(const perennial_mpz *a, unsigned long bit) { return mpz_tstbit(a, bit); }
static inline void perennial_mpz_fdiv_q(perennial_mpz *r, const perennial_mpz *a, const perennial_mpz *b) { mpz_fdiv_q(r, a, b); }
/* The Jacobi symbol (a|n) for odd n > 0: 1, −1 or 0 (SPEC §3.1's batched membership, eg4096). */
static inline int perennial_mpz_jacobi(const perennial_mpz *a, const perennial_mpz *n) { return mpz_jacobi(a, n); }

/* ---- Public-exponent fast paths for the Schnorr groups (variable time: verification only). ---- */
#include <stdlib.h>

/* r = prod_i bases[i]^exps[i] mod m for public exponents >= 0: simultaneous exponentiation with
 * interleaved sliding windows (4 bits, odd powers), so the n exponentiations share one chain of
 * squarings. Returns 0, or -1 if memory runs out (r untouched). */
static inline int perennial_mpz_multi_powm(perennial_mpz *r, const perennial_mpz *const *bases, const perennial_mpz *const *exps, size_t n, const perennial_mpz *m) {
    enum { W = 4, HALF = 1 << (W - 1) };
    size_t bits = 0;
    for (size_t i = 0; i < n; i++)
        if (mpz_sgn(exps[i]) != 0 && mpz_sizeinbase(exps[i], 2) > bits) bits = mpz_sizeinbase(exps[i], 2);
    if (bits == 0) { mpz_set_ui(r, 1); mpz_mod(r, r, m); return 0; }
    mpz_t *tab = malloc(n * HALF * sizeof(mpz_t));
    unsigned char *dig = calloc(n * bits, 1);
    if (!tab || !dig) { free(tab); free(dig); return -1; }
    mpz_t sq, acc;
    mpz_init(sq);
    mpz_init_set_ui(acc, 1);
    for (size_t i = 0; i < n; i++) {
        mpz_t *row = tab + i * HALF;
        mpz_init(row[0]);
        mpz_mod(row[0], bases[i], m);
        mpz_mul(sq, row[0], row[0]);
        mpz_mod(sq, sq, m);
        for (size_t k = 1; k < HALF; k++) {
            mpz_init(row[k]);
            mpz_mul(row[k], row[k - 1], sq);
            mpz_mod(row[k], row[k], m);
        }
        /* Left-to-right windows of at most W bits, each ending in a set bit: digit v (odd) at its low bit. */
        long j = mpz_sgn(exps[i]) == 0 ? -1 : (long)mpz_sizeinbase(exps[i], 2) - 1;
        while (j >= 0) {
            if (!mpz_tstbit(exps[i], (mp_bitcnt_t)j)) { j--; continue; }
            long lo = j - W + 1;
            if (lo < 0) lo = 0;
            while (!mpz_tstbit(exps[i], (mp_bitcnt_t)lo)) lo++;
            unsigned v = 0;
            for (long b = j; b >= lo; b--) v = (v << 1) | (unsigned)mpz_tstbit(exps[i], (mp_bitcnt_t)b);
            dig[i * bits + (size_t)lo] = (unsigned char)v;
            j = lo - 1;
        }
    }
    int started = 0;
    for (long j = (long)bits - 1; j >= 0; j--) {
        if (started) { mpz_mul(acc, acc, acc); mpz_mod(acc, acc, m); }
        for (size_t i = 0; i < n; i++) {
            unsigned v = dig[i * bits + (size_t)j];
            if (v == 0) continue;
            if (!started) { mpz_set(acc, tab[i * HALF + (v >> 1)]); started = 1; continue; }
            mpz_mul(acc, acc, tab[i * HALF + (v >> 1)]);
            mpz_mod(acc, acc, m);
        }
    }
    mpz_swap(r, acc);
    mpz_clear(acc);
    mpz_clear(sq);
    for (size_t k = 0; k < n * HALF; k++) mpz_clear(tab[k]);
    free(tab);
    free(dig);
    return 0;
}

#endif
