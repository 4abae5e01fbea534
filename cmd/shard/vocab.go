package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
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
out as in Google's vocabularies. The same corpus gives the same file, with any
--workers.

Memory stays bounded for corpora of any size: the counting goroutines hold
about --max-words distinct words in all, and write sorted counts to
temporary files in --tmp-dir when they have more (about 15 bytes per word
each time; the files are removed at the end). The counts are then merged
exactly. When the corpus has more than --max-words distinct words, training
uses the words that occur at least N times, N the smallest count that keeps
at most --max-words; the rarer words are dropped, which changes the
vocabulary only where their few occurrences would have decided a merge. The
log says how many words and occurrences were kept.

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
	maxWords := flags.Int("max-words", vocabtrain.DefaultMaxWords, "distinct words held in memory and trained on")
	tmpDir := flags.String("tmp-dir", "", "directory for temporary word counts (default: the directory of --out)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case len(*corpora) == 0 || *out == "":
		return cli.Usagef("--corpus and --out are required")
	case *size <= 0:
		return cli.Usagef("--size must be positive")
	case *maxWords <= 0:
		return cli.Usagef("--max-words must be positive")
	}
	if *workers <= 0 {
		*workers = runtime.GOMAXPROCS(0)
	}
	if *tmpDir == "" {
		*tmpDir = filepath.Dir(*out)
	}
	// The tokenizer needs a vocabulary only for ids; Words uses none of it.
	placeholder, err := wordpiece.ReadVocab(bytes.NewReader([]byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")))
	if err != nil {
		return err
	}
	tok := wordpiece.New(placeholder, wordpiece.Options{Lowercase: !*cased})
	words, docs, st, err := countWords(ctx, *corpora, tok, *workers, *maxWords, *tmpDir)
	if err != nil {
		return err
	}
	slog.Info("counted", "documents", docs, "words", st.Tokens, "distinct_words", st.Distinct,
		"kept_words", st.Kept, "kept_share", fmt.Sprintf("%.4f%%", 100*float64(st.KeptTokens)/float64(max(st.Tokens, 1))),
		"min_count", st.MinCount, "spilled_runs", st.Runs)
	if len(words) == 0 {
		return fmt.Errorf("%v: no words to train on (--max-words %d)", *corpora, *maxWords)
	}
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
	fmt.Fprintf(stdout, "%s: %d tokens from %d documents (%d distinct words, %d trained on)\n", *out, len(vocab), docs, st.Distinct, len(words))
	return nil
}

// countWords counts the words of every document on several goroutines, in
// about maxWords distinct words of memory, spilling to tmpDir.
func countWords(ctx context.Context, corpora []string, tok *wordpiece.Tokenizer, workers, maxWords int, tmpDir string) ([]vocabtrain.WordCount, int64, vocabtrain.CountStats, error) {
	counter := vocabtrain.NewCounter(tmpDir, maxWords, workers)
	defer counter.Close()
	docs := make(chan [][]byte, 4*workers)
	var wg sync.WaitGroup
	for i := range workers {
		tally := counter.Tally(i)
		wg.Go(func() {
			for doc := range docs {
				for _, s := range doc {
					tok.Words(s, tally.Add)
				}
			}
		})
	}
	var n int64
	meter := progress.Start("count words", 0, progress.Count, progress.Config{})
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
	meter.Finish()
	if err != nil {
		return nil, 0, vocabtrain.CountStats{}, err
	}
	if n == 0 {
		return nil, 0, vocabtrain.CountStats{}, fmt.Errorf("%v: no documents", corpora)
	}
	words, st, err := counter.Words(ctx)
	if err != nil {
		return nil, 0, vocabtrain.CountStats{}, err
	}
	if err := counter.Close(); err != nil {
		return nil, 0, vocabtrain.CountStats{}, err
	}
	return words, n, st, nil
}
