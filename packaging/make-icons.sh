#!/usr/bin/env bash
# Renders resources/icons/moodplane.svg to the hicolor PNG sizes (committed; re-run after editing
# the SVG). Needs rsvg-convert (librsvg2-bin).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
icons=$root/resources/icons
for size in 16 22 24 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
    "$icons/moodplane.svg" --output "$icons/moodplane-$size.png"
done
ls -l "$icons"/moodplane-*.png
