/* edwards25519 point arithmetic in extended coordinates (internal to CRistretto).
 * Formulas: Hisil–Wong–Carter–Dawson 2008 for a = -1, in the P3 / P2 / P1P1 / cached shapes of ref10. */
#ifndef CRISTRETTO_POINT_H
#define CRISTRETTO_POINT_H

#include "field.h"
#include "cristretto.h"

typedef struct { fe X, Y, Z, T; } ge_p3;        /* x = X/Z, y = Y/Z, xy = T/Z */
typedef struct { fe X, Y, Z; } ge_p2;           /* x = X/Z, y = Y/Z */
typedef struct { fe X, Y, Z, T; } ge_p1p1;      /* x = X/Z, y = Y/T (completed) */
typedef struct { fe YplusX, YminusX, Z, T2d; } ge_cached;

_Static_assert(sizeof(ge_p3) == sizeof(cr_point), "cr_point holds a ge_p3");

FE_INLINE const ge_p3 *ge_from_cr(const cr_point *p) { return (const ge_p3 *)(const void *)p; }
FE_INLINE ge_p3 *ge_from_cr_mut(cr_point *p) { return (ge_p3 *)(void *)p; }

FE_INLINE void ge_p3_identity(ge_p3 *h) { h->X = FE_ZERO; h->Y = FE_ONE; h->Z = FE_ONE; h->T = FE_ZERO; }
FE_INLINE void ge_cached_identity(ge_cached *h) { h->YplusX = FE_ONE; h->YminusX = FE_ONE; h->Z = FE_ONE; h->T2d = FE_ZERO; }

FE_INLINE void ge_p3_to_cached(ge_cached *r, const ge_p3 *p) {
    fe_add(&r->YplusX, &p->Y, &p->X);
    fe_sub(&r->YminusX, &p->Y, &p->X);
    r->Z = p->Z;
    fe_mul(&r->T2d, &p->T, &FE_D2);
}

FE_INLINE void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
    fe_mul(&r->T, &p->X, &p->Y);
}

FE_INLINE void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
}

FE_INLINE void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p) { r->X = p->X; r->Y = p->Y; r->Z = p->Z; }

/* A ge_p1p1 is only ever read by ge_p1p1_to_p3/_p2 (fe_mul), so the formulas below leave most of its
 * sums uncarried (fe_add_nc/fe_sub_nc): every such limb stays < 2^54, and the one uncarried value
 * squared (A in ge_p2_dbl) < 2^52 + 2^18 (the bounds of field.h). */

/* r = 2p */
FE_INLINE void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p) {
    fe XX, YY, B, A, AA;
    fe_sq(&XX, &p->X);
    fe_sq(&YY, &p->Y);
    fe_sq(&B, &p->Z);
    fe_add_nc(&B, &B, &B);          /* < 2^52.1 */
    fe_add_nc(&A, &p->X, &p->Y);    /* < 2^52.1, squared next */
    fe_sq(&AA, &A);
    fe_add_nc(&r->Y, &YY, &XX);     /* < 2^52.1 */
    fe_sub(&r->Z, &YY, &XX);        /* carried: it is subtracted below */
    fe_sub_nc(&r->X, &AA, &r->Y);   /* < 2^53.4 */
    fe_sub_nc(&r->T, &B, &r->Z);    /* < 2^53.6 */
}

FE_INLINE void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p) {
    ge_p2 q;
    ge_p3_to_p2(&q, p);
    ge_p2_dbl(r, &q);
}

/* r = p + q */
FE_INLINE void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe A, B, C, D, t;
    fe_sub_nc(&t, &p->Y, &p->X);    /* < 2^53.1 */
    fe_mul(&A, &t, &q->YminusX);
    fe_add_nc(&t, &p->Y, &p->X);    /* < 2^52.1 */
    fe_mul(&B, &t, &q->YplusX);
    fe_mul(&C, &p->T, &q->T2d);
    fe_mul(&D, &p->Z, &q->Z);
    fe_add_nc(&D, &D, &D);          /* < 2^52.1 */
    fe_sub_nc(&r->X, &B, &A);       /* < 2^53.1 */
    fe_add_nc(&r->Y, &B, &A);       /* < 2^52.1 */
    fe_add_nc(&r->Z, &D, &C);       /* < 2^52.6 */
    fe_sub_nc(&r->T, &D, &C);       /* < 2^53.6 */
}

/* r = p - q */
FE_INLINE void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe A, B, C, D, t;
    fe_sub_nc(&t, &p->Y, &p->X);    /* bounds as in ge_add */
    fe_mul(&A, &t, &q->YplusX);
    fe_add_nc(&t, &p->Y, &p->X);
    fe_mul(&B, &t, &q->YminusX);
    fe_mul(&C, &p->T, &q->T2d);
    fe_mul(&D, &p->Z, &q->Z);
    fe_add_nc(&D, &D, &D);
    fe_sub_nc(&r->X, &B, &A);
    fe_add_nc(&r->Y, &B, &A);
    fe_sub_nc(&r->Z, &D, &C);
    fe_add_nc(&r->T, &D, &C);
}

FE_INLINE void ge_add_p3(ge_p3 *r, const ge_p3 *p, const ge_cached *q) {
    ge_p1p1 t;
    ge_add(&t, p, q);
    ge_p1p1_to_p3(r, &t);
}

FE_INLINE void ge_sub_p3(ge_p3 *r, const ge_p3 *p, const ge_cached *q) {
    ge_p1p1 t;
    ge_sub(&t, p, q);
    ge_p1p1_to_p3(r, &t);
}

FE_INLINE void ge_cached_cmov(ge_cached *t, const ge_cached *u, uint64_t b) {
    fe_cmov(&t->YplusX, &u->YplusX, b);
    fe_cmov(&t->YminusX, &u->YminusX, b);
    fe_cmov(&t->Z, &u->Z, b);
    fe_cmov(&t->T2d, &u->T2d, b);
}

FE_INLINE void ge_cached_neg(ge_cached *r, const ge_cached *p) {
    r->YplusX = p->YminusX;
    r->YminusX = p->YplusX;
    r->Z = p->Z;
    fe_neg(&r->T2d, &p->T2d);
}

/* Edwards generator B (x even, y = 4/5). */
static const ge_p3 GE_BASE = {
    {{ 0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL, 0x216936d3cd6e5ULL }},
    {{ 0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL, 0x6666666666666ULL }},
    {{ 1, 0, 0, 0, 0 }},
    {{ 0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL, 0x67875f0fd78b7ULL }},
};

/* Shared by the constant-time multiplications (scalarmult.c, ed25519_sign.c). */
/* e[0..63] in [-8, 8] with s = Σ e[i] 16^i; needs s[31] <= 127 (true for every scalar < 2^255). */
static inline void signed_radix16(int8_t e[64], const uint8_t s[32]) {
    for (int i = 0; i < 32; i++) {
        e[2 * i] = (int8_t)(s[i] & 15);
        e[2 * i + 1] = (int8_t)((s[i] >> 4) & 15);
    }
    int8_t carry = 0;
    for (int i = 0; i < 63; i++) {
        e[i] = (int8_t)(e[i] + carry);
        carry = (int8_t)((e[i] + 8) >> 4);
        e[i] = (int8_t)(e[i] - (carry * 16));
    }
    e[63] = (int8_t)(e[63] + carry);
}

static inline uint64_t ct_equal_u8(uint8_t a, uint8_t b) { return (uint64_t)((((uint32_t)(a ^ b)) - 1) >> 31); }

/* Internal entry points shared by the .c files. */
int cr_sqrt_ratio_m1_fe(fe *r, const fe *u, const fe *v);

#endif
