# bertline — BERT pretraining data, training and evaluation as four binaries.
#
#   make build      bin/fetch bin/shard bin/train bin/eval (no cgo, no CUDA toolkit needed)
#   make test       vet, formatting and the whole test suite (what CI runs)
#   make bench      Go benchmarks, the fetch stage side by side with bzip2 -dc on the same dump
#   make pretrain   the whole chain on the sample corpus in data/sample (no network)
#   make clean      remove bin/ and out/

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/bertline/bertline/pkg/version.Version=$(VERSION)
BINARIES := fetch shard train eval
OUT      ?= out

export CGO_ENABLED ?= 0

.PHONY: all build test bench pretrain clean fmt vet

all: build

build:
	@mkdir -p bin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ $(addprefix ./cmd/,$(BINARIES))

vet:
	$(GO) vet ./...

fmt:
	@files=$$(gofmt -l cmd pkg); if [ -n "$$files" ]; then echo "gofmt needed:"; echo "$$files"; exit 1; fi

test: fmt vet
	$(GO) test -count=1 -timeout 15m ./...

# Micro-benchmarks per package, and BenchmarkFetch: the whole fetch stage on a
# 48 MB synthetic dump next to bzip2 decompression alone (C and Go) on the same file.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...

# The whole chain on the embedded sample corpus. Stages that do not exist yet
# are skipped; each stage's output directory is complete when its manifest.json exists.
VOCAB ?= $(OUT)/vocab.txt
pretrain: build
	bin/fetch wikipedia --dump data/sample/enwiki-sample-pages-articles-multistream.xml.bz2 --out $(OUT)/wiki
	bin/fetch books --source data/sample/books --out $(OUT)/books
	bin/shard vocab --corpus $(OUT)/wiki --corpus $(OUT)/books --size 4000 --out $(OUT)/vocab.txt
	bin/shard pretrain --corpus $(OUT)/wiki --corpus $(OUT)/books --vocab $(VOCAB) --holdout 0.05 --block-docs 8 \
		--seq-len 128 --max-pred 20 --out $(OUT)/phase1
	bin/shard pretrain --corpus $(OUT)/wiki --corpus $(OUT)/books --vocab $(VOCAB) --holdout 0.05 --block-docs 8 \
		--seq-len 512 --max-pred 80 --out $(OUT)/phase2
	@echo
	@bin/shard stats $(OUT)/phase1
	@echo
	@bin/shard inspect $(OUT)/phase1 --limit 1 | cut -c 1-400
	@echo
	@echo "shards ready: $(OUT)/phase1 (seq 128), $(OUT)/phase2 (seq 512); the train and eval stages are not built yet"

clean:
	rm -rf bin $(OUT)
