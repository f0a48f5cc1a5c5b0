#!/usr/bin/env bash
# Trains the shipped default model (resources/models/default.mpmodel + default.card.json) on all
# 700 clips of data/4q-va, with 10-fold cross-validated metrics of the same configuration stored
# in the provenance card (docs/EVALUATION.md: the best configuration found by 5-fold CV).
# Usage: scripts/train-default-model.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
data="${MOODPLANE_SHARED_DATA:-$here/../shared/data}/4q-va"
out="$here/resources/models"
mkdir -p "$out"
nice "$build/app/moodplane-cli" train --audio "$data/audio" --labels "$data/labels.csv" \
  --label-format 4q-va --out "$out/default.mpmodel" --card "$out/default.card.json" \
  --regressor exact-gp --encoding lld-stats --song-stats mean,std,change,change4,rhythm,harmony,mel,modulation,contrast \
  --calibration-folds 5 \
  --seed 0 --cv-folds 10 --jobs 2 --json
ls -l "$out/default.mpmodel"
