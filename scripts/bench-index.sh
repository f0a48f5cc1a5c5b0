#!/bin/sh
# Library scale benchmark: index N tiny WAV files (default 10 000) with an analyser that reads
# every file, then rescan the unchanged library. Prints songs/s, rescan time, database size and
# peak memory (also from /usr/bin/time when available).
#   scripts/bench-index.sh [BUILD_DIR] [FILES] [JOBS]
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-bench}
FILES=${2:-10000}
JOBS=${3:-2}
if [ ! -f "$BUILD/build.ninja" ] && [ ! -f "$BUILD/Makefile" ]; then
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOODPLANE_BUILD_GUI=OFF >/dev/null
fi
cmake --build "$BUILD" --target test_library -j2 >/dev/null
export MOODPLANE_BENCH_FILES="$FILES" MOODPLANE_BENCH_JOBS="$JOBS"
RUN="$BUILD/tests/test_library --gtest_also_run_disabled_tests --gtest_filter=BenchIndex.*"
if [ -x /usr/bin/time ]; then
  nice /usr/bin/time -f "bench-index: process peak RSS %M KB, wall %e s" $RUN
else
  nice $RUN
fi
