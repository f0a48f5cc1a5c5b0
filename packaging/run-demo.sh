#!/usr/bin/env bash
# The main job on the built-in default: set up, build, fetch the demo library (freely licensed
# music from Debian's archive), then
#   - with a display: open the Moodplane desktop app on it;
#   - without one: index it headless, print the mood table and write a PNG of the plane.
# Extra arguments: a music folder to use instead of the demo library.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/setup.sh"
BUILD_DIR="$root/build" bash "$root/packaging/build.sh"

if [ $# -gt 0 ]; then
  library=$(cd "$1" && pwd)
else
  library=$(bash "$root/scripts/fetch-demo-library.sh")
fi
out=${MOODPLANE_DEMO_OUT:-$root/out}
mkdir -p "$out"
db="$out/demo-library.sqlite"
cli="$root/build/app/moodplane-cli"
gui="$root/build/app/moodplane"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$gui" ]; then
  exec "$gui" --db "$db" "$library"
fi

echo "== indexing $library (no display: headless run)" >&2
"$cli" index "$library" --db "$db" || true
echo
echo "== mood table (valence, arousal in [0, 1]; 0.5 = neutral)"
"$cli" query --region 0,0,1,1 --k 100000 --db "$db"
if [ -x "$gui" ]; then
  # The main window with the plane, a selected region (energetic and positive) and its playlist.
  QT_QPA_PLATFORM=offscreen "$gui" --db "$db" --settings "$out/demo-settings.ini" \
    --region 0.5,0.5,1,1 --screenshot "$out/moodplane.png" "$library" >/dev/null 2>&1 \
    && echo "== plane written to $out/moodplane.png"
fi
