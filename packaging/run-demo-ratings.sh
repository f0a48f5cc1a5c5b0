#!/usr/bin/env bash
# Headless demo of the listener's ratings (issue #7): indexes the demo library into a scratch
# database, rates five songs with the CLI, retrains on them (the scratch user model folder) and
# renders the main window: rating rings joined to the retrained predictions, the rating column.
#   packaging/run-demo-ratings.sh [OUT.png] [FOLDER]
# Defaults: OUT = docs/screenshots/ratings.png, FOLDER = the fetched demo library.
# Env: BUILD_DIR (default build), MOODPLANE_DEFAULT_MODEL (model override).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${1:-$root/docs/screenshots/ratings.png}
folder=${2:-}
for exe in moodplane moodplane-cli; do
  if [ ! -x "$build/app/$exe" ]; then
    echo "run-demo-ratings: $build/app/$exe not built (cmake --build $build --target $exe)" >&2
    exit 1
  fi
done
[ -n "$folder" ] || folder=$(bash "$root/scripts/fetch-demo-library.sh")/singularity-music
export MOODPLANE_DEFAULT_MODEL=${MOODPLANE_DEFAULT_MODEL:-$root/resources/models/default.mpmodel}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data"  # the scratch folder of the listener's models
db="$scratch/library.sqlite"
cli="$build/app/moodplane-cli"
"$cli" index "$folder" --db "$db" >/dev/null
while IFS=: read -r title valence arousal; do
  "$cli" rate "$folder/$title.ogg" --valence "$valence" --arousal "$arousal" --db "$db" >/dev/null
done <<'RATINGS'
By-Product:0.80:0.78
Aberrations:0.25:0.72
Chimes They Fade:0.30:0.20
A New Journey:0.85:0.62
Through Space:0.72:0.22
RATINGS
"$cli" retrain --db "$db" >&2
mkdir -p "$(dirname "$out")"
QT_QPA_PLATFORM=offscreen "$build/app/moodplane" --db "$db" --settings "$scratch/settings.ini" \
  --region 0.6,0.45,1.0,0.9 --ellipses --screenshot "$out" "$folder"
echo "$out"
