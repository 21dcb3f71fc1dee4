/* RFC 9496 §4: ristretto255 decoding, encoding, equality and the element derivation map. */
#include "point.h"

/* RFC 9496 §4.2 SQRT_RATIO_M1, constant time. Returns was_square. */
CR_MULX_CLONES int cr_sqrt_ratio_m1_fe(fe *out, const fe *u, const fe *v) {
    fe v3, v7, r, check, t, neg_u, neg_u_i, r_prime;
    fe_sq(&v3, v);
    fe_mul(&v3, &v3, v);          /* v^3 */
    fe_sq(&v7, &v3);
    fe_mul(&v7, &v7, v);          /* v^7 */
    fe_mul(&t, u, &v7);           /* u v^7 */
    fe_pow22523(&t, &t);          /* (u v^7)^((p-5)/8) */
    fe_mul(&r, u, &v3);
    fe_mul(&r, &r, &t);           /* r = u v^3 (u v^7)^((p-5)/8) */
    fe_sq(&check, &r);
    fe_mul(&check, &check, v);    /* v r^2 */
    fe_neg(&neg_u, u);
    fe_mul(&neg_u_i, &neg_u, &FE_SQRT_M1);
    int correct = fe_equal(&check, u);
    int flipped = fe_equal(&check, &neg_u);
    int flipped_i = fe_equal(&check, &neg_u_i);
    fe_mul(&r_prime, &r, &FE_SQRT_M1);
    fe_cmov(&r, &r_prime, (uint64_t)(flipped | flipped_i));
    fe_abs(out, &r);
    return correct | flipped;
}

int cr_sqrt_ratio_m1(uint8_t r[32], const uint8_t u[32], const uint8_t v[32]) {
    fe fu, fv, fr;
    fe_frombytes(&fu, u);
    fe_frombytes(&fv, v);
    int was_square = cr_sqrt_ratio_m1_fe(&fr, &fu, &fv);
    fe_tobytes(r, &fr);
    return was_square;
}

CR_MULX_CLONES int cr_point_decode(cr_point *out, const uint8_t in[32]) {
    fe s, ss, u1, u2, u2_sqr, v, t, invsqrt, den_x, den_y, x, y, xy;
    uint8_t check[32];
    fe_frombytes(&s, in);
    fe_tobytes(check, &s);
    uint8_t diff = 0;
    for (int i = 0; i < 32; i++) diff |= (uint8_t)(check[i] ^ in[i]);   /* catches s >= p and bit 255 */
    int canonical = (int)(((uint32_t)diff - 1) >> 31);
    int s_negative = fe_isnegative(&s);

    fe_sq(&ss, &s);
    fe_sub(&u1, &FE_ONE, &ss);            /* 1 + a s^2 */
    fe_add(&u2, &FE_ONE, &ss);            /* 1 - a s^2 */
    fe_sq(&u2_sqr, &u2);
    fe_sq(&t, &u1);
    fe_mul(&t, &t, &FE_D);
    fe_neg(&t, &t);
    fe_sub(&v, &t, &u2_sqr);              /* -(D u1^2) - u2^2 */
    fe_mul(&t, &v, &u2_sqr);
    int was_square = cr_sqrt_ratio_m1_fe(&invsqrt, &FE_ONE, &t);
    fe_mul(&den_x, &invsqrt, &u2);
    fe_mul(&den_y, &invsqrt, &den_x);
    fe_mul(&den_y, &den_y, &v);
    fe_mul(&x, &s, &den_x);
    fe_add(&x, &x, &x);
    fe_abs(&x, &x);
    fe_mul(&y, &u1, &den_y);
    fe_mul(&xy, &x, &y);
    int ok = canonical & (1 - s_negative) & was_square & (1 - fe_isnegative(&xy)) & (1 - fe_iszero(&y));
    ge_p3 *p = ge_from_cr_mut(out);
    p->X = x;
    p->Y = y;
    p->Z = FE_ONE;
    p->T = xy;
    return ok ? 0 : -1;
}

CR_MULX_CLONES void cr_point_encode(uint8_t out[32], const cr_point *point) {
    const ge_p3 *p = ge_from_cr(point);
    fe u1, u2, t, invsqrt, den1, den2, z_inv, ix0, iy0, enchanted, x, y, den_inv, ny;
    fe_add(&u1, &p->Z, &p->Y);
    fe_sub(&t, &p->Z, &p->Y);
    fe_mul(&u1, &u1, &t);                 /* (z0 + y0)(z0 - y0) */
    fe_mul(&u2, &p->X, &p->Y);
    fe_sq(&t, &u2);
    fe_mul(&t, &t, &u1);
    (void)cr_sqrt_ratio_m1_fe(&invsqrt, &FE_ONE, &t);
    fe_mul(&den1, &invsqrt, &u1);
    fe_mul(&den2, &invsqrt, &u2);
    fe_mul(&z_inv, &den1, &den2);
    fe_mul(&z_inv, &z_inv, &p->T);
    fe_mul(&ix0, &p->X, &FE_SQRT_M1);
    fe_mul(&iy0, &p->Y, &FE_SQRT_M1);
    fe_mul(&enchanted, &den1, &FE_INVSQRT_A_MINUS_D);
    fe_mul(&t, &p->T, &z_inv);
    uint64_t rotate = (uint64_t)fe_isnegative(&t);
    x = p->X;
    y = p->Y;
    fe_cmov(&x, &iy0, rotate);
    fe_cmov(&y, &ix0, rotate);
    den_inv = den2;
    fe_cmov(&den_inv, &enchanted, rotate);
    fe_mul(&t, &x, &z_inv);
    fe_cneg(&ny, &y, (uint64_t)fe_isnegative(&t));
    fe_sub(&t, &p->Z, &ny);
    fe_mul(&t, &den_inv, &t);
    fe_abs(&t, &t);
    fe_tobytes(out, &t);
}

/* RFC 9496 §4.3.3: (x1 y2 == y1 x2) | (y1 y2 == x1 x2). */
CR_MULX_CLONES int cr_point_equal(const cr_point *a, const cr_point *b) {
    const ge_p3 *p = ge_from_cr(a), *q = ge_from_cr(b);
    fe l, r;
    fe_mul(&l, &p->X, &q->Y);
    fe_mul(&r, &p->Y, &q->X);
    int e1 = fe_equal(&l, &r);
    fe_mul(&l, &p->Y, &q->Y);
    fe_mul(&r, &p->X, &q->X);
    int e2 = fe_equal(&l, &r);
    return e1 | e2;
}

int cr_point_is_identity(const cr_point *a) {
    const ge_p3 *p = ge_from_cr(a);
    return fe_iszero(&p->X) | fe_iszero(&p->Y);
}

/* RFC 9496 §4.3.4 MAP. */
CR_MULX_CLONES static void ristretto_map(ge_p3 *out, const fe *t) {
    fe r, u, v, s, s_prime, c, N, w0, w1, w2, w3, tmp, rd;
    fe_sq(&r, t);
    fe_mul(&r, &r, &FE_SQRT_M1);
    fe_add(&u, &r, &FE_ONE);
    fe_mul(&u, &u, &FE_ONE_MINUS_D_SQ);
    fe_mul(&rd, &r, &FE_D);
    fe_neg(&tmp, &FE_ONE);
    fe_sub(&tmp, &tmp, &rd);             /* -1 - r D */
    fe_add(&v, &r, &FE_D);
    fe_mul(&v, &tmp, &v);
    uint64_t was_square = (uint64_t)cr_sqrt_ratio_m1_fe(&s, &u, &v);
    fe_mul(&s_prime, &s, t);
    fe_abs(&s_prime, &s_prime);
    fe_neg(&s_prime, &s_prime);
    fe_cmov(&s_prime, &s, was_square);   /* s = was_square ? s : s' */
    s = s_prime;
    c = r;
    fe_neg(&tmp, &FE_ONE);
    fe_cmov(&c, &tmp, was_square);
    fe_sub(&tmp, &r, &FE_ONE);
    fe_mul(&N, &c, &tmp);
    fe_mul(&N, &N, &FE_D_MINUS_ONE_SQ);
    fe_sub(&N, &N, &v);
    fe_mul(&w0, &s, &v);
    fe_add(&w0, &w0, &w0);
    fe_mul(&w1, &N, &FE_SQRT_AD_MINUS_ONE);
    fe_sq(&tmp, &s);
    fe_sub(&w2, &FE_ONE, &tmp);
    fe_add(&w3, &FE_ONE, &tmp);
    fe_mul(&out->X, &w0, &w3);
    fe_mul(&out->Y, &w2, &w1);
    fe_mul(&out->Z, &w1, &w3);
    fe_mul(&out->T, &w0, &w2);
}

void cr_point_from_uniform(cr_point *out, const uint8_t in[64]) {
    fe r0, r1;
    ge_p3 p0, p1;
    ge_cached c1;
    fe_frombytes(&r0, in);
    fe_frombytes(&r1, in + 32);
    ristretto_map(&p0, &r0);
    ristretto_map(&p1, &r1);
    ge_p3_to_cached(&c1, &p1);
    ge_add_p3(ge_from_cr_mut(out), &p0, &c1);
}

void cr_point_identity(cr_point *out) { ge_p3_identity(ge_from_cr_mut(out)); }
void cr_point_generator(cr_point *out) { *ge_from_cr_mut(out) = GE_BASE; }

void cr_point_add(cr_point *out, const cr_point *a, const cr_point *b) {
    ge_cached c;
    ge_p3_to_cached(&c, ge_from_cr(b));
    ge_add_p3(ge_from_cr_mut(out), ge_from_cr(a), &c);
}

void cr_point_sub(cr_point *out, const cr_point *a, const cr_point *b) {
    ge_cached c;
    ge_p3_to_cached(&c, ge_from_cr(b));
    ge_sub_p3(ge_from_cr_mut(out), ge_from_cr(a), &c);
}

void cr_point_neg(cr_point *out, const cr_point *a) {
    const ge_p3 *p = ge_from_cr(a);
    ge_p3 *r = ge_from_cr_mut(out);
    fe_neg(&r->X, &p->X);
    r->Y = p->Y;
    r->Z = p->Z;
    fe_neg(&r->T, &p->T);
}
