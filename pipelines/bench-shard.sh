#!/usr/bin/env bash
# Text → pretraining instances, side by side with Google's
# create_pretraining_data.py on the same text, in MB of input per CPU second
# (this project's machines are shared: CPU time is steadier than wall
# time). Both run on one core with NVIDIA's phase-1 settings (seq 128, 20
# predictions, dupe factor 5, seed 12345). Google's side tokenizes and makes
# the instances but does not write TFRecords (that needs TensorFlow); ours
# writes the Arrow shards and the manifest, so the comparison flatters the
# reference.
#
#   GOOGLE_REF=/path/to/bert/create_pretraining_data.py pipelines/bench-shard.sh
#
# GOOGLE_REF is google-research/bert's script with its tokenization.py beside
# it (not part of this repository; without it only bertline is timed).
# Settings (environment): TEXT (default: the sample corpus repeated REPEAT
# times, default 32, about 5.7 MB), VOCAB (default
# data/vocab/bert-base-uncased.txt), PYTHON (default /usr/bin/python3),
# ROUNDS (bertline runs, median reported; default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

VOCAB=${VOCAB:-data/vocab/bert-base-uncased.txt}
PYTHON=${PYTHON:-/usr/bin/python3}
REPEAT=${REPEAT:-32}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "bench-shard: needs GNU time at /usr/bin/time (apt install time)" >&2; exit 2; }
make build >/dev/null
if [ -z "${TEXT:-}" ]; then
	TEXT=$work/text.txt
	"$PYTHON" - "$TEXT" "$REPEAT" <<'PY'
import glob, sys
names = ["data/sample/expected/enwiki-sample.txt"] + sorted(glob.glob("data/sample/expected/books/*.txt"))
text = "\n\n".join(open(n, encoding="utf-8").read().strip("\n") for n in names)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n\n".join([text] * int(sys.argv[2])) + "\n")
PY
fi
bytes=$(stat -c %s "$TEXT")
echo "text: $TEXT, $bytes bytes; vocab $VOCAB; seq 128, 20 predictions, dupe factor 5; one core"

# cpu_seconds CMD...: runs CMD, prints its user+system CPU seconds.
cpu_seconds() {
	/usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
	awk '{printf "%.3f\n", $1 + $2}' "$work/time"
}

rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.3f", b / 1e6 / s }'; }

declare -A mbs
for mode in bertline google; do
	runs=()
	for _ in $(seq "$ROUNDS"); do
		rm -rf "$work/out"
		s=$(GOMAXPROCS=1 cpu_seconds bin/shard pretrain --corpus "$TEXT" --vocab "$VOCAB" --out "$work/out" \
			--workers 1 --compat "$mode" --dupe-factor 5)
		runs+=("$s")
	done
	med=$(printf '%s\n' "${runs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	mbs[$mode]=$(rate "$med")
	echo "bertline shard pretrain --compat $mode: ${med}s CPU (median of ${runs[*]}), ${mbs[$mode]} MB/s per core"
done

if [ -z "${GOOGLE_REF:-}" ]; then
	echo "Google's script: skipped (set GOOGLE_REF to google-research/bert's create_pretraining_data.py)"
	exit 0
fi
out=$("$PYTHON" pipelines/google/time_instances.py "$GOOGLE_REF" "$VOCAB" "$TEXT" --dupe-factor 5)
google=$(echo "$out" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["mb_per_cpu_s"])')
echo "Google create_pretraining_data.py (instances, no TFRecord writing): $google MB/s per core ($out)"
for mode in bertline google; do
	awk -v a="${mbs[$mode]}" -v g="$google" -v m="$mode" 'BEGIN { printf "speed-up, --compat %s: %.1fx\n", m, a / g }'
done
