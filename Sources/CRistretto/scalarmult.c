/* Constant-time scalar multiplication (secret scalars): signed radix-16 digits, tables read with
 * conditional moves only, the same sequence of field operations for every scalar. */
#include <pthread.h>
#include "point.h"

/* t = b·P from table[j] = (j+1)·P, j < 8, without a secret-dependent branch or index. */
static void select_cached(ge_cached *t, const ge_cached table[8], int8_t b) {
    uint64_t negative = (uint64_t)((uint8_t)b >> 7);
    uint8_t babs = (uint8_t)(b - (int8_t)(((-(int8_t)negative) & b) * 2));
    ge_cached_identity(t);
    for (int j = 0; j < 8; j++) ge_cached_cmov(t, &table[j], ct_equal_u8(babs, (uint8_t)(j + 1)));
    ge_cached minus;
    ge_cached_neg(&minus, t);
    ge_cached_cmov(t, &minus, negative);
}

CR_MULX_CLONES void cr_scalarmult(cr_point *out, const uint8_t s[32], const cr_point *point) {
    const ge_p3 *p = ge_from_cr(point);
    ge_cached table[8];
    ge_p3 multiple = *p, h;
    ge_p1p1 t;
    ge_p2 h2;
    ge_p3_to_cached(&table[0], p);
    for (int j = 1; j < 8; j++) {
        ge_add_p3(&multiple, &multiple, &table[0]);
        ge_p3_to_cached(&table[j], &multiple);
    }
    int8_t e[64];
    signed_radix16(e, s);
    ge_p3_identity(&h);
    for (int i = 63; i >= 0; i--) {
        ge_cached sel;
        select_cached(&sel, table, e[i]);
        ge_add_p3(&h, &h, &sel);
        if (i > 0) {
            ge_p3_to_p2(&h2, &h);
            ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
            ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
            ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
            ge_p2_dbl(&t, &h2); ge_p1p1_to_p3(&h, &t);
        }
    }
    *ge_from_cr_mut(out) = h;
    /* e[] is derived from a secret scalar. */
    volatile int8_t *ve = e;
    for (int i = 0; i < 64; i++) ve[i] = 0;
}

/* Fixed-base table: base_table[k][j] = (j+1)·256^k·B, built once. */
static ge_cached base_table[32][8];
static pthread_once_t base_table_once = PTHREAD_ONCE_INIT;

static void build_base_table(void) {
    ge_p3 pk = GE_BASE;
    for (int k = 0; k < 32; k++) {
        ge_p3 multiple = pk;
        ge_p3_to_cached(&base_table[k][0], &pk);
        for (int j = 1; j < 8; j++) {
            ge_add_p3(&multiple, &multiple, &base_table[k][0]);
            ge_p3_to_cached(&base_table[k][j], &multiple);
        }
        ge_p1p1 t;
        for (int d = 0; d < 8; d++) {
            ge_p3_dbl(&t, &pk);
            ge_p1p1_to_p3(&pk, &t);
        }
    }
}

CR_MULX_CLONES void cr_scalarmult_base(cr_point *out, const uint8_t s[32]) {
    pthread_once(&base_table_once, build_base_table);
    int8_t e[64];
    signed_radix16(e, s);
    ge_p3 h;
    ge_p1p1 t;
    ge_p2 h2;
    ge_cached sel;
    ge_p3_identity(&h);
    for (int i = 1; i < 64; i += 2) {
        select_cached(&sel, base_table[i / 2], e[i]);
        ge_add_p3(&h, &h, &sel);
    }
    ge_p3_to_p2(&h2, &h);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p2(&h2, &t);
    ge_p2_dbl(&t, &h2); ge_p1p1_to_p3(&h, &t);
    for (int i = 0; i < 64; i += 2) {
        select_cached(&sel, base_table[i / 2], e[i]);
        ge_add_p3(&h, &h, &sel);
    }
    *ge_from_cr_mut(out) = h;
    volatile int8_t *ve = e;
    for (int i = 0; i < 64; i++) ve[i] = 0;
}
