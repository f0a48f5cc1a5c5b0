#!/usr/bin/env bash
# Regenerates the UCI table of docs/UCI.md: runs `moodplane-cli regress --json` for every dataset,
# split and model, appends one JSON line per run to $OUT, then prints the markdown table
# (mean ± standard error over the splits that finished).
#   scripts/uci-table.sh [CLI] ; env:
#     SPLITS (default 20), ITER (Adam steps, default 20000), BATCH (minibatch, default 10000 =
#     full batch on these data), DATASETS, MODELS, OUT (default uci-results.jsonl),
#     NICE (default 10), JOBS (runs in parallel, default 1), THREADS (threads per run, default 0
#     = all cores; use 1 with JOBS=2), TABLE_ONLY=1 (only print the table from $OUT),
#     REVERSE=1 (splits from the last down: a second instance on the same $OUT works towards the
#     first; the table keeps the first line of a run done twice).
# Order: the exact GP of every dataset except wine-quality-red first (cheap, all splits), then
# split by split (split 0 of every dataset and model, then split 1, ...), so a run stopped early
# leaves every row with about the same number of splits. Runs already in $OUT are skipped, so an
# interrupted run can be resumed with the same command.
set -u
if [ "${1:-}" = --one ]; then
  # Internal: one run. Arguments: --one CLI DATA OUT ITER BATCH NICE THREADS dataset split model
  shift
  CLI=$1 DATA=$2 OUT=$3 ITER=$4 BATCH=$5 NICE=$6 THREADS=$7 ds=$8 k=$9 model=${10}
  case $model in
    exact-gp) args=(--model exact-gp); it=0 ;;
    svgp) args=(--model svgp --iterations "$ITER" --batch "$BATCH"); it=$ITER ;;
    dgp2) args=(--model dgp --layers 2 --iterations "$ITER" --batch "$BATCH"); it=$ITER ;;
    dgp3) args=(--model dgp --layers 3 --iterations "$ITER" --batch "$BATCH"); it=$ITER ;;
    *) echo "unknown model $model" >&2; exit 1 ;;
  esac
  # Another instance (REVERSE=1) may have done this run meanwhile.
  grep -q "\"dataset\":\"$ds\",\"split\":$k,\"name\":\"$model\"," "$OUT" && exit 0
  line=$(nice -n "$NICE" "$CLI" regress --data "$DATA/$ds/data.csv" --train-idx "$DATA/$ds/splits/train_$k.txt" \
    --test-idx "$DATA/$ds/splits/test_$k.txt" --seed "$k" --threads "$THREADS" --json "${args[@]}" 2>/dev/null |
    tr -d '\n ')
  if [ -n "$line" ]; then
    echo "{\"dataset\":\"$ds\",\"split\":$k,\"name\":\"$model\",\"iterations\":$it,\"batch\":$BATCH,\"run\":$line}" >> "$OUT"
  else
    echo "failed: $ds split $k $model" >&2
  fi
  exit 0
fi
CLI=${1:-build/app/moodplane-cli}
DATA=${UCI_DIR:-$(dirname "$0")/../../shared/data/uci}
SPLITS=${SPLITS:-20}
ITER=${ITER:-20000}
BATCH=${BATCH:-10000}
DATASETS=${DATASETS:-"bostonHousing concrete energy yacht wine-quality-red"}
MODELS=${MODELS:-"exact-gp svgp dgp2 dgp3"}
OUT=${OUT:-uci-results.jsonl}
NICE=${NICE:-10}
JOBS=${JOBS:-1}
THREADS=${THREADS:-0}
if [ "${TABLE_ONLY:-0}" != 1 ]; then
  touch "$OUT"
  {
    for ds in $DATASETS; do
      [ "$ds" = wine-quality-red ] && continue
      case " $MODELS " in *" exact-gp "*) for ((k = 0; k < SPLITS; k++)); do echo "$ds $k exact-gp"; done ;; esac
    done
    for ((i = 0; i < SPLITS; i++)); do
      k=$i
      [ "${REVERSE:-0}" = 1 ] && k=$((SPLITS - 1 - i))
      for ds in $DATASETS; do
        for model in $MODELS; do
          [ "$model" = exact-gp ] && [ "$ds" != wine-quality-red ] && continue
          echo "$ds $k $model"
        done
      done
    done
  } | while read -r ds k model; do
    grep -q "\"dataset\":\"$ds\",\"split\":$k,\"name\":\"$model\"," "$OUT" || echo "$ds $k $model"
  done | xargs -P "$JOBS" -L 1 "$0" --one "$CLI" "$DATA" "$OUT" "$ITER" "$BATCH" "$NICE" "$THREADS"
fi
python3 - "$OUT" <<'PY'
import json, sys, math, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if any(q["split"] == r["split"] for q in rows[(r["dataset"], r["name"])]):
        continue  # the same run done twice by two instances
    rows[(r["dataset"], r["name"])].append(r)
def ms(v):
    m = sum(v) / len(v)
    se = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) / math.sqrt(len(v)) if len(v) > 1 else float("nan")
    return m, se
order = {"exact-gp": 0, "svgp": 1, "dgp2": 2, "dgp3": 3}
print("| dataset | model | splits | Adam steps | test RMSE | test log-lik | train s/split (min–max) |")
print("|---|---|---|---|---|---|---|")
for (ds, name), rs in sorted(rows.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9))):
    rm, rse = ms([r["run"]["rmse"] for r in rs])
    lm, lse = ms([r["run"]["test_loglik"] for r in rs])
    secs = [r["run"]["seconds"] for r in rs]
    sm, _ = ms(secs)
    its = sorted({r["iterations"] for r in rs})
    it = "-" if name == "exact-gp" else "/".join(str(i) for i in its)
    print(f"| {ds} | {name} | {len(rs)} | {it} | {rm:.3f} ± {rse:.3f} | {lm:.3f} ± {lse:.3f} | "
          f"{sm:.1f} ({min(secs):.1f}–{max(secs):.1f}) |")
PY
