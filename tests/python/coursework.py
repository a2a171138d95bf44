#!/usr/bin/env python3
"""Check examples/coursework/Makefile: answers for every catalog question, rebuilt exactly
when a capture changes.

Copies examples/coursework/ to a temporary directory with one capture in its captures/
(a capture from tests/pcaps), then:
  1. `make -j2` builds answers/<id>.csv for every id of `pcapq query --list`, each a
     non-empty CSV with a header row, converting the dataset once;
  2. `make -q` then reports everything up to date, and `make` does nothing;
  3. touching the capture makes `make -q` report work, and `make` reconverts the dataset
     (ds/.done's mtime changes) and rewrites every answer;
  4. `make clean` removes the dataset and the answers.
Prints one line per check; exits 1 when any fails. PCAPQ names the binary.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "pcaps"
PCAPQ = os.environ.get("PCAPQ") or str(ROOT / "target" / "release" / "pcapq")
SHARED_CAPTURE = SHARED / "zeek" / "ftp-ipv6.pcap"

results = {"ok": 0, "fail": 0}


def report(ok, what, detail=""):
    results["ok" if ok else "fail"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} coursework: {what}" + ("" if ok else f": {detail}"))
    return ok


def make(workdir, *args):
    pcapq = str(Path(PCAPQ).resolve())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKEFLAGS", "MFLAGS", "MAKELEVEL"))}
    return subprocess.run(["make", "--no-print-directory", f"PCAPQ={pcapq}", *args], cwd=workdir, env=env,
                          capture_output=True, text=True)


def catalog_ids():
    out = subprocess.run([PCAPQ, "query", "--list"], capture_output=True, text=True, check=True).stdout
    # As the Makefile: questions that need an address database only when one is named.
    def available(line):
        return not (("[needs --geoip]" in line and not os.environ.get("PCAPQ_GEOIP"))
                    or ("[needs --asn]" in line and not os.environ.get("PCAPQ_ASN")))
    return [line.split()[0] for line in out.splitlines() if line[:1].islower() and available(line)]


def answers_ok(work, ids):
    bad = []
    for qid in ids:
        f = work / "answers" / f"{qid}.csv"
        if not f.is_file() or f.stat().st_size == 0:
            bad.append(f"{qid}: missing or empty")
            continue
        rows = list(csv.reader(f.read_text().splitlines()))
        header = rows[0] if rows else []
        if not header or any(not h or not h[0].isalpha() for h in header):
            bad.append(f"{qid}: no header row ({header})")
        elif any(len(r) != len(header) for r in rows[1:]):
            bad.append(f"{qid}: rows do not have the header's {len(header)} fields")
    return bad


def mtimes(work, ids):
    return {qid: (work / "answers" / f"{qid}.csv").stat().st_mtime_ns for qid in ids}


def main():
    if not Path(PCAPQ).exists():
        print(f"pcapq binary not found at {PCAPQ}: build it first (make build) or set PCAPQ")
        return 1
    if shutil.which("make") is None:
        print("make not found: skipping the coursework Makefile check")
        return 0
    if not SHARED_CAPTURE.exists():
        print(f"FAIL {SHARED_CAPTURE} is missing: the test captures are carried in the repository")
        return 1
    capture = SHARED_CAPTURE
    ids = catalog_ids()
    report(len(ids) > 0, f"`pcapq query --list` lists {len(ids)} questions")

    with tempfile.TemporaryDirectory(prefix="pcapq-coursework-") as tmp:
        work = Path(tmp) / "coursework"
        shutil.copytree(ROOT / "examples" / "coursework", work)
        (work / "captures").mkdir(exist_ok=True)
        cap = work / "captures" / capture.name
        shutil.copyfile(capture, cap)  # a writable copy (the shared one is read-only)
        stamp = work / "ds" / ".done"

        # 1. From clean, in parallel.
        r = make(work, "-j2")
        if not report(r.returncode == 0, f"make -j2 on {capture.name}", r.stderr.strip()[-2000:]):
            return 1
        converts = sum(1 for line in r.stdout.splitlines() if " convert " in line)
        report(converts == 1, "make -j2 converts the dataset once", f"{converts} conversions:\n{r.stdout}")
        bad = answers_ok(work, ids)
        report(not bad, f"answers/<id>.csv for all {len(ids)} ids, each a CSV with a header", "; ".join(bad))
        for f in ("packets", "flows", "captures"):
            report((work / "ds" / f"{f}.parquet").is_file(), f"ds/{f}.parquet written")

        # 2. Nothing touched: up to date, and a second make does nothing.
        r = make(work, "-q")
        report(r.returncode == 0, "make -q after a build reports up to date", f"exit {r.returncode}")
        stamp_before, answers_before = stamp.stat().st_mtime_ns, mtimes(work, ids)
        r = make(work)
        report(r.returncode == 0 and "pcapq" not in r.stdout and mtimes(work, ids) == answers_before
               and stamp.stat().st_mtime_ns == stamp_before,
               "a second make with nothing touched does nothing", r.stdout.strip())

        # 3. Touch the capture: everything is redone.
        time.sleep(1.1)  # coarse file systems keep whole seconds
        cap.touch()
        r = make(work, "-q")
        report(r.returncode == 1, "make -q after touching the capture reports work to do", f"exit {r.returncode}")
        r = make(work, "-j2")
        report(r.returncode == 0, "make -j2 after touching the capture", r.stderr.strip()[-2000:])
        report(stamp.stat().st_mtime_ns != stamp_before, "touching the capture reconverts the dataset (ds/.done mtime changed)")
        after = mtimes(work, ids)
        stale = [q for q in ids if after[q] == answers_before[q]]
        report(not stale, "touching the capture rewrites every answer", f"not rewritten: {stale}")
        r = make(work, "-q")
        report(r.returncode == 0, "make -q after the rebuild reports up to date", f"exit {r.returncode}")

        # 4. Clean.
        r = make(work, "clean")
        report(r.returncode == 0 and not (work / "ds").exists() and not (work / "answers").exists(),
               "make clean removes ds/ and answers/", r.stderr.strip())

    print(f"coursework checks: {results['ok']} passed, {results['fail']} failures")
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
