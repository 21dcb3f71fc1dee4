"""SPEC §4.2 local midnights, §4.3 windows, §5.1 instants, in the term's IANA zone (Python zoneinfo)."""
import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc


def tzdata_release() -> str:
    """SPEC §4.2: a verifier states the tzdata release it used (zoneinfo reads the system's)."""
    for path in ("/usr/share/zoneinfo/tzdata.zi", "/usr/share/zoneinfo/+VERSION"):
        try:
            with open(path) as f:
                line = f.readline().strip()
            return line.replace("# version ", "")
        except OSError:
            pass
    return "unknown (system zoneinfo)"


def parse_date(s):
    if not isinstance(s, str) or len(s) != 10 or s[4] != "-" or s[7] != "-":
        raise ValueError(f"{s!r} is not YYYY-MM-DD")
    return dt.date.fromisoformat(s)


def instant_ms(zone: ZoneInfo, day: dt.date, hour=0, minute=0) -> int:
    """The earliest instant at which the local clock reads `day hour:minute` or later (SPEC §5.1;
    for midnight, §4.2's 'first instant of that local day' when midnight is skipped)."""
    naive = dt.datetime(day.year, day.month, day.day, hour, minute)
    first = naive.replace(tzinfo=zone, fold=0)
    u = first.astimezone(UTC)
    if u.astimezone(zone).replace(tzinfo=None) == naive:
        # exists; fold=0 is the first occurrence when it occurs twice
        return int(u.timestamp()) * 1000
    # skipped by a jump: the answer is the jump's instant, between the fold=1 and fold=0 readings
    lo = int(naive.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    hi = int(u.timestamp())
    if lo > hi:
        lo, hi = hi, lo
    while lo < hi:
        mid = (lo + hi) // 2
        if dt.datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid + 1
    return lo * 1000


def birthday_day(year: int, birthday: str, leap_day: str) -> dt.date:
    m, d = int(birthday[:2]), int(birthday[3:])
    if (m, d) == (2, 29):
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28) if leap_day == "feb28" else dt.date(year, 3, 1)
    return dt.date(year, m, d)


def windows(term, birthday: str):
    """Unclipped windows [(number, open_day, open_ms, close_ms)] of a birthday (SPEC §4.3), close at most E."""
    out = []
    n = 0
    for y in range(term.start.year, term.end.year + 1):
        d = birthday_day(y, birthday, term.leap_day)
        if term.start <= d < term.end:
            n += 1
            o = instant_ms(term.zone, d)
            c = min(instant_ms(term.zone, d + dt.timedelta(days=term.window_days)), term.E)
            out.append((n, d, o, c))
    return out


def window_interval(term, birthday, k, eligible_from, eligible_until):
    """Window k clipped at E and to [from, until) (None bounds open); None when it does not exist."""
    for n, d, o, c in windows(term, birthday):
        if n == k:
            if eligible_from is not None:
                o = max(o, instant_ms(term.zone, eligible_from))
            if eligible_until is not None:
                c = min(c, instant_ms(term.zone, eligible_until))
            return (o, c) if o < c else None
    return None
