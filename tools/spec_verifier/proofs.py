"""SPEC §3.3 transcripts and §3.5 / §3.5.1 proofs, for any group of groups.py (one by one, no batch)."""
from canon import Refused, unhex


def lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def transcript(G, protocol: str, context: bytes, binding: bytes, elements) -> bytes:
    """T = "perennial-proof-v1" || lp(protocol) || lp(group) || lp(context) || lp(binding) || lp(e)..."""
    t = b"perennial-proof-v1" + lp(protocol.encode()) + lp(G.name.encode()) + lp(context) + lp(binding)
    for e in elements:
        t += lp(e)
    return t


def element(G, h, what, allow_identity=False):
    b = unhex(h, G.elen, what)
    if not G.valid(b):
        raise Refused(f"{what} is not a valid {G.name} element")
    if b == G.identity and not allow_identity:
        raise Refused(f"{what} is the identity")
    return b


def scalar(G, h, what):
    s = G.scalar_from(unhex(h, 32, what))
    if s >= G.q:
        raise Refused(f"{what} is not below q")
    return s


def check_schnorr(G, proof, X, context, binding) -> bool:
    c, r = scalar(G, proof["c"], "c"), scalar(G, proof["r"], "r")
    A = G.div(G.gexp(r), G.exp(X, c))
    return G.hash_to_scalar(transcript(G, "schnorr", context, binding, [G.g, X, A])) == c


def check_chaum_pedersen(G, c, r, X, h, Y, context, binding) -> bool:
    A = G.div(G.gexp(r), G.exp(X, c))
    B = G.div(G.exp(h, r), G.exp(Y, c))
    return G.hash_to_scalar(transcript(G, "chaum-pedersen", context, binding, [G.g, X, h, Y, A, B])) == c


def check_range(G, proof, pk, alpha, beta, lo, hi, context, binding, protocol="range"):
    """§3.5 range proof; in ristretto255 with §3.5.1's carried commitments (both rules)."""
    n = hi - lo + 1
    want = ["c", "r", "t"] if G.carries_commitments else ["c", "r"]
    if not isinstance(proof, dict) or sorted(proof) != sorted(want):
        raise Refused(f"{protocol} proof keys are {list(proof) if isinstance(proof, dict) else proof}, expected {want}")
    cs, rs = proof["c"], proof["r"]
    if not isinstance(cs, list) or not isinstance(rs, list) or len(cs) != n or len(rs) != n:
        raise Refused(f"{protocol} proof arrays do not have {n} items for [{lo}, {hi}]")
    cs = [scalar(G, x, "c") for x in cs]
    rs = [scalar(G, x, "r") for x in rs]
    commitments = []
    for j in range(lo, hi + 1):
        i = j - lo
        commitments.append(G.div(G.gexp(rs[i]), G.exp(alpha, cs[i])))
        commitments.append(G.div(G.exp(pk, rs[i]), G.exp(G.div(beta, G.gexp(j)), cs[i])))
    if G.carries_commitments:
        ts = proof["t"]
        if not isinstance(ts, list) or len(ts) != 2 * n:
            raise Refused(f"{protocol} proof does not carry {2 * n} commitments")
        ts = [element(G, x, "t", allow_identity=True) for x in ts]
        if ts != commitments:
            return False
    stmt = [G.g, pk, alpha, beta, u32(lo), u32(hi)]
    return sum(cs) % G.q == G.hash_to_scalar(transcript(G, protocol, context, binding, stmt + commitments))
