/*
 * c_memcheck: a memory-safety and correctness harness for our two hand-written curve libraries,
 * CRistretto (Sources/CRistretto) and the audit's AuditCurve (Audit/Sources/AuditCurve).
 *
 * Built outside SwiftPM by `make c-memcheck`, once with -fsanitize=address,undefined and once plain for
 * valgrind memcheck. Every exported function of both libraries is called with edge and random inputs;
 * every input buffer is a fresh heap block of exactly the size the API documents (NULL when empty), so an
 * out-of-bounds read or write lands in a redzone. Multi-scalar sums are compared with the naive sum of
 * single constant-time scalar multiplications (itself checked against double-and-add), for every term
 * count 0..300 and around every size threshold in both libraries (Straus/Pippenger switch at 190,
 * Pippenger window widths at 500/800/4000/20000; AuditCurve chooses its width from the scalars' lengths).
 * AuditCurve's Ed25519 functions (signature batch) are checked on known points and sums of copies of B.
 *
 * Usage: c_memcheck [quick|full|big] [seed]   (quick: for valgrind; big: adds the 16384..20001 sizes)
 * Prints one line per group of checks and "c_memcheck: OK ..." at the end; exits 1 on the first mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "cristretto.h"
#include "cr_ed25519_batch.h"
#include "cr_ed25519_sign.h"
#include "audit_curve.h"

/* RFC 9496 A.1: [k]B for k = 0..15. */
static const char *SMALL_MULTIPLES[16] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
};
/* RFC 9496 A.2: invalid encodings. */
static const char *BAD_ENCODINGS[29] = {
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};
/* RFC 9496 A.3: element derivation (uniform bytes, expected encoding). */
static const char *HASH_TO_GROUP[7][2] = {
    { "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c14d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
      "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46" },
    { "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b270102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
      "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b" },
    { "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
      "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826" },
    { "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
      "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a" },
    { "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec7675debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
      "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179" },
    { "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
      "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628" },
    { "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c74622c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
      "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065" },
};
/* RFC 9496 A.4: SQRT_RATIO_M1 (u, v, was_square, r). */
static const struct { const char *u, *v; int was_square; const char *r; } SQRT_RATIO[6] = {
    { "0000000000000000000000000000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000000000000000000000000000", 1,
      "0000000000000000000000000000000000000000000000000000000000000000" },
    { "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000", 1,
      "0000000000000000000000000000000000000000000000000000000000000000" },
    { "0100000000000000000000000000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000000000000000000000000000", 0,
      "0000000000000000000000000000000000000000000000000000000000000000" },
    { "0200000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000", 0,
      "3c5ff1b5d8e4113b871bd052f9e7bcd0582804c266ffb2d4f4203eb07fdb7c54" },
    { "0400000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000", 1,
      "0200000000000000000000000000000000000000000000000000000000000000" },
    { "0100000000000000000000000000000000000000000000000000000000000000",
      "0400000000000000000000000000000000000000000000000000000000000000", 1,
      "f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3f" },
};

static unsigned long checks = 0;

#define CHECK(cond, ...) do { checks++; if (!(cond)) { \
    fprintf(stderr, "c_memcheck: FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
    fprintf(stderr, "\n"); exit(1); } } while (0)

/* splitmix64: deterministic, so a failure reproduces from its seed. */
static uint64_t rng_state;
static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static void rng_bytes(uint8_t *out, size_t n) { for (size_t i = 0; i < n; i++) out[i] = (uint8_t)rng(); }

static void unhex(uint8_t *out, const char *hex, size_t n) {
    for (size_t i = 0; i < n; i++) { unsigned v; sscanf(hex + 2 * i, "%2x", &v); out[i] = (uint8_t)v; }
}

/* A heap copy of exactly n bytes (NULL for n = 0), so ASan and valgrind see any access past the end. */
static void *exact(const void *src, size_t n) {
    if (n == 0) return NULL;
    void *p = malloc(n);
    if (!p) { fprintf(stderr, "c_memcheck: out of memory\n"); exit(2); }
    memcpy(p, src, n);
    return p;
}

/* l = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t ORDER[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };

/* Edge scalars (all < 2^255, the documented domain): 0, 1, 2, l-1, l-2, 2^252+1, 2^255-1, 2^128-1,
 * a random 128-bit value, 2^64, for the wNAF's word-at-a-time zero skipping 2^192-2^64 (a carry through
 * whole words of ones), 0x55…55 and 2^200+129 (long zero runs), and random values < 2^252. */
static void scalar_kind(uint8_t s[32], int kind) {
    memset(s, 0, 32);
    switch (kind) {
    case 0: break;
    case 1: s[0] = 1; break;
    case 2: s[0] = 2; break;
    case 3: memcpy(s, ORDER, 32); s[0] -= 1; break;
    case 4: memcpy(s, ORDER, 32); s[0] -= 2; break;
    case 5: s[0] = 1; s[31] = 0x10; break;
    case 6: memset(s, 0xff, 32); s[31] = 0x7f; break;
    case 7: memset(s, 0xff, 16); break;
    case 8: rng_bytes(s, 16); break;
    case 9: s[8] = 1; break;
    case 10: memset(s + 8, 0xff, 16); break;
    case 11: memset(s, 0x55, 32); break;
    case 12: s[0] = 0x81; s[25] = 1; break;
    default: rng_bytes(s, 32); s[31] &= 0x0f; break;
    }
}
#define SCALAR_KINDS 17

/* A random element by the RFC 9496 derivation, so that the fixed-base tables stay cold until check_threads. */
static void random_point(cr_point *p) {
    uint8_t uniform[64];
    rng_bytes(uniform, 64);
    cr_point_from_uniform(p, uniform);
}

/* Edge points: identity, generator, -generator, a repeated point, its negation, random points. */
static cr_point shared_point;
static void point_kind(cr_point *p, int kind) {
    switch (kind) {
    case 0: cr_point_identity(p); break;
    case 1: cr_point_generator(p); break;
    case 2: cr_point_generator(p); cr_point_neg(p, p); break;
    case 3: *p = shared_point; break;
    case 4: cr_point_neg(p, &shared_point); break;
    default: random_point(p); break;
    }
}
#define POINT_KINDS 9

static int same(const cr_point *a, const cr_point *b) { return cr_point_equal(a, b) == 1; }

/* s·P by double-and-add with cr_point_add only: the reference for the reference. */
static void double_and_add(cr_point *out, const uint8_t s[32], const cr_point *p) {
    cr_point acc;
    cr_point_identity(&acc);
    for (int i = 255; i >= 0; i--) {
        cr_point_add(&acc, &acc, &acc);
        if ((s[i / 8] >> (i % 8)) & 1) cr_point_add(&acc, &acc, p);
    }
    *out = acc;
}

static void print_hex(const char *what, const uint8_t *b, size_t n) {
    fprintf(stderr, "%s ", what);
    for (size_t i = 0; i < n; i++) fprintf(stderr, "%02x", b[i]);
    fprintf(stderr, "\n");
}

/* ---- CRistretto: single-point functions ---- */

static void check_cristretto_basics(int rounds) {
    uint8_t enc[32], want[32], back[32];
    cr_point p, q, r, t;
    for (int k = 0; k < 16; k++) {
        uint8_t s[32] = { (uint8_t)k };
        unhex(want, SMALL_MULTIPLES[k], 32);
        cr_scalarmult_base(&p, s);
        cr_point_encode(enc, &p);
        CHECK(memcmp(enc, want, 32) == 0, "[%d]B encodes as RFC 9496 A.1", k);
        CHECK(cr_point_decode(&q, want) == 0 && same(&p, &q), "A.1 [%d]B decodes", k);
        CHECK(cr_point_is_identity(&q) == (k == 0), "is_identity([%d]B)", k);
    }
    for (size_t k = 0; k < sizeof BAD_ENCODINGS / sizeof BAD_ENCODINGS[0]; k++) {
        unhex(enc, BAD_ENCODINGS[k], 32);
        uint8_t *heap = exact(enc, 32);
        CHECK(cr_point_decode(&p, heap) == -1, "A.2 bad encoding %s refused by CRistretto", BAD_ENCODINGS[k]);
        CHECK(audit_ristretto_valid(heap) == 0 && audit_ristretto_decode((audit_point *)(void *)&q, heap) == 0,
              "A.2 bad encoding %s refused by AuditCurve", BAD_ENCODINGS[k]);
        free(heap);
    }
    for (size_t k = 0; k < sizeof HASH_TO_GROUP / sizeof HASH_TO_GROUP[0]; k++) {
        uint8_t uniform[64];
        unhex(uniform, HASH_TO_GROUP[k][0], 64);
        unhex(want, HASH_TO_GROUP[k][1], 32);
        uint8_t *heap = exact(uniform, 64);
        cr_point_from_uniform(&p, heap);
        free(heap);
        cr_point_encode(enc, &p);
        CHECK(memcmp(enc, want, 32) == 0, "A.3 element derivation %zu", k);
    }
    for (size_t k = 0; k < sizeof SQRT_RATIO / sizeof SQRT_RATIO[0]; k++) {
        uint8_t u[32], v[32], r32[32];
        unhex(u, SQRT_RATIO[k].u, 32);
        unhex(v, SQRT_RATIO[k].v, 32);
        unhex(want, SQRT_RATIO[k].r, 32);
        uint8_t *hu = exact(u, 32), *hv = exact(v, 32), *hr = malloc(32);
        int sq = cr_sqrt_ratio_m1(hr, hu, hv);
        memcpy(r32, hr, 32);
        free(hu); free(hv); free(hr);
        CHECK(sq == SQRT_RATIO[k].was_square && memcmp(r32, want, 32) == 0, "A.4 SQRT_RATIO_M1 %zu", k);
    }
    for (int i = 0; i < rounds; i++) {
        uint8_t s[32], a[32], b[32], uniform[64];
        scalar_kind(s, i % SCALAR_KINDS);
        point_kind(&p, i % POINT_KINDS);
        /* constant-time s·P and s·B against double-and-add */
        cr_scalarmult(&q, s, &p);
        double_and_add(&r, s, &p);
        CHECK(same(&q, &r), "cr_scalarmult vs double-and-add (round %d)", i);
        cr_point generator;
        cr_point_generator(&generator);
        cr_scalarmult_base(&q, s);
        cr_scalarmult(&r, s, &generator);
        CHECK(same(&q, &r), "cr_scalarmult_base vs cr_scalarmult(B) (round %d)", i);
        /* encode / decode round trip; the decoder and AuditCurve agree */
        cr_point_encode(enc, &p);
        CHECK(cr_point_decode(&q, enc) == 0 && same(&p, &q), "decode(encode(P)) (round %d)", i);
        cr_point_encode(back, &q);
        CHECK(memcmp(enc, back, 32) == 0, "encode is canonical (round %d)", i);
        CHECK(audit_ristretto_valid(enc) == 1, "AuditCurve accepts a CRistretto encoding (round %d)", i);
        /* group law with aliasing */
        point_kind(&q, (i / 3) % POINT_KINDS);
        cr_point_add(&r, &p, &q);
        t = p; cr_point_add(&t, &t, &q); CHECK(same(&t, &r), "add with out == a");
        t = q; cr_point_add(&t, &p, &t); CHECK(same(&t, &r), "add with out == b");
        cr_point_sub(&t, &r, &q); CHECK(same(&t, &p), "(P + Q) - Q == P");
        t = r; cr_point_sub(&t, &t, &q); CHECK(same(&t, &p), "sub with out == a");
        cr_point_neg(&t, &q); cr_point_add(&t, &t, &q); CHECK(cr_point_is_identity(&t) == 1, "-Q + Q == 0");
        /* the double scalar multiplications */
        scalar_kind(a, (i + 3) % SCALAR_KINDS);
        scalar_kind(b, (i + 7) % SCALAR_KINDS);
        cr_point want_p, x;
        cr_scalarmult(&want_p, a, &p);
        cr_scalarmult_base(&x, b);
        cr_point_add(&want_p, &want_p, &x);
        uint8_t *ha = exact(a, 32), *hb = exact(b, 32);
        cr_double_scalarmult_base_vartime(&r, ha, &p, hb);
        CHECK(same(&r, &want_p), "cr_double_scalarmult_base_vartime (round %d)", i);
        cr_scalarmult(&want_p, a, &p);
        cr_scalarmult(&x, b, &q);
        cr_point_add(&want_p, &want_p, &x);
        cr_double_scalarmult_vartime(&r, ha, &p, hb, &q);
        CHECK(same(&r, &want_p), "cr_double_scalarmult_vartime (round %d)", i);
        free(ha); free(hb);
        /* element derivation from random bytes gives a canonical element */
        rng_bytes(uniform, 64);
        uint8_t *hu = exact(uniform, 64);
        cr_point_from_uniform(&p, hu);
        free(hu);
        cr_point_encode(enc, &p);
        CHECK(cr_point_decode(&q, enc) == 0 && same(&p, &q), "from_uniform gives a valid element");
        /* SQRT_RATIO_M1 on random field bytes: only memory behaviour and a canonical, non-negative r */
        uint8_t u[32], v[32], r32[32];
        rng_bytes(u, 32); rng_bytes(v, 32);
        (void)cr_sqrt_ratio_m1(r32, u, v);
        CHECK((r32[0] & 1) == 0 && (r32[31] & 0x80) == 0, "SQRT_RATIO_M1 returns |r|");
    }
    printf("CRistretto basics: A.1-A.4 vectors, %d rounds of scalarmult/base/double/add/sub/neg/encode/decode/from_uniform\n", rounds);
}

/* Decoding arbitrary bytes: the two independent decoders agree on every input, and an accepted input
 * re-encodes to itself. Inputs: random bytes, valid encodings with one bit flipped, values near p and 2^255. */
static void check_decoders(int rounds) {
    int accepted = 0;
    for (int i = 0; i < rounds; i++) {
        uint8_t in[32];
        if (i % 3 == 0) rng_bytes(in, 32);
        else if (i % 3 == 1) {
            cr_point p;
            random_point(&p);
            cr_point_encode(in, &p);
            in[rng() % 32] ^= (uint8_t)(1u << (rng() % 8));
        } else {
            /* p + k - 32 and 2^255 - 1 - k style values: 0xff.. 0x7f / 0xed.. with low-byte noise */
            memset(in, 0xff, 32);
            in[31] = (i % 2) ? 0x7f : 0xff;
            in[0] = (uint8_t)(0xed - 40 + (i % 80));
            if (i % 5 == 0) memset(in, 0, 31), in[0] = (uint8_t)(i % 64);
        }
        uint8_t *heap = exact(in, 32);
        cr_point p, q;
        audit_point ap;
        int cr = cr_point_decode(&p, heap) == 0;
        int au = audit_ristretto_valid(heap);
        int au2 = audit_ristretto_decode(&ap, heap);
        free(heap);
        if (cr != au || au != au2) print_hex("input", in, 32);
        CHECK(cr == au && au == au2, "CRistretto and AuditCurve decoders agree (round %d)", i);
        if (cr) {
            uint8_t back[32];
            accepted++;
            cr_point_encode(back, &p);
            CHECK(memcmp(back, in, 32) == 0, "an accepted encoding re-encodes to itself");
            CHECK(audit_ristretto_add_all(back, in, NULL, 1) == 0 && memcmp(back, in, 32) == 0, "AuditCurve round trip");
            (void)q;
        }
    }
    printf("decoders: %d inputs (%d valid), CRistretto and AuditCurve agree\n", rounds, accepted);
}

/* ---- multi-scalar multiplication, both libraries, against prefix sums of single multiplications ---- */

typedef struct {
    size_t max;
    cr_point *points;
    uint8_t *scalars;      /* 32 per term */
    uint8_t *encodings;    /* 32 per term */
    audit_point *apoints;
    cr_point *prefix;      /* prefix[n] = Σ_{i<n} s_i·P_i, n = 0..max */
} terms;

static void make_terms(terms *t, size_t max, int pattern) {
    t->max = max;
    t->points = malloc(max * sizeof(cr_point) + 1);
    t->scalars = malloc(32 * max + 1);
    t->encodings = malloc(32 * max + 1);
    t->apoints = malloc(max * sizeof(audit_point) + 1);
    t->prefix = malloc((max + 1) * sizeof(cr_point));
    if (!t->points || !t->scalars || !t->encodings || !t->apoints || !t->prefix) { fprintf(stderr, "out of memory\n"); exit(2); }
    random_point(&shared_point);
    cr_point_identity(&t->prefix[0]);
    for (size_t i = 0; i < max; i++) {
        uint8_t *s = t->scalars + 32 * i;
        switch (pattern) {
        case 0: point_kind(&t->points[i], (int)(rng() % POINT_KINDS)); scalar_kind(s, (int)(rng() % SCALAR_KINDS)); break;
        case 1: random_point(&t->points[i]); scalar_kind(s, 6); break;               /* all 2^255 - 1 */
        case 2: random_point(&t->points[i]); scalar_kind(s, 3); break;               /* all l - 1 */
        case 3: point_kind(&t->points[i], 3 + (int)(i % 2)); scalar_kind(s, 99); if (i % 2) memcpy(s, t->scalars + 32 * (i - 1), 32); break; /* P, -P pairs */
        default: cr_point_generator(&t->points[i]); scalar_kind(s, 1); break;       /* n·B */
        }
        cr_point_encode(t->encodings + 32 * i, &t->points[i]);
        CHECK(audit_ristretto_decode(&t->apoints[i], t->encodings + 32 * i) == 1, "AuditCurve decodes term %zu", i);
        cr_point m;
        cr_scalarmult(&m, s, &t->points[i]);
        cr_point_add(&t->prefix[i + 1], &t->prefix[i], &m);
    }
}

static void free_terms(terms *t) { free(t->points); free(t->scalars); free(t->encodings); free(t->apoints); free(t->prefix); }

static void check_msm_size(const terms *t, size_t n) {
    const cr_point *want = &t->prefix[n];
    uint8_t want_enc[32], enc[32];
    cr_point_encode(want_enc, want);
    uint8_t *sc = exact(t->scalars, 32 * n), *en = exact(t->encodings, 32 * n);
    cr_point *pts = exact(t->points, n * sizeof(cr_point));
    audit_point *apts = exact(t->apoints, n * sizeof(audit_point));
    cr_point out;

    CHECK(cr_multiscalarmult_straus_vartime(&out, sc, pts, n) == 0 && same(&out, want), "Straus, n = %zu", n);
    CHECK(cr_multiscalarmult_pippenger_vartime(&out, sc, pts, n) == 0 && same(&out, want), "Pippenger, n = %zu", n);
    CHECK(cr_multiscalarmult_vartime(&out, sc, pts, n, NULL) == 0 && same(&out, want), "MSM (auto), n = %zu", n);
    uint8_t base[32];
    scalar_kind(base, (int)(n % SCALAR_KINDS));
    uint8_t *hb = exact(base, 32);
    cr_point with_base;
    cr_scalarmult_base(&with_base, base);
    cr_point_add(&with_base, &with_base, want);
    CHECK(cr_multiscalarmult_vartime(&out, sc, pts, n, hb) == 0 && same(&out, &with_base), "MSM + base scalar, n = %zu", n);
    free(hb);

    CHECK(audit_ristretto_sum(enc, en, sc, n) == 0 && memcmp(enc, want_enc, 32) == 0, "AuditCurve sum, n = %zu", n);
    int want_identity = cr_point_is_identity(want);
    CHECK(audit_ristretto_sum_is_identity(en, sc, n) == want_identity, "AuditCurve sum_is_identity, n = %zu", n);
    CHECK(audit_ristretto_points_sum_is_identity(apts, sc, n) == want_identity, "AuditCurve points_sum_is_identity, n = %zu", n);

    /* n + 1 terms: the sum minus itself ((l-1)·sum) is the identity; minus twice itself only if it is. */
    uint8_t *sc1 = malloc(32 * (n + 1)), *en1 = malloc(32 * (n + 1));
    audit_point *apts1 = malloc((n + 1) * sizeof(audit_point));
    memcpy(sc1, t->scalars, 32 * n); memcpy(en1, t->encodings, 32 * n); memcpy(apts1, t->apoints, n * sizeof(audit_point));
    memcpy(en1 + 32 * n, want_enc, 32);
    CHECK(audit_ristretto_decode(&apts1[n], want_enc) == 1, "the expected sum decodes");
    scalar_kind(sc1 + 32 * n, 3);
    CHECK(audit_ristretto_sum_is_identity(en1, sc1, n + 1) == 1, "AuditCurve: sum - sum is the identity, n = %zu", n);
    CHECK(audit_ristretto_points_sum_is_identity(apts1, sc1, n + 1) == 1, "AuditCurve points: sum - sum, n = %zu", n);
    scalar_kind(sc1 + 32 * n, 4);
    CHECK(audit_ristretto_sum_is_identity(en1, sc1, n + 1) == want_identity, "AuditCurve: sum - 2·sum, n = %zu", n);
    CHECK(audit_ristretto_points_sum_is_identity(apts1, sc1, n + 1) == want_identity, "AuditCurve points: sum - 2·sum, n = %zu", n);
    free(sc1); free(en1); free(apts1);

    free(sc); free(en); free(pts); free(apts);
}

/* Σ ±P_i through both AuditCurve entry points against CRistretto's group law; refusals. */
static void check_audit_add_all(const terms *t, size_t n) {
    uint8_t *neg = malloc(n + 1), enc[32], want_enc[32], out[32];
    cr_point acc;
    cr_point_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        neg[i] = (uint8_t)(rng() & 1);
        if (neg[i]) cr_point_sub(&acc, &acc, &t->points[i]); else cr_point_add(&acc, &acc, &t->points[i]);
    }
    cr_point_encode(want_enc, &acc);
    uint8_t *hn = exact(neg, n), *en = exact(t->encodings, 32 * n);
    audit_point *apts = exact(t->apoints, n * sizeof(audit_point));
    CHECK(audit_ristretto_add_all(enc, en, hn, n) == 0 && memcmp(enc, want_enc, 32) == 0, "audit add_all ±, n = %zu", n);
    audit_ristretto_points_add_all(out, apts, hn, n);
    CHECK(memcmp(out, want_enc, 32) == 0, "audit points_add_all ±, n = %zu", n);
    cr_point_identity(&acc);
    for (size_t i = 0; i < n; i++) cr_point_add(&acc, &acc, &t->points[i]);
    cr_point_encode(want_enc, &acc);
    CHECK(audit_ristretto_add_all(enc, en, NULL, n) == 0 && memcmp(enc, want_enc, 32) == 0, "audit add_all, n = %zu", n);
    audit_ristretto_points_add_all(out, apts, NULL, n);
    CHECK(memcmp(out, want_enc, 32) == 0, "audit points_add_all, n = %zu", n);
    if (n > 0) {
        /* an invalid encoding in the last place is refused; a scalar with bit 255 set is refused */
        en[32 * (n - 1) + 31] |= 0x80;
        CHECK(audit_ristretto_add_all(enc, en, NULL, n) == -1, "audit add_all refuses a bad encoding");
        uint8_t *sc = exact(t->scalars, 32 * n);
        CHECK(audit_ristretto_sum_is_identity(en, sc, n) == -1, "audit sum refuses a bad encoding, n = %zu", n);
        CHECK(audit_ristretto_sum(enc, en, sc, n) == -1, "audit sum refuses a bad encoding");
        en[32 * (n - 1) + 31] &= 0x7f;
        sc[32 * (n - 1) + 31] |= 0x80;
        CHECK(audit_ristretto_sum_is_identity(en, sc, n) == -1, "audit sum refuses a scalar >= 2^255, n = %zu", n);
        CHECK(audit_ristretto_points_sum_is_identity(apts, sc, n) == 0, "audit points sum refuses a scalar >= 2^255");
        free(sc);
    }
    free(neg); free(hn); free(en); free(apts);
}

/* ---- concurrency: the lazily built fixed-base tables (pthread_once) and per-call scratch buffers ---- */

typedef struct { const terms *t; size_t n; uint8_t base[32]; cr_point want; int ok; } thread_job;

static void *thread_main(void *arg) {
    thread_job *job = arg;
    job->ok = 1;
    for (int round = 0; round < 4; round++) {
        cr_point out, b;
        cr_scalarmult_base(&b, job->base);                           /* first use builds base_table */
        if (cr_multiscalarmult_vartime(&out, job->t->scalars, job->t->points, job->n, job->base) != 0) job->ok = 0;
        cr_point_sub(&out, &out, &b);
        if (!same(&out, &job->want)) job->ok = 0;
        if (cr_multiscalarmult_pippenger_vartime(&out, job->t->scalars, job->t->points, job->n) != 0 || !same(&out, &job->want)) job->ok = 0;
        uint8_t enc[32], want_enc[32];
        cr_point_encode(want_enc, &job->want);
        if (audit_ristretto_sum(enc, job->t->encodings, job->t->scalars, job->n) != 0 || memcmp(enc, want_enc, 32) != 0) job->ok = 0;
    }
    return NULL;
}

/* Four threads at once, from a cold start of the fixed-base tables (call before anything else uses them). */
static void check_threads(size_t max) {
    terms t;
    make_terms(&t, max, 0);
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    thread_job jobs[THREADS];
    for (int k = 0; k < THREADS; k++) {
        jobs[k].t = &t;
        jobs[k].n = k % 2 ? max : max / 3;                          /* both Pippenger and Straus */
        scalar_kind(jobs[k].base, 10 + k);
        jobs[k].want = t.prefix[jobs[k].n];
        CHECK(pthread_create(&th[k], NULL, thread_main, &jobs[k]) == 0, "pthread_create");
    }
    for (int k = 0; k < THREADS; k++) {
        pthread_join(th[k], NULL);
        CHECK(jobs[k].ok, "thread %d computed the same sums as the single-threaded reference", k);
    }
    free_terms(&t);
    printf("threads: %d threads from cold fixed-base tables, MSM of %zu and %zu terms, agree\n", THREADS, max / 3, max);
}

/* AuditCurve's Ed25519 entry points (the signature batch): decoding of the base point, of the eight
 * small-order points (canonical encodings and the sign-bit variants) and of random bytes, and
 * [8]·Σ s_i·B for the given term counts, against the known answer: identity when Σ s_i ≡ 0 (mod l). */
static const char *ED_SMALL_ORDER[7] = {
    "0100000000000000000000000000000000000000000000000000000000000000", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85" };

static void check_audit_ed25519(int rounds, const size_t *sizes, size_t count) {
    uint8_t enc[32];
    audit_point base;
    unhex(enc, "5866666666666666666666666666666666666666666666666666666666666666", 32);
    uint8_t *heap = exact(enc, 32);
    CHECK(audit_ed25519_decode_batchable(&base, heap) == 1 && audit_ed25519_in_prime_subgroup(heap) == 1, "the Ed25519 base point");
    free(heap);
    for (int k = 0; k < 7; k++) {
        audit_point p;
        unhex(enc, ED_SMALL_ORDER[k], 32);
        heap = exact(enc, 32);
        CHECK(audit_ed25519_decode_batchable(&p, heap) == 0, "small-order point %d refused", k);
        CHECK(audit_ed25519_in_prime_subgroup(heap) == (k == 0), "only the identity of the small-order points is in the subgroup");
        free(heap);
    }
    int valid = 0;
    for (int i = 0; i < rounds; i++) {
        audit_point p;
        rng_bytes(enc, 32);
        if (i % 3 == 0) enc[31] &= 0x7f;
        heap = exact(enc, 32);
        int sub = audit_ed25519_in_prime_subgroup(heap), ok = audit_ed25519_decode_batchable(&p, heap);
        CHECK(sub >= -1 && sub <= 1 && (ok == 0 || sub == 1), "decoding agrees with the subgroup test");
        valid += ok;
        free(heap);
    }
    size_t done = 0;
    for (size_t k = 0; k < count; k++) {
        size_t n = sizes[k];
        if (n == 0 || n > 1025) continue;
        audit_point *pts = malloc(n * sizeof(audit_point));
        uint8_t *sc = calloc(n, 32);
        if (!pts || !sc) { fprintf(stderr, "c_memcheck: out of memory\n"); exit(2); }
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            pts[i] = base;
            if (i + 1 < n) { uint32_t v = (uint32_t)rng() & 0xffff; sc[32 * i] = (uint8_t)v; sc[32 * i + 1] = (uint8_t)(v >> 8); sum += v; }
        }
        /* the last scalar: l − sum (sum < 2^27 < l) */
        unsigned borrow = 0;
        for (int j = 0; j < 32; j++) {
            int v = (int)ORDER[j] - (j < 8 ? (int)((sum >> (8 * j)) & 0xff) : 0) - (int)borrow;
            borrow = v < 0;
            sc[32 * (n - 1) + j] = (uint8_t)(v + (borrow ? 256 : 0));
        }
        audit_point *ep = exact(pts, n * sizeof(audit_point));
        uint8_t *es = exact(sc, 32 * n);
        CHECK(audit_ed25519_points_sum_is_identity(ep, es, n) == 1, "Σ s_i·B with Σ s_i = l is the identity, n = %zu", n);
        es[32 * (n - 1)] ^= 1;   /* l ± 1 − sum: no longer 0 mod l */
        CHECK(audit_ed25519_points_sum_is_identity(ep, es, n) == 0, "Σ s_i·B with Σ s_i = l ± 1 is not, n = %zu", n);
        es[32 * (n - 1) + 31] |= 0x80;   /* outside the documented domain: refused */
        CHECK(audit_ed25519_points_sum_is_identity(ep, es, n) == 0, "a scalar >= 2^255 is refused, n = %zu", n);
        free(ep); free(es); free(pts); free(sc);
        done++;
    }
    /* audit_scalar_muladd_wide: a carry through every word, and a·b + a·b = (2a)·b for random a < 2^127. */
    uint64_t acc[8] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, 0 }, acc2[8];
    uint8_t one16[16] = { 1 }, one32[32] = { 1 };
    uint8_t *ha = exact(one16, 16), *hb = exact(one32, 32);
    audit_scalar_muladd_wide(acc, ha, hb);
    CHECK(acc[0] == 0 && acc[6] == 0 && acc[7] == 1, "the carry of acc + 1 reaches the top word");
    free(ha); free(hb);
    for (int i = 0; i < rounds; i++) {
        uint8_t a[16], a2[16], b[32];
        rng_bytes(a, 16); a[15] &= 0x7f;
        rng_bytes(b, 32);
        unsigned carry = 0;
        for (int j = 0; j < 16; j++) { unsigned v = 2u * a[j] + carry; a2[j] = (uint8_t)v; carry = v >> 8; }
        for (int j = 0; j < 8; j++) acc[j] = acc2[j] = rng() >> 2;
        uint8_t *ea = exact(a, 16), *ea2 = exact(a2, 16), *eb = exact(b, 32);
        audit_scalar_muladd_wide(acc, ea, eb);
        audit_scalar_muladd_wide(acc, ea, eb);
        audit_scalar_muladd_wide(acc2, ea2, eb);
        CHECK(memcmp(acc, acc2, sizeof acc) == 0, "a·b + a·b = (2a)·b");
        free(ea); free(ea2); free(eb);
    }
    printf("AuditCurve Ed25519: base and small-order points, %d random encodings (%d batchable), sums of %zu term counts, "
           "wide weight sums\n", rounds, valid, done);
    fflush(stdout);
}

/* The engine's Ed25519 signing multiplication (Sources/CRistretto/ed25519_sign.c): for every kind of
 * edge scalar and random ones, the encoding of [s]B decodes, and is exactly the point cr_scalarmult_base
 * computes (difference = the neutral element, not merely the same ristretto class); from heap buffers of
 * exactly 32 bytes, output aliasing nothing. */
static void check_engine_ed25519_sign(int rounds) {
    for (int i = 0; i < rounds; i++) {
        uint8_t s[32];
        scalar_kind(s, i % SCALAR_KINDS);
        uint8_t *hs = exact(s, 32), *out = malloc(32);
        CHECK(out != NULL, "out of memory");
        cr_ed25519_scalarmult_base(out, hs);
        cr_point decoded, want, diff;
        CHECK(cr_ed25519_decode_vartime(&decoded, out) == 0, "[s]B's encoding decodes (round %d)", i);
        cr_scalarmult_base(&want, hs);
        cr_point_sub(&diff, &decoded, &want);
        CHECK(cr_ed25519_is_neutral(&diff) == 1, "cr_ed25519_scalarmult_base = cr_scalarmult_base (round %d)", i);
        free(hs); free(out);
    }
    /* The batch (one inversion per 32 points): every count 0..70, against the single one. */
    for (size_t n = 0; n <= 70; n++) {
        uint8_t *scalars = malloc(32 * n + 1), *out = malloc(32 * n + 1);
        CHECK(scalars != NULL && out != NULL, "out of memory");
        for (size_t i = 0; i < n; i++) scalar_kind(scalars + 32 * i, (int)((i + n) % SCALAR_KINDS));
        uint8_t *hs = exact(scalars, 32 * n), *hout = n ? malloc(32 * n) : NULL;
        cr_ed25519_scalarmult_base_batch(hout, hs, n);
        for (size_t i = 0; i < n; i++) {
            cr_ed25519_scalarmult_base(out, scalars + 32 * i);
            CHECK(memcmp(out, hout + 32 * i, 32) == 0, "batch of %zu, point %zu = the single multiplication", n, i);
        }
        free(scalars); free(out); free(hs); free(hout);
    }
    printf("Ed25519 signing: %d fixed-base multiplications agree with cr_scalarmult_base; batches of 0..70 with the single one\n", rounds);
    fflush(stdout);
}

/* The engine's Ed25519 batch support (Sources/CRistretto/ed25519_batch.c): decoding of the base point,
 * the small-order points and random bytes; the batched subgroup test on [s]B points (all in the
 * subgroup) and with a torsion point added to one of them; Σ s_i·B + b·B against the known answer. */
static void check_engine_ed25519(int rounds, const size_t *sizes, size_t count) {
    uint8_t enc[32];
    cr_point base, p;
    unhex(enc, "5866666666666666666666666666666666666666666666666666666666666666", 32);
    uint8_t *heap = exact(enc, 32);
    CHECK(cr_ed25519_decode_vartime(&base, heap) == 0 && cr_ed25519_x_is_zero(&base) == 0, "the Ed25519 base point decodes");
    free(heap);
    cr_point torsion[7];
    for (int k = 0; k < 7; k++) {
        unhex(enc, ED_SMALL_ORDER[k], 32);
        heap = exact(enc, 32);
        CHECK(cr_ed25519_decode_vartime(&torsion[k], heap) == 0, "small-order point %d decodes", k);
        CHECK(cr_ed25519_x_is_zero(&torsion[k]) == (k < 2), "x = 0 only for y = ±1");
        CHECK(cr_ed25519_is_neutral(&torsion[k]) == (k == 0), "only y = 1 is the neutral element");
        uint8_t bits[16];
        rng_bytes(bits, 16);
        uint8_t *eb = exact(bits, 16);
        cr_point *ep = exact(&torsion[k], sizeof(cr_point));
        /* one point alone: each round keeps it with probability 1/2, so 128 rounds miss it with 2^-128 */
        CHECK(cr_ed25519_in_prime_subgroup_batch(ep, 1, eb) == (k == 0), "only the identity of the small-order points is in the subgroup");
        free(eb); free(ep);
        free(heap);
    }
    unhex(enc, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 32);   /* y = p */
    heap = exact(enc, 32);
    CHECK(cr_ed25519_decode_vartime(&p, heap) == -1, "y = p is not canonical");
    free(heap);
    unhex(enc, "0100000000000000000000000000000000000000000000000000000000000080", 32);   /* -0 */
    heap = exact(enc, 32);
    CHECK(cr_ed25519_decode_vartime(&p, heap) == -1, "x = 0 with the sign bit is not canonical");
    free(heap);
    int decoded = 0;
    for (int i = 0; i < rounds; i++) {
        rng_bytes(enc, 32);
        heap = exact(enc, 32);
        int rc = cr_ed25519_decode_vartime(&p, heap);
        CHECK(rc == 0 || rc == -1, "decode returns 0 or -1");
        decoded += rc == 0;
        free(heap);
    }
    uint8_t *order = exact(ORDER, 32), below[32];
    CHECK(cr_ed25519_scalar_is_canonical(order) == 0, "L is not canonical");
    memcpy(below, ORDER, 32); below[0] -= 1;
    uint8_t *eb = exact(below, 32);
    CHECK(cr_ed25519_scalar_is_canonical(eb) == 1, "L - 1 is canonical");
    free(order); free(eb);
    size_t done = 0;
    for (size_t k = 0; k < count; k++) {
        size_t n = sizes[k];
        if (n == 0 || n > 1025 || (n > 12 && n % 61 != 0 && n != 190 && n != 191 && n != 256 && n != 1025)) continue;
        cr_point *pts = malloc(n * sizeof(cr_point));
        uint8_t *sc = calloc(n, 32), *bits = malloc(16 * n), total[32];
        if (!pts || !sc || !bits) { fprintf(stderr, "c_memcheck: out of memory\n"); exit(2); }
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t s[32] = { 0 };
            rng_bytes(s, 8);
            cr_scalarmult_base(&pts[i], s);
            uint32_t v = (uint32_t)rng() & 0xffff;
            sc[32 * i] = (uint8_t)v; sc[32 * i + 1] = (uint8_t)(v >> 8);
            sum += v;
        }
        rng_bytes(bits, 16 * n);
        cr_point *ep = exact(pts, n * sizeof(cr_point));
        uint8_t *ebits = exact(bits, 16 * n), *es = exact(sc, 32 * n);
        CHECK(cr_ed25519_in_prime_subgroup_batch(ep, n, ebits) == 1, "multiples of B are in the subgroup, n = %zu", n);
        cr_point_add(&ep[n / 2], &ep[n / 2], &torsion[2 + (int)(n % 5)]);
        CHECK(cr_ed25519_in_prime_subgroup_batch(ep, n, ebits) == 0, "a torsion component is found, n = %zu", n);
        for (size_t i = 0; i < n; i++) cr_point_generator(&ep[i]);
        /* Σ s_i·B + (L − Σ s_i)·B = O */
        unsigned borrow = 0;
        for (int j = 0; j < 32; j++) {
            int v = (int)ORDER[j] - (j < 8 ? (int)((sum >> (8 * j)) & 0xff) : 0) - (int)borrow;
            borrow = v < 0;
            total[j] = (uint8_t)(v + (borrow ? 256 : 0));
        }
        uint8_t *et = exact(total, 32);
        CHECK(cr_ed25519_sum_is_neutral_vartime(es, ep, n, et) == 1, "Σ s_i·B + (L − Σ s_i)·B is neutral, n = %zu", n);
        et[0] ^= 1;
        CHECK(cr_ed25519_sum_is_neutral_vartime(es, ep, n, et) == 0, "off by one is not, n = %zu", n);
        free(ep); free(ebits); free(es); free(et); free(pts); free(sc); free(bits);
        done++;
    }
    printf("CRistretto Ed25519 batch: base and small-order points, %d random encodings (%d decoded), subgroup test and "
           "sums at %zu term counts\n", rounds, decoded, done);
    fflush(stdout);
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "full";
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20261201;
    int quick = strcmp(mode, "quick") == 0, big = strcmp(mode, "big") == 0;
    if (!quick && !big && strcmp(mode, "full") != 0) { fprintf(stderr, "usage: c_memcheck [quick|full|big] [seed]\n"); return 2; }

    check_threads(quick ? 200 : 600);
    check_cristretto_basics(quick ? 60 : 400);
    check_decoders(quick ? 3000 : 30000);
    /* AuditCurve's lazy reductions: limb bounds at their extremes (under the sanitizers too). */
    CHECK(audit_curve_field_selfcheck(rng_state, quick ? 2000 : 50000) == 0, "AuditCurve field self-check");

    /* Term counts: every count up to `dense`, then the thresholds of both libraries and their neighbours. */
    static const size_t thresholds[] = { 15, 16, 17, 63, 64, 65, 189, 190, 191, 255, 256, 257, 499, 500, 501,
                                         799, 800, 801, 1000, 1023, 1024, 1025, 3999, 4000, 4001, 4095, 4096, 4097, 4100 };
    static const size_t big_sizes[] = { 16383, 16384, 16385, 19999, 20000, 20001 };
    size_t dense = quick ? 40 : 300;
    size_t sizes[512], count = 0;
    for (size_t n = 0; n <= dense; n++) sizes[count++] = n;
    for (size_t k = 0; k < sizeof thresholds / sizeof thresholds[0]; k++)
        if (thresholds[k] > dense && (!quick || thresholds[k] <= 1025 || thresholds[k] == 4100)) sizes[count++] = thresholds[k];
    if (big) for (size_t k = 0; k < sizeof big_sizes / sizeof big_sizes[0]; k++) sizes[count++] = big_sizes[k];
    qsort(sizes, count, sizeof sizes[0], cmp_size);
    size_t max = sizes[count - 1];

    check_audit_ed25519(quick ? 300 : 3000, sizes, count);
    check_engine_ed25519(quick ? 300 : 3000, sizes, count);
    check_engine_ed25519_sign(quick ? 100 : 1000);

    static const char *patterns[] = { "mixed edge scalars and points", "scalars 2^255-1", "scalars l-1", "P,-P pairs", "1·B" };
    for (int pattern = 0; pattern < 5; pattern++) {
        terms t;
        size_t pmax = pattern == 0 ? max : (max < 1025 ? max : 1025);
        make_terms(&t, pmax, pattern);
        size_t done = 0;
        for (size_t k = 0; k < count && sizes[k] <= pmax; k++) {
            /* the edge patterns at a sample of the dense sizes and at every threshold */
            if (pattern != 0 && sizes[k] <= dense && sizes[k] % 7 != 0 && sizes[k] > 3) continue;
            check_msm_size(&t, sizes[k]);
            if (sizes[k] <= 1025) check_audit_add_all(&t, sizes[k]);
            done++;
        }
        if (pattern == 3) CHECK(cr_point_is_identity(&t.prefix[2 * (pmax / 2)]) == 1, "P,-P pairs sum to the identity");
        if (pattern == 4) {
            uint8_t s[32] = { 0 };
            cr_point nb;
            s[0] = (uint8_t)pmax; s[1] = (uint8_t)(pmax >> 8);
            cr_scalarmult_base(&nb, s);
            CHECK(same(&nb, &t.prefix[pmax]), "Σ 1·B = n·B");
        }
        printf("MSM (%s): %zu term counts up to %zu; Straus, Pippenger, auto, auto+base, audit sum/is_identity/points\n",
               patterns[pattern], done, pmax);
        fflush(stdout);
        free_terms(&t);
    }
    printf("c_memcheck: OK (%s mode, %lu checks)\n", mode, checks);
    return 0;
}
