"""SPEC §2.7 the bulletin board (C2SP tlog-tiles, tile height 8, with the long-leaf and redacted-slot
extensions) and §2.8 the tracking-code index, read from a directory written by
`perennial export --tiles DIR`. The entries are rebuilt from the bundles, then verified as a record."""
import base64
import hashlib
import json
import os
import shutil
import tempfile

from canon import Refused, parse_payload, unb64
from merkle import Tree, leaf_hash
from record import parse_note
from tracking import tracking_code


def tile_path(level, n, width=None):
    """`<N>` in 3-digit groups, all but the last prefixed with x (1234067 -> x001/x234/067)."""
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    parts = [f"x{g:03d}" for g in groups[:-1]] + [f"{groups[-1]:03d}"]
    p = "/".join(parts)
    if width is not None:
        p += f".p/{width}"
    return f"tile/{level}/{p}"


def read(board, rel):
    path = os.path.join(board, rel)
    if not os.path.isfile(path):
        raise Refused("BRD", f"{rel} is missing from the board")
    return open(path, "rb").read()


def tiles_of(board, level, count, what):
    """The `count` hashes of a level: full tiles, then one partial tile of width count % 256."""
    out = []
    for n in range(count // 256):
        t = read(board, tile_path(level, n) if what == "hash" else tile_path("entries", n))
        out.append(t)
    if count % 256:
        out.append(read(board, tile_path(level, count // 256, count % 256) if what == "hash"
                        else tile_path("entries", count // 256, count % 256)))
    return out


def parse_bundle(data, expect):
    """Slots of one entry bundle: (leaf bytes) or ('redacted', time, author, leaf_hash, stand_in)."""
    slots, i = [], 0
    while i < len(data):
        if data[i:i + 2] == b"\xff\xff":
            n = int.from_bytes(data[i + 2:i + 6], "big")
            if n == 0:
                if data[i + 6:i + 7] != b"\x02":
                    raise Refused("BRD", "a redacted slot's format byte is not 0x02")
                j = i + 7
                time = int.from_bytes(data[j:j + 8], "big")
                author, lh = data[j + 8:j + 40], data[j + 40:j + 72]
                m = int.from_bytes(data[j + 72:j + 76], "big")
                stand = data[j + 76:j + 76 + m]
                if m == 0 or len(stand) != m:
                    raise Refused("BRD", "a redacted slot's stand-in is empty or cut short")
                slots.append(("redacted", time, author, lh, stand))
                i = j + 76 + m
                continue
            if n < 65535:
                raise Refused("BRD", "the long form carries a leaf shorter than 65,535 bytes")
            leaf, i = data[i + 6:i + 6 + n], i + 6 + n
        else:
            n = int.from_bytes(data[i:i + 2], "big")
            leaf, i = data[i + 2:i + 2 + n], i + 2 + n
        if len(leaf) != n:
            raise Refused("BRD", "a bundle ends inside a leaf")
        slots.append(leaf)
    if len(slots) != expect:
        raise Refused("BRD", f"a bundle holds {len(slots)} entries, expected {expect}")
    return slots


def rebuild(board, report):
    """Checks the tiles against the signed checkpoint, rebuilds the record's three files in a temporary
    directory and returns its path (the caller verifies it as a record, then removes it)."""
    man = json.loads(read(board, "manifest.json"))
    origin, pub = man["origin"], bytes.fromhex(man["log_key"])
    note = read(board, "checkpoint").decode("utf-8")
    size, root, _ = parse_note(note, origin, pub)
    cps = read(board, "checkpoints.jsonl").decode("utf-8").split("\n")
    if man["entries"] != size or json.loads(cps[-2])["note"] != note:
        raise Refused("BRD", "the manifest's entries or the last checkpoint line is not the board's checkpoint")
    hashes = b"".join(tiles_of(board, 0, size, "hash"))
    leaves = [hashes[k:k + 32] for k in range(0, len(hashes), 32)]
    if len(leaves) != size:
        raise Refused("BRD", "the level-0 tiles do not hold one hash per entry")
    tree = Tree(leaves)
    if tree.root(size) != root:
        raise Refused("BRD", "the root recomputed from the tiles is not the checkpoint's")
    level, span = 1, 256
    while size // span:
        got = b"".join(tiles_of(board, level, size // span, "hash"))
        want = b"".join(tree.mth(k * span, (k + 1) * span) for k in range(size // span))
        if got != want:
            raise Refused("BRD", f"the level-{level} tiles do not hold the subtree hashes")
        level, span = level + 1, span * 256
    for line in cps[:-1]:
        # each checkpoint's partial tiles that the latest tree has not filled yet (SPEC §2.7)
        s = json.loads(line)["size"]
        level, span = 0, 1
        while s // span:
            n, w = s // (span * 256), (s // span) % 256
            if w and n == size // (span * 256):
                t = read(board, tile_path(level, n, w))
                want = b"".join(tree.mth((n * 256 + i) * span, (n * 256 + i + 1) * span) for i in range(w))
                if t != want:
                    raise Refused("BRD", f"the partial level-{level} tile of checkpoint size {s} is not the tree's")
                if level == 0:
                    read(board, tile_path("entries", n, w))
            level, span = level + 1, span * 256
    lines = []
    for n, data in enumerate(tiles_of(board, "entries", size, "bundle")):
        for k, slot in enumerate(parse_bundle(data, min(256, size - 256 * n))):
            idx = 256 * n + k
            if isinstance(slot, tuple):
                _, time, author, lh, stand = slot
                if lh != leaves[idx]:
                    raise Refused("BRD", f"entry {idx}: the redacted slot's leaf hash is not the tile's")
                lines.append('{"index":%d,"time":%d,"author":"%s","redacted":"%s","payload":"%s"}'
                             % (idx, time, author.hex(), lh.hex(), base64.b64encode(stand).decode()))
                continue
            if leaf_hash(slot) != leaves[idx]:
                raise Refused("BRD", f"entry {idx}: the bundle's leaf does not hash to the tile's")
            if slot[0] != 1 or int.from_bytes(slot[105:109], "big") != len(slot) - 109:
                raise Refused("BRD", f"entry {idx}: the leaf is not the leaf format of §2.2")
            lines.append('{"index":%d,"time":%d,"author":"%s","signature":"%s","payload":"%s"}'
                         % (idx, int.from_bytes(slot[1:9], "big"), slot[9:41].hex(), slot[41:105].hex(),
                            base64.b64encode(slot[109:]).decode()))
    tmp = tempfile.mkdtemp(prefix="spec-verify-board-")
    open(os.path.join(tmp, "entries.jsonl"), "w").write("".join(l + "\n" for l in lines))
    shutil.copy(os.path.join(board, "manifest.json"), tmp)
    shutil.copy(os.path.join(board, "checkpoints.jsonl"), tmp)
    return tmp


def tracker_index(entries, origin, ballots):
    """§2.8: the shards recomputed from the record. `ballots` maps a ballot.cast's index to its
    (lineage, window) as the election checks found them."""
    rows = []
    for e in entries:
        if e.redacted:
            continue
        p = parse_payload(e.payload, origin)
        if p["kind"] == "ballot.cast" and e.index in ballots:
            h = hashlib.sha256(e.payload).digest()
            later = [j for j in sorted(ballots) if j > e.index and ballots[j] == ballots[e.index]]
            rows.append((tracking_code(h).replace("-", ""), e.index, "replaced" if later else "counts",
                         later[0] if later else None))
        elif p["kind"] == "ballot.spoil":
            h = hashlib.sha256(unb64(p["ballot"], "ballot")).digest()
            rows.append((tracking_code(h).replace("-", ""), e.index, "challenged", None))
    shards = {}
    for code, idx, state, by in rows:
        shards.setdefault(code[:2], []).append(
            '{"code":"%s","entry":%d,"state":"%s","by":%s}' % (code, idx, state, "null" if by is None else by))
    return {k: v for k, v in shards.items()}


def check_index(board, size, shards):
    """BRD-1: every shard byte for byte; a shard that should be absent is absent."""
    fails = []
    have = set(f[:-5] for f in os.listdir(os.path.join(board, "trackers")) if f.endswith(".json"))
    for k in sorted(have | set(shards)):
        if k not in shards:
            fails.append(f"trackers/{k}.json exists but no ballot's code starts with {k}")
            continue
        want = '{"size":%d,"ballots":[%s]}' % (size, ",".join(shards[k]))
        path = os.path.join(board, "trackers", k + ".json")
        got = open(path, encoding="utf-8").read() if k in have else None
        if got is None:
            fails.append(f"trackers/{k}.json is missing")
        elif got.rstrip("\n") != want:
            fails.append(f"trackers/{k}.json differs from the recomputed shard")
        elif got != want and got != want + "\n":
            fails.append(f"trackers/{k}.json has trailing bytes")
    return fails
