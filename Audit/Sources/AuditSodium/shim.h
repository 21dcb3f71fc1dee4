#ifndef PERENNIAL_AUDIT_SODIUM_SHIM_H
#define PERENNIAL_AUDIT_SODIUM_SHIM_H
/* The audit's own view of libsodium (not the engine's CSodium). */
#include <sodium.h>
#endif
