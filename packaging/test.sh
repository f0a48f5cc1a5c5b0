#!/usr/bin/env bash
# Set-up, build and every test: the normal build (GCC) with its tests and the .deb install test,
# then one clang tree under ASan + UBSan (-O1, see CMakeLists.txt) that runs the core suites again
# and every libFuzzer target for a bounded time (MOODPLANE_FUZZ_SECONDS each, default 30).
# ccache is used when present (packaging/deps.txt installs it): a rerun on the same machine
# recompiles only what changed; a cold run compiles everything.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/setup.sh"
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1   # cache hits across clones of the repo
fi
stamp() { echo "== $(date +%T) $*"; }

stamp "build (RelWithDebInfo, GCC)"
BUILD_DIR="$root/build" bash "$root/packaging/build.sh" "${launcher[@]}"
stamp "tests"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" --timeout 900
if [ "$(id -u)" -eq 0 ]; then
  stamp "package: build the .deb, install it, run the installed programs, remove it"
  bash "$root/packaging/deb-test.sh" "$root/build"
else
  echo "== package install test skipped: needs root (apt-get install of the .deb)"
fi

if [ "${MOODPLANE_SKIP_ASAN:-0}" != "1" ]; then
  stamp "build (clang, ASan + UBSan, libFuzzer targets)"
  CC=clang CXX=clang++ BUILD_DIR="$root/build-asan" bash "$root/packaging/build.sh" "${launcher[@]}" \
    -DMOODPLANE_FUZZ=ON -DMOODPLANE_BUILD_GUI=OFF
  stamp "tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    MOODPLANE_SANITIZER_BUILD=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" --timeout 1800
  stamp "fuzzing"
  MOODPLANE_FUZZ_SKIP_BUILD=1 bash "$root/packaging/fuzz.sh" "$root/build-asan" "${MOODPLANE_FUZZ_SECONDS:-30}"
fi
stamp "done"
