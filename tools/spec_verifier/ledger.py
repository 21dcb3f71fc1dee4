"""SPEC §5: the civic time ledger — value forms (§5.1), state (§5.3), rules LED-0…LED-10 (§5.4) and the
totals a verifier recomputes (§5.5)."""
import datetime as dt
import re

import sodium
from canon import Refused, unhex, integer
from calendar_rules import instant_ms

SLUG_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,39}\Z")
ATTEST_RE = re.compile(r"\A[A-Za-z0-9._:/-]{1,64}\Z")
TIME_RE = re.compile(r"\A([01][0-9]|2[0-3]):[0-5][0-9]\Z")
CROCK = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ACCOUNT_RE = re.compile(r"\A[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}\Z")
DEFAULTS = {"obligation_hours": 0, "hour_value_minor": 0, "currency": "EUR", "daily_cap_minutes": 720,
            "max_minutes": 720}
DAY_MS = 86_400_000

KEYS = {
    "ledger.settings": ["from", "obligation_hours", "hour_value_minor", "currency", "daily_cap_minutes", "max_minutes"],
    "ledger.accredit": ["org", "name", "key", "categories", "valid_from", "valid_until"],
    "ledger.suspend": ["org", "from", "until", "reason"],
    "ledger.contribution": ["org", "attestation", "account", "category", "date", "start", "end", "minutes", "description"],
    "ledger.reversal": ["entry", "reason"],
}


def date(v, what):
    if not isinstance(v, str) or not re.match(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", v):
        raise Refused("LED-0", f"{what} {v!r} is not YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise Refused("LED-0", f"{what} {v!r} is not a date that exists")


def opt_date(v, what):
    return None if v is None else date(v, what)


def slug(v, what):
    if not isinstance(v, str) or not SLUG_RE.match(v):
        raise Refused("LED-0", f"{what} {v!r} is not a slug")
    return v


def text(v, what, limit, empty_ok=False):
    if not isinstance(v, str) or len(v) > limit or any(ord(c) < 0x20 or ord(c) == 0x7F for c in v):
        raise Refused("LED-0", f"{what} is not one line of at most {limit} characters")
    if not empty_ok and not v.strip(" "):
        raise Refused("LED-0", f"{what} is empty")
    return v


def account_ok(a):
    if not isinstance(a, str) or not ACCOUNT_RE.match(a):
        return False
    vals = [CROCK.index(c) for c in a.replace("-", "")]
    total = 0
    for n, v in enumerate(reversed(vals)):
        if n % 2 == 1:
            p = 2 * v
            v = p // 32 + p % 32
        total += v
    return total % 32 == 0


class Ledger:
    def __init__(self, origin, report):
        self.origin = origin
        self.report = report
        self.settings = []          # [(from date, index, dict)]
        self.orgs = {}              # org -> {"accs": [...], "susp": [...]}
        self.key_org = {}
        self.contribs = {}          # index -> dict
        self.attested = set()
        self.reversed = {}          # contribution index -> reversal index

    def settings_on(self, d):
        best = None
        for f, i, s in self.settings:
            if f <= d and (best is None or (f, i) >= (best[0], best[1])):
                best = (f, i, s)
        return best[2] if best else DEFAULTS

    def apply(self, e, p, term):
        kind = p["kind"]
        if term is None:
            raise Refused("LED-0", "a ledger entry precedes term.setup")
        if kind not in KEYS:
            raise Refused("LED-0", f"unknown ledger kind {kind!r}")
        if list(p)[:3] != ["kind", "record", "term"] or sorted(list(p)[3:]) != sorted(KEYS[kind]):
            raise Refused("LED-0", f"keys {list(p)}, expected kind, record, term, {KEYS[kind]}")
        if p["term"] != term.id:
            raise Refused("LED-0", "term is not the term's id")
        name = kind.split(".")[1]
        getattr(self, name + "_" if name == "settings" else name)(e, p, term)

    def officer(self, e, term, check):
        if e.author != term.officer:
            raise Refused(check, "author is not the officer")

    # (named settings_ because self.settings is the list of settings entries)
    def settings_(self, e, p, term):
        f = date(p["from"], "from")
        oh = integer(p["obligation_hours"], "obligation_hours")
        hv = integer(p["hour_value_minor"], "hour_value_minor")
        cur = p["currency"]
        dc = integer(p["daily_cap_minutes"], "daily_cap_minutes")
        mm = integer(p["max_minutes"], "max_minutes")
        self.officer(e, term, "LED-3")
        if not (0 <= oh <= 8784 and 0 <= hv <= 10**9 and isinstance(cur, str) and re.match(r"\A[A-Z]{3}\Z", cur)
                and 1 <= dc <= 1440 and 1 <= mm <= 1440):
            raise Refused("LED-3", "a setting is out of its range")
        self.settings.append((f, e.index, {"obligation_hours": oh, "hour_value_minor": hv, "currency": cur,
                                           "daily_cap_minutes": dc, "max_minutes": mm}))

    def accredit(self, e, p, term):
        org = slug(p["org"], "org")
        text(p["name"], "name", 200)
        key = unhex(p["key"], 32, "key")
        cats = p["categories"]
        if not isinstance(cats, list):
            raise Refused("LED-0", "categories is not an array")
        for c in cats:
            slug(c, "category")
        vf, vu = date(p["valid_from"], "valid_from"), opt_date(p["valid_until"], "valid_until")
        self.officer(e, term, "LED-1")
        if not sodium.ed25519_valid_point(key):
            raise Refused("LED-1", "key is not a valid Ed25519 public key (SPEC §2.2)")
        if key == term.officer or self.key_org.get(key, org) != org:
            raise Refused("LED-1", "key is the officer's or another organisation's")
        if not 1 <= len(cats) <= 50 or [c.encode() for c in cats] != sorted({c.encode() for c in cats}):
            raise Refused("LED-1", "categories are not 1-50 in increasing byte order without repeats")
        if vu is not None and not vf < vu:
            raise Refused("LED-1", "valid_from is not before valid_until")
        o = self.orgs.setdefault(org, {"accs": [], "susp": []})
        if o["accs"] and vf < o["accs"][-1]["from"]:
            raise Refused("LED-1", "valid_from is earlier than the current accreditation's")
        o["accs"].append({"from": vf, "until": vu, "key": key, "cats": set(cats)})
        self.key_org[key] = org

    def suspend(self, e, p, term):
        org = slug(p["org"], "org")
        f, u = date(p["from"], "from"), opt_date(p["until"], "until")
        text(p["reason"], "reason", 500)
        self.officer(e, term, "LED-2")
        if org not in self.orgs:
            raise Refused("LED-2", "org was never accredited")
        if u is not None and not f < u:
            raise Refused("LED-2", "from is not before until")
        self.orgs[org]["susp"].append((f, u))

    def contribution(self, e, p, term):
        org = slug(p["org"], "org")
        att = p["attestation"]
        if not isinstance(att, str) or not ATTEST_RE.match(att):
            raise Refused("LED-0", f"attestation {att!r} is not an attestation id")
        if not account_ok(p["account"]):
            raise Refused("LED-0", f"account {p['account']!r} is not an account id with its check symbol")
        cat = slug(p["category"], "category")
        d = date(p["date"], "date")
        start = p["start"]
        if not isinstance(start, str) or not TIME_RE.match(start):
            raise Refused("LED-0", "start is not HH:MM")
        end, minutes = p["end"], p["minutes"]
        if (end is None) == (minutes is None):
            raise Refused("LED-0", "not exactly one of end and minutes is null")
        if end is not None and (not isinstance(end, str) or not TIME_RE.match(end)):
            raise Refused("LED-0", "end is not HH:MM")
        if minutes is not None:
            integer(minutes, "minutes")
        text(p["description"], "description", 500, empty_ok=True)
        # LED-4
        o = self.orgs.get(org)
        acc = None
        if o:
            cands = [a for a in o["accs"] if a["from"] <= d]
            if cands and (cands[-1]["until"] is None or d < cands[-1]["until"]):
                acc = cands[-1]
        if acc is None:
            raise Refused("LED-4", f"no accreditation of {org} is in force on {d}")
        if e.author != acc["key"]:
            raise Refused("LED-4", "author is not the key of the accreditation in force")
        if cat not in acc["cats"]:
            raise Refused("LED-4", f"category {cat} is not among the accreditation's")
        if any(f <= d and (u is None or d < u) for f, u in o["susp"]):
            raise Refused("LED-4", f"{org} is suspended on {d}")
        # interval
        sh, sm = int(start[:2]), int(start[3:])
        s = instant_ms(term.zone, d, sh, sm)
        if minutes is not None:
            if not 1 <= minutes <= 1440:
                raise Refused("LED-6", "minutes is not 1-1440")
            en = s + 60_000 * minutes
        else:
            eh, em = int(end[:2]), int(end[3:])
            if end == start:
                raise Refused("LED-6", "end equals start")
            en = instant_ms(term.zone, d if end > start else d + dt.timedelta(days=1), eh, em)
        if not term.start <= d < term.end:
            raise Refused("LED-5", "date is outside the term")
        if en > e.time:
            raise Refused("LED-5", "the time is not over at the entry's log time")
        length = (en - s) // 60_000
        if length < 1 or length > self.settings_on(d)["max_minutes"]:
            raise Refused("LED-6", f"length {length} min is not 1..max_minutes")
        mine = [c for i, c in self.contribs.items() if c["account"] == p["account"] and i not in self.reversed]
        for c in mine:
            if s < c["e"] and c["s"] < en:
                raise Refused("LED-7", f"overlaps the contribution at entry {c['index']}")
        day = d - dt.timedelta(days=1)
        while True:
            lo, hi = instant_ms(term.zone, day), instant_ms(term.zone, day + dt.timedelta(days=1))
            if lo >= en:
                break
            if hi > s:
                used = max(0, min(en, hi) - max(s, lo)) + sum(max(0, min(c["e"], hi) - max(c["s"], lo)) for c in mine)
                if used > 60_000 * self.settings_on(day)["daily_cap_minutes"]:
                    raise Refused("LED-8", f"the daily cap of {day} is exceeded")
            day += dt.timedelta(days=1)
        if (org, att) in self.attested:
            raise Refused("LED-9", f"({org}, {att}) was recorded before")
        self.attested.add((org, att))
        self.contribs[e.index] = {"index": e.index, "author": e.author, "account": p["account"], "org": org,
                                  "category": cat, "date": d, "s": s, "e": en, "minutes": length}

    def reversal(self, e, p, term):
        i = integer(p["entry"], "entry", 0)
        text(p["reason"], "reason", 500)
        c = self.contribs.get(i)
        if c is None or i in self.reversed:
            raise Refused("LED-10", f"entry {i} is not an earlier contribution not reversed yet")
        if e.author not in (c["author"], term.officer):
            raise Refused("LED-10", "author is neither the contribution's nor the officer")
        self.reversed[i] = e.index

    def totals(self):
        """§5.5 per (account, year) rows and the city's per (month, category) figures."""
        rows = {}
        for i, c in self.contribs.items():
            rows.setdefault((c["account"], c["date"].year), {"minutes": 0, "by_category": {}, "by_org": {}})
        for i, c in self.contribs.items():
            if i in self.reversed:
                continue
            r = rows[(c["account"], c["date"].year)]
            r["minutes"] += c["minutes"]
            r["by_category"][c["category"]] = r["by_category"].get(c["category"], 0) + c["minutes"]
            r["by_org"][c["org"]] = r["by_org"].get(c["org"], 0) + c["minutes"]
        for (acct, y), r in rows.items():
            s = self.settings_on(dt.date(y, 1, 1))
            r["obligation"] = 60 * s["obligation_hours"]
            r["owed"] = max(0, r["obligation"] - r["minutes"])
            r["value_minor"] = r["minutes"] * s["hour_value_minor"] // 60
        city = {}
        for i, c in self.contribs.items():
            if i in self.reversed:
                continue
            k = (c["date"].strftime("%Y-%m"), c["category"])
            m = city.setdefault(k, {"minutes": 0, "contributions": 0, "accounts": set()})
            m["minutes"] += c["minutes"]
            m["contributions"] += 1
            m["accounts"].add(c["account"])
        return rows, city, len(self.reversed)

