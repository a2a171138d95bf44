#!/usr/bin/env bash
# Times every catalog query on a dataset of at least 5 million packets (`make bench-queries`).
#
#   bash bench/queries.sh            uses bench/out/bench-5m.pcap (generated if missing)
#
# Each query runs RUNS times (default 3); the best wall time is reported, with the
# slowest three summarised at the end. Uses $PCAPQ, else $CARGO_TARGET_DIR/release/pcapq,
# else target/release/pcapq.
set -euo pipefail
cd "$(dirname "$0")/.."
PCAPQ="${PCAPQ:-${CARGO_TARGET_DIR:-target}/release/pcapq}"
RUNS="${RUNS:-3}"
OUT=bench/out
CAP="$OUT/bench-5m.pcap"
DS="$OUT/ds-5m"
mkdir -p "$OUT"
[ -x "$PCAPQ" ] || { echo "pcapq not built at $PCAPQ: run make build first" >&2; exit 1; }
if [ ! -f "$CAP" ]; then
  echo "generating $CAP (5,000,000 frames) ..."
  python3 bench/gen_capture.py --frames 5000000 --out "$CAP"
fi
if [ ! -f "$DS/packets.parquet" ] || [ "$CAP" -nt "$DS/packets.parquet" ]; then
  echo "converting $CAP ..."
  "$PCAPQ" convert "$CAP" -o "$DS" --force
fi
rows=$("$PCAPQ" sql -d "$DS" "SELECT count(*) AS n FROM packets" --format csv | tail -1)
flows=$("$PCAPQ" sql -d "$DS" "SELECT count(*) AS n FROM flows" --format csv | tail -1)
echo "dataset: $DS ($rows packets, $flows flows)"
results="$OUT/queries.tsv"
: > "$results"
for id in $("$PCAPQ" query --list | awk '/^[a-z]/{print $1}'); do
  best=""
  for _ in $(seq "$RUNS"); do
    start=$EPOCHREALTIME
    "$PCAPQ" query -d "$DS" "$id" --format csv > /dev/null
    end=$EPOCHREALTIME
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%-24s %8.3f s\n' "$id" "$best"
  printf '%s\t%.3f\n' "$id" "$best" >> "$results"
done
echo
echo "slowest three (of $(wc -l < "$results") queries, best of $RUNS runs, $rows packets):"
sort -t$'\t' -k2 -rn "$results" | head -3 | awk -F'\t' '{printf "  %-24s %s s\n", $1, $2}'
slow=$(awk -F'\t' '$2 >= 2.0' "$results" | wc -l)
echo "queries at or over 2 s: $slow"
