#!/usr/bin/env bash
# Paired comparison of two zwgk binaries auditing the same quarter: cold processes, run
# alternately (A B, B A, …) so drift on a shared machine hits both, medians of wall time.
# Usage: scripts/bench_pair.sh BIN_A BIN_B AUDIT_DIR [RUNS] [extra audit flags…]
set -euo pipefail
a=$1 b=$2 dir=$3 runs=${4:-7}
shift $(( $# < 4 ? $# : 4 ))
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(--no-reports)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
  /usr/bin/time -f "%e" -o "$work/t" "$1" audit "$dir" -q "${flags[@]}" --out "$work/out-$2" >/dev/null
  cat "$work/t"
}

: > "$work/a"
: > "$work/b"
for i in $(seq "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then
    run "$a" a >> "$work/a"; run "$b" b >> "$work/b"
  else
    run "$b" b >> "$work/b"; run "$a" a >> "$work/a"
  fi
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "$work/a")
mb=$(median "$work/b")
echo "A $a: median ${ma} s ($(tr '\n' ' ' < "$work/a"))"
echo "B $b: median ${mb} s ($(tr '\n' ' ' < "$work/b"))"
awk -v a="$ma" -v b="$mb" 'BEGIN { printf "B / A = %.3f\n", b / a }'
