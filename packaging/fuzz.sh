#!/usr/bin/env bash
# Runs every libFuzzer target of a MOODPLANE_FUZZ build for a bounded time, two at once, and
# fails on any finding (crash, sanitizer report, leak, timeout, out-of-memory).
#   packaging/fuzz.sh BUILD_DIR SECONDS
# BUILD_DIR: configured with CC=clang-14 CXX=clang++-14 -DMOODPLANE_FUZZ=ON (targets are built
# here if missing). Seeds: tests/fuzz/corpus/<target> (read-only); what the fuzzers add goes to
# BUILD_DIR/fuzz/corpus/<target> (kept between runs); findings to BUILD_DIR/fuzz/findings/.
# Prints executions per second and corpus sizes per target.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
case "$seconds" in (*[!0-9]*|'') echo "$0: SECONDS must be a whole number" >&2; exit 2;; esac
[ -f "$build/CMakeCache.txt" ] && grep -q '^MOODPLANE_FUZZ:BOOL=ON' "$build/CMakeCache.txt" || {
  echo "$0: $build is not a MOODPLANE_FUZZ build (cmake -DMOODPLANE_FUZZ=ON with clang)" >&2; exit 2; }

targets=$(cd "$root/tests/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
# MOODPLANE_FUZZ_SKIP_BUILD=1: use the targets as they are (e.g. while the tree builds other targets).
if [ "${MOODPLANE_FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086
  cmake --build "$build" --target $targets >/dev/null
fi

work="$build/fuzz"
mkdir -p "$work/findings" "$work/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local target=$1 name=${1#fuzz_}
  local corpus="$work/corpus/$name" seeds="$root/tests/fuzz/corpus/$name"
  mkdir -p "$corpus"
  # -timeout: one input taking > 20 s is a hang; -rss_limit_mb: > 2 GB is a memory bug.
  if "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$work/findings/$name-" "$corpus" "$seeds" \
       >"$work/logs/$name.log" 2>&1; then
    echo "ok $name"
  else
    echo "FINDING $name (log: $work/logs/$name.log)"
    return 1
  fi
}
export -f run_one
export build root work seconds

status=0
printf '%s\n' $targets | xargs -P 2 -I{} bash -c 'run_one {}' || status=1

printf '%-12s %10s %12s %14s %s\n' target execs/s executions corpus "result"
for t in $targets; do
  name=${t#fuzz_}
  log="$work/logs/$name.log"
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  files=$(find "$work/corpus/$name" -type f | wc -l)
  bytes=$(du -sb "$work/corpus/$name" | cut -f1)
  result=ok
  if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:|Test unit written' "$log"; then result=FINDING; fi
  printf '%-12s %10s %12s %14s %s\n' "$name" "$(stat average_exec_per_sec)" "$(stat number_of_executed_units)" \
    "$files files/$((bytes / 1024)) KB" "$result"
done
if [ $status -ne 0 ]; then
  echo "fuzz.sh: findings in $work/findings (reproduce: BUILD_DIR/tests/fuzz/fuzz_<target> FILE)" >&2
fi
exit $status
