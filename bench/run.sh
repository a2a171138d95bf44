#!/usr/bin/env bash
# pcapq benchmark harness (`make bench` runs `bash bench/run.sh`).
#
#   bash bench/run.sh          600k-frame capture (snaplen 96): pcapq vs tshark / tcpdump;
#                              then the same capture wrapped in VXLAN (bench/wrap_vxlan.py);
#                              then 600k frames with full payloads (TLS hellos, HTTP, DNS):
#                              pcapq with and without the application layer (--no-app);
#                              then a 3M-frame SYN flood (bench/gen_flood.py: one flow per
#                              frame): pcapq with and without flows
#   bash bench/run.sh big      ~2 GB capture: pcapq throughput and peak RSS (goal: packets-only < 200 MB)
#
# Builds nothing: uses $PCAPQ, else $CARGO_TARGET_DIR/release/pcapq, else
# target/release/pcapq.  Every measurement is repeated RUNS times (default 3;
# RUNS_BIG, default 1, in big mode) and the fastest run is reported; peak RSS
# is the largest seen over the runs.  Wall time comes from bash's
# EPOCHREALTIME around the command (/usr/bin/time's %e has 10 ms resolution),
# peak RSS from GNU time's %M.
#
# Environment: PCAPQ, CARGO_TARGET_DIR, RUNS, RUNS_BIG, KEEP=1 (big mode: keep
# the 2 GB capture), TARGET_BYTES (big mode, default 2000000000), SKIP_TOOLS=1.
#
# Output: a table on stdout, and one line per measurement appended to
# bench/out/results.tsv:
#   tool file frames bytes seconds frames_per_s mb_per_s peak_rss_mb
# (MB = 10^6 bytes of input file; RSS MB = MiB, from GNU time's KiB).
# Exits non-zero if pcapq is missing or any measured command failed.

set -uo pipefail

MODE="${1:-small}"
case "$MODE" in
  small|big) ;;
  -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: bash bench/run.sh [big]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.." || exit 2
OUT=bench/out
mkdir -p "$OUT"
[ -f "$OUT/.gitignore" ] || echo '*' > "$OUT/.gitignore"
RESULTS="$OUT/results.tsv"

if [ -n "${PCAPQ:-}" ]; then
  :
elif [ -n "${CARGO_TARGET_DIR:-}" ]; then
  PCAPQ="$CARGO_TARGET_DIR/release/pcapq"
else
  PCAPQ=target/release/pcapq
fi

status=0
have_pcapq=1
if [ ! -x "$PCAPQ" ]; then
  echo "pcapq not built: run cargo build --release first (looked for $PCAPQ)" >&2
  have_pcapq=0
  status=1
fi

# ---- GNU time (for peak RSS)
if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing GNU time (Debian package 'time')..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq time >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }
  fi
  if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
    echo "GNU time (/usr/bin/time) is missing: install the 'time' package" >&2
    exit 2
  fi
fi

# ---- helpers
LAST_SEC="" LAST_RSS="" LAST_OK=1

# measure TOOL_LABEL RUNS PREP_CMD -- CMD...   (stdout of CMD goes to /dev/null)
# Sets BEST_SEC / MAX_RSS_KB; returns non-zero if any run failed.
measure() {
  local label="$1" runs="$2" prep="$3"; shift 4
  local i t0 t1 sec rss tf log="$OUT/$label.log"
  tf="$(mktemp)"
  BEST_SEC="" MAX_RSS_KB=0
  for ((i = 1; i <= runs; i++)); do
    [ -n "$prep" ] && eval "$prep"
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$log"
    local rc=$?
    t1=$EPOCHREALTIME
    if [ $rc -ne 0 ]; then
      echo "  $label: run $i failed (exit $rc); last lines of $log:" >&2
      tail -n 5 "$log" | sed 's/^/    /' >&2
      rm -f "$tf"
      return 1
    fi
    sec=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss=$(awk 'END { print $2 }' "$tf")
    if [ -z "$BEST_SEC" ] || awk -v a="$sec" -v b="$BEST_SEC" 'BEGIN { exit !(a < b) }'; then
      BEST_SEC=$sec
    fi
    [ "${rss:-0}" -gt "$MAX_RSS_KB" ] && MAX_RSS_KB=$rss
    printf '  %-18s run %d/%d: %6.3f s, %6.1f MB RSS\n' "$label" "$i" "$runs" "$sec" \
      "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" >&2
  done
  rm -f "$tf"
  return 0
}

# frame count of a pcap, cached in FILE.frames (written by gen() or counted here)
frames_of() {
  local f="$1"
  if [ -s "$f.frames" ] && [ "$f.frames" -nt "$f" ]; then cat "$f.frames"; return; fi
  python3 - "$f" <<'EOF' | tee "$f.frames"
import struct, sys
f = open(sys.argv[1], "rb", buffering=1 << 20)
magic = f.read(24)[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
rec = struct.Struct(end + "IIII")
n = 0
while True:
    h = f.read(16)
    if len(h) < 16:
        break
    f.seek(rec.unpack(h)[2], 1)
    n += 1
print(n)
EOF
}

# gen OUTFILE GEN_ARGS...
gen() {
  local f="$1"; shift
  echo "generating $f ($*) ..." >&2
  local log="$OUT/gen.log"
  python3 bench/gen_capture.py "$@" --out "$f" 2>"$log"
  local rc=$?
  cat "$log" >&2
  if [ $rc -ne 0 ]; then
    echo "capture generation failed" >&2
    exit 2
  fi
  sed -n 's/.*: \([0-9][0-9]*\) frames,.*/\1/p' "$log" | tail -n 1 > "$f.frames"
}

ROWS=()
PCAPQ_SEC=""
PCAPQ_RSS=""

# record LABEL FILE FRAMES BYTES SEC RSS_KB
record() {
  local label="$1" file="$2" frames="$3" bytes="$4" sec="$5" rsskb="$6"
  local fps mbps rss ratio
  fps=$(awk -v n="$frames" -v s="$sec" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  mbps=$(awk -v b="$bytes" -v s="$sec" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }')
  rss=$(awk -v k="$rsskb" 'BEGIN { printf "%.1f", k / 1024 }')
  if [ -n "$PCAPQ_SEC" ] && [[ "$label" != pcapq* ]]; then
    ratio=$(awk -v t="$sec" -v p="$PCAPQ_SEC" 'BEGIN { printf "%.2fx", t / p }')
  else
    ratio="-"
  fi
  ROWS+=("$(printf '%-20s %14s %10s %9s %12s %11s' "$label" "$fps" "$mbps" "$sec" "$rss" "$ratio")")
  [ -s "$RESULTS" ] || printf 'tool\tfile\tframes\tbytes\tseconds\tframes_per_s\tmb_per_s\tpeak_rss_mb\n' > "$RESULTS"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$file" "$frames" "$bytes" "$sec" "$fps" "$mbps" "$rss" >> "$RESULTS"
}

print_table() {
  local file="$1" frames="$2" bytes="$3"
  echo
  echo "capture: $file  ($frames frames, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
  printf '%-20s %14s %10s %9s %12s %11s\n' tool frames/s MB/s seconds "peak RSS MB" "pcapq/tool"
  printf '%-20s %14s %10s %9s %12s %11s\n' -------------------- -------------- ---------- --------- ------------ -----------
  local r
  for r in "${ROWS[@]}"; do echo "$r"; done
}

# bench_pcapq FILE FRAMES BYTES RUNS
bench_pcapq() {
  local file="$1" frames="$2" bytes="$3" runs="$4" ds="$OUT/ds"
  [ $have_pcapq = 1 ] || return 0
  echo "pcapq convert ($runs runs) ..." >&2
  if measure pcapq "$runs" "rm -rf '$ds'" -- "$PCAPQ" convert "$file" -o "$ds" --quiet; then
    PCAPQ_SEC=$BEST_SEC
    PCAPQ_RSS=$(awk -v k="$MAX_RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
    record pcapq "$file" "$frames" "$bytes" "$BEST_SEC" "$MAX_RSS_KB"
    for p in packets flows captures; do
      [ -f "$ds/$p.parquet" ] || { echo "  warning: $ds/$p.parquet was not written" >&2; status=1; }
    done
  else
    status=1
    ROWS+=("$(printf '%-20s %14s' pcapq FAILED)")
    return 0
  fi
  if "$PCAPQ" convert --help 2>&1 | grep -q -- '--no-flows'; then
    echo "pcapq convert --no-flows ($runs runs) ..." >&2
    if measure pcapq-no-flows "$runs" "rm -rf '$ds'" -- "$PCAPQ" convert "$file" -o "$ds" --quiet --no-flows; then
      record pcapq-no-flows "$file" "$frames" "$bytes" "$BEST_SEC" "$MAX_RSS_KB"
      NOFLOWS_RSS=$(awk -v k="$MAX_RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
      FLOW_OVERHEAD=$(awk -v a="$PCAPQ_SEC" -v b="$BEST_SEC" 'BEGIN { printf "%.1f", (a - b) / b * 100 }')
    else
      status=1
      ROWS+=("$(printf '%-20s %14s' pcapq-no-flows FAILED)")
    fi
  fi
  rm -rf "$ds"
}

FLOW_OVERHEAD=""
NOFLOWS_RSS=""
APP_OVERHEAD=""

# bench_app FILE FRAMES BYTES RUNS: convert with and without the application layer
# (services, names, fingerprints, dns and http tables) on a capture with full payloads.
# The two are run in turn, one of each per round, so that the machine's drift over the
# runs falls on both alike. Even so, on this 2-core VM the best-of-5 overhead still moves
# by about ten points between two runs of the same build (27.4% and 36.5%).
bench_app() {
  local file="$1" frames="$2" bytes="$3" runs="$4" ds="$OUT/ds" i
  local with="" without="" rss_with=0 rss_without=0
  [ $have_pcapq = 1 ] || return 0
  echo "pcapq convert with and without --no-app, full payloads, in turn ($runs rounds) ..." >&2
  for ((i = 1; i <= runs; i++)); do
    if ! measure pcapq-app 1 "rm -rf '$ds'" -- "$PCAPQ" convert "$file" -o "$ds" --quiet; then
      status=1; ROWS+=("$(printf '%-20s %14s' pcapq-app FAILED)"); rm -rf "$ds"; return 0
    fi
    with=$(smaller "$with" "$BEST_SEC")
    [ "$MAX_RSS_KB" -gt "$rss_with" ] && rss_with=$MAX_RSS_KB
    if ! measure pcapq-no-app 1 "rm -rf '$ds'" -- "$PCAPQ" convert "$file" -o "$ds" --quiet --no-app; then
      status=1; ROWS+=("$(printf '%-20s %14s' pcapq-no-app FAILED)"); rm -rf "$ds"; return 0
    fi
    without=$(smaller "$without" "$BEST_SEC")
    [ "$MAX_RSS_KB" -gt "$rss_without" ] && rss_without=$MAX_RSS_KB
  done
  record pcapq-app "$file" "$frames" "$bytes" "$with" "$rss_with"
  record pcapq-no-app "$file" "$frames" "$bytes" "$without" "$rss_without"
  APP_OVERHEAD=$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.1f", (a - b) / b * 100 }')
  rm -rf "$ds"
}

# smaller A B: the smaller of two times in seconds (A may be empty)
smaller() {
  if [ -z "$1" ] || awk -v a="$2" -v b="$1" 'BEGIN { exit !(a < b) }'; then echo "$2"; else echo "$1"; fi
}

# bench_tool LABEL CMD...   (small mode; uses FILE FRAMES BYTES RUNS)
bench_tool() {
  local label="$1"; shift
  echo "$label: $* > /dev/null ($RUNS runs) ..." >&2
  if measure "$label" "$RUNS" "" -- "$@"; then
    record "$label" "$FILE" "$FRAMES" "$BYTES" "$BEST_SEC" "$MAX_RSS_KB"
  else
    status=1
    ROWS+=("$(printf '%-20s %14s' "$label" FAILED)")
  fi
}

if [ "$MODE" = small ]; then
  FILE="$OUT/bench-96.pcap"
  RUNS="${RUNS:-3}"
  [ -s "$FILE" ] || gen "$FILE" --frames 600000 --snaplen 96 --seed 1
  FRAMES=$(frames_of "$FILE")
  BYTES=$(stat -c %s "$FILE")
  bench_pcapq "$FILE" "$FRAMES" "$BYTES" "$RUNS"

  if [ -z "${SKIP_TOOLS:-}" ]; then
    if command -v tshark >/dev/null; then
      bench_tool tshark-fields tshark -r "$FILE" -T fields -e frame.time_epoch \
        -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport -e frame.len
    else
      echo "tshark not installed: skipped (apt-get install tshark)" >&2
    fi
    if command -v tcpdump >/dev/null; then
      bench_tool tcpdump tcpdump -nr "$FILE"
    else
      echo "tcpdump not installed: skipped (apt-get install tcpdump)" >&2
    fi
    if command -v tshark >/dev/null; then
      bench_tool tshark-conv-tcp tshark -r "$FILE" -q -z conv,tcp
    fi
  fi
  print_table "$FILE" "$FRAMES" "$BYTES"

  # The same traffic as a cloud traffic mirror delivers it, every frame inside VXLAN: what
  # decapsulation (and the carrier flows) cost.
  VXLAN_FILE="$OUT/bench-vxlan.pcap"
  [ -s "$VXLAN_FILE" ] || python3 bench/wrap_vxlan.py "$FILE" "$VXLAN_FILE" || exit 2
  VXLAN_BYTES=$(stat -c %s "$VXLAN_FILE")
  ROWS=()
  standard=("$PCAPQ_SEC" "$FLOW_OVERHEAD")
  bench_pcapq "$VXLAN_FILE" "$FRAMES" "$VXLAN_BYTES" "$RUNS"
  print_table "$VXLAN_FILE" "$FRAMES" "$VXLAN_BYTES"
  PCAPQ_SEC=${standard[0]}
  FLOW_OVERHEAD=${standard[1]}

  # The application layer needs payloads: a capture with full frames, TLS hellos, HTTP
  # messages and DNS.
  APP_FILE="$OUT/bench-app.pcap"
  [ -s "$APP_FILE" ] || gen "$APP_FILE" --frames 600000 --snaplen 65535 --hellos --seed 3
  APP_FRAMES=$(frames_of "$APP_FILE")
  APP_BYTES=$(stat -c %s "$APP_FILE")
  ROWS=()
  bench_app "$APP_FILE" "$APP_FRAMES" "$APP_BYTES" "$RUNS"
  print_table "$APP_FILE" "$APP_FRAMES" "$APP_BYTES"

  # A SYN flood from random sources: every frame a flow of its own, the flow table at its
  # worst (goals: at least 1M frames/s, peak RSS at most 400 MB at the default --max-flows).
  FLOOD_FILE="$OUT/bench-flood.pcap"
  if [ ! -s "$FLOOD_FILE" ]; then
    echo "generating $FLOOD_FILE (3M SYNs from random sources) ..." >&2
    python3 bench/gen_flood.py --frames 3000000 --out "$FLOOD_FILE" || exit 2
    echo 3000000 > "$FLOOD_FILE.frames"
  fi
  FLOOD_FRAMES=$(frames_of "$FLOOD_FILE")
  FLOOD_BYTES=$(stat -c %s "$FLOOD_FILE")
  ROWS=()
  PCAPQ_SEC=""
  standard_overhead=$FLOW_OVERHEAD
  bench_pcapq "$FLOOD_FILE" "$FLOOD_FRAMES" "$FLOOD_BYTES" "$RUNS"
  FLOW_OVERHEAD=$standard_overhead
  print_table "$FLOOD_FILE" "$FLOOD_FRAMES" "$FLOOD_BYTES"
  if [ -n "$PCAPQ_RSS" ]; then
    echo "flood: $(awk -v n="$FLOOD_FRAMES" -v s="$PCAPQ_SEC" 'BEGIN { printf "%.0f", n / s }') frames/s (goal: at least 1000000), peak RSS $PCAPQ_RSS MB (goal: at most 400)"
  fi
else
  if [ $have_pcapq = 0 ]; then
    echo "big mode needs pcapq: nothing measured" >&2
    exit 1
  fi
  FILE="$OUT/bench-big.pcap"
  RUNS_BIG="${RUNS_BIG:-1}"
  TARGET_BYTES="${TARGET_BYTES:-2000000000}"
  avail=$(df -P -B1 "$OUT" | awk 'NR == 2 { print $4 }')
  if [ ! -s "$FILE" ] && [ "${avail:-0}" -lt $((TARGET_BYTES * 2)) ]; then
    echo "not enough free disk space in $OUT for a $TARGET_BYTES-byte capture plus its dataset" >&2
    exit 2
  fi
  [ -s "$FILE" ] || echo "(about $((TARGET_BYTES / 95000000)) M frames at ~300k frames/s)" >&2
  [ -s "$FILE" ] || gen "$FILE" --target-bytes "$TARGET_BYTES" --snaplen 96 --seed 2
  if [ "${KEEP:-0}" != 1 ]; then
    trap 'rm -f "$FILE" "$FILE.frames" "$FILE.part"; rm -rf "$OUT/ds"' EXIT
  fi
  FRAMES=$(frames_of "$FILE")
  BYTES=$(stat -c %s "$FILE")
  bench_pcapq "$FILE" "$FRAMES" "$BYTES" "$RUNS_BIG"
  print_table "$FILE" "$FRAMES" "$BYTES"
  # The 200 MB goal is for packets-only conversion (memory bounded by a row
  # group per table); with flows, memory also holds every active flow.
  if [ -n "$NOFLOWS_RSS" ]; then
    if awk -v r="$NOFLOWS_RSS" 'BEGIN { exit !(r < 200) }'; then
      echo "pcapq --no-flows peak RSS $NOFLOWS_RSS MB: within the 200 MB goal"
    else
      echo "pcapq --no-flows peak RSS $NOFLOWS_RSS MB: OVER the 200 MB goal"
    fi
  fi
  [ -n "$PCAPQ_RSS" ] && echo "pcapq (with flows) peak RSS $PCAPQ_RSS MB: packets-only memory plus the active flow table"
  [ "${KEEP:-0}" = 1 ] && echo "(capture kept: $FILE)"
fi

if [ -n "$FLOW_OVERHEAD" ]; then
  echo "flow tracking overhead: ${FLOW_OVERHEAD}% (pcapq vs pcapq --no-flows)"
fi
if [ -n "$APP_OVERHEAD" ]; then
  echo "application layer overhead: ${APP_OVERHEAD}% (pcapq-app vs pcapq-no-app; goal: at most 15%)"
fi
if [ -n "$PCAPQ_SEC" ] && [ "$MODE" = small ] && [ ${#ROWS[@]} -gt 1 ]; then
  echo "pcapq/tool = tool seconds / pcapq seconds (above 1: pcapq is faster)"
fi
echo "results appended to $RESULTS"
[ $have_pcapq = 1 ] || echo "pcapq not built: run cargo build --release first" >&2
exit $status
