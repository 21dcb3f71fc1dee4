"""SPEC §2.6 tracking code of a ballot tracker h = SHA-256(payload)."""
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTWXYZ"


def tracking_code(h: bytes) -> str:
    n = int.from_bytes(h[:8], "big") % 31 ** 12
    d = []
    for _ in range(12):
        d.append(n % 31)
        n //= 31
    d.reverse()
    s = sum((i + 1) * v for i, v in enumerate(d))
    d.append((-s * 12) % 31)
    assert sum((i + 1) * v for i, v in enumerate(d)) % 31 == 0
    sym = "".join(ALPHABET[v] for v in d)
    return f"{sym[:4]}-{sym[4:8]}-{sym[8:]}"
