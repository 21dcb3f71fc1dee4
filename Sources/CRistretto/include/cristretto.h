/*
 * CRistretto: Perennial's own ristretto255 (RFC 9496) field and group arithmetic.
 *
 * Field elements mod p = 2^255 - 19 in five 51-bit limbs; points on edwards25519 in extended
 * coordinates (X:Y:Z:T). Element encodings are the canonical 32-byte RFC 9496 encodings; scalars are
 * 32-byte little-endian integers (callers pass canonical scalars < l, so bit 255 is always clear).
 *
 * Constant time (no branch or memory index depends on the value): decode, encode, cr_scalarmult,
 * cr_scalarmult_base. Variable time, for PUBLIC scalars only (verification): cr_double_scalarmult_vartime,
 * cr_multiscalarmult_vartime.
 */
#ifndef CRISTRETTO_H
#define CRISTRETTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A point in extended coordinates: X, Y, Z, T (five 51-bit limbs each). Opaque to callers.
typedef struct {
    uint64_t limbs[20];
} cr_point;

/// Decodes and validates a canonical RFC 9496 encoding (identity allowed). Returns 0 on success, -1 if invalid.
int cr_point_decode(cr_point *out, const uint8_t in[32]);
/// The canonical RFC 9496 encoding of `p`.
void cr_point_encode(uint8_t out[32], const cr_point *p);
/// RFC 9496 §4.3.4 element derivation from 64 uniform bytes.
void cr_point_from_uniform(cr_point *out, const uint8_t in[64]);

/// The identity and the generator.
void cr_point_identity(cr_point *out);
void cr_point_generator(cr_point *out);

/// out = a + b, out = a - b, out = -a (group law; out may alias inputs).
void cr_point_add(cr_point *out, const cr_point *a, const cr_point *b);
void cr_point_sub(cr_point *out, const cr_point *a, const cr_point *b);
void cr_point_neg(cr_point *out, const cr_point *a);
/// 1 if a and b are the same ristretto255 element (RFC 9496 §4.3.3 equality), else 0.
int cr_point_equal(const cr_point *a, const cr_point *b);
/// 1 if p is the ristretto255 identity, else 0.
int cr_point_is_identity(const cr_point *p);

/// out = s·p, constant time in s and p.
void cr_scalarmult(cr_point *out, const uint8_t s[32], const cr_point *p);
/// out = s·B (the generator), constant time in s, with a fixed-base table.
void cr_scalarmult_base(cr_point *out, const uint8_t s[32]);

/// out = a·A + b·B (generator), variable time: public scalars only.
void cr_double_scalarmult_base_vartime(cr_point *out, const uint8_t a[32], const cr_point *A, const uint8_t b[32]);
/// out = a·A + b·B for two arbitrary points, variable time: public scalars only.
void cr_double_scalarmult_vartime(cr_point *out, const uint8_t a[32], const cr_point *A, const uint8_t b[32], const cr_point *B);
/// out = Σ scalars[i]·points[i] (+ base_scalar·generator if base_scalar is not NULL), variable time:
/// public scalars only. Straus (interleaved wNAF) for n < CR_PIPPENGER_THRESHOLD, Pippenger above.
/// `scalars` holds n consecutive 32-byte scalars. Returns 0, or -1 if memory could not be allocated.
int cr_multiscalarmult_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n, const uint8_t *base_scalar);
/// The two algorithms separately (tests and benchmarks).
int cr_multiscalarmult_straus_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n);
int cr_multiscalarmult_pippenger_vartime(cr_point *out, const uint8_t *scalars, const cr_point *points, size_t n);

#define CR_PIPPENGER_THRESHOLD 190

/// Field-level test hook: RFC 9496 SQRT_RATIO_M1 on canonical field encodings. Returns was_square (1/0).
int cr_sqrt_ratio_m1(uint8_t r[32], const uint8_t u[32], const uint8_t v[32]);

#ifdef __cplusplus
}
#endif
#endif
