#!/usr/bin/env bash
# Audit benchmark: scale-1 quarter end to end, then a large quarter (default scale 100,
# about 1.5 million items) for wall time, items/s, peak RSS against input size, and the
# speed-up from 1 to 2 threads. Usage: scripts/bench_audit.sh [SCALE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-100}
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=target/release/zwgk
cargo build --release --quiet

# Prints "seconds kilobytes" of the fastest of $runs runs of an audit (results.json only,
# or with the circular when a third argument is given).
measure() {
  local dir=$1 threads=$2 reports=${3:-} best=""
  local flags=(--no-reports)
  [ -n "$reports" ] && flags=()
  for _ in $(seq "$runs"); do
    RAYON_NUM_THREADS=$threads /usr/bin/time -f "%e %M" -o "$work/time" "$bin" audit "$dir" -q "${flags[@]}" --out "$work/out"
    read -r secs kb < "$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $kb"; fi
  done
  echo "$best"
}

"$bin" generate --period 2018-Q4 --seed 1 --scale 1 --out "$work/s1/2018-Q4" --units audits/units.yaml >/dev/null
read -r s1 _ <<< "$(measure "$work/s1/2018-Q4" 2)"
read -r s1r _ <<< "$(measure "$work/s1/2018-Q4" 2 reports)"
echo "scale 1 ($(($(wc -l < "$work/s1/2018-Q4/items.csv") - 1)) items): ${s1} s end to end (target < 1 s); ${s1r} s with the circular"

"$bin" generate --period 2018-Q4 --seed 1 --scale "$scale" --out "$work/big/2018-Q4" --units audits/units.yaml >/dev/null
items=$(($(wc -l < "$work/big/2018-Q4/items.csv") - 1))
bytes=$(cat "$work/big/2018-Q4"/*.csv | wc -c)
read -r t2 kb2 <<< "$(measure "$work/big/2018-Q4" 2)"
read -r t1 _ <<< "$(measure "$work/big/2018-Q4" 1)"
read -r tr _ <<< "$(measure "$work/big/2018-Q4" 2 reports)"
awk -v items="$items" -v bytes="$bytes" -v t1="$t1" -v t2="$t2" -v tr="$tr" -v kb="$kb2" -v scale="$scale" 'BEGIN {
  printf "scale %s: %d items, %.0f MB of CSV\n", scale, items, bytes / 1e6
  printf "  2 threads: %.2f s, %.0f items/s (target >= 300000)\n", t2, items / t2
  printf "  peak RSS %.0f MB = %.2f x input (target <= 1.3)\n", kb * 1024 / 1e6, kb * 1024 / bytes
  printf "  1 thread: %.2f s; speed-up %.2fx (target >= 1.7)\n", t1, t1 / t2
  printf "  with the circular (Markdown, HTML, Word, XLSX, notices): %.2f s\n", tr
}'
if python3 -c "import duckdb, yaml" 2>/dev/null; then
  cargo build --release --quiet --example csv_floor
  python3 scripts/bench_duckdb.py "$work/big/2018-Q4" --runs "$runs" | tail -8
else
  echo "(pip install duckdb pyyaml to compare with DuckDB: scripts/bench_duckdb.py)"
fi
