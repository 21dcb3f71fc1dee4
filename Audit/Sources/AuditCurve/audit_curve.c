/* The audit's ristretto255: GF(2^255-19) as uint64_t[5] (radix 2^51), edwards25519 in extended
 * coordinates with the unified hwcd-3 addition and dbl-2008-hwcd doubling, RFC 9496 decoding and
 * encoding, and a bucket (Pippenger) sum of many points for the batch check. */
#include <stdlib.h>
#include <string.h>
#include "audit_curve.h"

typedef uint64_t gf[5];
typedef unsigned __int128 wide;
#define M51 0x7ffffffffffffULL

static const gf GF_ONE = { 1, 0, 0, 0, 0 };
/* d and 2d, sqrt(-1), 1/sqrt(a-d) (RFC 9496 constants, radix 2^51). */
static const gf GF_D = { 0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL };
static const gf GF_2D = { 0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL };
static const gf GF_I = { 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL };
static const gf GF_INVSQRT_A_MINUS_D = { 0x0fdaa805d40eaULL, 0x2eb482e57d339ULL, 0x007610274bc58ULL, 0x6510b613dc8ffULL, 0x786c8905cfaffULL };

static void gf_copy(gf r, const gf a) { memcpy(r, a, sizeof(gf)); }

static void gf_norm(gf r) {
    for (int k = 0; k < 1; k++) {
        uint64_t carry = 0;
        for (int i = 0; i < 5; i++) {
            r[i] += carry;
            carry = r[i] >> 51;
            r[i] &= M51;
        }
        r[0] += 19 * carry;
    }
}

static void gf_add(gf r, const gf a, const gf b) {
    for (int i = 0; i < 5; i++) r[i] = a[i] + b[i];
    gf_norm(r);
}

/* a - b + 8p, normalised. */
static void gf_sub(gf r, const gf a, const gf b) {
    static const uint64_t eight_p[5] = { 0x3fffffffffff68ULL, 0x3ffffffffffff8ULL, 0x3ffffffffffff8ULL, 0x3ffffffffffff8ULL, 0x3ffffffffffff8ULL };
    for (int i = 0; i < 5; i++) r[i] = a[i] + eight_p[i] - b[i];
    gf_norm(r);
}

/* a + b without carries: for the point formulas, where the comments give the bound of the result. */
static inline void gf_add_lazy(gf r, const gf a, const gf b) {
    for (int i = 0; i < 5; i++) r[i] = a[i] + b[i];
}

/* a - b + 4p without carries: needs each limb of b <= 4p's (2^53 - 76 for limb 0, 2^53 - 4 above),
 * and gives limbs < a's + 2^53. */
static inline void gf_sub_lazy(gf r, const gf a, const gf b) {
    static const uint64_t four_p[5] = { 0x1fffffffffffb4ULL, 0x1ffffffffffffcULL, 0x1ffffffffffffcULL, 0x1ffffffffffffcULL, 0x1ffffffffffffcULL };
    for (int i = 0; i < 5; i++) r[i] = a[i] + four_p[i] - b[i];
}

/* Limb bounds. Every product below (gf_mul, gf_sqr, gf_sqr_times) takes limbs < 2^54 and returns limbs
 * < 2^51 + 2^18 ("B"); gf_add/gf_sub/gf_neg return limbs < 2^52, and the lazy gf_add_lazy/gf_sub_lazy
 * (no carries, for the point formulas) are used only where their comments show the sum stays < 2^54.
 *
 * Why a product's carry can be done in two parallel rounds: with limbs < 2^54 each column t_i is a
 * sum of at most 77 (t0) products < 2^108 (the 19·x terms counted 19 times), so t_i < 77·2^108 <
 * 2^114.3 and c_i = t_i >> 51 < 2^63.3; t4 has no 19· terms (< 5·2^108), so 19·c4 < 2^63.6. Round
 * one, r_i = (t_i mod 2^51) + c_(i-1) (r_0 takes 19·c4), is then < 2^64 without overflow; round two,
 * r_i = (r_i mod 2^51) + (r_(i-1) >> 51) (19· for r_0), adds at most 19·2^13 < 2^18. Both rounds
 * are five independent operations instead of one chain through all the columns: a squaring in an
 * exponentiation chain waits only for two short steps, not for a carry rippling across five 128-bit
 * columns. */
static inline void gf_carry(gf r, wide t0, wide t1, wide t2, wide t3, wide t4) {
    const uint64_t c0 = (uint64_t)(t0 >> 51), c1 = (uint64_t)(t1 >> 51), c2 = (uint64_t)(t2 >> 51);
    const uint64_t c3 = (uint64_t)(t3 >> 51), c4 = (uint64_t)(t4 >> 51);
    const uint64_t r0 = ((uint64_t)t0 & M51) + 19 * c4, r1 = ((uint64_t)t1 & M51) + c0;
    const uint64_t r2 = ((uint64_t)t2 & M51) + c1, r3 = ((uint64_t)t3 & M51) + c2, r4 = ((uint64_t)t4 & M51) + c3;
    r[0] = (r0 & M51) + 19 * (r4 >> 51);
    r[1] = (r1 & M51) + (r0 >> 51);
    r[2] = (r2 & M51) + (r1 >> 51);
    r[3] = (r3 & M51) + (r2 >> 51);
    r[4] = (r4 & M51) + (r3 >> 51);
}

static inline void gf_mul(gf r, const gf a, const gf b) {
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    const uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];
    const uint64_t b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
    const wide t0 = (wide)a0 * b0 + (wide)a1 * b4_19 + (wide)a2 * b3_19 + (wide)a3 * b2_19 + (wide)a4 * b1_19;
    const wide t1 = (wide)a0 * b1 + (wide)a1 * b0 + (wide)a2 * b4_19 + (wide)a3 * b3_19 + (wide)a4 * b2_19;
    const wide t2 = (wide)a0 * b2 + (wide)a1 * b1 + (wide)a2 * b0 + (wide)a3 * b4_19 + (wide)a4 * b3_19;
    const wide t3 = (wide)a0 * b3 + (wide)a1 * b2 + (wide)a2 * b1 + (wide)a3 * b0 + (wide)a4 * b4_19;
    const wide t4 = (wide)a0 * b4 + (wide)a1 * b3 + (wide)a2 * b2 + (wide)a3 * b1 + (wide)a4 * b0;
    gf_carry(r, t0, t1, t2, t3, t4);
}

/* One squaring's columns (the doubled and 19-fold cross products written once), carried by gf_carry. */
static inline void gf_sqr(gf r, const gf a) {
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    const uint64_t d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, a3_19 = 19 * a3, a4_19 = 19 * a4;
    const wide t0 = (wide)a0 * a0 + (wide)d1 * a4_19 + (wide)d2 * a3_19;
    const wide t1 = (wide)d0 * a1 + (wide)d2 * a4_19 + (wide)a3 * a3_19;
    const wide t2 = (wide)d0 * a2 + (wide)a1 * a1 + (wide)(2 * a3) * a4_19;
    const wide t3 = (wide)d0 * a3 + (wide)d1 * a2 + (wide)a4 * a4_19;
    const wide t4 = (wide)d0 * a4 + (wide)d1 * a3 + (wide)a2 * a2;
    gf_carry(r, t0, t1, t2, t3, t4);
}

/* a^(2^n), n >= 1: the exponentiation chains' inner loop (most of an inverse square root). */
static void gf_sqr_times(gf r, const gf a, int n) {
    gf t;
    gf_sqr(t, a);
    while (--n > 0) gf_sqr(t, t);
    gf_copy(r, t);
}

/* Fully reduced limbs (each < 2^51, value < p): the comparisons below read these, not bytes. */
static void gf_canon(gf t, const gf a) {
    gf_copy(t, a);
    gf_norm(t);
    gf_norm(t);
    /* Subtract p if t >= p: compute t + 19, see whether it reaches 2^255. */
    uint64_t c = (t[0] + 19) >> 51;
    for (int i = 1; i < 5; i++) c = (t[i] + c) >> 51;
    t[0] += 19 * c;
    for (int i = 0; i < 4; i++) { t[i + 1] += t[i] >> 51; t[i] &= M51; }
    t[4] &= M51;
}

/* Fully reduced little-endian bytes. */
static void gf_pack(uint8_t out[32], const gf a) {
    gf t;
    gf_canon(t, a);
    /* 255 bits out of five 51-bit limbs, through a 128-bit shift register. */
    wide reg = 0;
    int have = 0, o = 0;
    for (int i = 0; i < 5; i++) {
        reg |= (wide)t[i] << have;
        have += 51;
        while (have >= 8 && o < 32) { out[o++] = (uint8_t)reg; reg >>= 8; have -= 8; }
    }
    while (o < 32) { out[o++] = (uint8_t)reg; reg >>= 8; }
}

static uint64_t load64(const uint8_t *p) {
    uint64_t v = 0;
    for (int j = 7; j >= 0; j--) v = v << 8 | p[j];
    return v;
}

/* The low 255 bits of `in`, little-endian, as five 51-bit limbs. */
static void gf_unpack(gf r, const uint8_t in[32]) {
    const uint64_t w0 = load64(in), w1 = load64(in + 8), w2 = load64(in + 16), w3 = load64(in + 24);
    r[0] = w0 & M51;
    r[1] = (w0 >> 51 | w1 << 13) & M51;
    r[2] = (w1 >> 38 | w2 << 26) & M51;
    r[3] = (w2 >> 25 | w3 << 39) & M51;
    r[4] = (w3 >> 12) & M51;
}

/* 1 if the 255-bit little-endian number in `in` (bit 255 ignored) is below p = 2^255 - 19: the only
 * numbers of 255 bits that are not are 2^255 - 19 .. 2^255 - 1, i.e. 0x7f, thirty 0xff, and a low
 * byte >= 0xed. */
static int bytes_below_p(const uint8_t in[32]) {
    if ((in[31] & 0x7f) != 0x7f || in[0] < 0xed) return 1;
    for (int i = 1; i < 31; i++) if (in[i] != 0xff) return 1;
    return 0;
}

static int gf_is_zero(const gf a) {
    gf t;
    gf_canon(t, a);
    return (t[0] | t[1] | t[2] | t[3] | t[4]) == 0;
}

static int gf_eq(const gf a, const gf b) {
    gf d;
    gf_sub(d, a, b);
    return gf_is_zero(d);
}

static int gf_odd(const gf a) {
    gf t;
    gf_canon(t, a);
    return (int)(t[0] & 1);
}

static void gf_neg(gf r, const gf a) {
    gf z = { 0, 0, 0, 0, 0 };
    gf_sub(r, z, a);
}

static void gf_abs(gf r, const gf a) {
    if (gf_odd(a)) gf_neg(r, a);
    else gf_copy(r, a);
}

/* a^((p-5)/8) = a^(2^252 - 3). */
static void gf_pow_p58(gf r, const gf a) {
    gf a2, a9, a11, e5, e10, e20, e40, e50, e100, e200, e250, t;
    gf_sqr(a2, a);
    gf_sqr_times(t, a2, 2);
    gf_mul(a9, t, a);
    gf_mul(a11, a9, a2);
    gf_sqr(t, a11);
    gf_mul(e5, t, a9);                  /* 2^5 - 1 */
    gf_sqr_times(t, e5, 5);   gf_mul(e10, t, e5);
    gf_sqr_times(t, e10, 10); gf_mul(e20, t, e10);
    gf_sqr_times(t, e20, 20); gf_mul(e40, t, e20);
    gf_sqr_times(t, e40, 10); gf_mul(e50, t, e10);
    gf_sqr_times(t, e50, 50); gf_mul(e100, t, e50);
    gf_sqr_times(t, e100, 100); gf_mul(e200, t, e100);
    gf_sqr_times(t, e200, 50); gf_mul(e250, t, e50);
    gf_sqr_times(t, e250, 2);           /* 2^252 - 4 */
    gf_mul(r, t, a);
}

/* -1 and -sqrt(-1), fully reduced (gf_canon's form), for comparing against a reduced value limb by limb. */
static const gf GF_MINUS_ONE_CANON = { 0x7ffffffffffecULL, 0x7ffffffffffffULL, 0x7ffffffffffffULL, 0x7ffffffffffffULL, 0x7ffffffffffffULL };
static const gf GF_MINUS_I_CANON = { 0x1e4d8b5f15f3dULL, 0x72a5a0370e762ULL, 0x010a16342f39fULL, 0x07a6a597fb361ULL, 0x547cdb7fb03e2ULL };

static int gf_limbs_equal(const gf a, const gf b) {
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0;
}

/* RFC 9496 SQRT_RATIO_M1 with u = 1 only (all the audit needs): returns was_square, r = |1/sqrt(v)|.
 * check = r²·v is reduced once and compared with 1, -1 and -sqrt(-1) in that form. */
static int gf_invsqrt(gf r, const gf v) {
    gf v3, v7, t, check;
    gf_sqr(v3, v); gf_mul(v3, v3, v);
    gf_sqr(v7, v3); gf_mul(v7, v7, v);
    gf_pow_p58(t, v7);
    gf_mul(r, v3, t);
    gf_sqr(t, r); gf_mul(t, t, v);
    gf_canon(check, t);
    int correct = gf_limbs_equal(check, GF_ONE);
    int flipped = gf_limbs_equal(check, GF_MINUS_ONE_CANON);
    int flipped_i = gf_limbs_equal(check, GF_MINUS_I_CANON);
    if (flipped || flipped_i) gf_mul(r, r, GF_I);
    gf_abs(r, r);
    return correct || flipped;
}

typedef struct { gf x, y, z, t; } ext;

static void ext_zero(ext *p) {
    memset(p, 0, sizeof(*p));
    p->y[0] = 1;
    p->z[0] = 1;
}

/* Point coordinates (X, Y, Z, T of an ext, and the three fields of an affine_niels) always have
 * limbs <= B = 2^51 + 2^18: they are products, normalised sums (gf_add, gf_sub, gf_neg: < 2^51 + 2^9)
 * or constants. The formulas below therefore skip the carries of their additions: a lazy sum of two
 * coordinates is <= 2B < 2^53 - 76 (so it may be subtracted lazily), a lazy difference is < B + 2^53
 * or 2B + 2^53, and three coordinates sum to <= 3B: every product input stays < 2^54 (gf_carry). */

/* add-2008-hwcd-3 (a = -1). */
static void ext_add(ext *r, const ext *p, const ext *q) {
    gf a, b, c, d, e, f, g, h, t1, t2;
    gf_sub_lazy(t1, p->y, p->x); gf_sub_lazy(t2, q->y, q->x); gf_mul(a, t1, t2);
    gf_add_lazy(t1, p->y, p->x); gf_add_lazy(t2, q->y, q->x); gf_mul(b, t1, t2);
    gf_mul(c, p->t, q->t); gf_mul(c, c, GF_2D);
    gf_mul(d, p->z, q->z); gf_add_lazy(d, d, d);                 /* <= 2B */
    gf_sub_lazy(e, b, a); gf_sub_lazy(f, d, c);                  /* < B + 2^53, < 2B + 2^53 */
    gf_add_lazy(g, d, c); gf_add_lazy(h, b, a);                  /* <= 3B, <= 2B */
    gf_mul(r->x, e, f); gf_mul(r->y, g, h); gf_mul(r->t, e, h); gf_mul(r->z, f, g);
}

static void ext_neg(ext *r, const ext *p) {
    *r = *p;
    gf_neg(r->x, p->x);
    gf_neg(r->t, p->t);
}

/* dbl-2008-hwcd (a = -1): A = X², B = Y², C = 2Z², E = (X + Y)² − A − B, G = B − A, F = G − C,
 * H = −A − B; lazy sums as in ext_add (A + B <= 2B, A + C <= 3B, both < 2^53 − 76). */
static void ext_dbl(ext *r, const ext *p) {
    static const gf zero = { 0, 0, 0, 0, 0 };
    gf a, b, c, e, f, g, h, apb, apc, t;
    gf_sqr(a, p->x); gf_sqr(b, p->y); gf_sqr(c, p->z); gf_add_lazy(c, c, c);
    gf_add_lazy(apb, a, b); gf_add_lazy(apc, a, c);
    gf_add_lazy(t, p->x, p->y); gf_sqr(e, t); gf_sub_lazy(e, e, apb);
    gf_sub_lazy(g, b, a); gf_sub_lazy(f, b, apc); gf_sub_lazy(h, zero, apb);
    gf_mul(r->x, e, f); gf_mul(r->y, g, h); gf_mul(r->t, e, h); gf_mul(r->z, f, g);
}

/* RFC 9496 §4.3.1. */
static int ext_decode(ext *p, const uint8_t enc[32]) {
    gf s, ss, u1, u2, u2u2, v, t, inv, dx, dy;
    if (enc[31] & 0x80) return 0;
    if (!bytes_below_p(enc)) return 0;         /* s >= p */
    gf_unpack(s, enc);
    if (enc[0] & 1) return 0;                   /* s negative */
    gf_sqr(ss, s);
    gf_sub(u1, GF_ONE, ss);
    gf_add(u2, GF_ONE, ss);
    gf_sqr(u2u2, u2);
    gf_sqr(t, u1); gf_mul(t, t, GF_D); gf_neg(t, t);
    gf_sub(v, t, u2u2);
    gf_mul(t, v, u2u2);
    int square = gf_invsqrt(inv, t);
    gf_mul(dx, inv, u2);
    gf_mul(dy, inv, dx); gf_mul(dy, dy, v);
    gf_mul(p->x, s, dx); gf_add(p->x, p->x, p->x); gf_abs(p->x, p->x);
    gf_mul(p->y, u1, dy);
    gf_copy(p->z, GF_ONE);
    gf_mul(p->t, p->x, p->y);
    if (!square || gf_odd(p->t) || gf_is_zero(p->y)) return 0;
    return 1;
}

/* RFC 9496 §4.3.2. */
static void ext_encode(uint8_t out[32], const ext *p) {
    gf u1, u2, t, inv, den1, den2, zinv, x, y, den;
    gf_add(u1, p->z, p->y); gf_sub(t, p->z, p->y); gf_mul(u1, u1, t);
    gf_mul(u2, p->x, p->y);
    gf_sqr(t, u2); gf_mul(t, t, u1);
    (void)gf_invsqrt(inv, t);
    gf_mul(den1, inv, u1);
    gf_mul(den2, inv, u2);
    gf_mul(zinv, den1, den2); gf_mul(zinv, zinv, p->t);
    gf_mul(t, p->t, zinv);
    if (gf_odd(t)) {
        gf_mul(x, p->y, GF_I);
        gf_mul(y, p->x, GF_I);
        gf_mul(den, den1, GF_INVSQRT_A_MINUS_D);
    } else {
        gf_copy(x, p->x);
        gf_copy(y, p->y);
        gf_copy(den, den2);
    }
    gf_mul(t, x, zinv);
    if (gf_odd(t)) gf_neg(y, y);
    gf_sub(t, p->z, y);
    gf_mul(t, den, t);
    gf_abs(t, t);
    gf_pack(out, t);
}

/* RFC 9496 §4.3.3 against the identity (0, 1): x == 0 or y == 0. */
static int ext_is_identity(const ext *p) { return gf_is_zero(p->x) || gf_is_zero(p->y); }

int audit_ristretto_valid(const uint8_t enc[32]) {
    ext p;
    return ext_decode(&p, enc);
}

/* Bits [pos, pos + w) of a 256-bit scalar held as four little-endian 64-bit words (w <= 16). */
static int window_bits(const uint64_t s[4], int pos, int w) {
    if (pos >= 256) return 0;
    int idx = pos / 64, bit = pos % 64;
    uint64_t v = s[idx] >> bit;
    if (bit + w > 64 && idx < 3) v |= s[idx + 1] << (64 - bit);
    return (int)(v & ((1u << w) - 1));
}

static void scalar_words(uint64_t out[4], const uint8_t s[32]) {
    for (int i = 0; i < 4; i++) {
        uint64_t x = 0;
        for (int j = 7; j >= 0; j--) x = x << 8 | s[8 * i + j];
        out[i] = x;
    }
}

/* A point with Z = 1 kept as (y+x, y-x, 2d·x·y): adding it to an extended point costs 7
 * multiplications instead of 9 (madd-2008-hwcd-3), and negating it is a swap and one negation. */
typedef struct { gf ypx, ymx, t2d; } affine_niels;

static void to_niels(affine_niels *n, const ext *p) {
    /* Decoded points have Z = 1 (ext_decode sets it); others are scaled by 1/Z first. */
    gf x, y, t;
    if (gf_eq(p->z, GF_ONE)) {
        gf_copy(x, p->x); gf_copy(y, p->y); gf_copy(t, p->t);
    } else {
        gf zinv, z2, z3;
        /* 1/Z = Z^(p-2) = Z^(2^255-21), from the chain of gf_pow_p58 (Z^(2^252-3)). */
        gf_sqr(z2, p->z);
        gf_pow_p58(z3, p->z);            /* z^(2^252-3) */
        gf_sqr_times(z3, z3, 3);         /* z^(2^255-24) */
        gf_mul(zinv, z3, z2);            /* z^(2^255-22) */
        gf_mul(zinv, zinv, p->z);        /* z^(2^255-21) = z^(p-2) */
        gf_mul(x, p->x, zinv); gf_mul(y, p->y, zinv); gf_mul(t, x, y);
    }
    gf_add(n->ypx, y, x);
    gf_sub(n->ymx, y, x);
    gf_mul(n->t2d, t, GF_2D);
}

/* r = p + q (or p - q when neg), q affine: madd-2008-hwcd-3 for a = -1. Subtracting q swaps its
 * Y+X and Y-X and negates its 2dT, which only swaps F and G below. Lazy sums as in ext_add. */
static void ext_madd(ext *r, const ext *p, const affine_niels *q, int neg) {
    gf a, b, c, d, e, f, g, h, t1, t2;
    gf_sub_lazy(t1, p->y, p->x); gf_mul(a, t1, neg ? q->ypx : q->ymx);
    gf_add_lazy(t2, p->y, p->x); gf_mul(b, t2, neg ? q->ymx : q->ypx);
    gf_mul(c, p->t, q->t2d);
    gf_add_lazy(d, p->z, p->z);                                  /* <= 2B */
    gf_sub_lazy(e, b, a); gf_add_lazy(h, b, a);
    if (neg) { gf_add_lazy(f, d, c); gf_sub_lazy(g, d, c); }
    else { gf_sub_lazy(f, d, c); gf_add_lazy(g, d, c); }
    gf_mul(r->x, e, f); gf_mul(r->y, g, h); gf_mul(r->t, e, h); gf_mul(r->z, f, g);
}

/* Pippenger with signed digits in [-2^(w-1), 2^(w-1)): per window, each point (or its negation) is
 * added into one of 2^(w-1) buckets with a mixed addition, and Σ k·bucket[k] is formed by running
 * sums; empty buckets and the identity are skipped rather than added. */
/* The window width for the bucket sum: the w in 4..12 that minimises the estimated multiplications,
 * ~7 per non-zero digit (total scalar bits / w of them) plus ~10 per bucket addition (2^w per window,
 * over the windows of the longest scalar). Batch weights are 128 bits while a few scalars are full
 * length, so counting bits rather than points picks a narrower window than n alone would. */
static int window_width(const uint8_t *scalars, size_t n) {
    double bits = 0;
    int longest = 1;
    for (size_t k = 0; k < n; k++) {
        int top = 31;
        while (top >= 0 && scalars[32 * k + top] == 0) top--;
        if (top < 0) continue;
        int len = 8 * top + 1;
        for (uint8_t b = scalars[32 * k + top]; b > 1; b >>= 1) len++;
        bits += len;
        if (len > longest) longest = len;
    }
    int best = 4;
    double best_cost = 0;
    for (int w = 4; w <= 12; w++) {
        double cost = 7.0 * bits / w + 10.0 * (double)((longest + w - 1) / w + 1) * (double)(1 << w);
        if (w == 4 || cost < best_cost) { best = w; best_cost = cost; }
    }
    return best;
}

static int bucket_sum(ext *out, const ext *points, const uint8_t *scalars, size_t n) {
    int w = window_width(scalars, n);
    int windows = (256 + w - 1) / w + 1;
    size_t nb = (size_t)1 << (w - 1);
    int16_t *digits = malloc(n * (size_t)windows * sizeof(int16_t));
    affine_niels *niels = malloc((n ? n : 1) * sizeof(affine_niels));
    ext *buckets = malloc(nb * sizeof(ext));
    char *used = malloc(nb);
    if (!digits || !niels || !buckets || !used) { free(digits); free(niels); free(buckets); free(used); return -2; }
    int top = -1;   /* highest window holding a non-zero digit */
    for (size_t k = 0; k < n; k++) {
        int carry = 0;
        uint64_t words[4];
        scalar_words(words, scalars + 32 * k);
        for (int win = 0; win < windows; win++) {
            int d = window_bits(words, win * w, w) + carry;
            carry = d >= (1 << (w - 1));   /* d in [-2^(w-1), 2^(w-1)) after the carry leaves */
            if (carry) d -= 1 << w;
            digits[k * (size_t)windows + (size_t)win] = (int16_t)d;
            if (d != 0 && win > top) top = win;
        }
        to_niels(&niels[k], &points[k]);
    }
    ext acc;
    ext_zero(&acc);
    int started = 0;
    for (int win = top; win >= 0; win--) {
        if (started) for (int i = 0; i < w; i++) ext_dbl(&acc, &acc);
        memset(used, 0, nb);
        for (size_t k = 0; k < n; k++) {
            int d = digits[k * (size_t)windows + (size_t)win];
            if (d == 0) continue;
            int neg = d < 0;
            if (neg) d = -d;
            if (used[d - 1]) ext_madd(&buckets[d - 1], &buckets[d - 1], &niels[k], neg);
            else {
                if (neg) ext_neg(&buckets[d - 1], &points[k]);
                else buckets[d - 1] = points[k];
                used[d - 1] = 1;
            }
        }
        ext running, total;
        int have_running = 0, have_total = 0;
        for (size_t b = nb; b-- > 0;) {
            if (used[b]) {
                if (have_running) ext_add(&running, &running, &buckets[b]);
                else { running = buckets[b]; have_running = 1; }
            }
            if (have_running) {
                if (have_total) ext_add(&total, &total, &running);
                else { total = running; have_total = 1; }
            }
        }
        if (have_total) {
            if (started) ext_add(&acc, &acc, &total);
            else { acc = total; started = 1; }
        }
    }
    free(digits);
    free(niels);
    free(buckets);
    free(used);
    *out = acc;
    return 0;
}

static int sum_points(ext *out, const uint8_t *encodings, const uint8_t *scalars, size_t n) {
    ext *points = malloc((n ? n : 1) * sizeof(ext));
    if (!points) return -2;
    for (size_t i = 0; i < n; i++) {
        if (!ext_decode(&points[i], encodings + 32 * i)) { free(points); return -1; }
        if (scalars[32 * i + 31] & 0x80) { free(points); return -1; }
    }
    int rc = bucket_sum(out, points, scalars, n);
    free(points);
    return rc;
}

int audit_ristretto_sum_is_identity(const uint8_t *encodings, const uint8_t *scalars, size_t n) {
    ext r;
    int rc = sum_points(&r, encodings, scalars, n);
    if (rc != 0) return rc;
    return ext_is_identity(&r);
}

int audit_ristretto_sum(uint8_t out[32], const uint8_t *encodings, const uint8_t *scalars, size_t n) {
    ext r;
    int rc = sum_points(&r, encodings, scalars, n);
    if (rc != 0) return rc;
    ext_encode(out, &r);
    return 0;
}

int audit_ristretto_add_all(uint8_t out[32], const uint8_t *encodings, const uint8_t *negate, size_t n) {
    ext acc, p;
    ext_zero(&acc);
    for (size_t i = 0; i < n; i++) {
        if (!ext_decode(&p, encodings + 32 * i)) return -1;
        if (negate && negate[i]) ext_neg(&p, &p);
        ext_add(&acc, &acc, &p);
    }
    ext_encode(out, &acc);
    return 0;
}

_Static_assert(sizeof(ext) == sizeof(audit_point), "audit_point holds an ext");

int audit_ristretto_decode(audit_point *out, const uint8_t enc[32]) {
    ext p;
    if (!ext_decode(&p, enc)) return 0;
    memcpy(out, &p, sizeof p);
    return 1;
}

int audit_ristretto_points_sum_is_identity(const audit_point *points, const uint8_t *scalars, size_t n) {
    for (size_t i = 0; i < n; i++) if (scalars[32 * i + 31] & 0x80) return 0;
    ext r;
    int rc = bucket_sum(&r, (const ext *)(const void *)points, scalars, n);
    if (rc != 0) return rc;
    return ext_is_identity(&r);
}

void audit_ristretto_points_add_all(uint8_t out[32], const audit_point *points, const uint8_t *negate, size_t n) {
    ext acc, p;
    ext_zero(&acc);
    for (size_t i = 0; i < n; i++) {
        memcpy(&p, &points[i], sizeof p);
        if (negate && negate[i]) ext_neg(&p, &p);
        ext_add(&acc, &acc, &p);
    }
    ext_encode(out, &acc);
}

/* ---- Ed25519 (RFC 8032) signatures in a batch (SPEC.md §2.2) ----
 * The batch only ever accepts signatures that libsodium's crypto_sign_verify_detached accepts. A
 * signature enters it only when A and R are canonical encodings of points outside the small-order
 * set AND inside the prime-order subgroup, and s < L (the caller checks s): then every term of
 * [8]·Σ z_i·([s_i]B − R_i − [h_i]A_i) lies in the prime-order subgroup, where the cofactored and
 * the cofactorless equations coincide, and R's canonical encoding equals the one libsodium
 * recomputes. Everything else (mixed-order points included) is left to libsodium one by one. */

/* a − d, 2(a + d), −4(a + d) and sqrt(2((2(a + d))² − 4(a − d)²)) for a = −1: the constants of the
 * point-halving subgroup test (T. Pornin, "Point-halving and subgroup membership in twisted Edwards
 * curves", eprint 2022/1164). The root is the one that reference uses; the tests check the result
 * against [L]P = 0 computed by libsodium. */
static const gf GF_AMD = { 0x4b235eca68749ULL, 0x657d7c4ea9142ULL, 0x2185d9ffe3fd6ULL, 0x0c6399c5fc344ULL, 0x2dfc9311d4900ULL };
static const gf GF_A0 = { 0x69b9426b2f157ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL };
static const gf GF_AP0 = { 0x2c8d7b29a1d3fULL, 0x15f5f13aa450aULL, 0x061767ff8ff5bULL, 0x318e6717f0d11ULL, 0x37f24c4752400ULL };
static const gf GF_S2BP0 = { 0x73ec897eb404cULL, 0x5dfcb1c812353ULL, 0x2192e3772f923ULL, 0x36ff667d3f230ULL, 0x184e375b980a7ULL };
/* 1/2 = (p + 1)/2. */
static const gf GF_HALF = { 0x7fffffffffff7ULL, 0x7ffffffffffffULL, 0x7ffffffffffffULL, 0x7ffffffffffffULL, 0x3ffffffffffffULL };

/* 1 when x is a square or zero (x^((p−1)/2) ≠ −1), else 0. */
static int gf_is_square(const gf x) {
    gf t, x2, minus_one;
    gf_pow_p58(t, x);              /* x^((p−5)/8) */
    gf_sqr_times(t, t, 2);         /* x^((p−5)/2) */
    gf_sqr(x2, x);
    gf_mul(t, t, x2);              /* x^((p−1)/2) */
    gf_neg(minus_one, GF_ONE);
    return !gf_eq(t, minus_one);
}

/* 1 and r² = x when x is a square (or zero); otherwise 0 and r² = 2x or −2x. */
static int gf_sqrt_ext(gf r, const gf x) {
    gf b, r2, mx, one_minus_i;
    gf_pow_p58(b, x);
    gf_mul(r, x, b);               /* x^((p+3)/8): r² = x·x^((p−1)/4), x^((p−1)/4) ∈ {±1, ±i} */
    gf_sqr(r2, r);
    if (gf_eq(r2, x)) return 1;
    gf_neg(mx, x);
    if (gf_eq(r2, mx)) { gf_mul(r, r, GF_I); return 1; }
    gf_sub(one_minus_i, GF_ONE, GF_I);   /* r² = ±i·x and (1 − i)² = −2i */
    gf_mul(r, r, one_minus_i);
    return 0;
}

/* The eight points of order 1, 2, 4 or 8: X = 0, Y = 0 or X = ±i·Y. */
static int ext_low_order(const ext *p) {
    gf iy, mx;
    gf_mul(iy, p->y, GF_I);
    gf_neg(mx, p->x);
    return gf_is_zero(p->x) || gf_is_zero(p->y) || gf_eq(iy, p->x) || gf_eq(iy, mx);
}

/* The neutral element (0, 1). */
static int ext_is_neutral(const ext *p) { return gf_is_zero(p->x) && gf_eq(p->y, p->z); }

/* 1 iff p is in the subgroup of prime order L: it can be halved three times (eprint 2022/1164 §4,
 * through the isogenous curves u·w² = u² + A·u + B; two halvings, then a square test). */
static int ext_in_prime_subgroup(const ext *p) {
    if (ext_low_order(p)) return ext_is_neutral(p);
    gf e, u, w, t, zmy;
    gf_sub(zmy, p->z, p->y);
    gf_mul(e, p->x, zmy);                               /* e = X(Z − Y) */
    gf_add(u, p->z, p->y); gf_mul(u, u, GF_AMD); gf_mul(u, u, p->x); gf_mul(u, u, e);
    gf_mul(w, p->z, zmy); gf_add(w, w, w);             /* w = 2Z(Z − Y) */
    for (int round = 0; round < 2; round++) {
        gf us, ws, wp, up, e2, tt;
        gf_add(us, u, u); gf_add(us, us, us);           /* inverse of the isomorphism */
        gf_add(ws, w, w);
        if (!gf_sqrt_ext(wp, us)) return 0;             /* not a double */
        gf_sqr(e2, e);
        gf_mul(t, GF_AP0, e2); gf_sub(up, us, t);
        gf_mul(t, wp, ws); gf_sub(up, up, t);
        gf_mul(up, up, GF_HALF);                        /* up = (us − Ap·e² − wp·ws)/2 */
        int square = gf_sqrt_ext(tt, up);
        gf_copy(w, tt);
        if (!square) {
            /* The other preimage (Bp/up, −wp): move to an isomorphic curve instead of dividing. */
            gf m2up, t2;
            gf_add(m2up, up, up); gf_neg(m2up, m2up);
            gf_sqr(t2, tt);
            if (gf_eq(t2, m2up)) gf_mul(tt, tt, GF_I);   /* now tt² = 2·up */
            gf_mul(wp, wp, tt);
            gf_mul(w, GF_S2BP0, e2);
            gf_mul(e, e, tt);
            gf_sqr(e2, e);
        }
        gf_sqr(u, w);
        gf_mul(t, GF_A0, e2); gf_sub(u, u, t);
        gf_mul(t, w, wp); gf_sub(u, u, t);
        gf_mul(u, u, GF_HALF);                          /* u = (w² − A·e² − w·wp)/2 */
        if (!square) gf_neg(w, w);
    }
    return gf_is_square(u);                             /* a third halving exists */
}

/* RFC 8032 §5.1.3 point decoding, canonical encodings only: y < p, and not x = 0 with the sign bit. */
static int ed_decode(ext *p, const uint8_t enc[32]) {
    uint8_t b[32];
    memcpy(b, enc, 32);
    int sign = b[31] >> 7;
    b[31] &= 0x7f;
    gf y, yy, u, v, v3, t, x, check, mu;
    if (!bytes_below_p(b)) return 0;                    /* y >= p */
    gf_unpack(y, b);
    gf_sqr(yy, y);
    gf_sub(u, yy, GF_ONE);                              /* u = y² − 1 */
    gf_mul(v, yy, GF_D); gf_add(v, v, GF_ONE);          /* v = d·y² + 1 */
    gf_sqr(v3, v); gf_mul(v3, v3, v);
    gf_sqr(t, v3); gf_mul(t, t, v); gf_mul(t, t, u);    /* u·v⁷ */
    gf_pow_p58(t, t);
    gf_mul(x, t, v3); gf_mul(x, x, u);                  /* x = u·v³·(u·v⁷)^((p−5)/8) */
    gf_sqr(check, x); gf_mul(check, check, v);
    if (!gf_eq(check, u)) {
        gf_neg(mu, u);
        if (!gf_eq(check, mu)) return 0;                /* not on the curve */
        gf_mul(x, x, GF_I);
    }
    if (sign && gf_is_zero(x)) return 0;
    if (gf_odd(x) != sign) gf_neg(x, x);
    gf_copy(p->x, x); gf_copy(p->y, y); gf_copy(p->z, GF_ONE); gf_mul(p->t, x, y);
    return 1;
}

int audit_ed25519_decode_batchable(audit_point *out, const uint8_t enc[32]) {
    ext p;
    if (!ed_decode(&p, enc) || ext_low_order(&p) || !ext_in_prime_subgroup(&p)) return 0;
    memcpy(out, &p, sizeof p);
    return 1;
}

int audit_ed25519_in_prime_subgroup(const uint8_t enc[32]) {
    ext p;
    if (!ed_decode(&p, enc)) return -1;
    return ext_in_prime_subgroup(&p);
}

int audit_ed25519_points_sum_is_identity(const audit_point *points, const uint8_t *scalars, size_t n) {
    for (size_t i = 0; i < n; i++) if (scalars[32 * i + 31] & 0x80) return 0;
    ext r;
    int rc = bucket_sum(&r, (const ext *)(const void *)points, scalars, n);
    if (rc != 0) return rc;
    for (int i = 0; i < 3; i++) ext_dbl(&r, &r);        /* the cofactor 8 */
    return ext_is_neutral(&r);
}

void audit_scalar_muladd_wide(uint64_t acc[8], const uint8_t a[16], const uint8_t b[32]) {
    uint64_t x[2] = { load64(a), load64(a + 8) }, y[4] = { load64(b), load64(b + 8), load64(b + 16), load64(b + 24) };
    for (int i = 0; i < 2; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            wide t = (wide)x[i] * y[j] + acc[i + j] + carry;
            acc[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        for (int k = i + 4; k < 8 && carry; k++) {
            wide t = (wide)acc[k] + carry;
            acc[k] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
    }
}

/* ---- Test hook (audit_curve.h): the limb bounds the lazy reductions rely on ---- */

static uint64_t selfcheck_next(uint64_t *state) {
    *state ^= *state << 13; *state ^= *state >> 7; *state ^= *state << 17;
    return *state;
}

/* A limb < 2^54: random, the maximum, just below it, or already reduced. */
static uint64_t selfcheck_limb(uint64_t *state, int kind) {
    const uint64_t top = (1ULL << 54) - 1, r = selfcheck_next(state);
    switch (kind) {
    case 0: return r & top;
    case 1: return top;
    case 2: return top - (r & 0xff);
    default: return r & M51;
    }
}

static int gf_below_product_bound(const gf a) {
    for (int i = 0; i < 5; i++) if (a[i] >= (1ULL << 51) + (1ULL << 18)) return 0;
    return 1;
}

int audit_curve_field_selfcheck(uint64_t seed, int rounds) {
    uint64_t state = seed | 1;
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
        gf a, b, ca, cb, r, want, x, y;
        for (int i = 0; i < 5; i++) {
            a[i] = selfcheck_limb(&state, round % 4);
            b[i] = selfcheck_limb(&state, (int)(selfcheck_next(&state) % 4));
        }
        gf_canon(ca, a);
        gf_canon(cb, b);
        gf_mul(r, a, b);
        gf_mul(want, ca, cb);
        gf_canon(x, r); gf_canon(y, want);
        if (!gf_limbs_equal(x, y) || !gf_below_product_bound(r)) failures++;
        gf_sqr(r, a);
        gf_mul(want, ca, ca);
        gf_canon(x, r); gf_canon(y, want);
        if (!gf_limbs_equal(x, y) || !gf_below_product_bound(r)) failures++;
        gf_sqr_times(r, a, 3);
        gf_sqr(want, ca); gf_sqr(want, want); gf_sqr(want, want);
        gf_canon(x, r); gf_canon(y, want);
        if (!gf_limbs_equal(x, y) || !gf_below_product_bound(r)) failures++;
        /* Lazy sums of two coordinates (<= 2B), subtracted lazily from a product, against gf_sub:
         * products on even rounds, limbs at the bound B (less a little) from zero on odd ones. */
        gf p1, p2, sum, lazy, carried;
        gf_mul(p1, a, a); gf_mul(p2, b, b);
        if (round % 2) for (int i = 0; i < 5; i++) {
            p1[i] = (1ULL << 51) + (1ULL << 18) - 1 - (selfcheck_next(&state) & 0xff);
            p2[i] = (1ULL << 51) + (1ULL << 18) - 1 - (selfcheck_next(&state) & 0xff);
        }
        gf_add_lazy(sum, p1, p2);
        if (round % 2) memset(r, 0, sizeof(gf));      /* the worst case: nothing to borrow from */
        gf_sub_lazy(lazy, r, sum);
        gf_sub(carried, r, sum);
        gf_canon(x, lazy); gf_canon(y, carried);
        if (!gf_limbs_equal(x, y)) failures++;
        for (int i = 0; i < 5; i++) if (lazy[i] >= (1ULL << 54)) failures++;
    }
    return failures;
}
