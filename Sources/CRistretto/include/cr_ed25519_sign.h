/*
 * Ed25519 (RFC 8032) key and signature making: the fixed-base multiplication [s]B for SECRET scalars
 * (a key's clamped scalar, a signature's nonce), constant time, as the 32-byte RFC 8032 point encoding.
 *
 * Why not libsodium's: the registrar makes two of these per citizen (the credential key, the roll
 * entry's signature), the largest part of `perennial roll import`. This one reads an affine table
 * (mixed additions, 7 multiplications each) through the MULX clones of CRistretto's field arithmetic.
 * The point [s]B is unique, so its encoding is byte for byte libsodium's.
 */
#ifndef CR_ED25519_SIGN_H
#define CR_ED25519_SIGN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// out = the RFC 8032 encoding of [s]B, B the Ed25519 base point, s a 32-byte little-endian scalar
/// below 2^255 (bit 255 must be clear: a clamped key scalar or a scalar reduced mod L). Constant time in
/// s: signed radix-16 digits, the table read with conditional moves only, one fixed sequence of field
/// operations. Its own copies of s's digits and of the intermediate points are wiped.
void cr_ed25519_scalarmult_base(uint8_t out[32], const uint8_t s[32]);

/// The same for n scalars (32·n bytes, consecutive) into out (32·n bytes, not overlapping them), with
/// one field inversion per 32 points instead of one each (Montgomery's trick: the inversion was a third
/// of a multiplication's cost). Constant time in the scalars; n is public.
void cr_ed25519_scalarmult_base_batch(uint8_t *out, const uint8_t *scalars, size_t n);

#ifdef __cplusplus
}
#endif
#endif
