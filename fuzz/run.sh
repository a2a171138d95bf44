#!/usr/bin/env bash
# Runs pcapq's fuzz targets one after the other, SECONDS each (default 60), and prints
# per target the executions, exec/s, coverage (cov, ft), corpus size (kept in memory by
# libFuzzer / files on disk) and whether it crashed. Exits non-zero when any target
# crashed (the input is under fuzz/artifacts/<target>/, the log under
# fuzz/logs/<target>.log). A timeout that its input does not repeat is reported, not
# failed: this machine is shared and stalls now and then.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs the nightly toolchain; installs cargo-fuzz when missing and seeds the corpora from
# tests/pcaps (fuzz/seed.sh) when they are empty. One fuzzer process at a time; the build
# goes to $CARGO_TARGET_DIR (default ~/.cache/pcapq-fuzz-target), never into the repo.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(capture_reader dissect defrag tls quic dns http app_flow)
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/pcapq-fuzz-target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked || exit 2
fi
for t in "${targets[@]}"; do
    if [ -z "$(ls -A "corpus/$t" 2>/dev/null)" ]; then
        ./seed.sh || exit 2
        break
    fi
done
echo "fuzz: building the targets"
cargo +nightly fuzz build || exit 2

mkdir -p logs
crashed=()
printf '%-15s %10s %8s %6s %6s %6s %6s  %s\n' target runs exec/s cov ft corp files result
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    started=$(mktemp)
    cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 >"logs/$t.log" 2>&1
    rc=$?
    found=$(find "artifacts/$t" -type f -newer "$started" ! -name 'slow-unit-*' | head -1)
    slow=$(find "artifacts/$t" -type f -newer "$started" -name 'slow-unit-*' | wc -l)
    rm -f "$started"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "logs/$t.log" | tail -1)
    last=$(grep -E '^#[0-9]+.*cov: ' "logs/$t.log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    files=$(ls "corpus/$t" | wc -l)
    if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
        result=ok
    elif [[ "$found" == */timeout-* ]] &&
        cargo +nightly fuzz run "$t" "$found" -- -timeout=10 >>"logs/$t.log" 2>&1; then
        # A timeout the input does not repeat: the machine stalled (it is shared).
        result="ok (timeout not reproduced: $found)"
    else
        result="CRASH (rc $rc): ${found:-see logs/$t.log}"
        crashed+=("$t")
    fi
    [ "$slow" -gt 0 ] && result="$result; $slow slow unit(s)"
    printf '%-15s %10s %8s %6s %6s %6s %6s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$files" "$result"
done
if [ ${#crashed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${crashed[*]}" >&2
    exit 1
fi
