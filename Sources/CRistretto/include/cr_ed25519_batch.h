/*
 * Ed25519 (RFC 8032) batch signature verification support: plain edwards25519 points (not ristretto
 * classes), variable time, for PUBLIC data only (signatures, public keys).
 *
 * The engine accepts a batch only if every signature would pass libsodium 1.0.18's
 * crypto_sign_verify_detached (cofactorless): a signature enters the batch only when s < L, and A and R
 * are canonical encodings of points of the prime-order subgroup other than the identity (checked for
 * the whole batch by cr_ed25519_in_prime_subgroup_batch). In that subgroup the cofactorless equation
 * R = [s]B − [h]A holds iff the random linear combination Σ z·(R + [h]A − [s]B) vanishes (except with
 * probability 2^-128 for 128-bit z), and R's bytes are then exactly the encoding libsodium recomputes.
 */
#ifndef CR_ED25519_BATCH_H
#define CR_ED25519_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include "cristretto.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Decodes an Ed25519 point encoding (RFC 8032 §5.1.3) accepting only canonical ones: y < p, the point
/// on the curve, and not x = 0 with the sign bit set. Returns 0 on success, -1 otherwise. Variable time.
int cr_ed25519_decode_vartime(cr_point *out, const uint8_t in[32]);

/// 1 if the 32-byte little-endian scalar is below the group order L, else 0.
int cr_ed25519_scalar_is_canonical(const uint8_t s[32]);

/// 1 if p is exactly the neutral element (0, 1) of edwards25519 (not merely of its ristretto class).
int cr_ed25519_is_neutral(const cr_point *p);

/// 1 if p's x coordinate is 0 (the neutral element or the point of order 2), else 0.
int cr_ed25519_x_is_zero(const cr_point *p);

/// Whether all n points lie in the prime-order subgroup: for j < 128, T_j = Σ bit_j(random_i)·P_i must
/// satisfy [L]T_j = O, where random holds 16 bytes (128 bits) per point from a CSPRNG. A point with a
/// torsion component makes each T_j fail with probability at least 1/2, independently, so a wrong
/// "yes" has probability at most 2^-128. Returns 1 (all in the subgroup), 0 (certainly not), -1 (out of memory).
int cr_ed25519_in_prime_subgroup_batch(const cr_point *points, size_t n, const uint8_t *random);

/// 1 if Σ scalars[i]·points[i] + base_scalar·B is exactly the neutral element, 0 if not, -1 (out of
/// memory). scalars: n consecutive 32-byte scalars below 2^255. Variable time.
int cr_ed25519_sum_is_neutral_vartime(const uint8_t *scalars, const cr_point *points, size_t n, const uint8_t base_scalar[32]);

#ifdef __cplusplus
}
#endif
#endif
