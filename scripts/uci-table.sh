#!/usr/bin/env bash
# Regenerates the UCI table of docs/UCI.md: runs `moodplane-cli regress --json` for every dataset,
# split and model, appends one JSON line per run to $OUT, then prints the markdown table
# (mean ± standard error over the splits that finished).
#   scripts/uci-table.sh [CLI] ; env: SPLITS (default 20), ITER (Adam steps, default 20000),
#   DATASETS, MODELS, OUT (default uci-results.jsonl), NICE (default 10)
set -u
CLI=${1:-build/app/moodplane-cli}
DATA=${UCI_DIR:-$(dirname "$0")/../../shared/data/uci}
SPLITS=${SPLITS:-20}
ITER=${ITER:-20000}
DATASETS=${DATASETS:-"bostonHousing concrete energy yacht wine-quality-red"}
MODELS=${MODELS:-"exact-gp svgp dgp2 dgp3"}
OUT=${OUT:-uci-results.jsonl}
NICE=${NICE:-10}
if [ "${TABLE_ONLY:-0}" != 1 ]; then
for ds in $DATASETS; do
  for ((k = 0; k < SPLITS; k++)); do
    for model in $MODELS; do
      case $model in
        exact-gp) args=(--model exact-gp) ;;
        svgp) args=(--model svgp --iterations "$ITER") ;;
        dgp2) args=(--model dgp --layers 2 --iterations "$ITER") ;;
        dgp3) args=(--model dgp --layers 3 --iterations "$ITER") ;;
      esac
      line=$(nice -n "$NICE" "$CLI" regress --data "$DATA/$ds/data.csv" --train-idx "$DATA/$ds/splits/train_$k.txt" \
        --test-idx "$DATA/$ds/splits/test_$k.txt" --seed "$k" --json "${args[@]}" 2>/dev/null | tr -d '\n ')
      if [ -n "$line" ]; then
        echo "{\"dataset\":\"$ds\",\"split\":$k,\"name\":\"$model\",\"iterations\":$ITER,\"run\":$line}" >> "$OUT"
      else
        echo "failed: $ds split $k $model" >&2
      fi
    done
  done
done
fi
python3 - "$OUT" <<'PY'
import json, sys, math, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[(r["dataset"], r["name"])].append(r)
def ms(v):
    m = sum(v) / len(v)
    se = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) / math.sqrt(len(v)) if len(v) > 1 else float("nan")
    return m, se
print("| dataset | model | splits | iterations | test RMSE | test log-lik | train s/split |")
print("|---|---|---|---|---|---|---|")
for (ds, name), rs in sorted(rows.items()):
    rm, rse = ms([r["run"]["rmse"] for r in rs])
    lm, lse = ms([r["run"]["test_loglik"] for r in rs])
    sm, _ = ms([r["run"]["seconds"] for r in rs])
    it = "-" if name == "exact-gp" else str(rs[0]["iterations"])
    print(f"| {ds} | {name} | {len(rs)} | {it} | {rm:.3f} ± {rse:.3f} | {lm:.3f} ± {lse:.3f} | {sm:.1f} |")
PY
