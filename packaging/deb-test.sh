#!/usr/bin/env bash
# packaging/deb-test.sh BUILD_DIR: builds the .deb from an already-built tree (cpack -G DEB),
# installs it with apt (dependencies resolved), checks the installed programs and files, and
# removes the package again. Run as root. Idempotent: a moodplane package left by an interrupted
# run is removed first, and the package is removed on every exit path.
#
# Checks: moodplane-cli predict (no --model: it must find /usr/share/moodplane/default.mpmodel,
# with the source tree's copy hidden when a mount namespace is available), the JSON it prints,
# appstreamcli validate --no-net and desktop-file-validate on the installed files, the hicolor
# icons, `moodplane --help` (also in German: the embedded translation) and a headless scan with
# the installed GUI (offscreen platform).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: deb-test.sh BUILD_DIR}" && pwd)
app_id=io.github.moodplane.Moodplane
[ "$(id -u)" = 0 ] || { echo "deb-test.sh: run as root (it installs a package)" >&2; exit 2; }
for tool in cpack apt-get dpkg-shlibdeps appstreamcli desktop-file-validate sox jq; do
  command -v "$tool" >/dev/null || { echo "deb-test.sh: $tool is missing (packaging/deps.txt)" >&2; exit 2; }
done

start=$(date +%s)
work=$(mktemp -d /tmp/moodplane-deb-test.XXXXXX)
installed_packages() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' | sort; }
# Removes moodplane and any dependency its installation pulled in, so the machine is left as before.
remove_package() {
  if dpkg-query -W -f='${Status}' moodplane 2>/dev/null | grep -q 'install ok'; then
    DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge moodplane >/dev/null
  fi
  if [ -f "$work/packages-before" ]; then
    local added
    # New since the start and marked automatic: pulled in as moodplane's dependencies.
    added=$(comm -12 <(comm -13 "$work/packages-before" <(installed_packages)) <(apt-mark showauto | sort) \
      | tr '\n' ' ')
    if [ -n "$added" ]; then
      echo "removing dependencies the test installed: $added"
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge $added >/dev/null
    fi
  fi
}
cleanup() {
  remove_package
  rm -rf "$work"
}
trap cleanup EXIT
remove_package
installed_packages >"$work/packages-before"

if grep -q '^MOODPLANE_NATIVE:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "note: $build is built with -march=native (MOODPLANE_NATIVE=ON): fine for this test, not for"
  echo "      distribution; release packages come from a -DMOODPLANE_NATIVE=OFF build"
fi
echo "== cpack -G DEB"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log") \
  || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/moodplane_*.deb)
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
# Every dependency (first of each alternative) must be a package Debian's archive provides.
mapfile -t deps < <(echo "$depends" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g')
available=$(apt-cache policy "${deps[@]}" 2>/dev/null | grep -c '^  Candidate: [^(]')
if [ "$available" != "${#deps[@]}" ]; then
  apt-cache policy "${deps[@]}" >&2
  echo "only $available of ${#deps[@]} dependencies are in the apt archive" >&2
  exit 1
fi

echo "== apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >"$work/apt.log" \
  || { cat "$work/apt.log"; exit 1; }
for f in /usr/bin/moodplane /usr/bin/moodplane-cli /usr/share/moodplane/default.mpmodel \
         /usr/share/applications/$app_id.desktop /usr/share/metainfo/$app_id.metainfo.xml \
         /usr/share/icons/hicolor/scalable/apps/$app_id.svg; do
  [ -f "$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
for size in 16 22 24 32 48 64 128 256 512; do
  png=/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png
  file "$png" | grep -q "PNG image data, $size x $size" || { echo "bad icon: $png" >&2; exit 1; }
done

if ldd /usr/bin/moodplane /usr/bin/moodplane-cli | grep 'not found'; then
  echo "installed programs miss shared libraries" >&2
  exit 1
fi

echo "== validate desktop file and AppStream metainfo"
desktop-file-validate /usr/share/applications/$app_id.desktop
appstreamcli validate --no-net /usr/share/metainfo/$app_id.metainfo.xml

# Two generated songs: a loud fast noise burst pattern and a quiet low sine.
mkdir -p "$work/music"
sox -n -r 22050 -c 1 -b 16 "$work/music/bright.wav" synth 6 square 880 tremolo 8 90 vol 0.5
sox -n -r 22050 -c 1 -b 16 "$work/music/calm.wav" synth 6 sine 110 vol 0.2

# Run the installed programs with the source tree's models hidden (a private mount namespace),
# so a pass proves they found /usr/share/moodplane, not the developer copy compiled into them.
run_installed() {
  local models=$root/resources/models
  if unshare --mount true 2>/dev/null; then
    # shellcheck disable=SC2016  # $1 and $@ belong to the inner shell
    unshare --mount -- bash -c 'mount -t tmpfs moodplane-hidden "$1" && shift && exec "$@"' _ "$models" "$@"
  else
    echo "(no mount namespace: the source tree's model is not hidden)" >&2
    "$@"
  fi
}
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config \
       XDG_CACHE_HOME=$work/home/cache QT_QPA_PLATFORM=offscreen
unset MOODPLANE_DEFAULT_MODEL
mkdir -p "$HOME"

echo "== moodplane-cli predict (installed, default model)"
run_installed /usr/bin/moodplane-cli predict --json "$work/music/bright.wav" "$work/music/calm.wav" \
  >"$work/predict.json"
cat "$work/predict.json"
jq -e 'length == 2 and all(.[]; (.valence | type == "number") and (.arousal | type == "number")
        and (.cov | length == 2) and .cov[0][0] > 0 and .cov[1][1] > 0 and (has("error") | not))' \
  "$work/predict.json" >/dev/null || { echo "predict JSON is not as expected" >&2; exit 1; }

echo "== moodplane --help and a headless scan (installed GUI)"
/usr/bin/moodplane --help | grep -q -- '--model' || { echo "moodplane --help failed" >&2; exit 1; }
LANG=de_DE.UTF-8 /usr/bin/moodplane --help | grep -q 'nach Stimmung erkunden' \
  || { echo "moodplane --help under LANG=de_DE.UTF-8 is not German" >&2; exit 1; }
run_installed /usr/bin/moodplane --db "$work/library.sqlite" --settings "$work/settings.ini" \
  --quit-after-scan "$work/music" 2>"$work/gui.log" || { cat "$work/gui.log"; exit 1; }
if grep -q "could not be loaded" "$work/gui.log"; then cat "$work/gui.log"; exit 1; fi
cat "$work/gui.log"

echo "== remove"
remove_package
if [ -e /usr/bin/moodplane-cli ] || [ -e /usr/share/moodplane ]; then
  echo "files left after remove" >&2
  exit 1
fi
echo "deb-test: OK in $(( $(date +%s) - start )) s"
