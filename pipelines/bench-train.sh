#!/usr/bin/env bash
# Training throughput of pkg/bert next to PyTorch on this machine, same
# thread count, for two tasks:
#
#   pretrain  BenchmarkTrainStep against testdata/gen/bench_torch.py for mini
#             (B=32) and base (B=8) at T=128, 20 masked positions per
#             sequence, no dropout.
#   squad     BenchmarkSquadStep against bench_torch.py --head qa: SQuAD
#             fine-tuning of the question-answering head, mini (B=8) and
#             base (B=4) at T=384, dropout 0.1, every token real.
#
# Every step is forward, backward and AdamW. Runs alternate (Go, PyTorch,
# Go, PyTorch ...) so that load from other work on a shared machine falls on
# both sides. Each side times GO_STEPS and TORCH_STEPS steps after an untimed
# one, except SQuAD above mini, whose steps take 9-13 s on 2 cores: there
# each side times LONG_STEPS (1). The default run, both tasks and presets,
# takes some 2.5 minutes on a quiet 2-core machine (5 under a load of 4).
#
#   pipelines/bench-train.sh                 # both tasks and presets, 2 threads, 1 round
#   THREADS=4 ROUNDS=3 PRESETS=mini pipelines/bench-train.sh
#   TASKS=squad SQUAD_PRESETS=base pipelines/bench-train.sh
#
# Prints per run seq/s and peak RSS, then per task and preset the mean seq/s
# of each side and the ratio Go/PyTorch.
#
# Debian's python3-torch links the system libblas.so.3: with the reference
# BLAS it is some 20x slower than with OpenBLAS, so install
# libopenblas0-pthread (it becomes the libblas.so.3 alternative) for a fair
# comparison. Measured that way on a shared 2-core AVX2 VM (AMD EPYC,
# ROUNDS=2, means): pretrain mini 24.9 vs 13.5 seq/s (1.85x), base 1.52 vs
# 0.99 seq/s (1.54x), with 38% and 26% less peak memory than PyTorch.
# SQuAD, one round on the same VM when quiet (THREADS=2 ROUNDS=1): mini
# 8.81 vs 3.75 seq/s (2.35x), base 0.446 vs 0.319 seq/s (1.40x), with 37%
# and 31% less peak memory (668 vs 1062 MiB, 3294 vs 4799 MiB); the same
# run under a load of 4 gave mini 3.18 vs 1.32 and base 0.253 vs 0.108.
# Other work on the machine slows PyTorch's threads far more than these
# (2-3x under a load of 8): compare only runs made when it is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
TASKS=${TASKS:-"pretrain squad"}
PRESETS=${PRESETS:-"mini base"}
SQUAD_PRESETS=${SQUAD_PRESETS:-"mini base"}
GO_STEPS=${GO_STEPS:-3}
TORCH_STEPS=${TORCH_STEPS:-2}
LONG_STEPS=${LONG_STEPS:-1}
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bert.test" ./pkg/bert

# plan TASK PRESET prints the Go benchmark, bench_torch.py's head, B, T, and
# the Go and PyTorch timed steps of one comparison.
plan() {
	case $1/$2 in
	pretrain/mini) echo "TrainStep pretraining 32 128 $GO_STEPS $TORCH_STEPS" ;;
	pretrain/*) echo "TrainStep pretraining 8 128 $GO_STEPS $TORCH_STEPS" ;;
	squad/mini) echo "SquadStep qa 8 384 $GO_STEPS $TORCH_STEPS" ;;
	squad/*) echo "SquadStep qa 4 384 $LONG_STEPS $LONG_STEPS" ;;
	*)
		echo "bench-train: unknown task $1" >&2
		exit 2
		;;
	esac
}

json() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/torch.out" "$1"; }

for task in $TASKS; do
	presets=$PRESETS
	[ "$task" = squad ] && presets=$SQUAD_PRESETS
	for preset in $presets; do
		p=$(plan "$task" "$preset")
		read -r bench head b t gsteps tsteps <<<"$p"
		what="$task $preset B=$b T=$t threads=$THREADS"
		: >"$tmp/go.$task.$preset"
		: >"$tmp/torch.$task.$preset"
		for r in $(seq "$ROUNDS"); do
			/usr/bin/time -f '%M' -o "$tmp/rss" env GOMAXPROCS="$THREADS" "$tmp/bert.test" -test.run '^$' \
				-test.bench "$bench/$preset/B=$b\$" -test.benchtime "${gsteps}x" >"$tmp/go.out"
			gs=$(awk '/seq\/s/ {for (i = 1; i < NF; i++) if ($(i+1) == "seq/s") print $i}' "$tmp/go.out")
			grss=$(($(cat "$tmp/rss") / 1024))
			echo "go    $what round=$r: $gs seq/s, peak RSS $grss MiB"
			echo "$gs" >>"$tmp/go.$task.$preset"
			(cd pkg/bert && "$PYTHON" testdata/gen/bench_torch.py --head "$head" --preset "$preset" --batch "$b" \
				--seq "$t" --steps "$tsteps" --threads "$THREADS") >"$tmp/torch.out"
			ts=$(json seq_per_s)
			printf "torch %s round=%s: %.4g seq/s, peak RSS %s MiB\n" "$what" "$r" "$ts" "$(json peak_rss_mib)"
			echo "$ts" >>"$tmp/torch.$task.$preset"
		done
		paste "$tmp/go.$task.$preset" "$tmp/torch.$task.$preset" |
			awk -v w="$task $preset B=$b T=$t" '{g += $1; t += $2}
				END {printf "%s: go %.3g seq/s, torch %.3g seq/s, go/torch = %.2fx (mean over %d rounds)\n",
					w, g/NR, t/NR, g/t, NR}'
	done
done
