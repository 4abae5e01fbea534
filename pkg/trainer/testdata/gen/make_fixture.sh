#!/usr/bin/env bash
# Makes pkg/trainer/testdata/evalref/, the fixture of evalref_test.go: a
# small BERT trained briefly on the sample corpus, the held-out shard it is
# evaluated on, and the metrics of eval_ref.py (an independent PyTorch
# implementation) on that shard.
#
#   evalref/model.safetensors, config.json, vocab.txt   the final checkpoint
#   evalref/holdout/shard-*.arrow                       the held-out instances
#   evalref/instances.jsonl                             the same, as 'shard inspect' prints them
#   evalref/expected.json                               eval_ref.py's metrics
#
# The model is hidden 64, 2 layers, 2 heads, intermediate 128, 64 positions,
# with a 1,000-token vocabulary (about 0.6 MB of weights). It is trained for
# 100 steps at a learning rate of 1e-2, enough to take the masked-LM loss from
# ln(1000) = 6.9 to about 6.2: with weights still near initialisation every
# prediction is nearly uniform, the best two logits of a masked position can
# differ by 1e-5, and float32 rounding could flip an arg-max. eval_ref.py
# prints the smallest such gap. --dupe-factor 2 keeps the holdout split at
# about 180 instances, so that the fixture stays under 1 MB.
#
# Run from the repository root:  bash pkg/trainer/testdata/gen/make_fixture.sh
# Needs Go and a python3 with torch (PYTHON, default /usr/bin/python3).
set -euo pipefail

PYTHON=${PYTHON:-/usr/bin/python3}
FIX=pkg/trainer/testdata/evalref
GEN=pkg/trainer/testdata/gen
[ -f go.mod ] && [ -d "$GEN" ] || { echo "make_fixture.sh: run from the repository root" >&2; exit 1; }

make build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin/fetch wikipedia --dump data/sample/enwiki-sample-pages-articles-multistream.xml.bz2 --out "$work/wiki"
bin/fetch books --source data/sample/books --out "$work/books"
bin/shard vocab --corpus "$work/wiki" --corpus "$work/books" --size 1000 --out "$work/vocab.txt"
bin/shard pretrain --corpus "$work/wiki" --corpus "$work/books" --vocab "$work/vocab.txt" --holdout 0.1 \
	--block-docs 8 --seq-len 64 --max-pred 10 --dupe-factor 2 --out "$work/shards"

vocab_size=$(wc -l < "$work/vocab.txt")
cat > "$work/model.json" <<JSON
{
  "vocab_size": $vocab_size,
  "hidden_size": 64,
  "num_hidden_layers": 2,
  "num_attention_heads": 2,
  "intermediate_size": 128,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "attention_probs_dropout_prob": 0.1,
  "max_position_embeddings": 64,
  "type_vocab_size": 2,
  "initializer_range": 0.02,
  "layer_norm_eps": 1e-12
}
JSON
bin/train pretrain --data "$work/shards" --model "$work/model.json" --vocab "$work/vocab.txt" --out "$work/run" \
	--batch-size 16 --max-steps 100 --lr 1e-2 --warmup 0.1 --threads 2

ckpt=$(ls -d "$work"/run/checkpoints/step-* | sort | tail -n 1)
rm -rf "$FIX"
mkdir -p "$FIX/holdout"
cp "$ckpt/model.safetensors" "$ckpt/config.json" "$ckpt/vocab.txt" "$FIX/"
cp "$work"/shards/holdout/shard-*.arrow "$FIX/holdout/"
bin/shard inspect "$work/shards" --split holdout > "$FIX/instances.jsonl"
"$PYTHON" "$GEN/eval_ref.py" "$FIX" "$FIX/instances.jsonl" > "$FIX/expected.json"

echo "reference ($FIX/expected.json):"
cat "$FIX/expected.json"
echo
echo "bin/eval pretrain on the same checkpoint and shard:"
bin/eval pretrain --checkpoint "$FIX" --data "$work/shards" --split holdout
du -sh "$FIX"
