"""SPEC §2.6 receipts: offline (checkpoint signature, RFC 9162 inclusion proof) and against a record."""
import hashlib

from canon import Refused, unhex, unb64, integer, parse_json, parse_payload
from merkle import node_hash
from record import parse_note

KEYS = ["format", "version", "origin", "log_key", "index", "leaf_hash", "checkpoint", "inclusion"]


def inclusion_root(index, size, leaf, path):
    """RFC 9162 §2.1.3.2: the root that `path` gives for `leaf` at `index` in a tree of `size`."""
    if index >= size:
        raise Refused("RCT-3", "index is not below the checkpoint's size")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Refused("RCT-3", "inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Refused("RCT-3", "inclusion proof is too short")
    return r


def expected_tracker(entry, origin):
    """The tracker §2.6 defines for an entry's kind, or None (other kinds define none)."""
    if entry.redacted:
        return None
    p = parse_payload(entry.payload, origin)
    if p["kind"] == "ballot.cast":
        return hashlib.sha256(entry.payload).hexdigest()
    if p["kind"] == "ballot.spoil":
        return hashlib.sha256(unb64(p["ballot"], "ballot")).hexdigest()
    if p["kind"] == "ledger.contribution":
        return f"{p['org']}:{p['attestation']}"
    return None


def verify_receipt(data: bytes, entries=None, tree=None):
    """Returns a list of (check, message) failures."""
    fails = []
    try:
        r = parse_json(data, "receipt")
        if not isinstance(r, dict) or not set(KEYS) <= set(r) or set(r) - set(KEYS) - {"tracker"}:
            raise Refused("RCT-1", f"receipt keys {list(r)}")
        if r["format"] != "perennial-receipt" or r["version"] != 1 or type(r["version"]) is not int:
            raise Refused("RCT-1", "not a perennial-receipt version 1")
        pub = unhex(r["log_key"], 32, "log_key")
        lh = unhex(r["leaf_hash"], 32, "leaf_hash")
        index = integer(r["index"], "index", 0)
        path = [unhex(h, 32, "inclusion hash") for h in r["inclusion"]]
    except Refused as ex:
        return [(ex.args[0], ex.args[1]) if len(ex.args) == 2 else ("RCT-1", ex.args[0])]
    try:
        size, root, _ = parse_note(r["checkpoint"], r["origin"], pub)
    except Refused as ex:
        return [("RCT-2", ex.args[-1])]
    try:
        if inclusion_root(index, size, lh, path) != root:
            fails.append(("RCT-3", "the inclusion proof does not lead to the checkpoint's root"))
    except Refused as ex:
        fails.append(ex.args)
    if entries is not None:
        if index >= len(entries) or entries[index].leaf_hash != lh:
            fails.append(("RCT-4", "the record's entry at index has another leaf hash"))
        elif size > len(entries) or tree.root(size) != root:
            fails.append(("RCT-5", "the record is not consistent with the receipt's checkpoint"))
        elif "tracker" in r:
            if r["tracker"] != expected_tracker(entries[index], origin=r["origin"]):
                fails.append(("RCT-7", "the tracker is not the entry's"))
    return fails
