/* Constant-time fixed-base multiplication for Ed25519 key and signature making (cr_ed25519_sign.h).
 *
 * The same digit schedule as cr_scalarmult_base (signed radix 16, 64 digits; odd digits, four
 * doublings, even digits), but the table holds AFFINE points in "Niels" form (y+x, y−x, 2d·x·y), so
 * each addition is a mixed one (ref10's ge_madd: 7 field multiplications instead of 8) and each
 * entry read is 3 field elements instead of 4. */
#include <pthread.h>
#include <string.h>
#include "point.h"
#include "cr_ed25519_sign.h"

typedef struct { fe yplusx, yminusx, xy2d; } ge_niels;

/* niels_table[k][j] = (j+1)·256^k·B, affine, built once (256 inversions: a few milliseconds). */
static ge_niels niels_table[32][8];
static pthread_once_t niels_once = PTHREAD_ONCE_INIT;

/* z^(p−2) = z^(2^255 − 21) = (z^(2^252 − 3))^8 · z^3; constant time. */
FE_INLINE void fe_invert(fe *out, const fe *z) {
    fe t, z2, z3;
    fe_pow22523(&t, z);
    fe_sqn(&t, &t, 3);
    fe_sq(&z2, z);
    fe_mul(&z3, &z2, z);
    fe_mul(out, &t, &z3);
}

static void niels_from_p3(ge_niels *r, const ge_p3 *p) {
    fe zi, x, y, xy;
    fe_invert(&zi, &p->Z);
    fe_mul(&x, &p->X, &zi);
    fe_mul(&y, &p->Y, &zi);
    fe_add(&r->yplusx, &y, &x);
    fe_sub(&r->yminusx, &y, &x);
    fe_mul(&xy, &x, &y);
    fe_mul(&r->xy2d, &xy, &FE_D2);
}

static void build_niels_table(void) {
    ge_p3 pk = GE_BASE;
    for (int k = 0; k < 32; k++) {
        ge_cached step;
        ge_p3_to_cached(&step, &pk);
        ge_p3 multiple = pk;
        niels_from_p3(&niels_table[k][0], &multiple);
        for (int j = 1; j < 8; j++) {
            ge_add_p3(&multiple, &multiple, &step);
            niels_from_p3(&niels_table[k][j], &multiple);
        }
        ge_p1p1 t;
        for (int d = 0; d < 8; d++) {
            ge_p3_dbl(&t, &pk);
            ge_p1p1_to_p3(&pk, &t);
        }
    }
}

/* r = p + q, q affine (Z = 1): ge_add (point.h) with D = 2·Z1 instead of 2·Z1·Z2, same limb bounds
 * (Z1 is a multiplication's output or 1). */
FE_INLINE void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_niels *q) {
    fe A, B, C, D, t;
    fe_sub_nc(&t, &p->Y, &p->X);
    fe_mul(&A, &t, &q->yminusx);
    fe_add_nc(&t, &p->Y, &p->X);
    fe_mul(&B, &t, &q->yplusx);
    fe_mul(&C, &p->T, &q->xy2d);
    fe_add_nc(&D, &p->Z, &p->Z);
    fe_sub_nc(&r->X, &B, &A);
    fe_add_nc(&r->Y, &B, &A);
    fe_add_nc(&r->Z, &D, &C);
    fe_sub_nc(&r->T, &D, &C);
}

/* t = b·P from row[j] = (j+1)·P, b in [−8, 8], without a secret-dependent branch or index: every
 * entry is read, masked and OR-ed in (no read-modify-write chain through t, so the compiler can use
 * vector registers: the select was a third of the work when written with fe_cmov). */
_Static_assert(sizeof(ge_niels) == 15 * sizeof(uint64_t), "ge_niels is 15 limbs");
FE_INLINE void niels_select(ge_niels *t, const ge_niels row[8], int8_t b) {
    uint64_t negative = (uint64_t)((uint8_t)b >> 7);
    uint8_t babs = (uint8_t)(b - (int8_t)(((-(int8_t)negative) & b) * 2));
    uint64_t acc[15] = { 0 };
    uint64_t identity = ct_equal_u8(babs, 0);   /* (y+x, y−x, 2dxy) = (1, 1, 0) */
    acc[0] = identity;
    acc[5] = identity;
    for (int j = 0; j < 8; j++) {
        uint64_t mask = (uint64_t)0 - ct_equal_u8(babs, (uint8_t)(j + 1));
        const uint64_t *w = (const uint64_t *)(const void *)&row[j];
        for (int k = 0; k < 15; k++) acc[k] |= mask & w[k];
    }
    /* −P = (y−x, y+x, −2dxy): swap the first two, negate the third, when b < 0. */
    uint64_t nmask = (uint64_t)0 - negative;
    for (int k = 0; k < 5; k++) {
        uint64_t d = nmask & (acc[k] ^ acc[5 + k]);
        acc[k] ^= d;
        acc[5 + k] ^= d;
    }
    memcpy(t, acc, sizeof *t);
    fe minus;
    fe_neg(&minus, &t->xy2d);
    fe_cmov(&t->xy2d, &minus, negative);
}

/* Zeroes n bytes the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n) {
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* h = [s]B in extended coordinates (the digit schedule of cr_scalarmult_base); its own secret-derived
 * temporaries wiped. Always inlined into the MULX-cloned entry points below. */
FE_INLINE void base_p3(ge_p3 *h, const uint8_t s[32]) {
    int8_t e[64];
    signed_radix16(e, s);
    ge_p1p1 t;
    ge_p2 h2;
    ge_niels sel;
    ge_p3_identity(h);
    for (int i = 1; i < 64; i += 2) {
        niels_select(&sel, niels_table[i / 2], e[i]);
        ge_madd(&t, h, &sel);
        ge_p1p1_to_p3(h, &t);
    }
    ge_p3_to_p2(&h2, h);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p3(h, &t);
    for (int i = 0; i < 64; i += 2) {
        niels_select(&sel, niels_table[i / 2], e[i]);
        ge_madd(&t, h, &sel);
        ge_p1p1_to_p3(h, &t);
    }
    wipe(e, sizeof e);
    wipe(&t, sizeof t);
    wipe(&h2, sizeof h2);
    wipe(&sel, sizeof sel);
}

/* The encoding of h given 1/Z: y = Y/Z with the sign of x = X/Z in bit 255. */
FE_INLINE void encode_with_inverse(uint8_t out[32], const ge_p3 *h, const fe *zi) {
    fe x, y;
    fe_mul(&x, &h->X, zi);
    fe_mul(&y, &h->Y, zi);
    fe_tobytes(out, &y);
    out[31] ^= (uint8_t)(fe_isnegative(&x) << 7);
    wipe(&x, sizeof x);
    wipe(&y, sizeof y);
}

CR_MULX_CLONES void cr_ed25519_scalarmult_base(uint8_t out[32], const uint8_t s[32]) {
    pthread_once(&niels_once, build_niels_table);
    ge_p3 h;
    fe zi;
    base_p3(&h, s);
    fe_invert(&zi, &h.Z);
    encode_with_inverse(out, &h, &zi);
    wipe(&h, sizeof h);
    wipe(&zi, sizeof zi);
}

/* Points per shared inversion: the stack holds this many points and running products (about 7 KB). */
#define CR_BASE_BATCH 32

CR_MULX_CLONES void cr_ed25519_scalarmult_base_batch(uint8_t *out, const uint8_t *scalars, size_t n) {
    pthread_once(&niels_once, build_niels_table);
    ge_p3 h[CR_BASE_BATCH];
    fe prefix[CR_BASE_BATCH];
    for (size_t start = 0; start < n; start += CR_BASE_BATCH) {
        size_t m = n - start < CR_BASE_BATCH ? n - start : CR_BASE_BATCH;
        for (size_t i = 0; i < m; i++) base_p3(&h[i], scalars + 32 * (start + i));
        /* Montgomery's trick: prefix[i] = Z_0 ··· Z_i, one inversion, then each 1/Z_i (no Z is 0). */
        prefix[0] = h[0].Z;
        for (size_t i = 1; i < m; i++) fe_mul(&prefix[i], &prefix[i - 1], &h[i].Z);
        fe inv, zi;
        fe_invert(&inv, &prefix[m - 1]);
        for (size_t i = m - 1; i > 0; i--) {
            fe_mul(&zi, &inv, &prefix[i - 1]);
            fe_mul(&inv, &inv, &h[i].Z);
            encode_with_inverse(out + 32 * (start + i), &h[i], &zi);
        }
        encode_with_inverse(out + 32 * start, &h[0], &inv);
        wipe(&inv, sizeof inv);
        wipe(&zi, sizeof zi);
    }
    wipe(h, sizeof h);
    wipe(prefix, sizeof prefix);
}
