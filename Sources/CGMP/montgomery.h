#ifndef PERENNIAL_CGMP_MONTGOMERY_H
#define PERENNIAL_CGMP_MONTGOMERY_H
/*
 * Montgomery arithmetic for the Schnorr groups on GMP's public mpn layer, for PUBLIC exponents only.
 *
 * VARIABLE TIME: branches, loop counts and table indices depend on the exponents. Every caller is a
 * verification (proofs, ciphertexts, keys and the group order are public). Secret exponents never
 * come here: they go through mpz_powm_sec.
 *
 * Why not mpz_mul + mpz_mod: the division costs ~2.5 multiplications at 2048 bits, while REDC costs
 * about one; and values stay in Montgomery form (x·R mod m) from the tables to the result, converted
 * once at the end.
 *
 * Three tools, all over one context (the modulus):
 *  - perennial_mont_table: a fixed-base table (base^(d·2^(w·i)) for every window i, digit d), so
 *    base^e is one product per non-zero window and no squaring (for g and the election key);
 *  - perennial_mont_ladder: the powers x^(2^(w·i)) of one variable base (the squarings of one
 *    exponentiation, kept), so every further x^e costs ~bits/w + 2^w products (Yao's method). The
 *    ciphertext parts α, β are each raised to q (membership) and to −c_j in every proof branch:
 *    one chain of squarings serves them all;
 *  - perennial_mont_table_ladder_exp: table^e1 · ladder^e2, converted out of Montgomery form once.
 */
#include <stdlib.h>
#include <string.h>
#include <gmp.h>

/* Largest modulus supported: 8192 bits (the groups use 2048 and 4096); bounds the stack scratch. */
enum { PERENNIAL_MONT_MAX_LIMBS = 128 };
/* Most windows a ladder may have (exponents of up to 1024·w bits); bounds the stack scratch. */
enum { PERENNIAL_MONT_MAX_DIGITS = 1024 };

typedef struct {
    mp_size_t n;     /* limbs of m */
    mp_limb_t *m;    /* the odd modulus, n limbs */
    mp_limb_t minv;  /* −1/m mod 2^64 */
    mp_limb_t *r2;   /* R² mod m, R = 2^(64·n): x → x·R by one product */
    mp_limb_t *one;  /* R mod m: 1 in Montgomery form */
} perennial_mont;

/* rp = tp·R⁻¹ mod m, fully reduced, for tp < m·R (2n limbs, destroyed). GMP's redc_1 loop. */
static inline void perennial_mont_redc(const perennial_mont *c, mp_limb_t *rp, mp_limb_t *tp) {
    mp_size_t n = c->n;
    mp_limb_t *up = tp;
    for (mp_size_t j = 0; j < n; j++) {
        mp_limb_t q0 = up[0] * c->minv;
        up[0] = mpn_addmul_1(up, c->m, n, q0); /* up[0] became 0; keep the carry there */
        up++;
    }
    mp_limb_t cy = mpn_add_n(rp, up, tp, n);
    if (cy || mpn_cmp(rp, c->m, n) >= 0) mpn_sub_n(rp, rp, c->m, n);
}

/* rp = a·b·R⁻¹ mod m (a, b < m; rp may alias a or b). */
static inline void perennial_mont_mul(const perennial_mont *c, mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b) {
    mp_limb_t t[2 * PERENNIAL_MONT_MAX_LIMBS];
    if (a == b) mpn_sqr(t, a, c->n); else mpn_mul_n(t, a, b, c->n);
    perennial_mont_redc(c, rp, t);
}

static inline void perennial_mont_sqr(const perennial_mont *c, mp_limb_t *rp, const mp_limb_t *a) {
    mp_limb_t t[2 * PERENNIAL_MONT_MAX_LIMBS];
    mpn_sqr(t, a, c->n);
    perennial_mont_redc(c, rp, t);
}

/* A context for an odd modulus m > 1 of at most PERENNIAL_MONT_MAX_LIMBS limbs; NULL otherwise or
 * if memory runs out. */
static inline perennial_mont *perennial_mont_new(const __mpz_struct *m) {
    mp_size_t n = (mp_size_t)mpz_size(m);
    if (mpz_sgn(m) <= 0 || !mpz_odd_p(m) || mpz_cmp_ui(m, 1) <= 0 || n > PERENNIAL_MONT_MAX_LIMBS) return NULL;
    perennial_mont *c = calloc(1, sizeof *c);
    mp_limb_t *limbs = calloc(3 * (size_t)n, sizeof(mp_limb_t));
    if (!c || !limbs) { free(c); free(limbs); return NULL; }
    c->n = n;
    c->m = limbs;
    c->r2 = limbs + n;
    c->one = limbs + 2 * n;
    memcpy(c->m, mpz_limbs_read(m), (size_t)n * sizeof(mp_limb_t));
    /* Newton's iteration for 1/m0 mod 2^64: m0 is its own inverse mod 8; each step doubles the bits. */
    mp_limb_t inv = c->m[0];
    for (int i = 0; i < 5; i++) inv *= 2 - c->m[0] * inv;
    c->minv = (mp_limb_t)0 - inv;
    mpz_t t;
    mpz_init(t);
    mpz_setbit(t, (mp_bitcnt_t)(2 * 64 * n));
    mpz_mod(t, t, m);
    memcpy(c->r2, mpz_limbs_read(t), mpz_size(t) * sizeof(mp_limb_t));
    mpz_set_ui(t, 0);
    mpz_setbit(t, (mp_bitcnt_t)(64 * n));
    mpz_mod(t, t, m);
    memcpy(c->one, mpz_limbs_read(t), mpz_size(t) * sizeof(mp_limb_t));
    mpz_clear(t);
    return c;
}

static inline void perennial_mont_free(perennial_mont *c) {
    if (!c) return;
    free(c->m);
    free(c);
}

/* out = (x mod m)·R mod m, for x ≥ 0 (callers pass reduced values; others are reduced first). */
static inline void perennial_mont_in(const perennial_mont *c, mp_limb_t *out, const __mpz_struct *x) {
    mp_limb_t xl[PERENNIAL_MONT_MAX_LIMBS];
    size_t k = mpz_size(x), n = (size_t)c->n;
    memset(xl, 0, n * sizeof(mp_limb_t));
    if (k < n || (k == n && mpn_cmp(mpz_limbs_read(x), c->m, c->n) < 0)) {
        memcpy(xl, mpz_limbs_read(x), k * sizeof(mp_limb_t));
    } else {
        mpz_t mm, rr;
        mpz_init(rr);
        mpz_tdiv_r(rr, x, mpz_roinit_n(mm, c->m, c->n));
        memcpy(xl, mpz_limbs_read(rr), mpz_size(rr) * sizeof(mp_limb_t));
        mpz_clear(rr);
    }
    perennial_mont_mul(c, out, xl, c->r2);
}

/* r = a·R⁻¹ mod m as an mpz (a in Montgomery form → the ordinary value). */
static inline void perennial_mont_out(const perennial_mont *c, __mpz_struct *r, const mp_limb_t *a) {
    mp_limb_t t[2 * PERENNIAL_MONT_MAX_LIMBS];
    mp_size_t n = c->n;
    memcpy(t, a, (size_t)n * sizeof(mp_limb_t));
    memset(t + n, 0, (size_t)n * sizeof(mp_limb_t));
    mp_limb_t *rl = mpz_limbs_write(r, n);
    perennial_mont_redc(c, rl, t);
    mp_size_t used = n;
    while (used > 0 && rl[used - 1] == 0) used--;
    mpz_limbs_finish(r, used);
}

/* The w bits of e at bit position `at` (w ≤ 8, e ≥ 0). */
static inline unsigned perennial_mont_digit(const __mpz_struct *e, size_t at, unsigned w) {
    size_t limb = at / 64, shift = at % 64;
    size_t size = mpz_size(e);
    if (limb >= size) return 0;
    mp_limb_t v = mpz_getlimbn(e, (mp_size_t)limb) >> shift;
    if (shift + w > 64 && limb + 1 < size) v |= mpz_getlimbn(e, (mp_size_t)limb + 1) << (64 - shift);
    return (unsigned)(v & (((mp_limb_t)1 << w) - 1));
}

/* ---- Fixed-base tables ---- */

typedef struct {
    const perennial_mont *ctx; /* not owned; must outlive the table */
    size_t windows;
    unsigned w;
    mp_limb_t *entries; /* (base^(d·2^(w·i)))·R mod m at [(i·(2^w − 1) + d − 1)·n] */
} perennial_mont_table;

/* The table of `base` (0 < base < m) for exponents below 2^bits, windows of w bits (1 ≤ w ≤ 8);
 * NULL if memory runs out. */
static inline perennial_mont_table *perennial_mont_table_new(const perennial_mont *c, const __mpz_struct *base, size_t bits, unsigned w) {
    if (w < 1 || w > 8) return NULL;
    size_t per = ((size_t)1 << w) - 1, n = (size_t)c->n;
    perennial_mont_table *t = malloc(sizeof *t);
    if (!t) return NULL;
    t->ctx = c;
    t->w = w;
    t->windows = (bits + w - 1) / w;
    t->entries = malloc(t->windows * per * n * sizeof(mp_limb_t));
    if (!t->entries) { free(t); return NULL; }
    mp_limb_t wb[PERENNIAL_MONT_MAX_LIMBS];
    perennial_mont_in(c, wb, base);
    for (size_t i = 0; i < t->windows; i++) {
        mp_limb_t *row = t->entries + i * per * n;
        memcpy(row, wb, n * sizeof(mp_limb_t));
        for (size_t d = 1; d < per; d++) perennial_mont_mul(c, row + d * n, row + (d - 1) * n, wb);
        perennial_mont_mul(c, wb, row + (per - 1) * n, wb); /* wb^(2^w) for the next window */
    }
    return t;
}

static inline void perennial_mont_table_free(perennial_mont_table *t) {
    if (!t) return;
    free(t->entries);
    free(t);
}

/* out = base^e (Montgomery form). Returns 0, or -1 if e is wider than the table (out untouched). */
static inline int perennial_mont_table_exp(const perennial_mont_table *t, mp_limb_t *out, const __mpz_struct *e) {
    const perennial_mont *c = t->ctx;
    size_t per = ((size_t)1 << t->w) - 1, n = (size_t)c->n;
    if (mpz_sgn(e) < 0 || (mpz_sgn(e) != 0 && mpz_sizeinbase(e, 2) > t->windows * t->w)) return -1;
    int started = 0;
    for (size_t i = 0; i < t->windows; i++) {
        unsigned d = perennial_mont_digit(e, i * t->w, t->w);
        if (d == 0) continue;
        const mp_limb_t *entry = t->entries + (i * per + d - 1) * n;
        if (!started) { memcpy(out, entry, n * sizeof(mp_limb_t)); started = 1; }
        else perennial_mont_mul(c, out, out, entry);
    }
    if (!started) memcpy(out, c->one, n * sizeof(mp_limb_t));
    return 0;
}

/* ---- Power ladders (one variable base, many exponents) ---- */

typedef struct {
    const perennial_mont *ctx; /* not owned; must outlive the ladder */
    size_t count;
    unsigned w;
    mp_limb_t *entries; /* (x^(2^(w·i)))·R mod m at [i·n], i < count */
} perennial_mont_ladder;

/* The ladder of x (0 < x < m) for exponents below 2^bits (w ≤ 8): bits − w squarings. NULL if memory
 * runs out. */
static inline perennial_mont_ladder *perennial_mont_ladder_new(const perennial_mont *c, const __mpz_struct *x, size_t bits, unsigned w) {
    if (w < 1 || w > 8) return NULL;
    size_t n = (size_t)c->n;
    perennial_mont_ladder *l = malloc(sizeof *l);
    if (!l) return NULL;
    l->ctx = c;
    l->w = w;
    l->count = (bits + w - 1) / w;
    if (l->count == 0) l->count = 1;
    if (l->count > PERENNIAL_MONT_MAX_DIGITS) { free(l); return NULL; }
    l->entries = malloc(l->count * n * sizeof(mp_limb_t));
    if (!l->entries) { free(l); return NULL; }
    perennial_mont_in(c, l->entries, x);
    for (size_t i = 1; i < l->count; i++) {
        mp_limb_t *e = l->entries + i * n;
        perennial_mont_sqr(c, e, e - n);
        for (unsigned s = 1; s < w; s++) perennial_mont_sqr(c, e, e);
    }
    return l;
}

static inline void perennial_mont_ladder_free(perennial_mont_ladder *l) {
    if (!l) return;
    free(l->entries);
    free(l);
}

/* out = x^e (Montgomery form) by Yao's method: for d = 2^w − 1 down to 1, u collects the ladder
 * entries whose digit is ≥ d and acc multiplies u in once per d, so entry i ends up raised to its
 * digit. Returns 0, or -1 if e is wider than the ladder (out untouched). */
static inline int perennial_mont_ladder_exp(const perennial_mont_ladder *l, mp_limb_t *out, const __mpz_struct *e) {
    const perennial_mont *c = l->ctx;
    size_t n = (size_t)c->n;
    if (mpz_sgn(e) < 0 || (mpz_sgn(e) != 0 && mpz_sizeinbase(e, 2) > l->count * l->w)) return -1;
    unsigned char digits[PERENNIAL_MONT_MAX_DIGITS];
    size_t count = l->count;
    unsigned top = 0;
    for (size_t i = 0; i < count; i++) {
        digits[i] = (unsigned char)perennial_mont_digit(e, i * l->w, l->w);
        if (digits[i] > top) top = digits[i];
    }
    mp_limb_t u[PERENNIAL_MONT_MAX_LIMBS];
    int uStarted = 0, accStarted = 0;
    for (unsigned d = top; d >= 1; d--) {
        for (size_t i = 0; i < count; i++) {
            if (digits[i] != d) continue;
            const mp_limb_t *entry = l->entries + i * n;
            if (!uStarted) { memcpy(u, entry, n * sizeof(mp_limb_t)); uStarted = 1; }
            else perennial_mont_mul(c, u, u, entry);
        }
        if (!accStarted) { memcpy(out, u, n * sizeof(mp_limb_t)); accStarted = 1; }
        else perennial_mont_mul(c, out, out, u);
    }
    if (!accStarted) memcpy(out, c->one, n * sizeof(mp_limb_t));
    return 0;
}

/* Whether x^e ≡ 1 (mod m), e.g. e = q for subgroup membership. -1 if e is wider than the ladder. */
static inline int perennial_mont_ladder_exp_is_one(const perennial_mont_ladder *l, const __mpz_struct *e) {
    mp_limb_t r[PERENNIAL_MONT_MAX_LIMBS];
    if (perennial_mont_ladder_exp(l, r, e) != 0) return -1;
    return mpn_cmp(r, l->ctx->one, l->ctx->n) == 0;
}

/* r = table^e1 · ladder^e2 mod m (both over the same context). 0, or -1 if an exponent is too wide
 * (r untouched). */
static inline int perennial_mont_table_ladder_exp(__mpz_struct *r, const perennial_mont_table *t, const __mpz_struct *e1,
                                                  const perennial_mont_ladder *l, const __mpz_struct *e2) {
    mp_limb_t a[PERENNIAL_MONT_MAX_LIMBS], b[PERENNIAL_MONT_MAX_LIMBS];
    if (t->ctx != l->ctx) return -1;
    if (perennial_mont_table_exp(t, a, e1) != 0 || perennial_mont_ladder_exp(l, b, e2) != 0) return -1;
    perennial_mont_mul(t->ctx, a, a, b);
    perennial_mont_out(t->ctx, r, a);
    return 0;
}

/* r = table^e mod m. 0, or -1 if e is too wide (r untouched). */
static inline int perennial_mont_table_exp_out(__mpz_struct *r, const perennial_mont_table *t, const __mpz_struct *e) {
    mp_limb_t a[PERENNIAL_MONT_MAX_LIMBS];
    if (perennial_mont_table_exp(t, a, e) != 0) return -1;
    perennial_mont_out(t->ctx, r, a);
    return 0;
}

/* ---- Multi-exponentiation (many variable bases, optional fixed-base tables) ---- */

/* r = Π tables[i]^texps[i] · Π bases[j]^exps[j] mod m (exponents ≥ 0, bases 0 < x < m), for batch
 * verification and batched membership. The variable bases share one chain of squarings (Straus,
 * interleaved sliding windows over odd powers: 5-bit windows for exponents over 160 bits, 4-bit for
 * shorter ones such as 128-bit weights); each table contributes one product per non-zero window.
 * Returns 0, or -1 if memory runs out, a table belongs to another context or an exponent is wider
 * than its table (r untouched). */
static inline int perennial_mont_multi_exp(__mpz_struct *r, const perennial_mont *c,
                                           const perennial_mont_table *const *tables, const __mpz_struct *const *texps, size_t nt,
                                           const __mpz_struct *const *bases, const __mpz_struct *const *exps, size_t n) {
    enum { WMAX = 5, HALFMAX = 1 << (WMAX - 1) };
    size_t limbs = (size_t)c->n, bits = 0;
    for (size_t i = 0; i < nt; i++)
        if (tables[i]->ctx != c) return -1;
    for (size_t j = 0; j < n; j++) {
        if (mpz_sgn(exps[j]) < 0) return -1;
        if (mpz_sgn(exps[j]) != 0 && mpz_sizeinbase(exps[j], 2) > bits) bits = mpz_sizeinbase(exps[j], 2);
    }
    mp_limb_t acc[PERENNIAL_MONT_MAX_LIMBS], x[PERENNIAL_MONT_MAX_LIMBS];
    mp_limb_t *tab = NULL;
    unsigned char *dig = NULL;
    if (bits > 0) {
        tab = malloc(n * HALFMAX * limbs * sizeof(mp_limb_t));
        dig = calloc(n * bits, 1);
        if (!tab || !dig) { free(tab); free(dig); return -1; }
    }
    int started = 0;
    if (bits > 0) {
        for (size_t j = 0; j < n; j++) {
            if (mpz_sgn(exps[j]) == 0) continue;
            size_t ebits = mpz_sizeinbase(exps[j], 2);
            unsigned w = ebits > 160 ? 5 : 4;
            size_t half = (size_t)1 << (w - 1);
            mp_limb_t *row = tab + j * HALFMAX * limbs, sq[PERENNIAL_MONT_MAX_LIMBS];
            perennial_mont_in(c, row, bases[j]);
            perennial_mont_sqr(c, sq, row);
            for (size_t k = 1; k < half; k++) perennial_mont_mul(c, row + k * limbs, row + (k - 1) * limbs, sq);
            /* Left-to-right windows of at most w bits ending in a set bit: odd digit v at its low bit. */
            long hi = (long)ebits - 1;
            while (hi >= 0) {
                if (!mpz_tstbit(exps[j], (mp_bitcnt_t)hi)) { hi--; continue; }
                long lo = hi - (long)w + 1;
                if (lo < 0) lo = 0;
                while (!mpz_tstbit(exps[j], (mp_bitcnt_t)lo)) lo++;
                unsigned v = 0;
                for (long b = hi; b >= lo; b--) v = (v << 1) | (unsigned)mpz_tstbit(exps[j], (mp_bitcnt_t)b);
                dig[j * bits + (size_t)lo] = (unsigned char)v;
                hi = lo - 1;
            }
        }
        for (long b = (long)bits - 1; b >= 0; b--) {
            if (started) perennial_mont_sqr(c, acc, acc);
            for (size_t j = 0; j < n; j++) {
                unsigned v = dig[j * bits + (size_t)b];
                if (v == 0) continue;
                const mp_limb_t *entry = tab + (j * HALFMAX + (v >> 1)) * limbs;
                if (!started) { memcpy(acc, entry, limbs * sizeof(mp_limb_t)); started = 1; }
                else perennial_mont_mul(c, acc, acc, entry);
            }
        }
    }
    free(tab);
    free(dig);
    for (size_t i = 0; i < nt; i++) {
        if (perennial_mont_table_exp(tables[i], x, texps[i]) != 0) return -1;
        if (!started) { memcpy(acc, x, limbs * sizeof(mp_limb_t)); started = 1; }
        else perennial_mont_mul(c, acc, acc, x);
    }
    if (!started) memcpy(acc, c->one, limbs * sizeof(mp_limb_t));
    perennial_mont_out(c, r, acc);
    return 0;
}

#endif
