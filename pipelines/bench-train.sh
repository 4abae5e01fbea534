#!/usr/bin/env bash
# Training throughput of pkg/bert next to PyTorch on this machine, same
# thread count: BenchmarkTrainStep against testdata/gen/bench_torch.py for
# mini (B=32) and base (B=8) at T=128, 20 masked positions per sequence.
# Runs alternate (Go, PyTorch, Go, PyTorch ...) so that load from other
# work on a shared machine falls on both sides.
#
#   pipelines/bench-train.sh                 # both presets, 2 threads, 1 round
#   THREADS=4 ROUNDS=3 PRESETS=mini pipelines/bench-train.sh
#
# Prints per run seq/s and peak RSS, then the ratio Go/PyTorch per preset.
#
# Debian's python3-torch links the system libblas.so.3: with the reference
# BLAS it is some 20x slower than with OpenBLAS, so install
# libopenblas0-pthread (it becomes the libblas.so.3 alternative) for a fair
# comparison. Measured that way on a shared 2-core AVX2 VM (AMD EPYC,
# ROUNDS=2, means): mini 24.9 vs 13.5 seq/s (1.85x), base 1.52 vs 0.99
# seq/s (1.54x), with 38% and 26% less peak memory than PyTorch. Other
# work on the machine slows PyTorch's threads far more than these (2-3x
# under a load of 8): compare only runs made when it is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
PRESETS=${PRESETS:-"mini base"}
GO_STEPS=${GO_STEPS:-3}
TORCH_STEPS=${TORCH_STEPS:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bert.test" ./pkg/bert

batch() { case $1 in mini) echo 32 ;; *) echo 8 ;; esac; }

for preset in $PRESETS; do
	b=$(batch "$preset")
	for r in $(seq "$ROUNDS"); do
		/usr/bin/time -f '%M' -o "$tmp/rss" env GOMAXPROCS="$THREADS" "$tmp/bert.test" -test.run '^$' \
			-test.bench "TrainStep/$preset/B=$b\$" -test.benchtime "${GO_STEPS}x" >"$tmp/go.out"
		gs=$(awk '/seq\/s/ {for (i = 1; i < NF; i++) if ($(i+1) == "seq/s") print $i}' "$tmp/go.out")
		grss=$(($(cat "$tmp/rss") / 1024))
		echo "go    $preset B=$b T=128 threads=$THREADS round=$r: $gs seq/s, peak RSS $grss MiB"
		echo "$gs" >>"$tmp/go.$preset"
		(cd pkg/bert && "$PYTHON" testdata/gen/bench_torch.py --preset "$preset" --batch "$b" --seq 128 \
			--steps "$TORCH_STEPS" --threads "$THREADS") >"$tmp/torch.out"
		ts=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["seq_per_s"])' "$tmp/torch.out")
		trss=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["peak_rss_mib"])' "$tmp/torch.out")
		echo "torch $preset B=$b T=128 threads=$THREADS round=$r: $ts seq/s, peak RSS $trss MiB"
		echo "$ts" >>"$tmp/torch.$preset"
	done
	paste "$tmp/go.$preset" "$tmp/torch.$preset" |
		awk -v p="$preset" '{g += $1; t += $2} END {printf "%s: go/torch = %.2fx (mean over %d rounds)\n", p, g/t, NR}'
done
