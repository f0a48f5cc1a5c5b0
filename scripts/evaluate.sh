#!/usr/bin/env bash
# Regenerates the figures of docs/EVALUATION.md: SCIENCE.md §6 protocol on data/4q-va (700 clips).
# Usage: scripts/evaluate.sh [BUILD_DIR] [extra eval options…]   (writes JSON to stdout)
# Runs niced with 2 worker threads; features are cached in $XDG_CACHE_HOME/moodplane/features.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
shift || true
data="${MOODPLANE_SHARED_DATA:-$here/../shared/data}/4q-va"
exec nice "$build/app/moodplane-cli" eval --audio "$data/audio" --labels "$data/labels.csv" \
  --label-format 4q-va --folds 10 --gamma-folds 5 --seed 0 \
  --models exact-gp,svgp,dgp2 --encodings lafv \
  --iterations 300 --ubm-iterations 100 --jobs 2 --json "$@"
