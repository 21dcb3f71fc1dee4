#!/usr/bin/env python3
"""Checks that the spec verifier rejects what it must (brief item 3): each case copies a good record,
changes it, and requires the named check to fail. The good record itself must pass first.
Usage: tamper_test.py RECORD_DIR [BOARD_DIR]. Prints 'N passed, M failed'."""
import base64
import io
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record  # noqa: E402
import verify  # noqa: E402

REAL_SIGNATURE_CHECK = record.entry_signature_ok


def run(path, trust_signatures=False, now_ms="clock"):
    record.entry_signature_ok = (lambda e: True) if trust_signatures else REAL_SIGNATURE_CHECK
    try:
        rep = verify.verify(path, out=io.StringIO(), now_ms=now_ms)
    finally:
        record.entry_signature_ok = REAL_SIGNATURE_CHECK
    return {c for c, _, _ in rep.failures}


def lines(path):
    return open(os.path.join(path, "entries.jsonl"), "rb").read().split(b"\n")[:-1]


def write_lines(path, ls):
    open(os.path.join(path, "entries.jsonl"), "wb").write(b"\n".join(ls) + b"\n")


def edit_payload(path, kind, change, nth=0):
    """Rewrite the payload of the nth entry of `kind` with change(dict) (its signature no longer holds)."""
    ls = lines(path)
    seen = 0
    for i, l in enumerate(ls):
        o = json.loads(l)
        if "payload" not in o or "signature" not in o:
            continue
        p = json.loads(base64.b64decode(o["payload"]))
        if p["kind"] == kind:
            if seen == nth:
                change(p)
                o["payload"] = base64.b64encode(json.dumps(p, separators=(",", ":"), ensure_ascii=False).encode()).decode()
                ls[i] = json.dumps(o, separators=(",", ":")).encode()
                write_lines(path, ls)
                return
            seen += 1
    raise LookupError(f"no {kind} entry #{nth} in the record")


def flip_hex(s):
    return ("1" if s[0] != "1" else "2") + s[1:]


def bump_scalar(s):
    """Another valid scalar (< q): change the lowest byte (little-endian) by one."""
    b = bytearray(bytes.fromhex(s))
    b[0] ^= 1
    return b.hex()


def makefile_flip(path):
    """The tamper of `make test-cross`: one bit in the middle of entries.jsonl (never making a newline)."""
    p = os.path.join(path, "entries.jsonl")
    b = bytearray(open(p, "rb").read())
    i = len(b) // 2
    b[i] = b[i] ^ 1 if b[i] ^ 1 not in (10,) else b[i] ^ 2
    open(p, "wb").write(b)


def sig_flip(path):
    ls = lines(path)
    o = json.loads(ls[5])
    o["signature"] = flip_hex(o["signature"])
    ls[5] = json.dumps(o, separators=(",", ":")).encode()
    write_lines(path, ls)


def checkpoint_sig_flip(path):
    p = os.path.join(path, "checkpoints.jsonl")
    ls = open(p, "rb").read().split(b"\n")[:-1]
    o = json.loads(ls[0])
    note = o["note"]
    cut = note.rindex(" ") + 10
    o["note"] = note[:cut] + ("A" if note[cut] != "A" else "B") + note[cut + 1:]
    ls[0] = ("{\"size\":%d,\"note\":%s}" % (o["size"], json.dumps(o["note"], ensure_ascii=False))).encode()
    open(p, "wb").write(b"\n".join(ls) + b"\n")


def manifest_space(path):
    p = os.path.join(path, "manifest.json")
    open(p, "wb").write(open(p, "rb").read().replace(b'","log_key"', b'", "log_key"'))


def disj_c(p):
    s = p["contests"][0]["selections"][0]
    s["c"][0] = bump_scalar(s["c"][0])


def disj_t(p):
    s = p["contests"][0]["selections"][1]
    if "t" not in s:
        raise LookupError("proofs carry no commitments in this group (SPEC §3.5.1)")
    s["t"][0], s["t"][1] = s["t"][1], s["t"][0]


def range_r(p):
    p["contests"][0]["range"]["r"][0] = bump_scalar(p["contests"][0]["range"]["r"][0])


def share_r(p):
    p["shares"][0]["r"] = bump_scalar(p["shares"][0]["r"])


def schnorr_c(p):
    p["proofs"][1]["c"] = bump_scalar(p["proofs"][1]["c"])


def close_counted(p):
    p["counted"] += 1


def close_swap(p):
    t = p["tally"]
    t[0]["a"], t[1]["a"] = t[1]["a"], t[0]["a"]


def result_count(p):
    o = p["results"][0]["options"]
    o[0]["count"] += 1
    o[1]["count"] -= 1


def redacted_kind(path):
    """A redacted line's stand-in is unsigned: make it another kind (it must stand for a delib.comment)."""
    ls = lines(path)
    for i, l in enumerate(ls):
        o = json.loads(l)
        if "redacted" in o:
            p = json.loads(base64.b64decode(o["payload"]))
            p["kind"] = "delib.support"
            o["payload"] = base64.b64encode(json.dumps(p, separators=(",", ":"), ensure_ascii=False).encode()).decode()
            ls[i] = json.dumps(o, separators=(",", ":")).encode()
            write_lines(path, ls)
            return
    raise LookupError("no redacted line in the record")


def redacted_hash(path):
    """A redacted line's leaf hash changed: the signed checkpoints no longer hold it."""
    ls = lines(path)
    for i, l in enumerate(ls):
        o = json.loads(l)
        if "redacted" in o:
            o["redacted"] = flip_hex(o["redacted"])
            ls[i] = json.dumps(o, separators=(",", ":")).encode()
            write_lines(path, ls)
            return
    raise LookupError("no redacted line in the record")


def proposal_body(p):
    p["body"] += "\nOne more line."


def attestation_dup(path):
    """The second contribution reuses the first one's (org, attestation)."""
    first = {}
    edit_payload(path, "ledger.contribution", lambda p: first.update(p), 0)
    edit_payload(path, "ledger.contribution", lambda p: p.update(org=first["org"], attestation=first["attestation"],
                                                                 category=first["category"]), 1)


def account_check(p):
    a = p["account"]
    p["account"] = a[:-1] + ("0" if a[-1] != "0" else "1")


def backdated(path):
    """The entry right after a checkpoint dated later than it (LOG-5, SPEC §2.2): still not before the
    previous entry, but before the checkpoint the log had already signed."""
    ls = lines(path)
    cps = [json.loads(l) for l in open(os.path.join(path, "checkpoints.jsonl"))]
    times = [json.loads(l)["time"] for l in ls]
    for c in cps:
        s, t = c["size"], int(c["note"].split("\n")[3][5:])
        if 0 < s < len(ls) and times[s - 1] < t - 1 and times[s] >= t:
            o = json.loads(ls[s])
            o["time"] = t - 1
            ls[s] = json.dumps(o, separators=(",", ":")).encode()
            write_lines(path, ls)
            return
    raise LookupError("no checkpoint dated after its last entry")


def real_term(p):
    p["simulation"] = False


def window_shift(p):
    p["window"] += 1


CASES = [
    ("make test-cross flip", makefile_flip, False, {"LOG-1", "LOG-2", "LOG-4"}),
    ("entry signature flipped", sig_flip, False, {"LOG-2"}),
    ("checkpoint signature flipped", checkpoint_sig_flip, False, {"LOG-3"}),
    ("manifest not canonical", manifest_space, False, {"REC-1"}),
    ("ballot payload changed, signature kept", lambda d: edit_payload(d, "ballot.cast", disj_c), False, {"LOG-2"}),
    ("disjunctive proof challenge", lambda d: edit_payload(d, "ballot.cast", disj_c), True, {"BAL-4"}),
    ("disjunctive proof commitments swapped", lambda d: edit_payload(d, "ballot.cast", disj_t), True, {"BAL-4"}),
    ("range proof response", lambda d: edit_payload(d, "ballot.cast", range_r, 3), True, {"BAL-4"}),
    ("ballot moved to another window", lambda d: edit_payload(d, "ballot.cast", window_shift), True, {"BAL-2"}),
    ("spoiled ballot's embedded proof", lambda d: edit_payload(d, "ballot.spoil", lambda p: p.update(
        ballot=base64.b64encode(json.dumps((lambda b: (disj_c(b), b)[1])(json.loads(base64.b64decode(p["ballot"]))),
                                           separators=(",", ":"), ensure_ascii=False).encode()).decode())), True, {"BAL-8"}),
    ("trustee Schnorr proof", lambda d: edit_payload(d, "trustee.commitments", schnorr_c), True, {"TRU-1"}),
    ("decryption share proof", lambda d: edit_payload(d, "tally.share", share_r), True, {"TAL-2"}),
    ("term.close counted", lambda d: edit_payload(d, "term.close", close_counted), True, {"TAL-1"}),
    ("term.close ciphertexts swapped", lambda d: edit_payload(d, "term.close", close_swap), True, {"TAL-1"}),
    ("redacted stand-in of another kind", redacted_kind, False, {"LOG-6"}),
    ("redacted line's leaf hash", redacted_hash, False, {"LOG-4"}),
    ("proposal body changed, hash kept", lambda d: edit_payload(d, "delib.proposal", proposal_body), True, {"DEL-HASH"}),
    ("attestation recorded twice", attestation_dup, True, {"LED-9", "LED-4"}),
    ("account id check symbol", lambda d: edit_payload(d, "ledger.contribution", account_check, 5), True, {"LED-0"}),
    ("entry backdated before a signed checkpoint", backdated, True, {"LOG-5"}),
    ("tally.result counts moved", lambda d: edit_payload(d, "tally.result", result_count), True, {"TAL-3"}),
]


def board_fails(board):
    """The check ids verify.py --board prints for a board (BRD, BRD-1, or a record check)."""
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        verify.check_board(board)
    return {l.split()[1] for l in out.getvalue().splitlines() if l.startswith("FAIL ") and not l.startswith("FAIL:")}


def flip_file(rel, offset):
    """Flip one bit of the largest file under the board's folder `rel` (a full tile, or the latest partial one)."""
    def f(board):
        top = os.path.join(board, rel)
        p = max((os.path.join(r, n) for r, _, ns in os.walk(top) for n in ns), key=os.path.getsize)
        b = bytearray(open(p, "rb").read())
        b[offset] ^= 1
        open(p, "wb").write(b)
    return f


def shard_edit(board):
    d = os.path.join(board, "trackers")
    for name in sorted(os.listdir(d)):
        t = open(os.path.join(d, name)).read()
        if '"counts"' in t:
            open(os.path.join(d, name), "w").write(t.replace('"counts"', '"challenged"', 1))
            return
    raise LookupError("no counted ballot in the index")


def shard_drop(board):
    d = os.path.join(board, "trackers")
    os.remove(os.path.join(d, sorted(os.listdir(d))[0]))


BOARD_CASES = [
    ("level-0 tile byte", flip_file("tile/0", 100), {"BRD"}),
    ("entry bundle byte", flip_file("tile/entries", 300), {"BRD"}),
    ("tracking index state", shard_edit, {"BRD-1"}),
    ("tracking index shard missing", shard_drop, {"BRD-1"}),
]


def main(argv):
    src = argv[1]
    passed = failed = skipped = 0
    base = run(src)
    if base:
        print(f"FAIL the untouched record fails: {sorted(base)}")
        failed += 1
    else:
        passed += 1
    for name, mutate, trust, want in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, "record")
            shutil.copytree(src, d)
            try:
                mutate(d)
            except LookupError as ex:
                skipped += 1
                print(f"skip {name}: {ex}")
                continue
            got = run(d, trust)
            if want & got:
                passed += 1
                print(f"ok   {name}: {sorted(got)}")
            else:
                failed += 1
                print(f"FAIL {name}: expected one of {sorted(want)}, got {sorted(got)}")
    # A real term's entries dated after the verifier's clock (LOG-10, SPEC §4.2): the record made real,
    # read with a clock set before its first entry; with no clock there is no LOG-10.
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "record")
        shutil.copytree(src, d)
        edit_payload(d, "term.setup", real_term)
        first = json.loads(lines(d)[0])["time"]
        for now, want in ((first - 10**6, True), (None, False)):
            got = run(d, True, now)
            if ("LOG-10" in got) == want:
                passed += 1
                print(f"ok   real term read {'before its entries' if want else 'with no clock'}: {sorted(got)}")
            else:
                failed += 1
                print(f"FAIL real term read {'before its entries' if want else 'with no clock'}: {sorted(got)}")
    # A pinned verifier key (SPEC §2.4, LOG-9): the record's own passes, another key fails.
    import record as rec
    man = json.load(open(os.path.join(src, "manifest.json")))
    own = rec.verifier_key(man["origin"], bytes.fromhex(man["log_key"]))
    other = rec.verifier_key(man["origin"], bytes(range(32)))
    for key, want_fail in ((own, False), (other, True)):
        got = {c for c, _, _ in verify.verify(src, out=io.StringIO(), log_key=key).failures}
        if ("LOG-9" in got) == want_fail and (want_fail or not got):
            passed += 1
            print(f"ok   pinned log key ({'another' if want_fail else 'its own'}): {sorted(got)}")
        else:
            failed += 1
            print(f"FAIL pinned log key ({'another' if want_fail else 'its own'}): {sorted(got)}")
    if len(argv) > 2:
        if board_fails(argv[2]):
            print("FAIL the untouched board fails")
            failed += 1
        else:
            passed += 1
        for name, mutate, want in BOARD_CASES:
            with tempfile.TemporaryDirectory() as tmp:
                d = os.path.join(tmp, "board")
                shutil.copytree(argv[2], d)
                mutate(d)
                got = board_fails(d)
                if want & got:
                    passed += 1
                    print(f"ok   board: {name}: {sorted(got)}")
                else:
                    failed += 1
                    print(f"FAIL board: {name}: expected one of {sorted(want)}, got {sorted(got)}")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
