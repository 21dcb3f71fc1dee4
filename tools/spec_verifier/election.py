"""SPEC §4: term setup, trustee ceremony, roll, contests, ballots, kiosks, tally, close and result
(ristretto255 records only)."""
import datetime as dt
import hashlib
import re
from zoneinfo import ZoneInfo

import sodium
import groups
import proofs
from canon import Refused, unhex, unb64, integer, parse_payload
from proofs import lp, u32
from calendar_rules import parse_date, instant_ms, windows, window_interval

ID_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
BIRTHDAY_RE = re.compile(r"\A(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\Z")

ELECTION_KINDS = {
    "term.setup": "officer", "election.key": "officer", "contest.version": "officer",
    "term.close": "officer", "tally.result": "officer", "kiosk.enrol": "officer", "kiosk.revoke": "officer",
    "roll.enrol": "registrar", "roll.update": "registrar", "roll.replace": "registrar",
    "trustee.commitments": "trustee", "trustee.shares": "trustee", "trustee.ready": "trustee",
    "trustee.complaint": "trustee", "tally.share": "trustee",
    "ballot.cast": "credential", "ballot.spoil": "kiosk",
}


def body_keys(p, keys, what):
    """kind, record, term first (SPEC §2.3), then exactly `keys` in any order."""
    head = list(p)[:3]
    if head != ["kind", "record", "term"]:
        raise Refused(f"{what}: first keys are {head}, not kind, record, term")
    rest = list(p)[3:]
    if sorted(rest) != sorted(keys):
        raise Refused(f"{what}: keys {rest}, expected {keys}")


def exact(obj, keys, what):
    if not isinstance(obj, dict) or sorted(obj) != sorted(keys):
        raise Refused(f"{what}: keys {list(obj) if isinstance(obj, dict) else obj!r}, expected {keys}")


def opt_date(v, what):
    if v is None:
        return None
    try:
        return parse_date(v)
    except (ValueError, TypeError):
        raise Refused(f"{what} {v!r} is not a date")


def valid_id(s, what):
    if not isinstance(s, str) or not ID_RE.match(s):
        raise Refused(f"{what} {s!r} is not an id of a-z, 0-9, - (1-64 bytes, no - at either end)")
    return s


class Term:
    pass


class Election:
    def __init__(self, origin, report):
        self.origin = origin
        self.report = report
        self.term = None
        self.commit = {}      # trustee -> [C_k]
        self.box = {}
        self.shared = set()
        self.ready = {}       # trustee -> P_j
        self.complaint = False
        self.pk = None
        self.roll = {}        # credential -> dict
        self.contests = {}    # contest id -> [version payloads]
        self.kiosks = {}      # device -> {"key":..., "active":bool}
        self.kiosk_keys = set()
        self.seen_payloads = set()   # sha256 of ballot payloads recorded (cast, spoil, embedded)
        self.recorded_a = set()      # every ciphertext's a of a recorded ballot (cast or challenged): BAL-5
        self.latest = {}      # (lineage, window) -> (index, ballot)
        self.cast_info = {}   # index of each valid ballot.cast -> (lineage, window), for §2.6 states
        self.close = None
        self.shares = {}      # trustee -> [d]
        self.result = False
        self.ballots = 0
        self.spoils = 0

    def el(self, h, what, allow_identity=False):
        return proofs.element(self.G, h, what, allow_identity)

    def sc(self, h, what):
        return proofs.scalar(self.G, h, what)

    # ---------------------------------------------------------------- dispatch
    def apply(self, e, p):
        kind = p["kind"]
        t = self.term
        if kind == "term.setup":
            return self.term_setup(e, p)
        if t is None:
            raise Refused("TERM", "an election entry precedes term.setup")
        if p.get("term") != t.id:
            raise Refused("TERM", f"term {p.get('term')!r} is not the term's id {t.id!r}")
        role = ELECTION_KINDS[kind]
        if role in ("officer", "registrar") and e.author != getattr(t, role):
            raise Refused("AUTH", f"{kind} is not authored by the {role}")
        getattr(self, kind.replace(".", "_"))(e, p)

    def fail(self, check, index, msg):
        self.report.fail(check, index, msg)

    # ---------------------------------------------------------------- §4.2
    def term_setup(self, e, p):
        if e.index != 0 or self.term is not None:
            raise Refused("TERM", "term.setup is not exactly once at index 0")
        body_keys(p, ["title", "time_zone", "start", "end", "window_days", "leap_day", "group", "trustees",
                      "trustee_keys", "officer", "registrar", "per_year_results", "winner_rule",
                      "simulation", "log_key"], "term.setup")
        t = Term()
        t.id = valid_id(p["term"], "term")
        try:
            t.zone = ZoneInfo(p["time_zone"])
        except Exception:
            raise Refused("TERM", f"time_zone {p['time_zone']!r} is not an IANA zone")
        t.start, t.end = parse_date(p["start"]), parse_date(p["end"])
        if not t.start < t.end:
            raise Refused("TERM", "start is not before end")
        t.window_days = integer(p["window_days"], "window_days", 1, 31)
        t.leap_day = p["leap_day"]
        if t.leap_day not in ("feb28", "mar1"):
            raise Refused("TERM", "leap_day is not feb28 or mar1")
        try:
            self.G = groups.group(p["group"])
        except ValueError as ex:
            raise Refused("TERM", str(ex))
        exact(p["trustees"], ["n", "t"], "trustees")
        t.n = integer(p["trustees"]["n"], "n", 1, 64)
        t.t = integer(p["trustees"]["t"], "t", 1, t.n)
        if not isinstance(p["trustee_keys"], list) or len(p["trustee_keys"]) != t.n:
            raise Refused("TERM", "trustee_keys does not hold n keys")
        t.trustee_keys = [unhex(k, 32, "trustee key") for k in p["trustee_keys"]]
        if len(set(t.trustee_keys)) != t.n:
            raise Refused("TERM", "trustee keys are not pairwise distinct")
        t.officer = unhex(p["officer"], 32, "officer")
        t.registrar = unhex(p["registrar"], 32, "registrar")
        if e.author != t.officer:
            raise Refused("TERM", "term.setup is not authored by its officer")
        if type(p["per_year_results"]) is not bool or type(p["simulation"]) is not bool:
            raise Refused("TERM", "per_year_results or simulation is not a boolean")
        t.per_year = p["per_year_results"]
        t.simulation = p["simulation"]
        if p["winner_rule"] != "plurality":
            raise Refused("TERM", "winner_rule is not plurality")
        t.log_key = p["log_key"]
        t.S = instant_ms(t.zone, t.start)
        t.E = instant_ms(t.zone, t.end)
        self.term = t
        if t.simulation:
            self.report.note("simulated term: its log times say nothing about when anything happened")

    # ---------------------------------------------------------------- §4.4
    def trustee_of(self, e, p, check):
        i = integer(p["trustee"], "trustee", 1, self.term.n)
        if e.author != self.term.trustee_keys[i - 1]:
            raise Refused("AUTH", f"{p['kind']} for trustee {i} is not authored by trustee {i}'s key")
        return i

    def trustee_context(self):
        return lp(b"perennial-trustee-v1") + lp(self.origin.encode()) + lp(self.term.id.encode())

    def trustee_commitments(self, e, p):
        body_keys(p, ["trustee", "box_key", "commitments", "proofs"], "trustee.commitments")
        i = self.trustee_of(e, p, "TRU-1")
        if i in self.commit:
            raise Refused("TRU-1", f"second trustee.commitments of trustee {i}")
        if self.shared:
            raise Refused("TRU-1", "trustee.commitments after a trustee.shares")
        unhex(p["box_key"], 32, "box_key")
        cs, ps = p["commitments"], p["proofs"]
        if not isinstance(cs, list) or not isinstance(ps, list) or len(cs) != self.term.t or len(ps) != self.term.t:
            raise Refused("TRU-1", "not t commitments and t proofs")
        cs = [self.el(c, "commitment") for c in cs]
        for k, (C, pr) in enumerate(zip(cs, ps)):
            exact(pr, ["c", "r"], "Schnorr proof")
            if not proofs.check_schnorr(self.G, pr, C, self.trustee_context(), u32(i) + u32(k)):
                raise Refused("TRU-1", f"Schnorr proof of trustee {i} coefficient {k} fails")
        self.commit[i] = cs
        self.box[i] = p["box_key"]

    def trustee_shares(self, e, p):
        body_keys(p, ["trustee", "shares"], "trustee.shares")
        i = self.trustee_of(e, p, "TRU-2")
        if i in self.shared:
            raise Refused("TRU-2", f"second trustee.shares of trustee {i}")
        if len(self.commit) != self.term.n:
            raise Refused("TRU-2", "trustee.shares before every trustee.commitments")
        want = [j for j in range(1, self.term.n + 1) if j != i]
        got = []
        for s in p["shares"]:
            exact(s, ["to", "sealed"], "share")
            got.append(integer(s["to"], "to"))
            if len(unb64(s["sealed"], "sealed")) != 48 + 32:
                raise Refused("TRU-2", "sealed share is not 80 bytes")
        if got != want:
            raise Refused("TRU-2", f"recipients {got}, expected {want}")
        self.shared.add(i)

    def trustee_complaint(self, e, p):
        body_keys(p, ["trustee", "against", "reason"], "trustee.complaint")
        self.trustee_of(e, p, "TRU-3")
        self.complaint = True

    def trustee_ready(self, e, p):
        body_keys(p, ["trustee", "verification_key"], "trustee.ready")
        j = self.trustee_of(e, p, "TRU-4")
        if j in self.ready:
            raise Refused("TRU-4", f"second trustee.ready of trustee {j}")
        if len(self.shared) != self.term.n:
            raise Refused("TRU-4", "trustee.ready before every trustee.shares")
        P = self.el(p["verification_key"], "verification_key")
        want = self.G.identity
        for i, cs in self.commit.items():
            for k, C in enumerate(cs):
                want = self.G.mul(want, self.G.exp(C, pow(j, k, self.G.q)))
        if P != want:
            raise Refused("TRU-4", f"verification key of trustee {j} is not the product of the commitments")
        self.ready[j] = P

    def election_key(self, e, p):
        body_keys(p, ["public_key"], "election.key")
        if self.pk is not None:
            raise Refused("TRU-5", "second election.key")
        if len(self.ready) != self.term.n or self.complaint:
            raise Refused("TRU-5", "election.key before every trustee.ready, or after a complaint")
        pk = self.el(p["public_key"], "public_key")
        want = self.G.identity
        for cs in self.commit.values():
            want = self.G.mul(want, cs[0])
        if pk != want:
            raise Refused("TRU-5", "public_key is not the product of the trustees' C_{i,0}")
        self.pk = pk

    # ---------------------------------------------------------------- §4.5
    def interval(self, f, u):
        f, u = opt_date(f, "eligible_from"), opt_date(u, "eligible_until")
        return f, u

    def roll_enrol(self, e, p):
        if self.close:
            raise Refused("ROLL-4", "roll entry after term.close")
        body_keys(p, ["credential", "birthday", "eligible_from", "eligible_until"], "roll.enrol")
        c = unhex(p["credential"], 32, "credential")
        if not sodium.ed25519_valid_point(c):
            raise Refused("ROLL-1", "credential is not a valid Ed25519 public key")
        if c in self.roll:
            raise Refused("ROLL-1", "credential already on the roll")
        b = p["birthday"]
        if not isinstance(b, str) or not BIRTHDAY_RE.match(b):
            raise Refused("ROLL-1", f"birthday {b!r} is not MM-DD")
        dt.date(2028, int(b[:2]), int(b[3:]))
        f, u = self.interval(p["eligible_from"], p["eligible_until"])
        if f and u and not f < u:
            raise Refused("ROLL-1", "eligible_from is not before eligible_until")
        self.roll[c] = {"birthday": b, "from": f, "until": u, "lineage": c, "replaced": False}

    def roll_update(self, e, p):
        if self.close:
            raise Refused("ROLL-4", "roll entry after term.close")
        body_keys(p, ["credential", "eligible_from", "eligible_until", "reason"], "roll.update")
        c = unhex(p["credential"], 32, "credential")
        r = self.roll.get(c)
        if r is None or r["replaced"]:
            raise Refused("ROLL-2", "credential not on the roll, or replaced")
        if p["reason"] not in ("coming-of-age", "moved-in", "moved-out", "death", "correction"):
            raise Refused("ROLL-2", f"reason {p['reason']!r} is not one of the five")
        f, u = self.interval(p["eligible_from"], p["eligible_until"])
        if f and u and not f < u:
            raise Refused("ROLL-2", "eligible_from is not before eligible_until")
        r["from"], r["until"] = f, u

    def roll_replace(self, e, p):
        if self.close:
            raise Refused("ROLL-4", "roll entry after term.close")
        body_keys(p, ["old", "new", "date", "reason"], "roll.replace")
        old, new = unhex(p["old"], 32, "old"), unhex(p["new"], 32, "new")
        r = self.roll.get(old)
        if r is None or r["replaced"]:
            raise Refused("ROLL-3", "old not on the roll, or already replaced")
        if not sodium.ed25519_valid_point(new) or new in self.roll:
            raise Refused("ROLL-3", "new is not a valid key, or already on the roll")
        if p["reason"] not in ("lost", "stolen", "damaged"):
            raise Refused("ROLL-3", "reason is not lost, stolen or damaged")
        d = opt_date(p["date"], "date")
        nf = d if r["from"] is None else max(r["from"], d)
        if r["until"] is not None and not nf < r["until"]:
            raise Refused("ROLL-3", "the new credential's interval is empty")
        self.roll[new] = {"birthday": r["birthday"], "from": nf, "until": r["until"],
                          "lineage": r["lineage"], "replaced": False}
        r["until"] = d if r["until"] is None else min(r["until"], d)
        r["replaced"] = True

    # ---------------------------------------------------------------- §4.6
    def contest_version(self, e, p):
        if self.close:
            raise Refused("CON-1", "contest.version after term.close")
        keys = ["contest", "version", "title", "year", "options", "min", "max"]
        if "title_en" in p:
            keys.append("title_en")
        body_keys(p, keys, "contest.version")
        cid = valid_id(p["contest"], "contest")
        v = integer(p["version"], "version", 1)
        prev = self.contests.get(cid, [])
        if v != len(prev) + 1:
            raise Refused("CON-1", f"version {v} of {cid} does not follow {len(prev)}")
        year = p["year"]
        if year is not None:
            integer(year, "year", 1)
        if prev and year != prev[0]["year"]:
            raise Refused("CON-1", "year differs from version 1's")
        ids = []
        for o in p["options"]:
            exact(o, ["id", "label"] + (["label_en"] if "label_en" in o else []), "option")
            if not isinstance(o["id"], str) or not o["id"]:
                raise Refused("CON-2", "option id is empty")
            ids.append(o["id"])
        if not ids:
            raise Refused("CON-2", "a version has no option")
        if len(set(ids)) != len(ids):
            raise Refused("CON-2", "option ids are not unique")
        for o in p["options"]:
            for old in prev:
                for oo in old["options"]:
                    if oo["id"] == o["id"] and oo["label"] != o["label"] and old is prev[-1]:
                        self.report.note(f"relabelled: {cid} option {o['id']} {oo['label']!r} (version "
                                         f"{old['version']}) -> {o['label']!r} (version {v}) (SPEC §4.6)")
        mn, mx = integer(p["min"], "min", 0), integer(p["max"], "max", 0)
        if not mn <= mx <= len(ids):
            raise Refused("CON-2", "not 0 <= min <= max <= options")
        self.contests.setdefault(cid, []).append(p)

    def in_force(self, k):
        """Latest versions of contests with year null or k, by contest id (byte order)."""
        out = []
        for cid in sorted(self.contests, key=lambda s: s.encode()):
            v = self.contests[cid][-1]
            if v["year"] is None or v["year"] == k:
                out.append(v)
        return out

    # ---------------------------------------------------------------- §4.9
    def kiosk_enrol(self, e, p):
        body_keys(p, ["device", "key"], "kiosk.enrol")
        name = valid_id(p["device"], "device")
        key = unhex(p["key"], 32, "key")
        if name in self.kiosks:
            raise Refused("KSK-1", f"device {name} enrolled before")
        t = self.term
        if (not sodium.ed25519_valid_point(key) or key in self.kiosk_keys or key in (t.officer, t.registrar)
                or key in t.trustee_keys or key in self.roll):
            raise Refused("KSK-1", "device key is invalid, reused, or another role's key")
        self.kiosks[name] = {"key": key, "active": True}
        self.kiosk_keys.add(key)

    def kiosk_revoke(self, e, p):
        body_keys(p, ["device"], "kiosk.revoke")
        k = self.kiosks.get(p["device"])
        if k is None or not k["active"]:
            raise Refused("KSK-2", "device not enrolled or already revoked")
        k["active"] = False

    # ---------------------------------------------------------------- §4.7
    def ballot_context(self, cid, version, position):
        return (lp(b"perennial-ballot-v1") + lp(self.origin.encode()) + lp(self.term.id.encode())
                + lp(cid.encode()) + u32(version) + u32(position))

    def check_ballot_body(self, b, window, binding_key, check):
        """BAL-3 and BAL-4 (or their BAL-8 twins) for a ballot.cast payload; returns
        [(contest id, version payload, [(a, b)])]."""
        body_keys(b, ["window", "contests"], "ballot")
        if b["window"] != window:
            raise Refused(check, "ballot window differs")
        force = self.in_force(window)
        cons = b["contests"]
        if not isinstance(cons, list) or [c.get("contest") if isinstance(c, dict) else None for c in cons] != [v["contest"] for v in force]:
            raise Refused("BAL-3" if check == "BAL-4" else check, "contests are not those in force, in order")
        binding = binding_key + u32(window)
        out = []
        for c, v in zip(cons, force):
            exact(c, ["contest", "version", "selections", "range"], "ballot contest")
            if c["version"] != v["version"] or type(c["version"]) is not int:
                raise Refused("BAL-3" if check == "BAL-4" else check, f"contest {v['contest']} is not at its current version")
            sels = c["selections"]
            if not isinstance(sels, list) or len(sels) != len(v["options"]):
                raise Refused("BAL-3" if check == "BAL-4" else check, "not one selection per option")
            cts = []
            sa, sb = self.G.identity, self.G.identity
            for pos, s in enumerate(sels):
                if not isinstance(s, dict):
                    raise Refused(check, "selection is not an object")
                pk = ["c", "r", "t"] if self.G.carries_commitments else ["c", "r"]
                exact(s, ["a", "b"] + pk, "selection")
                a, bb = self.el(s["a"], "a"), self.el(s["b"], "b")
                proof = {k: s[k] for k in pk}
                if not proofs.check_range(self.G, proof, self.pk, a, bb, 0, 1, self.ballot_context(v["contest"], v["version"], pos),
                                   binding, "disjunctive"):
                    raise Refused(check, f"disjunctive proof of {v['contest']} option {pos} fails")
                cts.append((a, bb))
                sa, sb = self.G.mul(sa, a), self.G.mul(sb, bb)
            if not proofs.check_range(self.G, c["range"], self.pk, sa, sb, v["min"], v["max"],
                               self.ballot_context(v["contest"], v["version"], 0xFFFFFFFF), binding):
                raise Refused(check, f"range proof of {v['contest']} fails")
            out.append((v["contest"], v, cts))
        return out

    def ballot_cast(self, e, p):
        self.ballots += 1
        if self.pk is None or self.close:
            raise Refused("BAL-7", "ballot without a preceding election.key, or after term.close")
        r = self.roll.get(e.author)
        if r is None:
            raise Refused("BAL-1", "author is not a credential on the roll")
        window = integer(p.get("window"), "window", 1)
        iv = window_interval(self.term, r["birthday"], window, r["from"], r["until"])
        if iv is None or not iv[0] <= e.time < iv[1]:
            raise Refused("BAL-2", f"log time is not inside window {window} of the credential")
        h = hashlib.sha256(e.payload).digest()
        if h in self.seen_payloads:
            raise Refused("BAL-5", "payload already recorded")
        cons = self.check_ballot_body(p, window, e.author, "BAL-4")
        alphas = self.fresh_alphas(cons, "BAL-5")
        self.seen_payloads.add(h)
        self.recorded_a.update(alphas)
        self.latest[(r["lineage"], window)] = (e.index, window, cons)
        self.cast_info[e.index] = (r["lineage"], window)

    def ballot_spoil(self, e, p):
        self.spoils += 1
        if self.pk is None or self.close:
            raise Refused("BAL-8", "spoil without election.key, or after term.close")
        if not any(k["key"] == e.author and k["active"] for k in self.kiosks.values()):
            raise Refused("BAL-8", "author is not an active kiosk device")
        body_keys(p, ["window", "ballot", "openings"], "ballot.spoil")
        window = integer(p["window"], "window", 1)
        if not self.some_birthday_window_contains(window, e.time):
            raise Refused("BAL-8", f"no birthday's window {window} contains the log time")
        h = hashlib.sha256(e.payload).digest()
        raw = unb64(p["ballot"], "ballot")
        hb = hashlib.sha256(raw).digest()
        if h in self.seen_payloads or hb in self.seen_payloads:
            raise Refused("BAL-8", "spoil or its embedded ballot replays a recorded payload")
        b = parse_payload(raw, self.origin)
        if b["kind"] != "ballot.cast" or b.get("term") != self.term.id:
            raise Refused("BAL-8", "embedded ballot is not a ballot.cast of this term")
        cons = self.check_ballot_body(b, window, e.author, "BAL-8")
        ops = p["openings"]
        if not isinstance(ops, list) or len(ops) != len(cons):
            raise Refused("BAL-8", "openings do not match the contests")
        for o, (cid, v, cts) in zip(ops, cons):
            exact(o, ["contest", "selections"], "opening")
            if o["contest"] != cid or len(o["selections"]) != len(cts):
                raise Refused("BAL-8", "opening does not name the contest or its selections")
            for s, (a, bb) in zip(o["selections"], cts):
                exact(s, ["m", "r"], "opening selection")
                m = integer(s["m"], "m", 0, 1)
                rr = self.sc(s["r"], "r")
                if self.G.gexp(rr) != a or self.G.mul(self.G.exp(self.pk, rr), self.G.gexp(m)) != bb:
                    raise Refused("BAL-8", f"opening of {cid} does not open its ciphertext")
        alphas = self.fresh_alphas(cons, "BAL-8")
        self.seen_payloads.update((h, hb))
        self.recorded_a.update(alphas)

    def fresh_alphas(self, cons, check):
        """SPEC BAL-5: every ciphertext's a is new (a shared a = g^r shares r)."""
        alphas = [a for _, _, cts in cons for a, _ in cts]
        if len(set(alphas)) != len(alphas) or any(a in self.recorded_a for a in alphas):
            raise Refused(check, "a ciphertext reuses the randomness (its a) of a recorded or sibling ciphertext")
        return alphas

    def some_birthday_window_contains(self, k, t):
        d = dt.date(2028, 1, 1)
        while d.year == 2028:
            b = d.strftime("%m-%d")
            d += dt.timedelta(days=1)
            for n, day, o, c in windows(self.term, b):
                if n == k and o <= t < c:
                    return True
        return False

    # ---------------------------------------------------------------- §4.8
    def tally_items(self):
        counted = list(self.latest.values())
        overall = {}
        order = []
        for cid in sorted(self.contests, key=lambda s: s.encode()):
            for v in self.contests[cid]:
                for o in v["options"]:
                    if (cid, o["id"]) not in overall:
                        overall[(cid, o["id"])] = [self.G.identity, self.G.identity]
                        order.append((cid, o["id"]))
        items = []
        def add(year, keep):
            for cid, oid in order:
                if keep(cid):
                    a, b = self.G.identity, self.G.identity
                    for idx, w, cons in counted:
                        if year is not None and w != year:
                            continue
                        for ccid, v, cts in cons:
                            if ccid == cid:
                                for o, (ca, cb) in zip(v["options"], cts):
                                    if o["id"] == oid:
                                        a, b = self.G.mul(a, ca), self.G.mul(b, cb)
                    items.append((cid, oid, year, a, b))
        add(None, lambda cid: True)
        if self.term.per_year and counted:
            last = max(w for _, w, _ in counted)
            for y in range(1, last + 1):
                add(y, lambda cid: self.contests[cid][0]["year"] in (None, y))
        return items, len(counted)

    def term_close(self, e, p):
        body_keys(p, ["tally", "counted"], "term.close")
        if self.close is not None:
            raise Refused("TAL-1", "second term.close")
        if e.time < self.term.E:
            raise Refused("TAL-1", "term.close before the term's end")
        items, counted = self.tally_items()
        if integer(p["counted"], "counted", 0) != counted:
            raise Refused("TAL-1", f"counted {p['counted']} is not the {counted} counted ballots")
        got = p["tally"]
        if len(got) != len(items):
            raise Refused("TAL-1", f"{len(got)} tally items, expected {len(items)}")
        for n, (g, (cid, oid, year, a, b)) in enumerate(zip(got, items)):
            exact(g, ["contest", "option", "year", "a", "b"], "tally item")
            if (g["contest"], g["option"], g["year"]) != (cid, oid, year):
                raise Refused("TAL-1", f"item {n} is {g['contest']}/{g['option']}/{g['year']}, expected {cid}/{oid}/{year}")
            if self.el(g["a"], "a", True) != a or self.el(g["b"], "b", True) != b:
                raise Refused("TAL-1", f"item {n} ({cid}/{oid}/{year}) is not the recomputed encrypted tally")
        self.close = (items, counted)

    def tally_share(self, e, p):
        body_keys(p, ["trustee", "shares"], "tally.share")
        j = self.trustee_of(e, p, "TAL-2")
        if self.close is None:
            raise Refused("TAL-2", "tally.share before term.close")
        if j in self.shares:
            raise Refused("TAL-2", f"second tally.share of trustee {j}")
        items = self.close[0]
        if len(p["shares"]) != len(items):
            raise Refused("TAL-2", "not one share per term.close item")
        ds = []
        for n, (s, (cid, oid, year, a, b)) in enumerate(zip(p["shares"], items)):
            exact(s, ["d", "c", "r"], "share")
            d = self.el(s["d"], "d", allow_identity=(a == self.G.identity))
            ctx = lp(b"perennial-decryption-v1") + lp(self.origin.encode()) + lp(self.term.id.encode()) + u32(n)
            if not proofs.check_chaum_pedersen(self.G, self.sc(s["c"], "c"), self.sc(s["r"], "r"), self.ready[j], a, d, ctx, u32(j)):
                raise Refused("TAL-2", f"Chaum-Pedersen proof of trustee {j} item {n} fails")
            ds.append(d)
        self.shares[j] = ds

    def tally_result(self, e, p):
        body_keys(p, ["trustees", "results"], "tally.result")
        if self.result:
            raise Refused("TAL-3", "second tally.result")
        if self.close is None:
            raise Refused("TAL-3", "tally.result before term.close")
        items, counted = self.close
        S = p["trustees"]
        if (not isinstance(S, list) or len(S) < self.term.t or S != sorted(set(S))
                or any(type(j) is not int or j not in self.shares for j in S)):
            raise Refused("TAL-3", "trustees are not at least t increasing trustees with a tally.share")
        lam = {}
        for j in S:
            num = den = 1
            for k in S:
                if k != j:
                    num = num * k % self.G.q
                    den = den * (k - j) % self.G.q
            lam[j] = num * pow(den, -1, self.G.q) % self.G.q
        counts = []
        for n, (cid, oid, year, a, b) in enumerate(items):
            acc = self.G.identity
            for j in S:
                acc = self.G.mul(acc, self.G.exp(self.shares[j][n], lam[j]))
            gm = self.G.div(b, acc)
            cur, m = self.G.identity, 0
            while cur != gm and m <= counted:
                cur, m = self.G.mul(cur, self.G.g), m + 1
            if cur != gm:
                raise Refused("TAL-3", f"item {n} does not decrypt to a count in [0, {counted}]")
            counts.append(m)
        groups = []
        for (cid, oid, year, a, b), m in zip(items, counts):
            if not groups or groups[-1][0] != (cid, year):
                groups.append(((cid, year), []))
            groups[-1][1].append((oid, m))
        res = p["results"]
        if len(res) != len(groups):
            raise Refused("TAL-3", f"{len(res)} results, expected {len(groups)}")
        for r, ((cid, year), opts) in zip(res, groups):
            exact(r, ["contest", "year", "options", "winners", "tie"], "result")
            if (r["contest"], r["year"]) != (cid, year):
                raise Refused("TAL-3", f"result for {r['contest']}/{r['year']}, expected {cid}/{year}")
            versions = self.contests[cid]
            latest_ids = [o["id"] for o in versions[-1]["options"]]
            if len(r["options"]) != len(opts):
                raise Refused("TAL-3", f"result {cid}/{year} does not list every option")
            for ro, (oid, m) in zip(r["options"], opts):
                exact(ro, ["id", "label", "count", "withdrawn"], "result option")
                label = [o["label"] for v in versions for o in v["options"] if o["id"] == oid][-1]
                want = {"id": oid, "label": label, "count": m, "withdrawn": oid not in latest_ids}
                if ro != want or type(ro["count"]) is not int or type(ro["withdrawn"]) is not bool:
                    raise Refused("TAL-3", f"result option {ro} is not {want}")
            eligible = [(oid, m) for oid, m in opts if oid != "blank" and oid in latest_ids]
            top = max((m for _, m in eligible), default=0)
            winners = [oid for oid, m in eligible if m == top] if top > 0 else []
            if r["winners"] != winners or r["tie"] is not (len(winners) > 1):
                raise Refused("TAL-3", f"winners {r['winners']} tie {r['tie']}, expected {winners} {len(winners) > 1}")
        self.result = True
