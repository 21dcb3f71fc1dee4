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
