#!/usr/bin/env bash
# Headless GUI demo: scans the demo library into a scratch database with the default model and
# renders the main window (a selected region, its playlist, the top song's details) to a PNG.
#   packaging/run-demo-gui.sh [OUT.png] [FOLDER]
# Defaults: OUT = docs/screenshots/main-window.png, FOLDER = the fetched demo library.
# Env: BUILD_DIR (default build), MOODPLANE_DEFAULT_MODEL (model override), REGION (V0,A0,V1,A1).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${1:-$root/docs/screenshots/main-window.png}
folder=${2:-}
exe="$build/app/moodplane"
if [ ! -x "$exe" ]; then
  echo "run-demo-gui: $exe not built (cmake --build $build --target moodplane)" >&2
  exit 1
fi
if [ -z "$folder" ]; then
  folder=$(bash "$root/scripts/fetch-demo-library.sh")
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$(dirname "$out")"
args=(--db "$scratch/library.sqlite" --settings "$scratch/settings.ini"
      --region "${REGION:-0.5,0.5,1.0,1.0}" --screenshot "$out" "$folder")
# Offscreen rendering needs no display; xvfb-run is the fallback when the platform is missing.
if QT_QPA_PLATFORM=offscreen "$exe" "${args[@]}"; then
  :
elif command -v xvfb-run >/dev/null; then
  xvfb-run -a "$exe" "${args[@]}"
else
  exit 1
fi
echo "$out"
