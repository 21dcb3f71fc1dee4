#!/usr/bin/env python3
"""Perennial, Debian's belenios-tool and ElectionGuard-python 1.4 on the same ballot shape, in one run
(`make bench-peers`).

One question, 10 candidates + blank, one choice. belenios-tool (BELENIOS-2048, the group Debian's 2.0
ships) creates N ballots (one process each) and verifies the archive holding them; its per-ballot verify
time is (verify with N ballots - verify with none) / N. Perennial's figures come from `perennial bench
ballot` in the same run. On a shared machine one run is noise: both verifications are repeated REPS
times and the figures are medians (`"reps"`, with the fastest and slowest run as `"min"`/`"max"`), so
the ratio is the ratio of two medians. Prints JSON lines: each system's figures, bytes per ballot for
every group, then the ratios against the targets of issue #15 with the load before and after.
ElectionGuard-python 1.4 (its 4096-bit group, Perennial's eg4096) runs tools/bench_electionguard.py in a venv
under .build/ (pip-installed on first use; if that fails the earlier measured 290 ms is used, labelled
"measured": false).

usage: bench_peers.py PERENNIAL_BINARY [BALLOTS] [REPS]
"""
import glob, json, os, shutil, statistics, subprocess, sys, tempfile, time

SHAPE = {"candidates": 10, "blank": True, "choices": 1}


def emit(obj):
    print(json.dumps(obj), flush=True)


def ensure_belenios():
    if shutil.which("belenios-tool"):
        return
    print("belenios-tool is missing: installing Debian's package (apt-get install belenios-tool)", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "belenios-tool"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def bt(args, cwd, stdin=None, stdout=subprocess.DEVNULL):
    subprocess.run(["belenios-tool"] + args, cwd=cwd, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, check=True)


def belenios(ballots, reps):
    group = "BELENIOS-2048"
    d = tempfile.mkdtemp(prefix="bench-peers-belenios-")
    try:
        uuid = subprocess.run(["belenios-tool", "setup", "generate-token"], capture_output=True, text=True, check=True).stdout.strip()
        bt(["setup", "generate-credentials", "--uuid", uuid, "--group", group, "--count", str(ballots)], d)
        for f in os.listdir(d):
            if f.endswith(".pubcreds"):
                os.rename(os.path.join(d, f), os.path.join(d, "public_creds.json"))
            if f.endswith(".privcreds"):
                os.rename(os.path.join(d, f), os.path.join(d, "private_creds.txt"))
        bt(["setup", "generate-trustee-key", "--group", group], d)
        with open(os.path.join(d, "public_keys.jsons"), "w") as out:
            for f in sorted(os.listdir(d)):
                if f.endswith(".pubkey"):
                    out.write(open(os.path.join(d, f)).read())
        bt(["setup", "make-trustees"], d)
        answers = ["c%d" % i for i in range(1, SHAPE["candidates"] + 1)]
        json.dump({"description": "bench", "name": "bench",
                   "questions": [{"answers": answers, "min": 1, "max": 1, "question": "office", "blank": SHAPE["blank"]}]},
                  open(os.path.join(d, "template.json"), "w"))
        bt(["setup", "make-election", "--uuid", uuid, "--group", group, "--template", "template.json"], d)
        bt(["archive", "init"], d)

        def verify_runs():
            runs = []
            for _ in range(reps):
                t = time.perf_counter()
                bt(["election", "verify"], d)
                runs.append((time.perf_counter() - t) * 1000)
            return runs

        empty = statistics.median(verify_runs())
        creds = [line.split()[1] for line in open(os.path.join(d, "private_creds.txt")) if line.strip()]
        json.dump([[0, 1] + [0] * (SHAPE["candidates"] - 1)], open(os.path.join(d, "choice.json"), "w"))
        made, sizes = 0.0, []
        for i, cred in enumerate(creds):
            open(os.path.join(d, "cred"), "w").write(cred + "\n")
            path = os.path.join(d, "ballot%d.json" % i)
            t = time.perf_counter()
            with open(path, "w") as out:
                bt(["election", "generate-ballot", "--privcred", "cred", "--ballot", "choice.json"], d, stdout=out)
            made += (time.perf_counter() - t) * 1000
            sizes.append(os.path.getsize(path) - 1)  # without the trailing newline
            with open(path) as inp:
                bt(["archive", "add-event", "--type=Ballot"], d, stdin=inp)
        per_ballot = [max(full - empty, 0.0) / ballots for full in verify_runs()]
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "belenios-tool"], capture_output=True, text=True).stdout
        return {"construct": made / ballots, "verify": statistics.median(per_ballot), "verify_min": min(per_ballot),
                "verify_max": max(per_ballot), "bytes": sum(sizes) / len(sizes), "group": group, "version": version}
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ElectionGuard-python 1.4's figure measured earlier on this machine (same shape), used only when the
# package cannot be installed in this run; its JSON line then says "measured": false.
ELECTIONGUARD_VERIFY_MS_DOCUMENTED = 290.0


def electionguard_python():
    """A Python that can run electionguard 1.4 (its dataclasses need Python < 3.11), or None."""
    candidates = [shutil.which(name) for name in ["python3.10", "python3.9", "python3.8"]]
    # pyenv's shims refuse a version that is installed but not selected: try its interpreters directly.
    for minor in ["3.10", "3.9", "3.8"]:
        candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python%s" % (minor, minor))), reverse=True)
    for path in candidates:
        if path and subprocess.run([path, "-c", "import sys"], capture_output=True).returncode == 0:
            return path
    return None


def electionguard(ballots):
    """ElectionGuard-python 1.4 on the same shape (tools/bench_electionguard.py) in a venv under .build/,
    installed from PyPI on first use; None if it cannot be installed or run."""
    here = os.path.dirname(os.path.abspath(__file__))
    venv = os.path.join(here, "..", ".build", "electionguard-venv")
    py = os.path.join(venv, "bin", "python")
    try:
        installed = os.path.exists(py) and subprocess.run([py, "-c", "import electionguard"], capture_output=True).returncode == 0
        if not installed:
            base = electionguard_python()
            if base is None:
                print("electionguard: no Python 3.8-3.10 found (1.4 does not run on 3.11+)", file=sys.stderr)
                return None
            print("electionguard 1.4 is missing: installing it in %s (pip, from PyPI)" % venv, file=sys.stderr)
            subprocess.run([base, "-m", "venv", venv], check=True)
            subprocess.run([py, "-m", "pip", "install", "-q", "electionguard==1.4.0"], check=True,
                           stdout=subprocess.DEVNULL)
        out = subprocess.run([py, os.path.join(here, "bench_electionguard.py"), str(ballots)], capture_output=True, text=True,
                             check=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    except (subprocess.CalledProcessError, OSError, ValueError) as e:
        print("electionguard: not measured (%s)" % e, file=sys.stderr)
        return None


def perennial(binary, ballots, reps):
    lines, full = {}, {}
    out = subprocess.run([binary, "bench", "ballot", "--group", "all", "--ballots", str(ballots), "--reps", str(reps),
                          "--options", str(SHAPE["candidates"] + 1)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        obj = json.loads(line)
        lines[obj["name"]] = obj["value"]
        full[obj["name"]] = obj
    return lines, full


def main():
    binary = sys.argv[1]
    ballots = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    ensure_belenios()
    load = os.getloadavg()[0]
    b = belenios(ballots, reps)
    eg = electionguard(min(ballots, 10))
    p, full = perennial(binary, ballots, reps)
    load_after = os.getloadavg()[0]
    shape = "1 question, %d candidates + blank" % SHAPE["candidates"]
    emit({"name": "peers.belenios.construct", "unit": "ms", "value": round(b["construct"], 2), "group": b["group"],
          "system": "belenios-tool " + b["version"], "shape": shape, "ballots": ballots})
    emit({"name": "peers.belenios.verify", "unit": "ms", "value": round(b["verify"], 2), "reps": reps,
          "min": round(b["verify_min"], 2), "max": round(b["verify_max"], 2), "group": b["group"],
          "system": "belenios-tool " + b["version"], "shape": shape, "ballots": ballots})
    emit({"name": "peers.belenios.bytes", "unit": "bytes", "value": round(b["bytes"]), "group": b["group"]})
    if eg is not None:
        eg_system = "electionguard-python " + eg["version"]
        emit({"name": "peers.electionguard.construct", "unit": "ms", "value": round(eg["construct_ms"], 2), "group": "eg4096",
              "system": eg_system, "shape": shape + " (+1 placeholder)", "ballots": eg["ballots"]})
        emit({"name": "peers.electionguard.verify", "unit": "ms", "value": round(eg["verify_ms"], 2), "group": "eg4096",
              "system": eg_system, "shape": shape + " (+1 placeholder)", "ballots": eg["ballots"], "measured": True})
        emit({"name": "peers.electionguard.bytes", "unit": "bytes", "value": eg["bytes"], "group": "eg4096"})
        eg_verify = eg["verify_ms"]
    else:
        emit({"name": "peers.electionguard.verify", "unit": "ms", "value": ELECTIONGUARD_VERIFY_MS_DOCUMENTED, "group": "eg4096",
              "system": "electionguard-python 1.4 (documented figure, not measured in this run)", "shape": shape,
              "measured": False})
        eg_verify = ELECTIONGUARD_VERIFY_MS_DOCUMENTED
    for g in ["ristretto255", "belenios2048", "eg4096"]:
        for k in ["construct", "validate", "verify_proofs", "verify_batch", "payload"]:
            name = "ballot.%s.%s" % (g, k)
            v = p.get(name)
            if v is not None:
                line = {"name": "peers.perennial.%s.%s" % (g, k), "unit": "bytes" if k == "payload" else "ms", "value": v}
                for extra in ["reps", "min", "max"]:
                    if extra in full[name]:
                        line[extra] = full[name][extra]
                line.update({"group": g, "shape": shape, "ballots": ballots})
                emit(line)

    def ratio(name, num, target):
        if num is None or b["verify"] <= 0:
            return
        r = num / b["verify"]
        emit({"name": name, "unit": "ratio", "value": round(r, 4), "target": target, "met": r <= target,
              "reps": reps, "load": round(load, 2), "load_after": round(load_after, 2)})

    ratio("ratio.ristretto255.validate_vs_belenios2048_verify", p.get("ballot.ristretto255.validate"), 1 / 37)
    ratio("ratio.ristretto255.verify_batch_vs_belenios2048_verify", p.get("ballot.ristretto255.verify_batch"), 1 / 37)
    ratio("ratio.belenios2048.validate_vs_belenios2048_verify", p.get("ballot.belenios2048.validate"), 1 / 2)
    v = p.get("ballot.eg4096.validate")
    if v is not None:
        r = v / eg_verify
        emit({"name": "ratio.eg4096.validate_vs_electionguard_verify", "unit": "ratio", "value": round(r, 4), "target": 0.1,
              "met": r <= 0.1, "measured": eg is not None, "load": round(load, 2), "load_after": round(load_after, 2)})
    for g in ["ristretto255", "belenios2048", "eg4096"]:
        v = p.get("ballot.%s.payload" % g)
        if v is not None:
            emit({"name": "ratio.%s.bytes_vs_belenios2048" % g, "unit": "ratio", "value": round(v / b["bytes"], 3)})


if __name__ == "__main__":
    main()
