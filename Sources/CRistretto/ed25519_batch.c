/* Ed25519 batch verification support (see include/cr_ed25519_batch.h): plain edwards25519 decoding,
 * a batched prime-order-subgroup test and the neutral-element check of a multi-scalar sum. Variable
 * time throughout: every input is public (signatures and public keys). */
#include <stdlib.h>
#include "point.h"
#include "cr_ed25519_batch.h"

/* The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t ED25519_L[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

int cr_ed25519_scalar_is_canonical(const uint8_t s[32]) {
    for (int i = 31; i >= 0; i--) {
        if (s[i] < ED25519_L[i]) return 1;
        if (s[i] > ED25519_L[i]) return 0;
    }
    return 0;   /* s == L */
}

/* RFC 8032 §5.1.3: y from the low 255 bits, x² = (y² − 1)/(d·y² + 1), the root
 * x = u·v³·(u·v⁷)^((p−5)/8) times sqrt(−1) when needed, and the sign bit picks x or −x. */
CR_MULX_CLONES int cr_ed25519_decode_vartime(cr_point *out, const uint8_t in[32]) {
    uint8_t bytes[32], back[32];
    memcpy(bytes, in, 32);
    const int sign = bytes[31] >> 7;
    bytes[31] &= 0x7f;
    fe y, yy, u, v, v3, v7, t, x, vxx;
    fe_frombytes(&y, bytes);
    fe_tobytes(back, &y);
    if (memcmp(back, bytes, 32) != 0) return -1;   /* y >= p: not canonical */
    fe_sq(&yy, &y);
    fe_sub(&u, &yy, &FE_ONE);
    fe_mul(&v, &yy, &FE_D);
    fe_add(&v, &v, &FE_ONE);
    fe_sq(&v3, &v);
    fe_mul(&v3, &v3, &v);
    fe_sq(&v7, &v3);
    fe_mul(&v7, &v7, &v);
    fe_mul(&t, &u, &v7);
    fe_pow22523(&t, &t);
    fe_mul(&x, &t, &v3);
    fe_mul(&x, &x, &u);
    fe_sq(&vxx, &x);
    fe_mul(&vxx, &vxx, &v);
    if (!fe_equal(&vxx, &u)) {
        fe minus_u;
        fe_neg(&minus_u, &u);
        if (!fe_equal(&vxx, &minus_u)) return -1;  /* no square root: not on the curve */
        fe_mul(&x, &x, &FE_SQRT_M1);
    }
    if (fe_iszero(&x) && sign) return -1;          /* −0 is not a canonical encoding */
    if (fe_isnegative(&x) != sign) fe_neg(&x, &x);
    ge_p3 *p = ge_from_cr_mut(out);
    p->X = x;
    p->Y = y;
    p->Z = FE_ONE;
    fe_mul(&p->T, &x, &y);
    return 0;
}

int cr_ed25519_is_neutral(const cr_point *point) {
    const ge_p3 *p = ge_from_cr(point);
    return fe_iszero(&p->X) & fe_equal(&p->Y, &p->Z);
}

int cr_ed25519_x_is_zero(const cr_point *point) { return fe_iszero(&ge_from_cr(point)->X); }

/* The subgroup test adds each point into 128 accumulators, one per bit of its random bytes. Points go
 * in groups of SUBSET_BITS: the 2^SUBSET_BITS sums of a group's subsets are made once, then each
 * accumulator takes one of them (about 25 point additions per point instead of 64). */
#define SUBGROUP_ROUNDS 128
#define SUBSET_BITS 5

CR_MULX_CLONES int cr_ed25519_in_prime_subgroup_batch(const cr_point *points, size_t n, const uint8_t *random) {
    ge_p3 *acc = malloc(SUBGROUP_ROUNDS * sizeof(ge_p3));
    if (!acc) return -1;
    for (int j = 0; j < SUBGROUP_ROUNDS; j++) ge_p3_identity(&acc[j]);
    ge_p3 subset[1 << SUBSET_BITS];
    ge_cached subset_cached[1 << SUBSET_BITS];
    ge_cached member[SUBSET_BITS];
    for (size_t start = 0; start < n; start += SUBSET_BITS) {
        const size_t k = n - start < SUBSET_BITS ? n - start : SUBSET_BITS;
        const unsigned count = 1u << k;
        for (size_t t = 0; t < k; t++) ge_p3_to_cached(&member[t], ge_from_cr(&points[start + t]));
        for (unsigned m = 1; m < count; m++) {
            const unsigned low = (unsigned)__builtin_ctz(m), rest = m & (m - 1);
            if (rest == 0) subset[m] = *ge_from_cr(&points[start + low]);
            else ge_add_p3(&subset[m], &subset[rest], &member[low]);
            ge_p3_to_cached(&subset_cached[m], &subset[m]);
        }
        const uint8_t *bits = random + 16 * start;
        for (int j = 0; j < SUBGROUP_ROUNDS; j++) {
            unsigned index = 0;
            for (size_t t = 0; t < k; t++) index |= (unsigned)((bits[16 * t + j / 8] >> (j % 8)) & 1) << t;
            if (index) ge_add_p3(&acc[j], &acc[j], &subset_cached[index]);
        }
    }
    /* [L]·T_j kills T_j's prime-order part and maps its torsion part (in Z/8) one-to-one. */
    int result = 1;
    for (int j = 0; j < SUBGROUP_ROUNDS && result == 1; j++) {
        cr_point lt;
        if (cr_multiscalarmult_vartime(&lt, ED25519_L, (const cr_point *)(const void *)&acc[j], 1, NULL) != 0) result = -1;
        else if (!cr_ed25519_is_neutral(&lt)) result = 0;
    }
    free(acc);
    return result;
}

int cr_ed25519_sum_is_neutral_vartime(const uint8_t *scalars, const cr_point *points, size_t n, const uint8_t base_scalar[32]) {
    cr_point sum;
    if (cr_multiscalarmult_vartime(&sum, scalars, points, n, base_scalar) != 0) return -1;
    return cr_ed25519_is_neutral(&sum);
}
