#!/usr/bin/env bash
# Does bertline's trainer learn as well as PyTorch? Trains the same BERT on
# the same phase-1 instances of the sample corpus with the same recipe
# twice, with 'train pretrain' and with pipelines/torch/train_ref.py (plain
# PyTorch, float32, LAMB and the poly schedule written out), evaluates both
# checkpoints with 'eval pretrain' on the same held-out instances, and
# prints them side by side. The two runs draw different initial weights,
# data orders and dropout masks, so they agree in distribution, not bit for
# bit: the acceptance criterion is held-out masked-LM accuracy within TOL
# points (default 2); the script exits 1 when it is not.
#
#   pipelines/learn-vs-torch.sh                       # tiny, batch 16, lr 1e-2, warm-up 0.05, 500 updates (make pretrain phase 1)
#   MODEL=mini STEPS=300 pipelines/learn-vs-torch.sh
#
# Settings (environment): MODEL BATCH LR WARMUP STEPS SEED DROPOUT THREADS
# TOL; the data as 'make pretrain' makes it: WIKI BOOKS VOCAB_SIZE HOLDOUT
# BLOCK_DOCS; OUT (default out/learn-vs-torch; the shards are made once and
# reused, the runs under OUT/runs/ are redone every time); PYTHON (default
# /usr/bin/python3, which needs Debian's python3-torch; install
# libopenblas0-pthread or PyTorch runs on the reference BLAS, see
# pipelines/bench-train.sh).
#
# Both sides run with THREADS threads (default: all cores), one after the
# other. The table also gives PyTorch's own evaluation of its model, which
# must equal 'eval pretrain' on the checkpoint it saved: a check that both
# sides compute the metrics the same way.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${MODEL:-tiny}
BATCH=${BATCH:-16}
LR=${LR:-1e-2}
WARMUP=${WARMUP:-0.05}
STEPS=${STEPS:-500}
SEED=${SEED:-42}
DROPOUT=${DROPOUT:-0.1}
THREADS=${THREADS:-$(nproc)}
TOL=${TOL:-2}
WIKI=${WIKI:-data/sample/enwiki-sample-pages-articles-multistream.xml.bz2}
BOOKS=${BOOKS:-data/sample/books}
VOCAB_SIZE=${VOCAB_SIZE:-4000}
HOLDOUT=${HOLDOUT:-0.05}
BLOCK_DOCS=${BLOCK_DOCS:-8}
OUT=${OUT:-out/learn-vs-torch}
PYTHON=${PYTHON:-/usr/bin/python3}

"$PYTHON" -c 'import torch' 2>/dev/null || {
	echo "learn-vs-torch: $PYTHON cannot import torch (set PYTHON, or apt-get install python3-torch)" >&2
	exit 2
}
make build

# The phase-1 data of 'make pretrain' (every stage skips work its manifest says is done).
corpora=(--corpus "$OUT/wiki")
bin/fetch wikipedia --dump "$WIKI" --out "$OUT/wiki"
if [ -n "$BOOKS" ]; then
	bin/fetch books --source "$BOOKS" --out "$OUT/books"
	corpora+=(--corpus "$OUT/books")
fi
[ -s "$OUT/vocab.txt" ] || bin/shard vocab "${corpora[@]}" --size "$VOCAB_SIZE" --out "$OUT/vocab.txt"
bin/shard pretrain "${corpora[@]}" --vocab "$OUT/vocab.txt" --holdout "$HOLDOUT" --block-docs "$BLOCK_DOCS" \
	--seq-len 128 --max-pred 20 --out "$OUT/phase1"

run="$OUT/runs/$MODEL-b$BATCH-lr$LR-w$WARMUP-s$STEPS-seed$SEED-d$DROPOUT"
rm -rf "$run"
mkdir -p "$run"
now() { date +%s.%N; }

echo "== bertline: train pretrain ($MODEL, batch $BATCH, lr $LR, warm-up $WARMUP, $STEPS updates, $THREADS threads)"
t0=$(now)
bin/train pretrain --data "$OUT/phase1" --model "$MODEL" --vocab "$OUT/vocab.txt" --out "$run/bertline" \
	--seed "$SEED" --batch-size "$BATCH" --lr "$LR" --warmup "$WARMUP" --max-steps "$STEPS" \
	--dropout "$DROPOUT" --threads "$THREADS" --checkpoint-every 0 --eval-batches -1 2>"$run/bertline.log"
t1=$(now)
echo "$t0 $t1" >"$run/bertline.time"

echo "== PyTorch: pipelines/torch/train_ref.py (same settings)"
t0=$(now)
"$PYTHON" pipelines/torch/train_ref.py --data "$OUT/phase1" --model "$MODEL" --vocab "$OUT/vocab.txt" \
	--seed "$SEED" --batch-size "$BATCH" --lr "$LR" --warmup "$WARMUP" --max-steps "$STEPS" \
	--dropout "$DROPOUT" --threads "$THREADS" --save "$run/torch" >"$run/torch-self.json" 2>"$run/torch.log"
t1=$(now)
echo "$t0 $t1" >"$run/torch.time"

echo "== eval pretrain on $OUT/phase1/holdout"
bin/eval pretrain --checkpoint "$run/bertline" --data "$OUT/phase1" --threads "$THREADS" >"$run/bertline-eval.json"
bin/eval pretrain --checkpoint "$run/torch" --data "$OUT/phase1" --threads "$THREADS" >"$run/torch-eval.json"

"$PYTHON" - "$run" "$TOL" <<'EOF'
import json, sys

run, tol = sys.argv[1], float(sys.argv[2])
load = lambda name: json.load(open(f"{run}/{name}"))
go, pt, self_pt = load("bertline-eval.json"), load("torch-eval.json"), load("torch-self.json")
wall = {s: (lambda a: a[1] - a[0])([float(x) for x in open(f"{run}/{s}.time").read().split()]) for s in ("bertline", "torch")}
with open(f"{run}/bertline/metrics.jsonl") as f:
    steps = [json.loads(l) for l in f if l.strip()]
steps = [s for s in steps if "loss" in s]
go_loop = steps[-1]["elapsed_s"]
go_train = sum(s["loss"] for s in steps[-10:]) / len(steps[-10:])

rows = [("held-out MLM accuracy (%)", 100 * go["mlm_accuracy"], 100 * pt["mlm_accuracy"], "{:.2f}"),
        ("held-out MLM loss", go["mlm_loss"], pt["mlm_loss"], "{:.4f}"),
        ("held-out NSP accuracy (%)", 100 * go["nsp_accuracy"], 100 * pt["nsp_accuracy"], "{:.2f}"),
        ("held-out NSP loss", go["nsp_loss"], pt["nsp_loss"], "{:.4f}"),
        ("train loss, last 10 updates", go_train, self_pt["train_loss"], "{:.4f}"),
        ("training loop (s)", go_loop, self_pt["seconds"], "{:.1f}"),
        ("wall time, whole command (s)", wall["bertline"], wall["torch"], "{:.1f}")]
print()
print(f"{go['instances']} held-out instances, {go['masked_tokens']} masked tokens; "
      f"always the most frequent token: {100 * go['mlm_accuracy_most_frequent_baseline']:.2f}%")
print(f"{'':30} {'bertline':>10} {'PyTorch':>10} {'difference':>11}")
for name, a, b, fmt in rows:
    print(f"{name:30} {fmt.format(a):>10} {fmt.format(b):>10} {fmt.format(a - b):>11}")
same = all(abs(self_pt[k] - pt[k]) <= 1e-4 * max(1, abs(pt[k])) for k in ("mlm_accuracy", "mlm_loss", "nsp_accuracy", "nsp_loss"))
print(f"PyTorch's own evaluation of its model {'agrees with' if same else 'DIFFERS FROM'} 'eval pretrain' "
      f"(MLM accuracy {100 * self_pt['mlm_accuracy']:.2f}%, loss {self_pt['mlm_loss']:.4f})")
d = 100 * (go["mlm_accuracy"] - pt["mlm_accuracy"])
ok = abs(d) <= tol and same
print(f"MLM accuracy difference {d:+.2f} points: {'within' if abs(d) <= tol else 'NOT within'} {tol:g} points")
print(f"runs, logs and JSON: {run}")
sys.exit(0 if ok else 1)
EOF
