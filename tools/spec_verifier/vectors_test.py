#!/usr/bin/env python3
"""The verifier's building blocks against the published vectors in Tests/TestVectors (read, not computed
here), and SPEC §3.1's group parameters against the same published values. Prints 'N passed, M failed'."""
import base64
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groups  # noqa: E402
import sodium  # noqa: E402
from canon import Refused  # noqa: E402
from receipt import inclusion_root  # noqa: E402
from merkle import verify_consistency  # noqa: E402

VEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "TestVectors")


def main():
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}")

    modp = json.load(open(os.path.join(VEC, "modp.json")))
    for name, key in (("belenios2048", "belenios_2048"), ("eg4096", "electionguard_v2")):
        g, v = groups.group(name), modp[key]
        check((g.p, g.q, g.dec(g.g)) == (int(v["p_hex"], 16), int(v["q_hex"], 16), int(v["g_hex"], 16)),
              f"SPEC §3.1 {name} parameters are not {key} of modp.json")
    r = json.load(open(os.path.join(VEC, "ristretto255.json")))
    for k, h in enumerate(r["small_multiples"]):
        check(sodium.r_base(k) == bytes.fromhex(h), f"ristretto255 [{k}]B")
    for h in r["bad_encodings"]:
        check(not sodium.r_valid(bytes.fromhex(h)), f"ristretto255 accepts bad encoding {h}")
    ed = json.load(open(os.path.join(VEC, "ed25519.json")))
    for v in ed["vectors"]:
        sig, msg, pk = (bytes.fromhex(v[k]) for k in ("signature_hex", "message_hex", "public_key_hex"))
        check(sodium.ed25519_verify(sig, msg, pk), f"Ed25519 {v['name']}")
        check(not sodium.ed25519_verify(sig[:-1] + bytes([sig[-1] ^ 1]), msg, pk), f"Ed25519 {v['name']} flipped")
    for f in sorted(glob.glob(os.path.join(VEC, "rfc6962", "inclusion", "*", "*.json"))):
        v = json.load(open(f))
        try:
            path = [base64.b64decode(x) for x in (v["proof"] or [])]
            leaf, root = base64.b64decode(v["leafHash"] or ""), base64.b64decode(v["root"] or "")
            if len(leaf) != 32 or any(len(p) != 32 for p in path):
                raise Refused("RCT-3", "a hash is not 32 bytes")
            ok = v["treeSize"] > 0 and inclusion_root(v["leafIdx"], v["treeSize"], leaf, path) == root
        except Refused:
            ok = False
        check(ok != v["wantErr"], f"inclusion vector {os.path.relpath(f, VEC)}")
    for f in sorted(glob.glob(os.path.join(VEC, "rfc6962", "consistency", "*", "*.json"))):
        v = json.load(open(f))
        proof = [base64.b64decode(x) for x in (v["proof"] or [])]
        ok = verify_consistency(v["size1"], v["size2"], base64.b64decode(v["root1"] or ""),
                                base64.b64decode(v["root2"] or ""), proof)
        check(ok != v["wantErr"], f"consistency vector {os.path.relpath(f, VEC)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
