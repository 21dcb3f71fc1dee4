#!/usr/bin/env python3
"""Cross-checks SPEC §5.5: the ledger totals this verifier recomputes from the record alone must be the
figures the engine prints (`perennial ledger totals --json`, `perennial ledger statement --json`).
Usage: compare_ledger.py RECORD_DIR NODE_DATA_DIR PERENNIAL_BINARY. Prints 'N passed, M failed'."""
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify  # noqa: E402


def engine(binary, *args):
    return json.loads(subprocess.run([binary, "ledger", *args, "--json"], check=True, capture_output=True).stdout)


def main(argv):
    rec, data, binary = argv[1:4]
    rep = verify.verify(rec, out=io.StringIO())
    rows, city, nrev = rep.ledger_totals
    passed = failed = 0

    def check(what, mine, theirs):
        nonlocal passed, failed
        if mine == theirs:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}: verifier {mine} != engine {theirs}")

    t = engine(binary, "totals", "--data", data)
    mine_rows = sorted((m, c, v["minutes"], v["contributions"], len(v["accounts"])) for (m, c), v in city.items())
    theirs_rows = sorted((r["month"], r["category"], r["minutes"], r["contributions"], r["accounts"]) for r in t["rows"])
    check("city rows (month, category, minutes, contributions, accounts)", mine_rows, theirs_rows)
    check("reversed", nrev, t["reversed"])
    for (acct, year), r in sorted(rows.items()):
        s = engine(binary, "statement", "--data", data, "--account", acct, "--year", str(year))
        check(f"{acct} {year}", (r["minutes"], sorted(r["by_category"].items()), sorted(r["by_org"].items()),
                                 r["obligation"], r["owed"], r["value_minor"]),
              (s["total_minutes"], sorted((x["category"], x["minutes"]) for x in s["by_category"]),
               sorted((x["org"], x["minutes"]) for x in s["by_organisation"]),
               s["obligation_minutes"], s["owed_minutes"], s["value_minor"]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
