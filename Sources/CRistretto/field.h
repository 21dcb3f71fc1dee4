/* GF(2^255 - 19) in five 51-bit limbs (internal to CRistretto).
 *
 * Limb bounds: every function returns limbs < 2^51 + 2^17 ("weakly reduced") and accepts weakly
 * reduced limbs; fe_add and fe_sub carry their result, so any chain of these functions stays in bounds.
 * fe_mul stays exact for operands with limbs < 2^54 and fe_sq for limbs < 2^52.2, which is what lets
 * the point formulas use fe_add_nc / fe_sub_nc (no carry) on values that only feed them (point.h).
 * Nothing here branches on or indexes memory by a field value. */
#ifndef CRISTRETTO_FIELD_H
#define CRISTRETTO_FIELD_H

#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef struct { uint64_t v[5]; } fe;

#define FE_MASK51 ((uint64_t)0x7ffffffffffffULL)

/* The field primitives are forced inline so that a caller compiled for another instruction set
 * (CR_MULX_CLONES below) gets them compiled for it too, and so that fe_sqn's loop of squarings runs
 * with no call in it. */
#define FE_INLINE static inline __attribute__((always_inline))

/* CR_MULX_CLONES on a hot function compiles it twice, for x86-64 with BMI2 (MULX: a 64×64→128-bit
 * product with no fixed RAX/RDX operands, so far fewer register moves in fe_mul/fe_sq; about 15% fewer
 * instructions per inverse square root) and for the baseline, and the dynamic loader picks one per
 * CPU (GNU ifunc). MULX, like MUL, runs in time independent of its operands, so constant-time code
 * stays constant time. Elsewhere (another architecture, or CR_NO_MULX_CLONES) it is empty. */
#if defined(__x86_64__) && defined(__linux__) && (defined(__clang__) || defined(__GNUC__)) && !defined(CR_NO_MULX_CLONES)
#define CR_MULX_CLONES __attribute__((target_clones("bmi2", "default")))
#else
#define CR_MULX_CLONES
#endif

static const fe FE_ZERO = {{ 0, 0, 0, 0, 0 }};
static const fe FE_ONE = {{ 1, 0, 0, 0, 0 }};
static const fe FE_D = {{ 0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL }};
static const fe FE_D2 = {{ 0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL }};
static const fe FE_SQRT_M1 = {{ 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL }};
static const fe FE_SQRT_AD_MINUS_ONE = {{ 0x7f6a0497b2e1bULL, 0x1836f0a97afd2ULL, 0x7d747f6be7638ULL, 0x456079e7e6498ULL, 0x376931bf2b834ULL }};
static const fe FE_INVSQRT_A_MINUS_D = {{ 0x0fdaa805d40eaULL, 0x2eb482e57d339ULL, 0x007610274bc58ULL, 0x6510b613dc8ffULL, 0x786c8905cfaffULL }};
static const fe FE_ONE_MINUS_D_SQ = {{ 0x409c1945fc176ULL, 0x719abc6a1fc4fULL, 0x1c37f90b20684ULL, 0x06bccca55eedfULL, 0x029072a8b2b3eULL }};
static const fe FE_D_MINUS_ONE_SQ = {{ 0x55aaa44ed4d20ULL, 0x59603c3332635ULL, 0x26d3baf4a7928ULL, 0x120a66e6997a9ULL, 0x5968b37af66c2ULL }};

FE_INLINE void fe_carry(fe *h) {
    uint64_t c;
    c = h->v[0] >> 51; h->v[0] &= FE_MASK51; h->v[1] += c;
    c = h->v[1] >> 51; h->v[1] &= FE_MASK51; h->v[2] += c;
    c = h->v[2] >> 51; h->v[2] &= FE_MASK51; h->v[3] += c;
    c = h->v[3] >> 51; h->v[3] &= FE_MASK51; h->v[4] += c;
    c = h->v[4] >> 51; h->v[4] &= FE_MASK51; h->v[0] += 19 * c;
}

FE_INLINE void fe_add(fe *h, const fe *f, const fe *g) {
    for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
    fe_carry(h);
}

/* h = f - g + 4p (limbs of 4p: 2^53 - 76, 2^53 - 4, ...), then carried. */
FE_INLINE void fe_sub(fe *h, const fe *f, const fe *g) {
    h->v[0] = (f->v[0] + 0x1fffffffffffb4ULL) - g->v[0];
    h->v[1] = (f->v[1] + 0x1ffffffffffffcULL) - g->v[1];
    h->v[2] = (f->v[2] + 0x1ffffffffffffcULL) - g->v[2];
    h->v[3] = (f->v[3] + 0x1ffffffffffffcULL) - g->v[3];
    h->v[4] = (f->v[4] + 0x1ffffffffffffcULL) - g->v[4];
    fe_carry(h);
}

FE_INLINE void fe_neg(fe *h, const fe *f) { fe_sub(h, &FE_ZERO, f); }

/* h = f + g, not carried: limbs up to the sum of the inputs'. Only for a value whose every use is an
 * fe_mul/fe_sq operand (limbs < 2^54) or the f of an fe_sub_nc. */
FE_INLINE void fe_add_nc(fe *h, const fe *f, const fe *g) {
    for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
}

/* h = f - g + 4p, not carried: needs g's limbs <= 2^53 - 76 (weakly reduced, or an uncarried sum of
 * two weakly reduced values); limbs < f's + 2^53. Same use restriction as fe_add_nc. */
FE_INLINE void fe_sub_nc(fe *h, const fe *f, const fe *g) {
    h->v[0] = (f->v[0] + 0x1fffffffffffb4ULL) - g->v[0];
    h->v[1] = (f->v[1] + 0x1ffffffffffffcULL) - g->v[1];
    h->v[2] = (f->v[2] + 0x1ffffffffffffcULL) - g->v[2];
    h->v[3] = (f->v[3] + 0x1ffffffffffffcULL) - g->v[3];
    h->v[4] = (f->v[4] + 0x1ffffffffffffcULL) - g->v[4];
}

/* Carries the five wide sums of fe_sq: the r_i are < 77·f^2 < 2^110.75 for limbs f < 2^52.2, so the
 * top carry c < 2^59.75 and h0 + 19·c fits 64 bits; the result's limbs are < 2^51 + 2^13. */
FE_INLINE void fe_reduce_wide(fe *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
    uint64_t c;
    r1 += r0 >> 51; uint64_t h0 = (uint64_t)r0 & FE_MASK51;
    r2 += r1 >> 51; uint64_t h1 = (uint64_t)r1 & FE_MASK51;
    r3 += r2 >> 51; uint64_t h2 = (uint64_t)r2 & FE_MASK51;
    r4 += r3 >> 51; uint64_t h3 = (uint64_t)r3 & FE_MASK51;
    c = (uint64_t)(r4 >> 51); uint64_t h4 = (uint64_t)r4 & FE_MASK51;
    h0 += c * 19;
    h1 += h0 >> 51; h0 &= FE_MASK51;
    h->v[0] = h0; h->v[1] = h1; h->v[2] = h2; h->v[3] = h3; h->v[4] = h4;
}

/* The same for fe_mul, whose operands may be uncarried (limbs < 2^54): the r_i are < 77·2^108 <
 * 2^115, so c < 2^64 and 19·c is formed in 128 bits; the result's limbs are < 2^51 + 2^17. */
FE_INLINE void fe_reduce_wide_mul(fe *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
    r1 += r0 >> 51; uint64_t h0 = (uint64_t)r0 & FE_MASK51;
    r2 += r1 >> 51; uint64_t h1 = (uint64_t)r1 & FE_MASK51;
    r3 += r2 >> 51; uint64_t h2 = (uint64_t)r2 & FE_MASK51;
    r4 += r3 >> 51; uint64_t h3 = (uint64_t)r3 & FE_MASK51;
    uint64_t c = (uint64_t)(r4 >> 51), h4 = (uint64_t)r4 & FE_MASK51;
    u128 t = (u128)c * 19 + h0;
    h0 = (uint64_t)t & FE_MASK51;
    h1 += (uint64_t)(t >> 51);
    h->v[0] = h0; h->v[1] = h1; h->v[2] = h2; h->v[3] = h3; h->v[4] = h4;
}

FE_INLINE void fe_mul(fe *h, const fe *f, const fe *g) {
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    u128 r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
    u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
    u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
    u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
    u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
    fe_reduce_wide_mul(h, r0, r1, r2, r3, r4);
}

FE_INLINE void fe_sq(fe *h, const fe *f) {
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f3_19 = 19 * f3, f4_19 = 19 * f4;
    u128 r0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)(2 * f2) * f3_19;
    u128 r1 = (u128)f0_2 * f1 + (u128)(2 * f2) * f4_19 + (u128)f3 * f3_19;
    u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)(2 * f3) * f4_19;
    u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
    u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    fe_reduce_wide(h, r0, r1, r2, r3, r4);
}

FE_INLINE void fe_sqn(fe *h, const fe *f, int n) {
    fe_sq(h, f);
    for (int i = 1; i < n; i++) fe_sq(h, h);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FE_LITTLE_ENDIAN 1
#endif

static inline uint64_t fe_load64(const uint8_t *s) {
#ifdef FE_LITTLE_ENDIAN
    uint64_t r;
    memcpy(&r, s, 8);   /* one load instead of eight */
    return r;
#else
    uint64_t r = 0;
    for (int i = 7; i >= 0; i--) r = (r << 8) | s[i];
    return r;
#endif
}

static inline void fe_store64(uint8_t *s, uint64_t w) {
#ifdef FE_LITTLE_ENDIAN
    memcpy(s, &w, 8);
#else
    for (int j = 0; j < 8; j++) s[j] = (uint8_t)(w >> (8 * j));
#endif
}

/* Loads 32 bytes, ignoring bit 255 (RFC 9496 callers check canonicity separately). */
static inline void fe_frombytes(fe *h, const uint8_t s[32]) {
    h->v[0] = fe_load64(s) & FE_MASK51;
    h->v[1] = (fe_load64(s + 6) >> 3) & FE_MASK51;
    h->v[2] = (fe_load64(s + 12) >> 6) & FE_MASK51;
    h->v[3] = (fe_load64(s + 19) >> 1) & FE_MASK51;
    h->v[4] = (fe_load64(s + 24) >> 12) & FE_MASK51;
}

/* t = f fully reduced below p (canonical limbs, each < 2^51). */
static inline void fe_canonical(fe *out, const fe *f) {
    fe t = *f;
    fe_carry(&t);
    fe_carry(&t);
    /* q = 1 iff t >= p, i.e. iff t + 19 >= 2^255. */
    uint64_t q = (t.v[0] + 19) >> 51;
    q = (t.v[1] + q) >> 51;
    q = (t.v[2] + q) >> 51;
    q = (t.v[3] + q) >> 51;
    q = (t.v[4] + q) >> 51;
    t.v[0] += 19 * q;
    t.v[1] += t.v[0] >> 51; t.v[0] &= FE_MASK51;
    t.v[2] += t.v[1] >> 51; t.v[1] &= FE_MASK51;
    t.v[3] += t.v[2] >> 51; t.v[2] &= FE_MASK51;
    t.v[4] += t.v[3] >> 51; t.v[3] &= FE_MASK51;
    t.v[4] &= FE_MASK51;
    *out = t;
}

/* The canonical encoding (value fully reduced below p). */
static inline void fe_tobytes(uint8_t s[32], const fe *f) {
    fe t;
    fe_canonical(&t, f);
    fe_store64(s, t.v[0] | (t.v[1] << 51));
    fe_store64(s + 8, (t.v[1] >> 13) | (t.v[2] << 38));
    fe_store64(s + 16, (t.v[2] >> 26) | (t.v[3] << 25));
    fe_store64(s + 24, (t.v[3] >> 39) | (t.v[4] << 12));
}

/* 1 if f ≡ 0 (mod p), constant time (on the canonical limbs: no encoding needed). */
static inline int fe_iszero(const fe *f) {
    fe t;
    fe_canonical(&t, f);
    uint64_t acc = t.v[0] | t.v[1] | t.v[2] | t.v[3] | t.v[4];   /* < 2^51 */
    return (int)((acc - 1) >> 63);
}

/* 1 if f and g are equal mod p, constant time. */
static inline int fe_equal(const fe *f, const fe *g) {
    fe d;
    fe_sub(&d, f, g);
    return fe_iszero(&d);
}

/* RFC 9496 IS_NEGATIVE: the low bit of the canonical encoding. */
static inline int fe_isnegative(const fe *f) {
    fe t;
    fe_canonical(&t, f);
    return (int)(t.v[0] & 1);
}

/* h = g if b == 1, unchanged if b == 0 (b must be 0 or 1). */
static inline void fe_cmov(fe *h, const fe *g, uint64_t b) {
    uint64_t mask = (uint64_t)0 - b;
    for (int i = 0; i < 5; i++) h->v[i] ^= mask & (h->v[i] ^ g->v[i]);
}

/* h = -f if b == 1, f if b == 0. */
static inline void fe_cneg(fe *h, const fe *f, uint64_t b) {
    fe n;
    fe_neg(&n, f);
    *h = *f;
    fe_cmov(h, &n, b);
}

/* RFC 9496 CT_ABS. */
static inline void fe_abs(fe *h, const fe *f) { fe_cneg(h, f, (uint64_t)fe_isnegative(f)); }

/* z^(2^252 - 3) = z^((p-5)/8). */
FE_INLINE void fe_pow22523(fe *out, const fe *z) {
    fe t0, t1, t2;
    fe_sq(&t0, z);            /* 2 */
    fe_sqn(&t1, &t0, 2);      /* 8 */
    fe_mul(&t1, z, &t1);      /* 9 */
    fe_mul(&t0, &t0, &t1);    /* 11 */
    fe_sq(&t0, &t0);          /* 22 */
    fe_mul(&t0, &t1, &t0);    /* 2^5 - 1 */
    fe_sqn(&t1, &t0, 5);
    fe_mul(&t0, &t1, &t0);    /* 2^10 - 1 */
    fe_sqn(&t1, &t0, 10);
    fe_mul(&t1, &t1, &t0);    /* 2^20 - 1 */
    fe_sqn(&t2, &t1, 20);
    fe_mul(&t1, &t2, &t1);    /* 2^40 - 1 */
    fe_sqn(&t1, &t1, 10);
    fe_mul(&t0, &t1, &t0);    /* 2^50 - 1 */
    fe_sqn(&t1, &t0, 50);
    fe_mul(&t1, &t1, &t0);    /* 2^100 - 1 */
    fe_sqn(&t2, &t1, 100);
    fe_mul(&t1, &t2, &t1);    /* 2^200 - 1 */
    fe_sqn(&t1, &t1, 50);
    fe_mul(&t0, &t1, &t0);    /* 2^250 - 1 */
    fe_sqn(&t0, &t0, 2);      /* 2^252 - 4 */
    fe_mul(out, &t0, z);      /* 2^252 - 3 */
}

#endif
