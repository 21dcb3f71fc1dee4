#ifndef AUDIT_SHA_H
#define AUDIT_SHA_H
#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4) through the x86 SHA extensions, for the audit's leaf and payload hashes.
   Callers first ask audit_sha256_available(); when it returns 0 they use libsodium instead. */

typedef struct {
    uint32_t state[8];
    uint64_t length;      /* bytes hashed so far */
    uint8_t buffer[64];   /* a partial block */
    size_t buffered;
} audit_sha256_ctx;

/* 1 when this CPU has the SHA extensions (and SSSE3, SSE4.1) the routines below need, else 0. */
int audit_sha256_available(void);

void audit_sha256_init(audit_sha256_ctx *ctx);
void audit_sha256_update(audit_sha256_ctx *ctx, const uint8_t *data, size_t len);
void audit_sha256_final(audit_sha256_ctx *ctx, uint8_t out[32]);

#endif
