# bertline — BERT pretraining data, training and evaluation as four binaries.
#
#   make build      bin/fetch bin/shard bin/train bin/eval (no cgo, no CUDA toolkit needed)
#   make test       vet, formatting and the whole test suite (what CI runs)
#   make bench      Go benchmarks, the fetch stage side by side with bzip2 -dc on the same dump
#   make pretrain   the whole chain on the sample corpus in data/sample (no network)
#   make finetune   SQuAD and GLUE fine-tuning and evaluation of what make pretrain trained
#   make clean      remove bin/ and out/

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/bertline/bertline/pkg/version.Version=$(VERSION)
BINARIES := fetch shard train eval
OUT      ?= out

export CGO_ENABLED ?= 0

.PHONY: all build test bench pretrain finetune clean fmt vet

all: build

build:
	@mkdir -p bin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ $(addprefix ./cmd/,$(BINARIES))

vet:
	$(GO) vet ./...

fmt:
	@files=$$(gofmt -l cmd pkg internal); if [ -n "$$files" ]; then echo "gofmt needed:"; echo "$$files"; exit 1; fi

test: fmt vet
	$(GO) test -count=1 -timeout 15m ./...

# Micro-benchmarks per package (BenchmarkFetch: the whole fetch stage on a
# 48 MB synthetic dump next to bzip2 decompression alone, C and Go, on the same
# file), then text → shards next to Google's create_pretraining_data.py
# (pipelines/bench-shard.sh; set GOOGLE_REF to the script, or only ours is
# timed), then training throughput next to PyTorch on the same machine and
# thread count (pipelines/bench-train.sh; needs Debian's python3-torch).
PYTHON ?= /usr/bin/python3
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...
	PYTHON=$(PYTHON) pipelines/bench-shard.sh
	@if $(PYTHON) -c 'import torch' 2>/dev/null; then PYTHON=$(PYTHON) pipelines/bench-train.sh; \
	else echo "bench-train: skipped, $(PYTHON) has no torch (apt install python3-torch libopenblas0-pthread)"; fi

# The whole chain: fetch → vocab → phase-1/phase-2 shards → two training
# phases → held-out evaluation. Defaults run on the embedded sample corpus in
# minutes on a laptop; the variables select real runs, e.g.
#   make pretrain WIKI=https://dumps.wikimedia.org/enwiki/latest/enwiki-latest-pages-articles-multistream.xml.bz2 \
#        VOCAB=bert-base-uncased MODEL=base DEVICE=cuda P1_BATCH=65536 P1_ACCUM=128 P1_LR=6e-3 P1_WARMUP=0.2843 \
#        P1_STEPS=7038 P2_BATCH=32768 P2_ACCUM=256 P2_LR=4e-3 P2_WARMUP=0.128 P2_STEPS=1563 HOLDOUT=0.001
# Every stage skips work its output directory's manifest says is done, so
# running it again continues where it stopped.
WIKI       ?= data/sample/enwiki-sample-pages-articles-multistream.xml.bz2
BOOKS      ?= data/sample/books
VOCAB      ?=
VOCAB_SIZE ?= 4000
HOLDOUT    ?= 0.05
BLOCK_DOCS ?= 8
MODEL      ?= tiny
DEVICE     ?= cpu
SEED       ?= 42
P1_BATCH   ?= 16
P1_ACCUM   ?= 1
P1_LR      ?= 1e-2
P1_WARMUP  ?= 0.05
P1_STEPS   ?= 500
P2_BIN     ?= 128
P2_BATCH   ?= 8
P2_ACCUM   ?= 1
P2_LR      ?= 5e-3
P2_WARMUP  ?= 0.1
P2_STEPS   ?= 30
TRAIN_FLAGS ?=

ifeq ($(VOCAB),)
VOCAB_FILE := $(OUT)/vocab.txt
VOCAB_STEP := [ -s $(VOCAB_FILE) ] || bin/shard vocab --corpus $(OUT)/wiki $(if $(BOOKS),--corpus $(OUT)/books) --size $(VOCAB_SIZE) --out $(VOCAB_FILE)
else
VOCAB_FILE := $(OUT)/vocab-$(notdir $(VOCAB)).txt
VOCAB_STEP := [ -s $(VOCAB_FILE) ] || bin/fetch vocab --name $(VOCAB) --out $(VOCAB_FILE)
endif
CORPORA := --corpus $(OUT)/wiki $(if $(BOOKS),--corpus $(OUT)/books)

pretrain: build
	bin/fetch wikipedia --dump $(WIKI) --out $(OUT)/wiki
	$(if $(BOOKS),bin/fetch books --source $(BOOKS) --out $(OUT)/books)
	$(VOCAB_STEP)
	bin/shard pretrain $(CORPORA) --vocab $(VOCAB_FILE) --holdout $(HOLDOUT) --block-docs $(BLOCK_DOCS) \
		--seq-len 128 --max-pred 20 --out $(OUT)/phase1
	bin/shard pretrain $(CORPORA) --vocab $(VOCAB_FILE) --holdout $(HOLDOUT) --block-docs $(BLOCK_DOCS) \
		--seq-len 512 --max-pred 80 $(if $(P2_BIN),--bin-size $(P2_BIN)) --out $(OUT)/phase2
	bin/train pretrain --data $(OUT)/phase1 --model $(MODEL) --vocab $(VOCAB_FILE) --out $(OUT)/run-phase1 \
		--device $(DEVICE) --seed $(SEED) --batch-size $(P1_BATCH) --grad-accum $(P1_ACCUM) --lr $(P1_LR) \
		--warmup $(P1_WARMUP) --max-steps $(P1_STEPS) --resume $(TRAIN_FLAGS)
	bin/train pretrain --phase2 --init-checkpoint $(OUT)/run-phase1 --data $(OUT)/phase2 --vocab $(VOCAB_FILE) \
		--out $(OUT)/run-phase2 --device $(DEVICE) --seed $(SEED) --batch-size $(P2_BATCH) --grad-accum $(P2_ACCUM) \
		--lr $(P2_LR) --warmup $(P2_WARMUP) --max-steps $(P2_STEPS) --resume $(TRAIN_FLAGS)
	bin/train plot $(OUT)/run-phase1 $(OUT)/run-phase2 --out $(OUT)/pretrain.png
	@echo
	@echo "held-out evaluation of $(OUT)/run-phase2 on $(OUT)/phase1/holdout (seq 128) and $(OUT)/phase2/holdout (seq 512):"
	@bin/eval pretrain --checkpoint $(OUT)/run-phase2 --data $(OUT)/phase1 --summary | tee $(OUT)/eval-phase1.json
	@bin/eval pretrain --checkpoint $(OUT)/run-phase2 --data $(OUT)/phase2 --summary | tee $(OUT)/eval-phase2.json
	@echo "loss curves: $(OUT)/pretrain.png"

# Fine-tuning: the model 'make pretrain' trained (or INIT, any checkpoint
# directory: e.g. HuggingFace's bert-base-uncased as model.safetensors,
# config.json and vocab.txt) on SQuAD and on GLUE tasks, each evaluated on
# its dev files with the official metrics. The defaults use the small
# SQuAD- and GLUE-format sets in the repository (no network) and train for
# many epochs at a high rate, as a tiny model needs; real runs, e.g.
#   make finetune INIT=bert-base-uncased SQUAD=data/squad/train-v1.1.json SQUAD_DEV=data/squad/dev-v1.1.json \
#        GLUE=data/glue GLUE_TASKS="MRPC SST-2" SQUAD_FLAGS= GLUE_FLAGS= DEVICE=cuda
# take NVIDIA's defaults (SQuAD: 2 epochs, batch 32, lr 4.6e-5, seq 384;
# GLUE: 3 epochs, batch 16, lr 2.4e-5, seq 128).
INIT        ?= $(OUT)/run-phase2
SQUAD       ?= pkg/squad/testdata/tiny/train-v1.1.json
SQUAD_DEV   ?= pkg/squad/testdata/tiny/dev-v1.1.json
SQUAD_FLAGS ?= --epochs 40 --lr 1e-3 --batch-size 32 --seq-len 64 --doc-stride 32 --max-query-len 16
GLUE        ?= pkg/glue/testdata/tiny
GLUE_TASKS  ?= SST-2 MRPC
GLUE_FLAGS  ?= --epochs 20 --lr 1e-3 --seq-len 64

finetune: build $(if $(filter $(OUT)/run-phase2,$(INIT)),pretrain)
	bin/train squad --init-checkpoint $(INIT) --train $(SQUAD) --dev $(SQUAD_DEV) --out $(OUT)/squad \
		--device $(DEVICE) --seed $(SEED) --resume $(SQUAD_FLAGS)
	$(foreach t,$(GLUE_TASKS),bin/train glue --task $(t) --init-checkpoint $(INIT) --data $(GLUE) --out $(OUT)/glue-$(t) \
		--device $(DEVICE) --seed $(SEED) --resume $(GLUE_FLAGS) &&) true
	@echo
	@echo "SQuAD dev ($(SQUAD_DEV)):"; cat $(OUT)/squad/eval_results.json
	@$(foreach t,$(GLUE_TASKS),echo "GLUE $(t) dev:"; cat $(OUT)/glue-$(t)/eval_results.json;)

clean:
	rm -rf bin $(OUT)
