#!/usr/bin/env python3
"""An independent verifier of a Perennial record, written from Audit/SPEC.md alone (no engine or audit
source): a living check that SPEC is exact. Usage: verify.py RECORD_DIR  (exit 0 iff every check passes)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canon import Refused, parse_payload  # noqa: E402
from report import Report  # noqa: E402
from record import verify_layout, verifier_key  # noqa: E402
from election import Election, ELECTION_KINDS  # noqa: E402
from ledger import Ledger  # noqa: E402
from delib import Deliberation  # noqa: E402
from calendar_rules import tzdata_release  # noqa: E402

DEFAULT_CHECK = {
    "term.setup": "TERM", "election.key": "TRU-5", "contest.version": "CON-2",
    "term.close": "TAL-1", "tally.result": "TAL-3", "kiosk.enrol": "KSK-1", "kiosk.revoke": "KSK-2",
    "roll.enrol": "ROLL-1", "roll.update": "ROLL-2", "roll.replace": "ROLL-3",
    "trustee.commitments": "TRU-1", "trustee.shares": "TRU-2", "trustee.ready": "TRU-4",
    "trustee.complaint": "TRU-3", "tally.share": "TAL-2", "ballot.cast": "BAL-4", "ballot.spoil": "BAL-8",
}


def verify(path, out=None, log_key=None, now_ms="clock"):
    """now_ms: the verifier's clock for LOG-10 (default the machine's; None: no clock, no LOG-10)."""
    out = out or sys.stdout
    if now_ms == "clock":
        now_ms = int(time.time() * 1000)
    report = Report()
    got = verify_layout(path, report)
    if got is None:
        report.print(out)
        return report
    origin, pub, entries = got
    election = Election(origin, report)
    ledger = Ledger(origin, report)
    delib = Deliberation(report)
    counts = {}
    skipped = set()
    for e in entries:
        if e.redacted:
            try:
                p = parse_payload(e.payload, origin)
                if p["kind"] != "delib.comment":
                    report.fail("LOG-6", e.index, "a redacted line's stand-in is not a delib.comment")
                elif p.get("body") != "":
                    report.fail("LOG-6", e.index, "a redacted line's stand-in has a body")
                else:
                    delib.apply(e, p, election.term, redacted=True)
            except Refused as ex:
                check, msg = ex.args if len(ex.args) == 2 else ("LOG-6", ex.args[0])
                report.fail(check, e.index, f"redacted stand-in: {msg}")
            continue
        try:
            p = parse_payload(e.payload, origin)
        except Refused as ex:
            report.fail("LOG-6", e.index, str(ex))
            continue
        kind = p["kind"]
        counts[kind] = counts.get(kind, 0) + 1
        if kind in ELECTION_KINDS:
            try:
                election.apply(e, p)
            except Refused as ex:
                check, msg = (ex.args if len(ex.args) == 2 else (DEFAULT_CHECK[kind], ex.args[0]))
                report.fail(check, e.index, f"{kind}: {msg}")
            except (KeyError, TypeError, ValueError, AttributeError) as ex:
                report.fail(DEFAULT_CHECK[kind], e.index, f"{kind}: malformed ({type(ex).__name__}: {ex})")
        elif kind.startswith("ledger."):
            try:
                ledger.apply(e, p, election.term)
            except Refused as ex:
                check, msg = ex.args if len(ex.args) == 2 else ("LED-0", ex.args[0])
                report.fail(check, e.index, f"{kind}: {msg}")
            except (KeyError, TypeError, ValueError, AttributeError) as ex:
                report.fail("LED-0", e.index, f"{kind}: malformed ({type(ex).__name__}: {ex})")
        elif kind.startswith("delib."):
            try:
                delib.apply(e, p, election.term)
            except Refused as ex:
                check, msg = ex.args if len(ex.args) == 2 else ("DEL-AUTH", ex.args[0])
                report.fail(check, e.index, f"{kind}: {msg}")
            except (KeyError, TypeError, ValueError, AttributeError) as ex:
                report.fail("DEL-AUTH", e.index, f"{kind}: malformed ({type(ex).__name__}: {ex})")
        else:
            report.fail("KND-1", e.index, f"unknown entry kind {kind!r}")
    delib.finish()
    for pid, part in delib.parts.items():
        if part["key"] in election.roll:
            report.note(f"warning: participant {pid}'s key is a credential of the roll (SPEC §6.1: "
                        "what someone says must never be linkable to how they vote)")
    t = election.term
    if t is not None:
        vk = verifier_key(origin, pub)
        report.note(f"time zone {t.zone.key}, tzdata release {tzdata_release()}")
        if t.log_key != vk:
            report.fail("TERM", 0, f"term.setup's log_key {t.log_key!r} is not {vk!r} (manifest origin and key)")
        if not t.simulation and now_ms is not None:
            # LOG-10 (SPEC §4.2): a real term's entries and checkpoints are not dated in the future.
            late = [e.index for e in entries if e.time > now_ms + 300_000]
            for i in late[:10]:
                report.fail("LOG-10", i, "dated more than 5 minutes after the verifier's clock")
            if any(ct > now_ms + 300_000 for ct in getattr(report, "checkpoint_times", [])):
                report.fail("LOG-10", None, "a checkpoint is dated more than 5 minutes after the verifier's clock")
        if log_key is not None and log_key != vk:
            report.fail("LOG-9", None, f"the record's verifier key {vk} is not the pinned {log_key}")
    elif entries:
        report.fail("TERM", 0, "the record has no term.setup")
    for s in sorted(skipped):
        report.note(f"{s}.* entries are not checked by this verifier (only their signatures and the tree)")
    report.note(f"{len(entries)} entries; ballots cast {election.ballots}, counted {len(election.latest)}, "
                f"spoiled {election.spoils}; kinds {dict(sorted(counts.items()))}")
    rows, city, nrev = ledger.totals()
    report.note(f"ledger: {len(ledger.contribs)} contributions, {nrev} reversed, {len(rows)} (account, year) rows, "
                f"{sum(r['minutes'] for r in rows.values())} counting minutes")
    report.ledger_totals = (rows, city, nrev)
    report.election, report.entries, report.origin = election, entries, origin
    report.print(out)
    print(("FAIL" if report.failures else "OK") + f": {len(report.failures)} failure(s)", file=out)
    return report


def check_receipt(path, record_dir):
    """verify.py --receipt FILE [RECORD_DIR]: SPEC §2.6, offline, and against the record when given."""
    from receipt import verify_receipt
    from merkle import Tree
    entries = tree = None
    if record_dir:
        rep = Report()
        got = verify_layout(record_dir, rep)
        if got is None or rep.failures:
            rep.print(sys.stdout)
            print("FAIL: the record itself does not verify")
            return 1
        entries = got[2]
        tree = Tree([e.leaf_hash for e in entries])
    fails = verify_receipt(open(path, "rb").read(), entries, tree)
    for check, msg in fails:
        print(f"FAIL {check} receipt: {msg}")
    print(("FAIL" if fails else "OK") + f": receipt {path}, {len(fails)} failure(s)")
    return 1 if fails else 0


def check_board(board):
    """verify.py --board DIR: SPEC §2.7 (tiles, bundles, rebuilt record) and §2.8 (BRD-1)."""
    import shutil
    from board import rebuild, tracker_index, check_index
    try:
        tmp = rebuild(board, None)
    except (Refused, KeyError, ValueError, OSError) as ex:
        print(f"FAIL BRD board: {ex.args[-1]}")
        return 1
    try:
        print(f"board {board}: tiles match the signed checkpoint; record rebuilt from the bundles")
        rep = verify(tmp)
        if rep.failures or not hasattr(rep, "election"):
            return 1
        shards = tracker_index(rep.entries, rep.origin, rep.election.cast_info)
        fails = check_index(board, len(rep.entries), shards)
        for f in fails:
            print(f"FAIL BRD-1 board: {f}")
        print(("FAIL" if fails else "OK") + f": tracking-code index, {len(shards)} shards, {len(fails)} failure(s)")
        return 1 if fails else 0
    finally:
        shutil.rmtree(tmp)


def main(argv):
    args = argv[1:]
    if args and args[0] == "--board" and len(args) == 2:
        return check_board(args[1])
    if args and args[0] == "--receipt" and len(args) in (2, 3):
        return check_receipt(args[1], args[2] if len(args) == 3 else None)
    log_key, now_ms = None, "clock"
    if "--now" in args:
        i = args.index("--now")
        now_ms = int(args[i + 1])
        del args[i:i + 2]
    if "--log-key" in args:
        i = args.index("--log-key")
        log_key = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print("usage: verify.py RECORD_DIR [--log-key VKEY] [--now MS] | verify.py --receipt FILE [RECORD_DIR] | verify.py --board DIR", file=sys.stderr)
        return 2
    if not os.path.isdir(args[0]):
        print(f"error: {args[0]} is not a record directory (manifest.json, entries.jsonl, checkpoints.jsonl)", file=sys.stderr)
        return 2
    return 1 if verify(args[0], log_key=log_key, now_ms=now_ms).failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
