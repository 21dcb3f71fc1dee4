#!/usr/bin/env python3
"""SPEC's worked examples (§2.2 one entry, §3.3 one transcript), recomputed from their stated inputs.
`examples.py` prints them; `examples.py --check SPEC.md` fails unless every value is in SPEC verbatim."""
import base64
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sodium  # noqa: E402
from merkle import leaf_hash  # noqa: E402
from record import key_id, verifier_key, parse_note  # noqa: E402
from canon import json_string  # noqa: E402
from tracking import tracking_code  # noqa: E402
from record import ENTRY_PREFIX  # noqa: E402
import groups  # noqa: E402
from proofs import lp, u32, transcript, check_schnorr  # noqa: E402

ORIGIN = "perennial.example/nancy-2026"
TERM = "nancy-2026"


def entry_example():
    seed = bytes(range(32))
    payload = ('{"kind":"kiosk.revoke","record":"%s","term":"%s","device":"town-hall-1"}' % (ORIGIN, TERM)).encode()
    pk, sig = sodium.ed25519_sign(seed, ENTRY_PREFIX + payload)
    time = 1767222000000
    leaf = b"\x01" + time.to_bytes(8, "big") + pk + sig + len(payload).to_bytes(4, "big") + payload
    line = ('{"index":0,"time":%d,"author":"%s","signature":"%s","payload":"%s"}'
            % (time, pk.hex(), sig.hex(), base64.b64encode(payload).decode()))
    return {"payload": payload.decode(), "author": pk.hex(), "signature": sig.hex(),
            "leaf": leaf.hex(), "leaf_hash": leaf_hash(leaf).hex(), "line": line}


def checkpoint_example():
    """§2.4: the log key from the same seed signs the checkpoint of a log holding only that entry."""
    e = entry_example()
    seed = bytes(range(32))
    pk, _ = sodium.ed25519_sign(seed, b"")
    root = bytes.fromhex(e["leaf_hash"])
    body = f"{ORIGIN}\n1\n{base64.b64encode(root).decode()}\ntime 1767222000000\n"
    _, sig = sodium.ed25519_sign(seed, body.encode())
    kid = key_id(ORIGIN, pk)
    note = body + "\n\u2014 " + ORIGIN + " " + base64.b64encode(kid + sig).decode() + "\n"
    size, r, _ = parse_note(note, ORIGIN, pk)
    assert (size, r) == (1, root)
    return {"verifier key": verifier_key(ORIGIN, pk), "key id": kid.hex(),
            "signature line": note.split("\n")[5], "line": '{"size":1,"note":%s}' % json_string(note)}


def ballot_context_example():
    """§4.7: the context of the disjunctive proof of option 2 of version 3 of contest maire."""
    ctx = (lp(b"perennial-ballot-v1") + lp(ORIGIN.encode()) + lp(TERM.encode()) + lp(b"maire") + u32(3) + u32(2))
    return {"context": ctx.hex()}


def transcript_example():
    x, w, i, k = 2, 3, 1, 0
    X, A = sodium.r_base(x), sodium.r_base(w)
    context = lp(b"perennial-trustee-v1") + lp(ORIGIN.encode()) + lp(TERM.encode())
    binding = u32(i) + u32(k)
    G = groups.group("ristretto255")
    T = transcript(G, "schnorr", context, binding, [G.g, X, A])
    c = G.hash_to_scalar(T)
    r = (w + c * x) % sodium.Q
    proof = {"c": c.to_bytes(32, "little").hex(), "r": r.to_bytes(32, "little").hex()}
    assert check_schnorr(G, proof, X, context, binding)
    return {"X": X.hex(), "A": A.hex(), "T": T.hex(), "c": proof["c"], "r": proof["r"]}


def tracking_example():
    """§2.6: the tracking codes SPEC gives for SHA-256("") and SHA-256("abc")."""
    return {"code of SHA-256('')": tracking_code(hashlib.sha256(b"").digest()),
            "code of SHA-256('abc')": tracking_code(hashlib.sha256(b"abc").digest())}


def instant_example():
    """§5.1: the instants SPEC gives for times skipped and repeated by Paris's clock changes."""
    import datetime as dt
    from zoneinfo import ZoneInfo
    from calendar_rules import instant_ms
    z, out = ZoneInfo("Europe/Paris"), {}
    for d in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        u = dt.datetime.fromtimestamp(instant_ms(z, d, 2, 30) / 1000, dt.timezone.utc)
        out[f"instant {d}"] = f"`instant({d}, 02:30) = {u.strftime('%Y-%m-%dT%H:%M:%SZ')}`"
    return out


def wrap(h, n=64):
    return "\n".join(h[i:i + n] for i in range(0, len(h), n))


def main(argv):
    e, t, c = entry_example(), transcript_example(), tracking_example()
    c.update(checkpoint_example())
    c.update(ballot_context_example())
    c.update(instant_example())
    if len(argv) == 3 and argv[1] == "--check":
        spec = open(argv[2], encoding="utf-8").read()
        missing = [k for k, v in [("entry " + k, v) for k, v in e.items()] + [("transcript " + k, v) for k, v in t.items()] + [(k, v) for k, v in c.items()]
                   if (wrap(v) if k.endswith((" leaf", " T")) else v) not in spec]
        for m in missing:
            print(f"FAIL SPEC's worked example lacks or misstates the {m}")
        print(f"{len(e) + len(t) + len(c) - len(missing)} passed, {len(missing)} failed")
        return 1 if missing else 0
    for k, v in e.items():
        print(f"entry {k}:\n{wrap(v) if k == 'leaf' else v}")
    for k, v in t.items():
        print(f"transcript {k}:\n{wrap(v) if k == 'T' else v}")
    for k, v in c.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
