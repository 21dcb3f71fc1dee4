"""SPEC §3.2 hash to scalar, §3.3 transcripts, §3.5 / §3.5.1 proofs — ristretto255 only."""
import hashlib

from sodium import Q, G, IDENTITY, r_valid, r_add, r_sub, r_mul, r_base
from canon import Refused, unhex


def lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def transcript(protocol: str, context: bytes, binding: bytes, elements) -> bytes:
    """T = "perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding) || lp(e)..."""
    t = b"perennial-proof-v1" + lp(protocol.encode()) + lp(b"ristretto255") + lp(context) + lp(binding)
    for e in elements:
        t += lp(e)
    return t


def hash_to_scalar(t: bytes) -> int:
    return int.from_bytes(hashlib.sha512(t).digest(), "little") % Q


def element(h, what, allow_identity=False):
    b = unhex(h, 32, what)
    if not r_valid(b):
        raise Refused(f"{what} is not a canonical ristretto255 element")
    if b == IDENTITY and not allow_identity:
        raise Refused(f"{what} is the identity")
    return b


def scalar(h, what):
    b = unhex(h, 32, what)
    s = int.from_bytes(b, "little")
    if s >= Q:
        raise Refused(f"{what} is not below q")
    return s


def check_schnorr(proof, X: bytes, context: bytes, binding: bytes) -> bool:
    c, r = scalar(proof["c"], "c"), scalar(proof["r"], "r")
    A = r_sub(r_base(r), r_mul(X, c))
    return hash_to_scalar(transcript("schnorr", context, binding, [G, X, A])) == c


def check_chaum_pedersen(c: int, r: int, X: bytes, h: bytes, Y: bytes, context, binding) -> bool:
    A = r_sub(r_base(r), r_mul(X, c))
    B = r_sub(r_mul(h, r), r_mul(Y, c))
    return hash_to_scalar(transcript("chaum-pedersen", context, binding, [G, X, h, Y, A, B])) == c


def check_range(proof, pk, alpha, beta, lo, hi, context, binding, protocol="range"):
    """§3.5 range proof with §3.5.1 carried commitments (ristretto255): both rules, one by one."""
    n = hi - lo + 1
    want = ["c", "r", "t"]
    if set(proof) != set(want) or len(proof) != 3:
        raise Refused(f"{protocol} proof keys are {list(proof)}, expected {want}")
    cs, rs, ts = proof["c"], proof["r"], proof["t"]
    if not (isinstance(cs, list) and isinstance(rs, list) and isinstance(ts, list)):
        raise Refused(f"{protocol} proof fields are not arrays")
    if len(cs) != n or len(rs) != n or len(ts) != 2 * n:
        raise Refused(f"{protocol} proof arrays have the wrong lengths for [{lo}, {hi}]")
    cs = [scalar(x, "c") for x in cs]
    rs = [scalar(x, "r") for x in rs]
    ts = [element(x, "t", allow_identity=True) for x in ts]
    stmt = [G, pk, alpha, beta, u32(lo), u32(hi)]
    if sum(cs) % Q != hash_to_scalar(transcript(protocol, context, binding, stmt + ts)):
        return False
    for j in range(lo, hi + 1):
        i = j - lo
        A = r_sub(r_base(rs[i]), r_mul(alpha, cs[i]))
        B = r_sub(r_mul(pk, rs[i]), r_mul(r_sub(beta, r_base(j)), cs[i]))
        if A != ts[2 * i] or B != ts[2 * i + 1]:
            return False
    return True
