"""SPEC §2.1: RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256."""
import hashlib


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Tree:
    """Roots of prefixes of one list of leaf hashes, with memoised subtrees of power-of-two size
    (those never change as the log grows)."""

    def __init__(self, leaves):
        self.leaves = leaves
        self._memo = {}

    def mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return self.leaves[lo]
        key = (lo, hi)
        if key in self._memo:
            return self._memo[key]
        k = 1
        while k * 2 < n:
            k *= 2
        h = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        if n & (n - 1) == 0:
            self._memo[key] = h
        return h

    def root(self, size: int) -> bytes:
        return self.mth(0, size)


def verify_consistency(m: int, n: int, old_root: bytes, new_root: bytes, proof) -> bool:
    """RFC 9162 §2.1.4.2, with SPEC §2.1's rules: only from m >= 1; for m = n the proof is empty and
    the roots equal; every proof hash 32 bytes."""
    if m < 1 or n < m or any(len(p) != 32 for p in proof):
        return False
    if m == n:
        return not proof and old_root == new_root
    if m & (m - 1) == 0:          # m is a power of two: the old root starts the path
        proof = [old_root] + list(proof)
    if not proof:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
