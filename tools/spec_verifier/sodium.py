"""libsodium through ctypes (the system library the engine also needs): Ed25519 verification and
ristretto255, exactly the primitives SPEC §2.2 and §3.1 name. No pip package is needed."""
import ctypes
import ctypes.util

_name = ctypes.util.find_library("sodium") or "libsodium.so.23"
_lib = ctypes.CDLL(_name)
if _lib.sodium_init() < 0:
    raise RuntimeError("libsodium failed to initialise")

_B = ctypes.c_char_p


def ed25519_verify(sig: bytes, msg: bytes, pk: bytes) -> bool:
    """crypto_sign_verify_detached: libsodium's rules of SPEC §2.2 (S < L, no small-order R or A,
    canonical A, cofactorless equation)."""
    if len(sig) != 64 or len(pk) != 32:
        return False
    return _lib.crypto_sign_verify_detached(_B(sig), _B(msg), ctypes.c_ulonglong(len(msg)), _B(pk)) == 0


def ed25519_valid_point(pk: bytes) -> bool:
    """SPEC §2.2 'valid Ed25519 public key': crypto_core_ed25519_is_valid_point."""
    return len(pk) == 32 and _lib.crypto_core_ed25519_is_valid_point(_B(pk)) == 1


def ed25519_sign(seed: bytes, msg: bytes):
    """(public key, detached signature) for a 32-byte seed: only for SPEC's worked examples."""
    pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(64)
    _lib.crypto_sign_seed_keypair(pk, sk, _B(seed))
    sig = ctypes.create_string_buffer(64)
    _lib.crypto_sign_detached(sig, None, _B(msg), ctypes.c_ulonglong(len(msg)), sk)
    return pk.raw, sig.raw


# ---- ristretto255 (RFC 9496) ----
Q = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes(32)


def r_valid(e: bytes) -> bool:
    """A canonical ristretto255 encoding (SPEC §3.1): libsodium's check plus bit 255, which libsodium
    1.0.18 ignores. The identity (32 zero bytes) is valid here; callers refuse it where SPEC does."""
    if len(e) != 32 or e[31] & 0x80:
        return False
    if e == IDENTITY:
        return True
    return _lib.crypto_core_ristretto255_is_valid_point(_B(e)) == 1


def r_add(a: bytes, b: bytes) -> bytes:
    if a == IDENTITY:
        return b
    if b == IDENTITY:
        return a
    out = ctypes.create_string_buffer(32)
    if _lib.crypto_core_ristretto255_add(out, _B(a), _B(b)) != 0:
        raise ValueError("ristretto255 add on an invalid point")
    return out.raw


def r_sub(a: bytes, b: bytes) -> bytes:
    if b == IDENTITY:
        return a
    out = ctypes.create_string_buffer(32)
    if _lib.crypto_core_ristretto255_sub(out, _B(a), _B(b)) != 0:
        raise ValueError("ristretto255 sub on an invalid point")
    return out.raw


def r_mul(p: bytes, s: int) -> bytes:
    """p^s (additively [s]P). libsodium returns -1 when the result is the identity."""
    s %= Q
    if s == 0 or p == IDENTITY:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    if _lib.crypto_scalarmult_ristretto255(out, _B(s.to_bytes(32, "little")), _B(p)) != 0:
        return IDENTITY
    return out.raw


def r_base(s: int) -> bytes:
    s %= Q
    if s == 0:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    if _lib.crypto_scalarmult_ristretto255_base(out, _B(s.to_bytes(32, "little"))) != 0:
        return IDENTITY
    return out.raw


G = r_base(1)
