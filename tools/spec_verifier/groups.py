"""SPEC §3.1 groups and §3.2 hash to scalar, behind one interface. Elements are handled as their
encodings (bytes), so comparing two elements is comparing bytes, as SPEC's rules do."""
import hashlib
import os
import re

import sodium


class Ristretto255:
    name = "ristretto255"
    q = sodium.Q
    elen = 32
    carries_commitments = True      # §3.5.1

    def __init__(self):
        self.identity = sodium.IDENTITY
        self.g = sodium.G

    def valid(self, e):
        return sodium.r_valid(e)

    def mul(self, a, b):
        return sodium.r_add(a, b)

    def div(self, a, b):
        return sodium.r_sub(a, b)

    def exp(self, a, s):
        return sodium.r_mul(a, s)

    def gexp(self, s):
        return sodium.r_base(s)

    def scalar_from(self, b):
        return int.from_bytes(b, "little")

    def scalar_bytes(self, s):
        return s.to_bytes(32, "little")

    def hash_to_scalar(self, t):
        return int.from_bytes(hashlib.sha512(t).digest(), "little") % self.q


class Schnorr:
    """eg4096 / belenios2048: the order-q subgroup of Z_p^*, elements big-endian on len(p) bytes."""
    carries_commitments = False

    def __init__(self, name, p, q, g):
        self.name, self.p, self.q = name, p, q
        self.elen = (p.bit_length() + 7) // 8
        self.identity = self.enc(1)
        self.g = self.enc(g)

    def enc(self, x):
        return x.to_bytes(self.elen, "big")

    def dec(self, e):
        return int.from_bytes(e, "big")

    def valid(self, e):
        if len(e) != self.elen:
            return False
        x = self.dec(e)
        return 1 <= x < self.p and pow(x, self.q, self.p) == 1

    def mul(self, a, b):
        return self.enc(self.dec(a) * self.dec(b) % self.p)

    def div(self, a, b):
        return self.enc(self.dec(a) * pow(self.dec(b), -1, self.p) % self.p)

    def exp(self, a, s):
        return self.enc(pow(self.dec(a), s % self.q, self.p))

    def gexp(self, s):
        return self.exp(self.g, s)

    def scalar_from(self, b):
        return int.from_bytes(b, "big")

    def scalar_bytes(self, s):
        return s.to_bytes(32, "big")

    def hash_to_scalar(self, t):
        return int.from_bytes(hashlib.sha512(t).digest(), "big") % self.q


def _spec_parameters():
    """The hex parameters of SPEC §3.1, read from SPEC.md itself (a stranger copies them from there)."""
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(os.path.join(here, "..", "..", "Audit", "SPEC.md"), encoding="utf-8").read()
    out = {}
    for m in re.finditer(r"^(eg4096|belenios2048) ([pqg]) =\n((?:[0-9a-f]+\n)+)", text, re.M):
        out.setdefault(m.group(1), {})[m.group(2)] = int(m.group(3).replace("\n", ""), 16)
    return out


def group(name):
    if name == "ristretto255":
        return Ristretto255()
    if name in ("modp2048", "modp3072"):
        raise ValueError(f"group {name} is retired (SPEC §3.1): a record naming it is refused")
    params = _spec_parameters().get(name)
    if not params or len(params) != 3:
        raise ValueError(f"group {name!r} is not one of ristretto255, eg4096, belenios2048")
    return Schnorr(name, params["p"], params["q"], params["g"])
