"""SPEC §1 layout, §2.2 entries and signatures, §2.4 checkpoints, §2.5 manifest."""
import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass

import sodium
from canon import Refused, json_string, unhex, unb64, integer
from merkle import Tree, leaf_hash

ENTRY_PREFIX = b"perennial-entry-v1\n"
ORIGIN_RE = re.compile(r"\A[\x21-\x7e]{1,255}\Z")
DEC_RE = re.compile(r"\A(0|[1-9][0-9]*)\Z")


@dataclass
class Entry:
    index: int
    time: int
    author: bytes
    signature: bytes  # None for a redacted line
    payload: bytes
    leaf_hash: bytes

    @property
    def redacted(self):
        return self.signature is None


def origin_ok(o):
    return isinstance(o, str) and ORIGIN_RE.match(o) and not any(c in o for c in '+"\\')


def key_id(name: str, pub: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]


def verifier_key(origin: str, pub: bytes) -> str:
    b64 = base64.b64encode(b"\x01" + pub).decode()
    return f"{origin}+{key_id(origin, pub).hex()}+{b64}"


def read_lines(path, report, what):
    """Split a file into lines, each ending with LF (SPEC §1); a missing final LF is REC-1."""
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        report.fail("REC-1", None, f"{what} does not end with a newline")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return data, lines  # an empty line is a malformed line: LOG-1 or LOG-3 (SPEC §2.9)


def read_manifest(path, report):
    data = open(path, "rb").read()
    try:
        m = json.loads(data.decode("utf-8"))
        origin, log_key = m["origin"], m["log_key"]
        if not origin_ok(origin):
            raise Refused(f"origin {origin!r} is not 1-255 printable ASCII without + \" \\")
        pub = unhex(log_key, 32, "log_key")
        n = integer(m["entries"], "entries", 0)
        k = integer(m["checkpoints"], "checkpoints", 1)
        canon = (f'{{"format":"perennial-record","version":1,"origin":{json_string(origin)},'
                 f'"log_key":"{log_key}","entries":{n},"checkpoints":{k}}}\n').encode()
        if data != canon:
            raise Refused("manifest.json is not in the canonical form of SPEC §1/§2.5")
        return origin, pub, n, k
    except (Refused, KeyError, TypeError, ValueError) as e:
        report.fail("REC-1", None, f"manifest.json: {e}")
        return None


def parse_entry_line(line: bytes, pos: int):
    try:
        o = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Refused(f"line is not JSON ({e})")
    if not isinstance(o, dict):
        raise Refused("line is not a JSON object")
    redacted = "redacted" in o
    keys = ["index", "time", "author", "redacted" if redacted else "signature", "payload"]
    if list(o) != keys:
        raise Refused(f"line keys are {list(o)}, expected {keys}")
    index = integer(o["index"], "index", 0, 2**63 - 1)
    time = integer(o["time"], "time", 0, 2**63 - 1)
    author = unhex(o["author"], 32, "author")
    payload = unb64(o["payload"], "payload")
    if redacted:
        lh = unhex(o["redacted"], 32, "redacted")
        sig = None
        field = f'"redacted":"{o["redacted"]}"'
    else:
        sig = unhex(o["signature"], 64, "signature")
        field = f'"signature":"{o["signature"]}"'
        leaf = (b"\x01" + time.to_bytes(8, "big") + author + sig
                + len(payload).to_bytes(4, "big") + payload)
        lh = leaf_hash(leaf)
    canon = (f'{{"index":{index},"time":{time},"author":"{o["author"]}",{field},'
             f'"payload":"{o["payload"]}"}}').encode()
    if canon != line:
        raise Refused("line is not in the canonical form of SPEC §1/§2.2")
    if index != pos:
        raise Refused(f"line {pos} carries index {index}")
    return Entry(index, time, author, sig, payload, lh)


def entry_signature_ok(e) -> bool:
    """SPEC §2.2: Ed25519 over "perennial-entry-v1\n" || payload (a test may replace this to reach the
    checks behind a tampered payload)."""
    return sodium.ed25519_verify(e.signature, ENTRY_PREFIX + e.payload, e.author)


def parse_note(note: str, origin: str, pub: bytes):
    """SPEC §2.4: C2SP signed note; returns (size, root, time). Raises Refused."""
    lines = note.split("\n")
    if len(lines) < 7 or lines[-1] != "":
        raise Refused("note is not 4 body lines, an empty line and signature lines, each ending in LF")
    lines = lines[:-1]
    if lines[0] != origin:
        raise Refused(f"note origin {lines[0]!r} is not the manifest's")
    if not DEC_RE.match(lines[1]):
        raise Refused("note tree size is not a canonical decimal")
    size = int(lines[1])
    root = unb64(lines[2], "note root")
    if len(root) != 32:
        raise Refused("note root is not 32 bytes")
    if not lines[3].startswith("time ") or not DEC_RE.match(lines[3][5:]):
        raise Refused("note's fourth line is not 'time <decimal>'")
    t = int(lines[3][5:])
    if lines[4] != "":
        raise Refused("note body is not followed by one empty line")
    body = "\n".join(lines[:4]) + "\n"
    kid = key_id(origin, pub)
    ok = False
    for sl in lines[5:]:
        m = re.match(r"\A\u2014 (\S+) (\S+)\Z", sl)
        if not m or "+" in m.group(1) or any(c.isspace() for c in sl[2:].split(" ", 1)[0]):
            raise Refused(f"malformed signature line {sl!r}")
        raw = unb64(m.group(2), "signature line")
        if len(raw) <= 4:
            raise Refused("signature line carries 4 bytes or fewer")
        if m.group(1) == origin and raw[:4] == kid:
            if len(raw) != 68:
                raise Refused("log signature line does not carry 68 bytes")
            if not sodium.ed25519_verify(raw[4:], body.encode(), pub):
                raise Refused("note signature does not verify under the manifest's log_key")
            ok = True
    if not ok:
        raise Refused("note has no signature line of the log key")
    return size, root, t


def verify_layout(dirpath, report):
    """Returns (origin, log_pub, entries) or None when the record cannot be read at all."""
    man = read_manifest(os.path.join(dirpath, "manifest.json"), report)
    if man is None:
        return None
    origin, pub, n_entries, n_cps = man
    _, lines = read_lines(os.path.join(dirpath, "entries.jsonl"), report, "entries.jsonl")
    entries = []
    last_time = 0
    for pos, line in enumerate(lines):
        try:
            e = parse_entry_line(line, pos)
        except Refused as ex:
            report.fail("LOG-1", pos, str(ex))
            return None
        if e.time < last_time:
            report.fail("LOG-5", pos, f"time {e.time} is before the previous entry's {last_time}")
        last_time = e.time
        if e.signature is not None and not entry_signature_ok(e):
            report.fail("LOG-2", pos, "entry signature does not verify")
        entries.append(e)
    if len(entries) != n_entries:
        report.fail("REC-1", None, f"manifest says {n_entries} entries, entries.jsonl has {len(entries)}")
    tree = Tree([e.leaf_hash for e in entries])
    _, cplines = read_lines(os.path.join(dirpath, "checkpoints.jsonl"), report, "checkpoints.jsonl")
    if len(cplines) != n_cps:
        report.fail("REC-1", None, f"manifest says {n_cps} checkpoints, checkpoints.jsonl has {len(cplines)}")
    prev_size, prev_time = -1, 0
    signed = []  # (size, time) of each checkpoint read
    for n, l in enumerate(cplines):
        try:
            o = json.loads(l.decode("utf-8"))
            if list(o) != ["size", "note"]:
                raise Refused(f"checkpoint line keys are {list(o)}")
            size = integer(o["size"], "size", 0)
            if f'{{"size":{size},"note":{json_string(o["note"])}}}'.encode() != l:
                raise Refused("checkpoint line is not in canonical form (SPEC §1)")
            nsize, root, t = parse_note(o["note"], origin, pub)
            if nsize != size:
                raise Refused("LOG-3", f"size {size} is not the note's {nsize}")
            if size > len(entries):
                raise Refused("LOG-4", f"size {size} is beyond the {len(entries)} entries")
            if size <= prev_size:
                raise Refused("LOG-7", "checkpoint sizes do not strictly increase")
            prev_size, last_time, prev_time = size, prev_time, max(prev_time, t)
            signed.append((size, t))
            if tree.root(size) != root:
                raise Refused("LOG-4", f"root at size {size} is not the one recomputed from the entries")
            if size > 0 and t < entries[size - 1].time:
                raise Refused("LOG-8", "checkpoint time is earlier than its last entry's")
            if t < last_time:
                raise Refused("LOG-8", "checkpoint time is earlier than the previous checkpoint's")
        except Refused as ex:
            check, msg = ex.args if len(ex.args) == 2 else ("LOG-3", ex.args[0])
            report.fail(check, None, f"checkpoints.jsonl line {n + 1}: {msg}")
        except (ValueError, KeyError, TypeError) as ex:
            report.fail("LOG-3", None, f"checkpoints.jsonl line {n + 1}: malformed ({ex})")
    if prev_size != len(entries):
        report.fail("LOG-7", None, "the last checkpoint does not cover every entry")
    # LOG-5 (SPEC §2.2): no entry is dated before a checkpoint signed before it was appended, i.e. one
    # whose size is at most the entry's index (it would have been backdated).
    floor, k = 0, 0
    for e in entries:
        while k < len(signed) and signed[k][0] <= e.index:
            floor = max(floor, signed[k][1])
            k += 1
        if e.time < floor:
            report.fail("LOG-5", e.index, f"time {e.time} is earlier than a checkpoint signed before it ({floor})")
    report.checkpoint_times = [t for _, t in signed]
    return origin, pub, entries
