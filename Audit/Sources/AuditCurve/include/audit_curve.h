/*
 * AuditCurve: the audit's own ristretto255 arithmetic for batch verification (SPEC.md §3.5.1).
 * Written for the audit alone; it shares no code with the engine. Everything here handles public
 * data only (record contents), so nothing needs to be constant time.
 */
#ifndef AUDIT_CURVE_H
#define AUDIT_CURVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A decoded element (extended coordinates, radix 2^51), opaque to callers.
typedef struct { uint64_t limbs[20]; } audit_point;

/// Decodes and validates a canonical RFC 9496 encoding (identity included): 1 and `out` set, or 0.
int audit_ristretto_decode(audit_point *out, const uint8_t enc[32]);
/// Σ scalars[i]·points[i] is the identity: 1, 0, or -2 when memory ran out (points already valid).
int audit_ristretto_points_sum_is_identity(const audit_point *points, const uint8_t *scalars, size_t n);
/// Σ ±points[i] (negated where negate[i] is 1; negate may be NULL), encoded.
void audit_ristretto_points_add_all(uint8_t out[32], const audit_point *points, const uint8_t *negate, size_t n);

/// 1 if `enc` is a canonical RFC 9496 ristretto255 encoding (identity included), else 0.
int audit_ristretto_valid(const uint8_t enc[32]);

/// Σ scalars[i]·P_i where P_i is the element encoded at encodings + 32·i and scalars[i] is 32 bytes
/// little-endian (< 2^255). Returns 1 if the sum is the identity, 0 if not, -1 if an encoding is
/// invalid, -2 if memory ran out.
int audit_ristretto_sum_is_identity(const uint8_t *encodings, const uint8_t *scalars, size_t n);

/// Σ scalars[i]·P_i, encoded (tests). Returns 0, -1 for an invalid encoding, -2 for memory.
int audit_ristretto_sum(uint8_t out[32], const uint8_t *encodings, const uint8_t *scalars, size_t n);

/// Σ ±P_i (P_i encoded at encodings + 32·i, subtracted where negate[i] is 1; negate may be NULL), encoded:
/// each element decoded once. Returns 0, or -1 for an invalid encoding.
int audit_ristretto_add_all(uint8_t out[32], const uint8_t *encodings, const uint8_t *negate, size_t n);

/// Ed25519 (RFC 8032) point decoding for the signature batch (SPEC.md §2.2): 1 and `out` set iff `enc`
/// is a canonical encoding of a point of the prime-order subgroup other than the identity, else 0
/// (such a point is checked one by one by libsodium instead).
int audit_ed25519_decode_batchable(audit_point *out, const uint8_t enc[32]);
/// 1 if the Ed25519 point encoded canonically at `enc` is in the prime-order subgroup, 0 if not, -1 if
/// `enc` is not a canonical encoding of a curve point (tests).
int audit_ed25519_in_prime_subgroup(const uint8_t enc[32]);
/// [8]·Σ scalars[i]·points[i] (points from audit_ed25519_decode_batchable, scalars 32 bytes
/// little-endian < 2^255) is the neutral element: 1, 0, or -2 when memory ran out.
int audit_ed25519_points_sum_is_identity(const audit_point *points, const uint8_t *scalars, size_t n);
/// acc (eight little-endian 64-bit words) += a·b, a 16 bytes and b 32 bytes little-endian: the batch
/// weights' sums, reduced mod l once at the end instead of after every term. The caller keeps the sum
/// below 2^512 (fewer than 2^128 terms of 384 bits).
void audit_scalar_muladd_wide(uint64_t acc[8], const uint8_t a[16], const uint8_t b[32]);

/// Test hook for the lazy-reduction bounds: on `rounds` pseudo-random inputs drawn from `seed`, with
/// limbs up to the largest a product may be given (2^54 − 1, extremes included), each product and
/// square must equal the one of the reduced inputs and have limbs < 2^51 + 2^18, and a lazy
/// difference must equal the carried one. Returns the number of failures (0 when the bounds hold).
int audit_curve_field_selfcheck(uint64_t seed, int rounds);

#ifdef __cplusplus
}
#endif
#endif
