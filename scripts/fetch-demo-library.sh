#!/usr/bin/env bash
# Fetches freely licensed music from Debian's archive into a cache folder and prints its path.
# Default: singularity-music (16 tracks, 64 min, CC BY-SA 3.0). Nothing of it is committed.
#   scripts/fetch-demo-library.sh [PACKAGE...]
set -euo pipefail
cache=${MOODPLANE_DEMO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/moodplane/demo}
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(singularity-music)
mkdir -p "$cache"
for pkg in "${packages[@]}"; do
  dest="$cache/$pkg"
  if [ -f "$dest/.complete" ]; then continue; fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download "$pkg" >/dev/null 2>&1) || {
    [ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null
    (cd "$work" && apt-get download "$pkg" >/dev/null)
  }
  rm -rf "$dest" && mkdir -p "$dest"
  dpkg -x "$work"/*.deb "$work/x"
  # Keep only the audio (and the licence), flattened into the package's folder.
  find "$work/x" -type f \( -iname '*.ogg' -o -iname '*.opus' -o -iname '*.mp3' -o -iname '*.flac' \
       -o -iname '*.wav' \) -exec mv -t "$dest" {} +
  find "$work/x" -type f -name copyright -exec cp {} "$dest/COPYRIGHT" \; -quit
  touch "$dest/.complete"
  rm -rf "$work"
  trap - EXIT
done
echo "$cache"
