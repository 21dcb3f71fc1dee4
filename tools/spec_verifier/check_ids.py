#!/usr/bin/env python3
"""Every check id that a verifier reports must be defined in SPEC (so that two verifiers' reports can be
compared, §2.9). Usage: check_ids.py SPEC.md [AUDIT_REPORT]: checks the ids this verifier's sources use
and, when given, the ids on the PASS/FAIL lines of a `perennial-audit verify` report."""
import glob
import os
import re
import sys

ID = r"(?:REC|LOG|KND|RCT|BRD|TRU|ROLL|CON|BAL|KSK|TAL|LED)-[0-9]+|DEL-[A-Z]+|AUTH|TERM"


def main(argv):
    spec = open(argv[1], encoding="utf-8").read()
    defined = set(re.findall(r"`(" + ID + r")`", spec))
    for fam, a, b in re.findall(r"`([A-Z]+)-([0-9]+)` … `\1-([0-9]+)`", spec):  # a range: `RCT-1` … `RCT-7`
        defined.update(f"{fam}-{k}" for k in range(int(a), int(b) + 1))
    used = {}
    here = os.path.dirname(os.path.abspath(__file__))
    for f in glob.glob(os.path.join(here, "*.py")):
        if os.path.basename(f) != "check_ids.py":
            for i in re.findall(r'"(' + ID + r')"', open(f, encoding="utf-8").read()):
                used.setdefault(i, "spec_verifier")
    if len(argv) > 2:
        for line in open(argv[2], encoding="utf-8"):
            m = re.match(r"(?:PASS|FAIL)\s+(" + ID + r")\s", line)
            if m:
                used.setdefault(m.group(1), "perennial-audit")
    missing = sorted(i for i in used if i not in defined)
    for i in missing:
        print(f"FAIL {i} (used by {used[i]}) is not defined in SPEC")
    print(f"{len(used) - len(missing)} passed, {len(missing)} failed")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
