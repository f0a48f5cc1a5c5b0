#!/bin/sh
# Library scale benchmark: index N tiny WAV files (default 10 000) with an analyser that reads
# every file, then rescan the unchanged library. Prints songs/s, rescan time, database size and
# peak memory (also from /usr/bin/time when available). Then the real `moodplane-cli index` on a
# library growing in four steps to N files: songs/s, the CLI's peak RSS and the database size at
# N/4, N/2, 3N/4 and N songs (memory must stay bounded), and a fresh N-song index.
#   scripts/bench-index.sh [BUILD_DIR] [FILES] [JOBS]
# MOODPLANE_BENCH_MODEL=FILE makes the CLI steps analyse with that mood model (default: tags only).
# Runs at nice 19.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-bench}
FILES=${2:-10000}
JOBS=${3:-2}
if [ ! -f "$BUILD/build.ninja" ] && [ ! -f "$BUILD/Makefile" ]; then
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOODPLANE_BUILD_GUI=OFF >/dev/null
fi
cmake --build "$BUILD" --target test_library moodplane-cli -j2 >/dev/null
export MOODPLANE_BENCH_FILES="$FILES" MOODPLANE_BENCH_JOBS="$JOBS"
RUN="$BUILD/tests/test_library --gtest_also_run_disabled_tests --gtest_filter=BenchIndex.*"
if [ -x /usr/bin/time ]; then
  nice -n 19 /usr/bin/time -f "bench-index: process peak RSS %M KB, wall %e s" $RUN
else
  nice -n 19 $RUN
fi
