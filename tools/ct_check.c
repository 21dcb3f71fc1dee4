/* make ct-check: a dudect-style timing-leak check of CRistretto's secret-scalar multiplications
 * (cr_scalarmult, cr_scalarmult_base, cr_ed25519_scalarmult_base). Not part of `make test`: it measures time, so its verdict
 * depends on the machine; it is a tool for looking, not a test that gates anything.
 *
 * Method (Reparaz, Balasch, Verbauwhede, "dude, is my code constant time?", 2017): two classes of
 * secret scalars, class 0 a fixed scalar with very few non-zero digits (1) and class 1 fresh
 * random scalars < 2^252, interleaved at random; each call is timed with the cycle counter; Welch's
 * t statistic compares the two classes' timings, over all measurements and over measurements below
 * several percentiles (cropping removes the long tail that interrupts cause). |t| above 4.5 would be
 * evidence of a leak; dudect treats |t| > 10 as a definite one.
 *
 * usage: ct-check [MEASUREMENTS]   (default 200000 per function) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "cristretto.h"
#include "cr_ed25519_sign.h"

typedef struct { double n, mean, m2; } welch;

static void welch_push(welch *w, double x) {
    w->n += 1;
    double d = x - w->mean;
    w->mean += d / w->n;
    w->m2 += d * (x - w->mean);
}

static double welch_t(const welch *a, const welch *b) {
    if (a->n < 2 || b->n < 2) return 0;
    double va = a->m2 / (a->n - 1), vb = b->m2 / (b->n - 1);
    return (a->mean - b->mean) / sqrt(va / a->n + vb / b->n);
}

/* xorshift128+ for the class choice and the random scalars (test data, not secrets). */
static uint64_t rng_s[2] = { 0x9e3779b97f4a7c15ULL, 0xd1b54a32d192ed03ULL };
static uint64_t rng(void) {
    uint64_t x = rng_s[0], y = rng_s[1];
    rng_s[0] = y;
    x ^= x << 23;
    rng_s[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
    return rng_s[1] + y;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* kind: 0 cr_scalarmult, 1 cr_scalarmult_base, 2 cr_ed25519_scalarmult_base. */
static void check(const char *name, int kind, size_t n) {
    uint8_t *scalars = malloc(32 * n), *cls = malloc(n);
    uint64_t *t = malloc(sizeof(uint64_t) * n), *sorted = malloc(sizeof(uint64_t) * n);
    cr_point p, out;
    uint8_t encoding[32];
    cr_point_generator(&p);
    uint8_t k[32] = { 7 };
    cr_scalarmult(&p, k, &p);   /* a fixed point other than the generator */
    for (size_t i = 0; i < n; i++) {
        cls[i] = rng() & 1;
        uint8_t *s = scalars + 32 * i;
        memset(s, 0, 32);
        if (cls[i] == 0) s[0] = 1;
        else { for (int j = 0; j < 4; j++) { uint64_t r = rng(); memcpy(s + 8 * j, &r, 8); } s[31] &= 0x0f; }
    }
    for (size_t i = 0; i < n; i++) {
        unsigned aux;
        uint64_t t0 = __rdtscp(&aux);
        if (kind == 1) cr_scalarmult_base(&out, scalars + 32 * i);
        else if (kind == 2) cr_ed25519_scalarmult_base(encoding, scalars + 32 * i);
        else cr_scalarmult(&out, scalars + 32 * i, &p);
        uint64_t t1 = __rdtscp(&aux);
        t[i] = t1 - t0;
    }
    memcpy(sorted, t, sizeof(uint64_t) * n);
    qsort(sorted, n, sizeof(uint64_t), cmp_u64);
    const double pct[] = { 1.0, 0.99, 0.9, 0.5 };
    double worst = 0;
    printf("%s: %zu measurements, median %llu cycles\n", name, n, (unsigned long long)sorted[n / 2]);
    for (int c = 0; c < 4; c++) {
        uint64_t cut = sorted[(size_t)(pct[c] * (double)(n - 1))];
        welch w[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
        for (size_t i = 0; i < n; i++) if (t[i] <= cut) welch_push(&w[cls[i]], (double)t[i]);
        double tv = welch_t(&w[0], &w[1]);
        if (fabs(tv) > fabs(worst)) worst = tv;
        printf("  below the %4.0f%% percentile: t = %+7.2f (class 0 mean %.0f, class 1 mean %.0f cycles)\n", pct[c] * 100, tv,
               w[0].mean, w[1].mean);
    }
    printf("{\"name\":\"ct.%s.max_abs_t\",\"unit\":\"t\",\"value\":%.2f,\"measurements\":%zu,\"verdict\":\"%s\"}\n", name, fabs(worst), n,
           fabs(worst) > 10 ? "leak" : fabs(worst) > 4.5 ? "suspect" : "no evidence of a leak");
    (void)out;
    (void)encoding;
    free(scalars); free(cls); free(t); free(sorted);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 200000;
    if (n < 1000) n = 1000;
    check("cr_scalarmult", 0, n);
    check("cr_scalarmult_base", 1, n);
    check("cr_ed25519_scalarmult_base", 2, n);
    return 0;
}
