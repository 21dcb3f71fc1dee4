/* Variable-time multi-scalar multiplication for PUBLIC scalars (proof verification).
 * Straus: interleaved width-5 NAF over all points (width 8 for the generator's fixed table), one
 * shared chain of doublings. Pippenger: signed radix-2^c digits sorted into buckets, per window.
 * Verification handles only public data (proofs, ciphertexts, the verifier's random weights, which
 * are worthless once the check is done), so branching on digits, skipping zero runs and indexing
 * tables by digit are fine here; nothing in this file may ever see a secret scalar (those go to
 * scalarmult.c, constant time). */
#include <stdlib.h>
#include <pthread.h>
#include "point.h"

/* Width-w NAF of a scalar < 2^255: naf[i] odd or 0, |naf[i]| < 2^(w-1). Runs of zero digits are
 * skipped a word at a time (count trailing zeros), so a 128-bit weight costs half a full scalar. */
static void wnaf(int8_t naf[256], const uint8_t s[32], int w) {
    uint64_t x[5];
    for (int i = 0; i < 4; i++) x[i] = fe_load64(s + 8 * i);
    x[4] = 0;
    memset(naf, 0, 256);
    const uint64_t width = (uint64_t)1 << w, mask = width - 1;
    uint64_t carry = 0;
    int pos = 0;
    while (pos < 256) {
        int idx = pos / 64, bit = pos % 64;
        uint64_t buf = bit ? (x[idx] >> bit) | (x[idx + 1] << (64 - bit)) : x[idx];
        uint64_t v = buf + carry;   /* the next 64 bits with the pending carry (0 if it wrapped) */
        if ((v & 1) == 0) {
            /* Zero digits up to the next set bit of v; the carry, if any, moves along with it. */
            pos += v ? __builtin_ctzll(v) : 64;
            continue;
        }
        uint64_t window = v & mask;
        if (window < width / 2) { carry = 0; naf[pos] = (int8_t)window; }
        else { carry = 1; naf[pos] = (int8_t)((int64_t)window - (int64_t)width); }
        pos += w;
    }
}

/* table[j] = (2j+1)·P for j < count. */
CR_MULX_CLONES static void odd_multiples(ge_cached *table, const ge_p3 *p, int count) {
    ge_p1p1 t;
    ge_p3 p2, acc = *p;
    ge_cached p2c;
    ge_p3_dbl(&t, p);
    ge_p1p1_to_p3(&p2, &t);
    ge_p3_to_cached(&p2c, &p2);
    ge_p3_to_cached(&table[0], p);
    for (int j = 1; j < count; j++) {
        ge_add_p3(&acc, &acc, &p2c);
        ge_p3_to_cached(&table[j], &acc);
    }
}

#define BASE_WNAF_WIDTH 8
static ge_cached base_odd[1 << (BASE_WNAF_WIDTH - 2)];   /* (2j+1)·B, j < 64 */
static pthread_once_t base_odd_once = PTHREAD_ONCE_INIT;
static void build_base_odd(void) { odd_multiples(base_odd, &GE_BASE, 1 << (BASE_WNAF_WIDTH - 2)); }

/* t += d·P from P's odd multiples (nothing if d = 0), with r as the P3 scratch. */
FE_INLINE void add_naf_p1p1(ge_p1p1 *t, ge_p3 *r, int8_t d, const ge_cached *table) {
    if (d == 0) return;
    ge_p1p1_to_p3(r, t);
    if (d > 0) ge_add(t, r, &table[d / 2]);
    else ge_sub(t, r, &table[(-d) / 2]);
}

/* Σ scalars[i]·points[i] (+ base_scalar·B), Straus. */
CR_MULX_CLONES static int straus(ge_p3 *out, const uint8_t *scalars, const ge_p3 *points, size_t n, const uint8_t *base_scalar) {
    int8_t *nafs = n ? malloc(n * 256) : NULL;
    ge_cached *tables = n ? malloc(n * 8 * sizeof(ge_cached)) : NULL;
    if (n && (!nafs || !tables)) { free(nafs); free(tables); return -1; }
    int8_t base_naf[256];
    int top = -1;
    for (size_t k = 0; k < n; k++) {
        wnaf(nafs + 256 * k, scalars + 32 * k, 5);
        odd_multiples(tables + 8 * k, &points[k], 8);
        for (int i = 255; i > top; i--) if (nafs[256 * k + i]) { top = i; break; }
    }
    if (base_scalar) {
        pthread_once(&base_odd_once, build_base_odd);
        wnaf(base_naf, base_scalar, BASE_WNAF_WIDTH);
        for (int i = 255; i > top; i--) if (base_naf[i]) { top = i; break; }
    }
    /* The running sum stays a ge_p1p1 between operations: it is completed to P3 (with T) only before
     * an addition, and to P2 (no T, one multiplication less) before a doubling. */
    ge_p3 r;
    ge_p2 r2 = { FE_ZERO, FE_ONE, FE_ONE };
    ge_p1p1 t;
    ge_p3_identity(&r);
    for (int i = top; i >= 0; i--) {
        ge_p2_dbl(&t, &r2);
        for (size_t k = 0; k < n; k++) add_naf_p1p1(&t, &r, nafs[256 * k + i], tables + 8 * k);
        if (base_scalar) add_naf_p1p1(&t, &r, base_naf[i], base_odd);
        ge_p1p1_to_p2(&r2, &t);
    }
    if (top >= 0) ge_p1p1_to_p3(&r, &t);
    *out = r;
    free(nafs);
    free(tables);
    return 0;
}

/* Signed radix-2^c digits of a scalar < 2^255: d[i] in [-2^(c-1), 2^(c-1)], windows = ceil(256/c) + 1. */
static void signed_radix(int32_t *d, int windows, const uint8_t s[32], int c) {
    uint64_t x[5] = { 0, 0, 0, 0, 0 };
    for (int i = 0; i < 32; i++) x[i / 8] |= (uint64_t)s[i] << (8 * (i % 8));
    const int64_t radix = (int64_t)1 << c, half = radix / 2;
    int64_t carry = 0;
    for (int i = 0; i < windows; i++) {
        int pos = i * c;
        int64_t digit = 0;
        if (pos < 256) {
            int idx = pos / 64, bit = pos % 64;
            uint64_t buf = (bit + c <= 64) ? x[idx] >> bit : (x[idx] >> bit) | (x[idx + 1] << (64 - bit));
            digit = (int64_t)(buf & (uint64_t)(radix - 1));
        }
        digit += carry;
        carry = (digit + half) >> c;   /* 1 iff digit >= half (digit <= radix) */
        digit -= carry << c;
        d[i] = (int32_t)digit;
    }
}

CR_MULX_CLONES static int pippenger(ge_p3 *out, const uint8_t *scalars, const ge_p3 *points, size_t n) {
    int c = n < 500 ? 6 : n < 800 ? 7 : n < 4000 ? 8 : n < 20000 ? 10 : 12;
    int windows = (256 + c - 1) / c + 1;
    size_t buckets_count = (size_t)1 << (c - 1);
    int32_t *digits = malloc(n * (size_t)windows * sizeof(int32_t));
    ge_cached *cached = malloc(n * sizeof(ge_cached));
    ge_p3 *buckets = malloc(buckets_count * sizeof(ge_p3));
    if (!digits || !cached || !buckets) { free(digits); free(cached); free(buckets); return -1; }
    for (size_t k = 0; k < n; k++) {
        signed_radix(digits + (size_t)windows * k, windows, scalars + 32 * k, c);
        ge_p3_to_cached(&cached[k], &points[k]);
    }
    ge_p3 result;
    ge_p3_identity(&result);
    ge_p1p1 t;
    for (int w = windows - 1; w >= 0; w--) {
        for (int j = 0; j < c; j++) {
            ge_p3_dbl(&t, &result);
            ge_p1p1_to_p3(&result, &t);
        }
        for (size_t b = 0; b < buckets_count; b++) ge_p3_identity(&buckets[b]);
        for (size_t k = 0; k < n; k++) {
            int32_t d = digits[(size_t)windows * k + (size_t)w];
            if (d > 0) ge_add_p3(&buckets[d - 1], &buckets[d - 1], &cached[k]);
            else if (d < 0) ge_sub_p3(&buckets[-d - 1], &buckets[-d - 1], &cached[k]);
        }
        /* Σ (b+1)·bucket[b] as a running sum from the top bucket down. */
        ge_p3 running, total;
        ge_cached tmp;
        running = buckets[buckets_count - 1];
        total = running;
        for (size_t b = buckets_count - 1; b-- > 0;) {
            ge_p3_to_cached(&tmp, &buckets[b]);
            ge_add_p3(&running, &running, &tmp);
            ge_p3_to_cached(&tmp, &running);
            ge_add_p3(&total, &total, &tmp);
        }
        ge_p3_to_cached(&tmp, &total);
        ge_add_p3(&result, &result, &tmp);
    }
    *out = result;
    free(digits);
    free(cached);
    free(buckets);
    return 0;
}

void cr_double_scalarmult_base_vartime(cr_point *out, const uint8_t a[32], const cr_point *A, const uint8_t b[32]) {
    (void)straus(ge_from_cr_mut(out), a, ge_from_cr(A), 1, b);   /* n = 1 allocates only a few KB */
}

void cr_double_scalarmult_vartime(cr_point *out, const uint8_t a[32], const cr_point *A, const uint8_t b[32], const cr_point *B) {
    uint8_t s[64];
    ge_p3 p[2] = { *ge_from_cr(A), *ge_from_cr(B) };
    memcpy(s, a, 32);
    memcpy(s + 32, b, 32);
    (void)straus(ge_from_cr_mut(out), s, p, 2, NULL);
}

int cr_multiscalarmult_straus_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n) {
    return straus(ge_from_cr_mut(out), scalars, ge_from_cr(points), n, NULL);
}

int cr_multiscalarmult_pippenger_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n) {
    if (n == 0) { cr_point_identity(out); return 0; }
    return pippenger(ge_from_cr_mut(out), scalars, ge_from_cr(points), n);
}

int cr_multiscalarmult_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n, const uint8_t *base_scalar) {
    if (n < CR_PIPPENGER_THRESHOLD) return straus(ge_from_cr_mut(out), scalars, ge_from_cr(points), n, base_scalar);
    ge_p3 r;
    if (pippenger(&r, scalars, ge_from_cr(points), n) != 0) return -1;
    if (base_scalar) {
        ge_p3 b;
        uint8_t zero[32] = { 0 };
        (void)zero;
        if (straus(&b, NULL, NULL, 0, base_scalar) != 0) return -1;
        ge_cached bc;
        ge_p3_to_cached(&bc, &b);
        ge_add_p3(&r, &r, &bc);
    }
    *ge_from_cr_mut(out) = r;
    return 0;
}
