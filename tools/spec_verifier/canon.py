"""SPEC §1 canonical form (how the record's lines are written) and §2.3 payload parsing rules."""
import base64
import binascii
import json
import re


class Refused(Exception):
    """A rule of SPEC is broken; str() is the one-line reason."""


def json_string(s: str) -> str:
    """SPEC §1: escape `"`, `\\`, LF as \\n, other U+0000-U+001F as \\u00xx (lowercase); all else raw."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


HEX_RE = re.compile(r"\A[0-9a-f]*\Z")


def unhex(s, n=None, what="value"):
    """Lowercase hex of exactly n bytes (when n is given)."""
    if not isinstance(s, str) or len(s) % 2 or not HEX_RE.match(s):
        raise Refused(f"{what} is not lowercase hex")
    b = bytes.fromhex(s)
    if n is not None and len(b) != n:
        raise Refused(f"{what} is {len(b)} bytes, not {n}")
    return b


def unb64(s, what="value"):
    """Standard padded base64 that re-encodes to the same text (so one encoding per byte string)."""
    if not isinstance(s, str):
        raise Refused(f"{what} is not a base64 string")
    try:
        b = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(f"{what} is not padded standard base64")
    if base64.b64encode(b).decode() != s:
        raise Refused(f"{what} is not canonical base64")
    return b


class BadNumber(str):
    """A JSON number that is not an SPEC §2.3 integer (a fraction, an exponent, -0)."""


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Refused(f"duplicate key {k!r}")
        d[k] = v
    return d


def _bad_constant(name):
    raise Refused(f"{name} is not JSON")


def _depth(text: str) -> int:
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def parse_json(data: bytes, what="payload"):
    """Strict RFC 8259 parse of UTF-8 bytes: no BOM, no duplicate keys, no NaN; numbers that are
    not integers come back as BadNumber so that a rule needing an integer refuses them."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise Refused(f"{what} starts with a byte-order mark")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(f"{what} is not UTF-8")
    if _depth(text) > 128:
        raise Refused(f"{what} is nested more than 128 levels deep")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_bad_constant,
                          parse_float=BadNumber,
                          parse_int=lambda s: BadNumber(s) if s == "-0" else int(s))
    except json.JSONDecodeError as e:
        raise Refused(f"{what} is not JSON: {e.msg} at {e.pos}")


def parse_payload(data: bytes, origin: str):
    """SPEC §2.3: an object whose first key is kind (non-empty string), second record (= origin)."""
    obj = parse_json(data)
    if not isinstance(obj, dict):
        raise Refused("payload is not a JSON object")
    keys = list(obj)
    if len(keys) < 2 or keys[0] != "kind" or keys[1] != "record":
        raise Refused("payload's first two keys are not kind, record")
    if not isinstance(obj["kind"], str) or not obj["kind"]:
        raise Refused("payload's kind is not a non-empty string")
    if obj["record"] != origin:
        raise Refused(f"payload's record {obj['record']!r} is not the origin")
    return obj


def integer(v, what, lo=None, hi=None):
    if type(v) is not int:
        raise Refused(f"{what} is not an integer")
    if lo is not None and v < lo or hi is not None and v > hi:
        raise Refused(f"{what} = {v} is out of range")
    return v


def keys_exactly(obj, keys, what):
    """The object holds exactly these keys in this order (the engine's write order)."""
    if list(obj) != list(keys):
        raise Refused(f"{what} has keys {list(obj)}, expected {list(keys)}")


def keys_set(obj, keys, what):
    if set(obj) != set(keys) or len(obj) != len(keys):
        raise Refused(f"{what} has keys {sorted(obj)}, expected {sorted(keys)}")
