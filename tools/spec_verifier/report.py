"""Findings: each failed rule with its SPEC check id and the entry index (None for file-level)."""


class Report:
    def __init__(self):
        self.failures = []
        self.notes = []

    def fail(self, check, index, msg):
        self.failures.append((check, index, msg))

    def note(self, msg):
        self.notes.append(msg)

    def print(self, out, limit=50):
        for n in self.notes:
            print(f"note: {n}", file=out)
        for check, index, msg in self.failures[:limit]:
            where = f"entry {index}" if index is not None else "record"
            print(f"FAIL {check} {where}: {msg}", file=out)
        if len(self.failures) > limit:
            print(f"... and {len(self.failures) - limit} more failures", file=out)
