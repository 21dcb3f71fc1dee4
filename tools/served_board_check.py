#!/usr/bin/env python3
"""Checks a board served by `perennial serve` against the same node's exported board (make test-cross).

Usage: served_board_check.py URL EXPORTED_DIR HIDDEN_TEXT

For every file of EXPORTED_DIR (entries.jsonl aside: the server does not serve it), GET URL/path:
the bytes must be the exported ones and must not hold HIDDEN_TEXT (a comment hidden by moderation,
SPEC §2.7). A bundle holding a redacted slot must exist and be served `no-cache` (hiding a comment
rewrites its bundle, so it is never `immutable`). Prints one line; exits 1 on the first failure.
"""
import os
import sys
import urllib.request

MARKER = bytes([0xFF, 0xFF, 0, 0, 0, 0, 0x02])


def main() -> int:
    base, exported, hidden = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3].encode()
    checked = redacted = 0
    for root, _, files in os.walk(exported):
        for name in files:
            path = os.path.relpath(os.path.join(root, name), exported)
            if path == "entries.jsonl":
                continue
            with open(os.path.join(exported, path), "rb") as f:
                expected = f.read()
            with urllib.request.urlopen(f"{base}/{path}") as response:
                body, cache = response.read(), response.headers.get("Cache-Control", "")
            if body != expected:
                print(f"served {path} differs from the exported file")
                return 1
            if hidden in body:
                print(f"served {path} holds the hidden comment's text")
                return 1
            if path.startswith("tile/entries/") and MARKER in body:
                redacted += 1
                if "immutable" in cache:
                    print(f"{path} holds a redacted slot but is served {cache!r}")
                    return 1
            checked += 1
    if redacted == 0:
        print("no served bundle holds a redacted slot")
        return 1
    print(f"perennial serve: {checked} resources equal the exported board, none holds the hidden text; "
          f"{redacted} bundle(s) with a redacted slot served no-cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
