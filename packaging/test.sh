#!/usr/bin/env bash
# Set-up, build and every test: the normal build, then the core suites again under ASan + UBSan.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/setup.sh"
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
BUILD_DIR="$root/build" bash "$root/packaging/build.sh"
echo "== tests"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" --timeout 900

if [ "${MOODPLANE_SKIP_ASAN:-0}" != "1" ]; then
  echo "== build (ASan + UBSan)"
  BUILD_DIR="$root/build-asan" bash "$root/packaging/build.sh" -DMOODPLANE_SANITIZE=ON -DMOODPLANE_BUILD_GUI=OFF
  echo "== tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    MOODPLANE_SANITIZER_BUILD=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" --timeout 1800
fi
