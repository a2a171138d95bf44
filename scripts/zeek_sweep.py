#!/usr/bin/env python3
"""Compare pcapq's `flows` with every conn.log baseline of Zeek's own test suite.

The committed tests (tests/it/flows_vs_tools.rs, app_vs_zeek.rs) check the Zeek traces
copied into tests/pcaps. This maintainer's tool runs the same comparison over all of Zeek's
btests that write a conn.log from one trace, to find the differences a trace the project
has never seen would show. It needs a clone of zeek/zeek (no network: the workplace's
mirror) and a built pcapq:

    python3 scripts/zeek_sweep.py --zeek /work/.mirror/zeek+zeek/repo \
        --pcapq target/release/pcapq [--only http] [--show 20]

It prints one line per trace (flows compared, values equal, differences) and the
differences themselves. Fields compared are those of flows_match_zeek_conn_logs plus
`service`; a test run with `zeek -b` loads only the analyzers it names, so its services
are reported apart ("bare") rather than counted as differences.

With `--export DIR` it also writes the traces and their conn, dns, http, ssl, quic and ssh
logs into DIR laid out like tests/pcaps, so that the project's own comparisons run on all
of them:

    PCAPQ_TEST_PCAPS=DIR cargo test --release --test it -- app_vs_zeek flows_match_zeek

(conn.logs of `zeek -b` runs go to DIR/zeek, where only the conn.log comparison reads them;
the others to DIR/zeek-baselines, which the application comparisons read too.)
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

import pyarrow.parquet as pq

FOLDERS = ["zeek", "tcpdump", "malformed", "linktypes", "app", "zeek-baselines"]
APP_LOGS = ["dns", "http", "ssl", "quic", "ssh"]

IP_TUNNEL_PROTOS = {4, 41, 47}
FIELDS = ["orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"]


def git(repo, *args, binary=False):
    out = subprocess.run(["git", "-C", repo, *args], capture_output=True, check=False)
    if out.returncode != 0:
        return None
    return out.stdout if binary else out.stdout.decode("utf-8", "replace")


def test_file(repo, name, files):
    """The btest file of a baseline directory name (dots for slashes, maybe a -N suffix)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = "testing/btest/" + "/".join(parts[:cut])
        rest = ".".join(parts[cut:])
        for ext in (".zeek", ".test", ".bro", ".spicy", ".sh", ""):
            cand = base + ("." + rest if rest else "") + ext
            if cand in files:
                return cand
        # `foo-2`: the second test of foo's @TEST-START-NEXT list.
        m = re.match(r"(.*)-\d+$", parts[cut - 1])
        if m and cut == len(parts):
            for ext in (".zeek", ".test", ".bro"):
                cand = "testing/btest/" + "/".join(parts[: cut - 1] + [m.group(1)]) + ext
                if cand in files:
                    return cand
    return None


def zeek_log(text):
    fields, rows = None, []
    for line in text.splitlines():
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
        elif line.startswith("#") or not line.strip():
            continue
        elif fields:
            rows.append(dict(zip(fields, line.split("\t"))))
    return fields, rows


def ours_rows(pcapq, trace, out):
    run = subprocess.run(
        [pcapq, "convert", trace, "-o", out, "--force", "--quiet"],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0 and not os.path.exists(os.path.join(out, "flows.parquet")):
        return None, run.stderr.strip().splitlines()[-1:] or ["failed"]
    table = pq.read_table(os.path.join(out, "flows.parquet")).to_pylist()
    return [r for r in table if r["ip_proto"] not in IP_TUNNEL_PROTOS], None


def text(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "T" if v else "F"
    return str(v)


def compare(zeek, ours, bare, checksums):
    """Differences between Zeek's rows and ours: (field, zeek key, ours, theirs)."""
    diffs, equal, services = [], 0, []
    used = set()
    for z in zeek:
        if checksums and re.search("[Cc]", z.get("history", "")):
            # Zeek, run without -C, dropped packets with bad checksums; pcapq does not
            # verify them (tests/it/flows_vs_tools.rs, ZEEK_CHECKSUM_DROPS).
            continue
        zkey = f"{z['id.orig_h']} {z['id.orig_p']} {z['id.resp_h']} {z['id.resp_p']}"
        cands = []
        for i, o in enumerate(ours):
            if i in used:
                continue
            op = o["orig_port"] if o["orig_port"] is not None else 0
            rp = o["resp_port"] if o["resp_port"] is not None else 0
            if f"{o['orig_ip']} {op} {o['resp_ip']} {rp}" != zkey:
                continue
            if z.get("proto") not in (None, "unknown_transport") and o["proto"] != z["proto"]:
                continue
            if z.get("ip_proto", "-") != "-" and str(o["ip_proto"]) != z["ip_proto"]:
                continue
            cands.append(i)
        if not cands:
            diffs.append(("missing", zkey, "-", z.get("conn_state", "")))
            continue
        try:
            zts = float(z["ts"])
        except (KeyError, ValueError):
            zts = None  # canonified by the btest ("XXXXXXXXXX.XXXXXX")

        def closeness(i):
            t = ours[i]["first_ts"].timestamp() if zts is not None else 0.0
            return (ours[i]["conn_state"] != z.get("conn_state"), abs(t - (zts or 0.0)))

        cands.sort(key=closeness)
        i = cands[0]
        used.add(i)
        o = ours[i]

        def expect(field, got, want):
            nonlocal equal
            if got == want:
                equal += 1
            else:
                diffs.append((field, zkey, got, want))

        if "conn_state" in z:
            expect("conn_state", text(o["conn_state"]), z["conn_state"])
        if "history" in z:
            h = o["history"] or "-"
            zh = z["history"].replace("X", "") or "-"
            expect("history", h, zh)
        for f in FIELDS:
            if f in z:
                expect(f, text(o[f]), z[f])
        if "duration" in z:
            try:
                zd = 0.0 if z["duration"] == "-" else float(z["duration"])
            except ValueError:
                zd = None
        if "duration" in z and zd is not None:
            d = o["duration"] or 0.0
            expect("duration", "ok" if abs(d - zd) <= 1.000001e-6 else f"{d:.6f}",
                   "ok" if abs(d - zd) <= 1.000001e-6 else f"{zd:.6f}")
        if "missed_bytes" in z:
            expect("missed_bytes", text(o["missed_bytes"] or 0), z["missed_bytes"])
        if z.get("orig_bytes", "-") != "-":
            expect("orig_bytes", text(o["orig_bytes"]), z["orig_bytes"])
            expect("resp_bytes", text(o["resp_bytes"]), z["resp_bytes"])
        if "service" in z:
            ours_s = o["service"] or "-"
            if ours_s != z["service"]:
                if bare:
                    services.append((zkey, ours_s, z["service"]))
                else:
                    diffs.append(("service", zkey, ours_s, z["service"]))
            else:
                equal += 1
    extra = len(ours) - len(used)
    return diffs, equal, services, extra


def required_fields(log):
    """The columns of the project's own baselines of this log: a btest whose log was cut
    down to fewer columns (zeek-cut) cannot be compared by the project's tests."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "pcaps")
    need = None
    for folder in FOLDERS:
        d = os.path.join(here, folder)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(f".zeek-{log}.log"):
                with open(os.path.join(d, f)) as fh:
                    fields, _ = zeek_log(fh.read())
                if fields:
                    need = set(fields) if need is None else need & set(fields)
    return need or set()


REQUIRED = {}


def comparable(log, text):
    if log not in REQUIRED:
        REQUIRED[log] = required_fields(log)
    fields, _ = zeek_log(text)
    return bool(fields) and REQUIRED[log] <= set(fields)


def export(args, name, data, conn_text, bare, checksums, files, baseline):
    """Writes one btest's trace and logs in the layout of tests/pcaps: the conn.log of a
    `zeek -b` run (services only of the analyzers it loaded) apart, in `zeek/`."""
    rows = zeek_log(conn_text)[1]
    if checksums and any(re.search("[Cc]", r.get("history", "")) for r in rows):
        # Zeek dropped packets for bad checksums (history C): not comparable.
        return

    def write(folder, suffix, text):
        trace = os.path.join(args.export, folder, f"{name}.pcap")
        with open(trace, "wb") as f:
            f.write(data)
        with open(f"{trace}{suffix}", "w") as f:
            f.write(text)

    if conn_text and comparable("conn", conn_text):
        write("zeek" if bare else "zeek-baselines", ".zeek-conn.log", conn_text)
    base = baseline.rsplit("/", 1)[0]
    for log in APP_LOGS:
        path = f"{base}/{log}.log"
        text = git(args.zeek, "show", f"HEAD:{path}") if path in files else None
        if text and comparable(log, text):
            write("zeek-baselines", f".zeek-{log}.log", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zeek", required=True, help="a clone of zeek/zeek")
    ap.add_argument("--pcapq", required=True, help="the pcapq binary")
    ap.add_argument("--only", default="", help="only baselines whose name contains this")
    ap.add_argument("--show", type=int, default=10, help="differences shown per trace")
    ap.add_argument("--export", default="", help="write the traces and logs here too")
    args = ap.parse_args()
    if args.export:
        for f in FOLDERS:
            os.makedirs(os.path.join(args.export, f), exist_ok=True)
        open(os.path.join(args.export, "MANIFEST.tsv"), "w").close()

    listing = git(args.zeek, "ls-tree", "-r", "--name-only", "HEAD", "testing/btest") or ""
    files = set(listing.split("\n"))
    # Every btest baseline folder with a conn.log or an application log: its conn.log
    # (present or not) stands for it.
    folders = sorted(
        {
            f.rsplit("/", 1)[0]
            for f in files
            if f.startswith("testing/btest/Baseline/")
            and f.rsplit("/", 1)[1] in ["conn.log"] + [f"{l}.log" for l in APP_LOGS]
        }
    )
    baselines = [f"{d}/conn.log" for d in folders]
    work = tempfile.mkdtemp(prefix="zeek-sweep-")
    totals = Counter()
    by_field = Counter()
    skipped = defaultdict(list)
    for b in baselines:
        name = b.split("/")[3]
        if args.only not in name:
            continue
        tf = test_file(args.zeek, name, files)
        if tf is None:
            skipped["no test file"].append(name)
            continue
        body = git(args.zeek, "show", f"HEAD:{tf}") or ""
        execs = [l for l in body.splitlines() if "@TEST-EXEC" in l and "zeek" in l]
        traces = set()
        flags = ""
        for l in execs:
            for m in re.finditer(r"-(\w*)r\s+\$TRACES/(\S+)", l):
                traces.add(m.group(2))
                flags += m.group(1)
                if re.search(r"(^|\s)-C(\s|$)", l) or "C" in m.group(1):
                    flags += "C"
        # A packet filter (`-f`, PacketFilter, NetControl drops) changes what Zeek reads.
        if re.search(r"zeek\s.*\s-f\s", " ".join(execs)) or re.search(
            r"PacketFilter|NetControl|install_.*filter|capture_filters|restrict_filters", body
        ):
            skipped["packet filter"].append(name)
            continue
        if any(re.search(r'"[\w:]+=[^"]*"|\s[\w:]+::\w+=\S', l) for l in execs):
            skipped["options on the command line"].append(name)
            continue
        if len(traces) != 1 or "@TEST-START-NEXT" in body:
            skipped[f"{len(traces)} traces or several tests"].append(name)
            continue
        trace = traces.pop()
        data = git(args.zeek, "show", f"HEAD:testing/btest/Traces/{trace}", binary=True)
        if not data or data.startswith(b"version https://git-lfs"):
            skipped["trace not stored"].append(name)
            continue
        local = os.path.join(work, trace.replace("/", "_"))
        with open(local, "wb") as f:
            f.write(data)
        conn_text = git(args.zeek, "show", f"HEAD:{b}") if b in files else ""
        bare = any(re.search(r"zeek\s+(-\w+\s+)*-\w*b", l) for l in execs)
        if args.export:
            export(args, name, data, conn_text or "", bare, "C" not in flags, files, b)
        fields, zeek = zeek_log(conn_text or "")
        if not fields or "id.orig_h" not in fields:
            skipped["no conn.log with addresses"].append(name)
            continue
        ours, err = ours_rows(args.pcapq, local, os.path.join(work, "ds"))
        if ours is None:
            print(f"{name}: pcapq failed: {err}")
            totals["failed"] += 1
            continue
        diffs, equal, services, extra = compare(zeek, ours, bare, "C" not in flags)
        totals["traces"] += 1
        totals["zeek rows"] += len(zeek)
        totals["equal"] += equal
        totals["differences"] += len(diffs)
        totals["extra flows"] += extra
        totals["bare service differences"] += len(services)
        if diffs or extra:
            totals["traces with differences"] += 1
        for d in diffs:
            by_field[d[0]] += 1
        checks = "" if "C" in flags else " (no -C)"
        status = "ok" if not diffs and not extra else f"{len(diffs)} diff, {extra} extra"
        print(f"{name} [{trace}]{checks}: {len(zeek)} rows, {equal} equal, {status}")
        for d in diffs[: args.show]:
            print(f"    {d[0]:<14} {d[1]}: pcapq {d[2]!r}, Zeek {d[3]!r}")
        for s in services[:3] if diffs else []:
            print(f"    (bare) service {s[0]}: pcapq {s[1]!r}, Zeek {s[2]!r}")
    print()
    for k, v in totals.items():
        print(f"{k}: {v}")
    print("differences by field:", dict(by_field.most_common()))
    for k, v in skipped.items():
        print(f"skipped ({k}): {len(v)}")


if __name__ == "__main__":
    sys.exit(main())
