package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/pretraining"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/vocabtrain"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const vocabHelp = `Trains a WordPiece vocabulary on corpus directories (fetch output) or text
files, as HuggingFace's WordPiece trainer does: words are cleaned, normalized
and split exactly as the BERT tokenizer will split them (lower-cased and
without accents unless --cased), counted on all cores, and merged into word
pieces with ## continuations until --size tokens. The special tokens [PAD]
[UNK] [CLS] [SEP] [MASK] come first; --unused N reserves [unusedN] slots laid
out as in Google's vocabularies. The same corpus gives the same file.

Example:
  shard vocab --corpus corpus/wiki --corpus corpus/books --size 30522 --out vocab.txt`

func runVocab(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("vocab", "shard vocab --corpus DIR... --size N --out FILE [flags]", vocabHelp, stdout)
	corpora := flags.StringArray("corpus", nil, "corpus directory or text file (repeatable)")
	size := flags.Int("size", 30522, "vocabulary size, special and unused tokens included")
	cased := flags.Bool("cased", false, "keep case and accents")
	unused := flags.Int("unused", 0, "reserve this many [unusedN] tokens (Google's vocabularies have 994)")
	minFreq := flags.Int64("min-frequency", vocabtrain.DefaultMinFrequency, "ignore pairs seen fewer times")
	out := flags.String("out", "", "output vocab.txt (required)")
	workers := flags.Int("workers", 0, "counting goroutines (default: all cores)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case len(*corpora) == 0 || *out == "":
		return cli.Usagef("--corpus and --out are required")
	case *size <= 0:
		return cli.Usagef("--size must be positive")
	}
	if *workers <= 0 {
		*workers = runtime.GOMAXPROCS(0)
	}
	// The tokenizer needs a vocabulary only for ids; Words uses none of it.
	placeholder, err := wordpiece.ReadVocab(bytes.NewReader([]byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")))
	if err != nil {
		return err
	}
	tok := wordpiece.New(placeholder, wordpiece.Options{Lowercase: !*cased})
	counts, docs, err := countWords(ctx, *corpora, tok, *workers)
	if err != nil {
		return err
	}
	words := make([]vocabtrain.WordCount, 0, len(counts))
	for w, n := range counts {
		words = append(words, vocabtrain.WordCount{Word: w, Count: n})
	}
	slog.Info("counted", "documents", docs, "distinct_words", len(words))
	vocab, err := vocabtrain.Train(ctx, words, vocabtrain.Options{Size: *size, MinFrequency: *minFreq, Unused: *unused})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := vocabtrain.Write(&buf, vocab); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d tokens from %d documents (%d distinct words)\n", *out, len(vocab), docs, len(words))
	return nil
}

// countWords counts the words of every document on several goroutines.
func countWords(ctx context.Context, corpora []string, tok *wordpiece.Tokenizer, workers int) (map[string]int64, int64, error) {
	docs := make(chan [][]byte, 4*workers)
	partial := make([]map[string]int64, workers)
	var wg sync.WaitGroup
	for i := range workers {
		partial[i] = map[string]int64{}
		wg.Add(1)
		go func(m map[string]int64) {
			defer wg.Done()
			for doc := range docs {
				for _, s := range doc {
					tok.Words(s, func(w []byte) { m[string(w)]++ })
				}
			}
		}(partial[i])
	}
	var n int64
	meter := progress.Start("count words", 0, progress.Count, progress.Config{})
	defer meter.Finish()
	err := pretraining.ReadCorpora(ctx, corpora, func(doc [][]byte) error {
		n++
		meter.Add(1)
		cp := make([][]byte, len(doc))
		for i, s := range doc {
			cp[i] = bytes.Clone(s)
		}
		select {
		case docs <- cp:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(docs)
	wg.Wait()
	if err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("%v: no documents", corpora)
	}
	total := partial[0]
	for _, m := range partial[1:] {
		for w, c := range m {
			total[w] += c
		}
	}
	return total, n, nil
}
