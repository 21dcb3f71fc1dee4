"""SPEC §6: deliberation — authors (§6.1), content hashes (§6.2), kinds (§6.3), state and rules (§6.4),
applying a change (§6.5), and the redacted comment lines of §2.2."""
import hashlib
import re

import sodium
from canon import Refused, unhex, integer

ID_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
TRACKS = {"croisements fertiles", "nouvelles attentions", "démocratie vivante", "savoirs partagés"}
STANCES = {"for", "against", "neutral"}
CONTENT = ["title", "track", "enjeux", "paradoxes", "possibles", "body"]
CHANGE = ["change", "heading", "start", "count", "replacement"]
KEYS = {
    "delib.participant": ["participant", "name", "key", "moderator"],
    "delib.role": ["participant", "moderator"],
    "delib.proposal": ["proposal", "status"] + CONTENT + ["hash"],
    "delib.revision": ["proposal", "base"] + CONTENT + ["hash"],
    "delib.status": ["proposal", "status", "reason"],
    "delib.amendment": ["amendment", "proposal", "base"] + CHANGE + ["summary", "hash"],
    "delib.rebase": ["amendment", "base"] + CHANGE,
    "delib.decision": ["amendment", "decision", "reason", "version"],
    "delib.withdrawal": ["amendment"],
    "delib.comment": ["comment", "on", "target", "parent", "stance", "body", "hash"],
    "delib.support": ["proposal", "version"],
    "delib.unsupport": ["proposal", "version"],
    "delib.moderation": ["target", "id", "action", "reason", "hash"],
}
CHECK = {"delib.participant": "DEL-PART", "delib.role": "DEL-PART", "delib.proposal": "DEL-PROP",
         "delib.revision": "DEL-REV", "delib.status": "DEL-LIFE", "delib.amendment": "DEL-AMEND",
         "delib.rebase": "DEL-AMEND", "delib.decision": "DEL-DECIDE", "delib.withdrawal": "DEL-AMEND",
         "delib.comment": "DEL-THREAD", "delib.support": "DEL-SUPPORT", "delib.unsupport": "DEL-SUPPORT",
         "delib.moderation": "DEL-MOD"}


def lpu(s: str) -> bytes:
    b = s.encode()
    return len(b).to_bytes(4, "big") + b


def lst(xs) -> bytes:
    return len(xs).to_bytes(4, "big") + b"".join(lpu(x) for x in xs)


def proposal_hash(pid, c):
    return hashlib.sha256(b"perennial-delib-proposal-v1\n" + lpu(pid) + lpu(c["title"]) + lpu(c["track"])
                          + lst(c["enjeux"]) + lst(c["paradoxes"]) + lst(c["possibles"]) + lpu(c["body"])).hexdigest()


def amendment_hash(aid, proposal, base, ch, summary):
    where = ch["heading"] if ch["change"] == "section" else f"{ch['start']},{ch['count']}"
    return hashlib.sha256(b"perennial-delib-amendment-v1\n" + lpu(aid) + lpu(proposal) + lpu(base)
                          + lpu(ch["change"]) + lpu(where) + lpu(ch["replacement"]) + lpu(summary)).hexdigest()


def comment_hash(cid, stance, body):
    return hashlib.sha256(b"perennial-delib-comment-v1\n" + lpu(cid) + lpu(stance) + lpu(body)).hexdigest()


# ---- §6.5 applying a change ----
def split_lines(body: bytes):
    out = []
    parts = body.split(b"\n")
    for p in parts[:-1]:
        out.append((p, True))
    if parts[-1]:
        out.append((parts[-1], False))
    return out


def join_lines(lines):
    return b"".join(t + (b"\n" if lf else b"") for t, lf in lines)


def heading_levels(lines):
    """Level (1-6) of each heading line, None for other lines (fenced blocks skipped)."""
    out = []
    fence = None
    for t, _ in lines:
        s = t.lstrip(b" ")
        i = len(t) - len(s)
        m = re.match(rb"\A(`{3,}|~{3,})", s) if i <= 3 else None
        if m:
            ch, r = m.group(1)[:1], len(m.group(1))
            if fence is None:
                fence = (ch, r)
            elif fence[0] == ch and r >= fence[1]:
                fence = None
            out.append(None)
            continue
        if fence is None and i <= 3:
            h = re.match(rb"\A(#{1,6})(?:$|[ \t])", s)
            out.append(len(h.group(1)) if h else None)
        else:
            out.append(None)
    return out


def apply_change(body: str, ch) -> str:
    lines = split_lines(body.encode())
    n = len(lines)
    if ch["change"] == "section":
        lv = heading_levels(lines)
        want = ch["heading"].encode().rstrip(b" \t\r")
        hits = [k for k in range(n) if lv[k] is not None and lines[k][0].rstrip(b" \t\r") == want]
        if len(hits) != 1:
            raise Refused(f"heading {ch['heading']!r} matches {len(hits)} headings, not exactly one")
        h = hits[0]
        end = h + 1
        while end < n and not (lv[end] is not None and lv[end] <= lv[h]):
            end += 1
        lo, hi = h + 1, end
    else:
        start, count = ch["start"], ch["count"]
        if not (start >= 1 and count >= 0 and start <= n + 1 and start - 1 + count <= n):
            raise Refused(f"lines {start},{count} are not within a body of {n} lines")
        lo, hi = start - 1, start - 1 + count
    rep = split_lines(ch["replacement"].encode())
    res = lines[:lo] + rep + lines[hi:]
    res = [(t, True) for t, _ in res[:-1]] + res[-1:]
    out = join_lines(res).decode()
    if out == body:
        raise Refused("the change leaves the body unchanged")
    return out


def one_line(s, what, lo=1, hi=500):
    if not isinstance(s, str) or not lo <= len(s.encode()) <= hi or "\n" in s or "\r" in s:
        raise Refused(f"{what} is not one line of {lo}-{hi} bytes")


def content(p):
    one_line(p["title"], "title")
    if p["track"] not in TRACKS:
        raise Refused(f"track {p['track']!r} is not one of the four")
    for k in ("enjeux", "paradoxes", "possibles"):
        if not isinstance(p[k], list):
            raise Refused(f"{k} is not an array")
        for s in p[k]:
            one_line(s, k)
    if not isinstance(p["body"], str) or len(p["body"].encode()) > 1 << 20:
        raise Refused("body is not a string of at most 1 MiB")
    return {k: p[k] for k in CONTENT}


def change(p):
    ch = {k: p[k] for k in CHANGE}
    if ch["change"] == "section":
        if not isinstance(ch["heading"], str) or ch["start"] is not None or ch["count"] is not None:
            raise Refused("a section change has a heading and null start, count")
    elif ch["change"] == "lines":
        if ch["heading"] is not None:
            raise Refused("a lines change has a null heading")
        integer(ch["start"], "start")
        integer(ch["count"], "count")
    else:
        raise Refused(f"change {ch['change']!r} is not section or lines")
    if not isinstance(ch["replacement"], str):
        raise Refused("replacement is not a string")
    return ch


def reason(s, lo=0, hi=10_000):
    if not isinstance(s, str) or not lo <= len(s.encode()) <= hi:
        raise Refused(f"reason is not {lo}-{hi} bytes")


def an_id(s, what):
    if not isinstance(s, str) or not ID_RE.match(s):
        raise Refused(f"{what} {s!r} is not an id")
    return s


class Deliberation:
    def __init__(self, report):
        self.report = report
        self.parts = {}       # id -> {"key", "moderator", "name"}
        self.by_key = {}
        self.props = {}
        self.amends = {}
        self.comments = {}
        self.supports = set()
        self.redacted = []    # (index, comment id)

    def apply(self, e, p, term, redacted=False):
        kind = p["kind"]
        if term is None:
            raise Refused("DEL-AUTH", "a deliberation entry precedes term.setup")
        if kind not in KEYS:
            raise Refused("DEL-AUTH", f"unknown deliberation kind {kind!r}")
        if list(p)[:3] != ["kind", "record", "term"] or sorted(list(p)[3:]) != sorted(KEYS[kind]):
            raise Refused(CHECK[kind], f"keys {list(p)}, expected kind, record, term, {KEYS[kind]}")
        if p["term"] != term.id:
            raise Refused(CHECK[kind], "term is not the term's id")
        registrar_kind = kind in ("delib.participant", "delib.role")
        if e.author == term.registrar:
            if not registrar_kind:
                raise Refused("DEL-AUTH", f"{kind} is signed by the registrar")
            actor = None
        else:
            actor = self.by_key.get(e.author)
            if actor is None or registrar_kind:
                raise Refused("DEL-AUTH", f"{kind}: author is not {'the registrar' if registrar_kind else 'a participant'}")
        try:
            getattr(self, kind.split(".")[1])(e, p, actor, term, redacted)
        except Refused as ex:
            if len(ex.args) == 1:
                raise Refused(CHECK[kind], ex.args[0])
            raise

    def is_mod(self, actor):
        return self.parts[actor]["moderator"]

    def participant(self, e, p, actor, term, red):
        pid = an_id(p["participant"], "participant")
        if pid in self.parts:
            raise Refused("participant id already registered")
        name = p["name"]
        if not isinstance(name, str) or not 1 <= len(name.encode()) <= 200 or any(ord(c) < 0x20 for c in name):
            raise Refused("name is not 1-200 bytes without control characters")
        key = unhex(p["key"], 32, "key")
        if not sodium.ed25519_valid_point(key) or key == term.registrar or key in self.by_key:
            raise Refused("key is invalid, the registrar's or another participant's")
        if type(p["moderator"]) is not bool:
            raise Refused("moderator is not a boolean")
        self.parts[pid] = {"key": key, "moderator": p["moderator"], "name": name}
        self.by_key[key] = pid

    def role(self, e, p, actor, term, red):
        q = self.parts.get(p["participant"])
        if q is None or type(p["moderator"]) is not bool or q["moderator"] == p["moderator"]:
            raise Refused("participant unknown or moderator flag unchanged")
        q["moderator"] = p["moderator"]

    def proposal(self, e, p, actor, term, red):
        pid = an_id(p["proposal"], "proposal")
        if pid in self.props:
            raise Refused("proposal id already used")
        if p["status"] not in ("draft", "open"):
            raise Refused("status is not draft or open")
        c = content(p)
        h = proposal_hash(pid, c)
        if p["hash"] != h:
            raise Refused("DEL-HASH", "hash is not the proposal version hash")
        self.props[pid] = {"author": actor, "status": p["status"], "versions": [(c, h)], "hidden": False}

    def cur(self, pid):
        pr = self.props.get(pid)
        if pr is None:
            raise Refused(f"proposal {pid!r} does not exist")
        return pr

    def revision(self, e, p, actor, term, red):
        pr = self.cur(p["proposal"])
        if actor != pr["author"] or pr["status"] not in ("draft", "open"):
            raise Refused("not the author, or the proposal is not draft or open")
        if p["base"] != pr["versions"][-1][1]:
            raise Refused("base is not the current version hash")
        c = content(p)
        h = proposal_hash(p["proposal"], c)
        if p["hash"] != h or h == p["base"]:
            raise Refused("DEL-HASH", "hash is not the new version hash, or equals base")
        pr["versions"].append((c, h))

    def status(self, e, p, actor, term, red):
        pr = self.cur(p["proposal"])
        reason(p["reason"])
        old, new = pr["status"], p["status"]
        author, mod = actor == pr["author"], self.is_mod(actor)
        m = re.match(r"\Aon-ballot ([0-9]{4})\Z", new) if isinstance(new, str) else None
        ok = ((old, new) == ("draft", "open") and author
              or (old, new) == ("open", "closed") and (author or mod)
              or old == "closed" and (new in ("adopted", "rejected") or (m and 2000 <= int(m.group(1)) <= 9999)) and mod
              or old in ("draft", "open", "closed") and new == "withdrawn" and author)
        if not ok:
            raise Refused(f"{old} -> {new} is not a step this actor may take")
        pr["status"] = new

    def amendment(self, e, p, actor, term, red):
        aid = an_id(p["amendment"], "amendment")
        if aid in self.amends:
            raise Refused("amendment id already used")
        pr = self.cur(p["proposal"])
        if pr["status"] != "open":
            raise Refused("the proposal is not open")
        if p["base"] != pr["versions"][-1][1]:
            raise Refused("base is not the current version hash")
        ch = change(p)
        body = apply_change(pr["versions"][-1][0]["body"], ch)
        reason(p["summary"])
        h = amendment_hash(aid, p["proposal"], p["base"], ch, p["summary"])
        if p["hash"] != h:
            raise Refused("DEL-HASH", "hash is not the amendment hash")
        self.amends[aid] = {"proposal": p["proposal"], "author": actor, "base": p["base"], "change": ch,
                            "summary": p["summary"], "body": body, "status": "pending", "hash": h, "hidden": False}

    def rebase(self, e, p, actor, term, red):
        a = self.amends.get(p["amendment"])
        if a is None or actor != a["author"] or a["status"] != "pending":
            raise Refused("no pending amendment of this author")
        pr = self.cur(a["proposal"])
        if pr["status"] != "open" or p["base"] != pr["versions"][-1][1] or p["base"] == a["base"]:
            raise Refused("proposal not open, or base not current, or base unchanged")
        ch = change(p)
        a["body"] = apply_change(pr["versions"][-1][0]["body"], ch)
        a["base"], a["change"] = p["base"], ch
        a["hash"] = amendment_hash(p["amendment"], a["proposal"], p["base"], ch, a["summary"])

    def decision(self, e, p, actor, term, red):
        a = self.amends.get(p["amendment"])
        if a is None or a["status"] != "pending":
            raise Refused("the amendment is not pending")
        pr = self.cur(a["proposal"])
        if not (actor == pr["author"] or self.is_mod(actor)) or pr["status"] != "open":
            raise Refused("actor is not the author nor a moderator, or the proposal is not open")
        reason(p["reason"], 1)
        if p["decision"] == "reject":
            if p["version"] is not None:
                raise Refused("a rejection's version is not null")
            a["status"] = "rejected"
        elif p["decision"] == "accept":
            if a["base"] != pr["versions"][-1][1]:
                raise Refused("a stale amendment is accepted")
            c = dict(pr["versions"][-1][0], body=a["body"])
            h = proposal_hash(a["proposal"], c)
            if p["version"] != h:
                raise Refused("DEL-HASH", "version is not the new version's hash")
            pr["versions"].append((c, h))
            a["status"] = "accepted"
        else:
            raise Refused("decision is not accept or reject")

    def withdrawal(self, e, p, actor, term, red):
        a = self.amends.get(p["amendment"])
        if a is None or actor != a["author"] or a["status"] != "pending":
            raise Refused("no pending amendment of this author")
        a["status"] = "withdrawn"

    def comment(self, e, p, actor, term, red):
        cid = an_id(p["comment"], "comment")
        if cid in self.comments:
            raise Refused("comment id already used")
        on, target = p["on"], p["target"]
        if on == "proposal" and target in self.props or on == "amendment" and target in self.amends:
            pass
        else:
            raise Refused("the target does not exist")
        if p["parent"] is not None:
            par = self.comments.get(p["parent"])
            if par is None or (par["on"], par["target"]) != (on, target):
                raise Refused("parent is not a comment on the same target")
        if p["stance"] not in STANCES:
            raise Refused("stance is not for, against or neutral")
        if red:
            h = unhex(p["hash"], 32, "hash").hex()
            self.redacted.append((e.index, cid))
        else:
            if not isinstance(p["body"], str) or not 1 <= len(p["body"].encode()) <= 100_000:
                raise Refused("body is not 1-100,000 bytes")
            h = comment_hash(cid, p["stance"], p["body"])
            if p["hash"] != h:
                raise Refused("DEL-HASH", "hash is not the comment hash")
        self.comments[cid] = {"on": on, "target": target, "hash": h, "hidden": False}

    def support(self, e, p, actor, term, red):
        pr = self.cur(p["proposal"])
        key = (p["proposal"], p["version"], actor)
        if pr["status"] != "open" or p["version"] != pr["versions"][-1][1] or key in self.supports:
            raise Refused("proposal not open, version not current, or already supported")
        self.supports.add(key)

    def unsupport(self, e, p, actor, term, red):
        key = (p["proposal"], p["version"], actor)
        if key not in self.supports:
            raise Refused("the actor does not support that version")
        self.supports.remove(key)

    def moderation(self, e, p, actor, term, red):
        if not self.is_mod(actor):
            raise Refused("the actor is not a moderator")
        kind, i = p["target"], p["id"]
        if kind == "proposal" and i in self.props:
            t, h = self.props[i], self.props[i]["versions"][-1][1]
        elif kind == "amendment" and i in self.amends:
            t, h = self.amends[i], self.amends[i]["hash"]
        elif kind == "comment" and i in self.comments:
            t, h = self.comments[i], self.comments[i]["hash"]
        else:
            raise Refused("the target does not exist")
        if p["action"] not in ("hide", "show") or (p["action"] == "hide") == t["hidden"]:
            raise Refused("hide needs a visible target, show a hidden one")
        reason(p["reason"], 1)
        if p["hash"] != h:
            raise Refused("hash is not the target's hash")
        t["hidden"] = p["action"] == "hide"

    def finish(self):
        for index, cid in self.redacted:
            if not self.comments[cid]["hidden"]:
                self.report.fail("DEL-MOD", index, f"comment {cid} is redacted but not hidden at the end")
