package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/internal/killtest"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const (
	vocab  = "../../data/vocab/bert-base-uncased.txt"
	sample = "../../data/sample/expected/enwiki-sample.txt"
)

func TestMain(m *testing.M) {
	// The kill test runs this binary as the shard command itself.
	killtest.RunIfChild(func(args []string) {
		os.Args = append([]string{"shard"}, args...)
		cli.Main(program)
	})
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := program.Run(context.Background(), args, &out, &errOut)
	return out.String(), err
}

func TestPretrainInspectStats(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shards")
	if _, err := run(t, "pretrain", "--corpus", sample, "--vocab", vocab, "--out", out, "--holdout", "0.1",
		"--block-docs", "4", "--dupe-factor", "2", "--num-shards", "2"); err != nil {
		t.Fatal(err)
	}
	text, err := run(t, "inspect", out, "--limit", "20")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 20 {
		t.Fatalf("inspect --limit 20 printed %d lines", len(lines))
	}
	v, err := wordpiece.LoadVocab(vocab)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		var r struct {
			Tokens            []string
			InputIDs          []int32  `json:"input_ids"`
			SegmentIDs        []int32  `json:"segment_ids"`
			MaskedLMPositions []int32  `json:"masked_lm_positions"`
			MaskedLMLabels    []string `json:"masked_lm_labels"`
			MaskedLMIDs       []int32  `json:"masked_lm_ids"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Tokens[0] != "[CLS]" || r.Tokens[len(r.Tokens)-1] != "[SEP]" || len(r.InputIDs) > 128 ||
			len(r.SegmentIDs) != len(r.InputIDs) || len(r.MaskedLMIDs) != len(r.MaskedLMPositions) {
			t.Fatalf("malformed instance %s", l)
		}
		for i, id := range r.InputIDs {
			if v.Token(id) != r.Tokens[i] {
				t.Fatalf("token %d: id %d is %q, printed %q", i, id, v.Token(id), r.Tokens[i])
			}
		}
		for i, id := range r.MaskedLMIDs {
			if v.Token(id) != r.MaskedLMLabels[i] {
				t.Fatalf("label %d: id %d is %q, printed %q", i, id, v.Token(id), r.MaskedLMLabels[i])
			}
		}
	}
	stats, err := run(t, "stats", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"instances\t", "shards\t2", "length\tinstances"} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats lacks %q:\n%s", want, stats)
		}
	}
	// Realised rates near the configured ones: 15% targets, 80% of them [MASK], half random next.
	for key, bounds := range map[string][2]float64{"targets_per_token": {0.13, 0.16}, "targets_as_mask": {0.74, 0.86}, "random_next": {0.4, 0.6}} {
		var v float64
		for _, l := range strings.Split(stats, "\n") {
			if rest, ok := strings.CutPrefix(l, key+"\t"); ok {
				fmt.Sscan(rest, &v)
			}
		}
		if v < bounds[0] || v > bounds[1] {
			t.Errorf("%s = %v, want within %v:\n%s", key, v, bounds, stats)
		}
	}
	if _, err := run(t, "inspect", out, "--split", "holdout", "--limit", "1"); err != nil {
		t.Errorf("holdout split: %v", err)
	}
}

func TestInspectDamaged(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shards")
	if _, err := run(t, "pretrain", "--corpus", sample, "--vocab", vocab, "--out", out, "--dupe-factor", "1"); err != nil {
		t.Fatal(err)
	}
	shard := filepath.Join(out, "train", "shard-00000.arrow")
	b, err := os.ReadFile(shard)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(shard, b[:len(b)/2], 0o644)
	_, err = run(t, "inspect", out)
	if err == nil || cli.ExitCode(err) != 1 || !strings.Contains(err.Error(), "shard-00000.arrow") {
		t.Fatalf("truncated shard: %v", err)
	}
	foreign := filepath.Join(t.TempDir(), "x")
	os.MkdirAll(foreign, 0o755)
	if _, err := run(t, "inspect", foreign); err == nil || cli.ExitCode(err) != 1 {
		t.Fatalf("directory without shards: %v", err)
	}
}

func TestTokenize(t *testing.T) {
	in := "Hello, World.\n\n"
	var out bytes.Buffer
	v, err := wordpiece.LoadVocab(vocab)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokenizeLines(strings.NewReader(in), &out, wordpiece.New(v, wordpiece.Options{Lowercase: true}), true); err != nil {
		t.Fatal(err)
	}
	if want := "hello , world .\n\n"; out.String() != want {
		t.Errorf("tokens:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	tokenizeLines(strings.NewReader(in), &out, wordpiece.New(v, wordpiece.Options{Lowercase: true}), false)
	// Ids of these tokens in Google's published bert-base-uncased vocab.txt.
	if want := "7592 1010 2088 1012\n\n"; out.String() != want {
		t.Errorf("ids %q, want %q", out.String(), want)
	}
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"pretrain", "--help"}, 0},
		{[]string{"inspect", "--help"}, 0},
		{[]string{"pretrain"}, 2},
		{[]string{"pretrain", "--corpus", sample, "--vocab", vocab}, 2},
		{[]string{"pretrain", "--corpus", sample, "--vocab", "/nope.txt", "--out", "o"}, 1},
		{[]string{"inspect"}, 2},
		{[]string{"tokenize"}, 2},
	} {
		_, err := run(t, c.args...)
		if code := cli.ExitCode(err); code != c.code {
			t.Errorf("%q: exit %d (%v), want %d", c.args, code, err, c.code)
		}
	}
}

func TestVocab(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	for i, out := range []string{a, b} {
		if _, err := run(t, "vocab", "--corpus", sample, "--size", "2000", "--out", out, "--workers", []string{"1", "3"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Fatal("the same corpus gave two different vocabularies with 1 and 3 workers")
	}
	// With a word bound that forces spilling and pruning, the result still
	// does not depend on the number of workers, and no temporary file stays.
	c, d := filepath.Join(dir, "c.txt"), filepath.Join(dir, "d.txt")
	for i, out := range []string{c, d} {
		if _, err := run(t, "vocab", "--corpus", sample, "--size", "2000", "--out", out, "--max-words", "4096",
			"--workers", []string{"1", "3"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	z, _ := os.ReadFile(c)
	w, _ := os.ReadFile(d)
	if !bytes.Equal(z, w) || len(z) == 0 {
		t.Fatal("a bounded count gave different vocabularies with 1 and 3 workers")
	}
	if left, _ := os.ReadDir(dir); len(left) != 4 {
		t.Errorf("files left in the output directory: %d entries, want the 4 vocabularies", len(left))
	}
	lines := strings.Split(strings.TrimSuffix(string(x), "\n"), "\n")
	if len(lines) != 2000 || strings.Join(lines[:5], " ") != "[PAD] [UNK] [CLS] [SEP] [MASK]" {
		t.Fatalf("%d tokens starting %q", len(lines), lines[:5])
	}
	// The training text itself tokenizes without [UNK] with its own vocabulary.
	v, err := wordpiece.LoadVocab(a)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(sample)
	ids := wordpiece.New(v, wordpiece.Options{Lowercase: true}).AppendIDs(nil, text)
	for _, id := range ids {
		if id == v.Special().UNK {
			t.Fatal("[UNK] in the training text")
		}
	}
	if perWord := float64(len(ids)) / float64(len(strings.Fields(string(text)))); perWord > 2 {
		t.Errorf("%.2f pieces per word: the vocabulary learned too little", perWord)
	}
}

// With --bin-size, inspect walks every bin and prints every instance once.
func TestInspectBins(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shards")
	if _, err := run(t, "pretrain", "--corpus", sample, "--vocab", vocab, "--out", out, "--dupe-factor", "1",
		"--seq-len", "256", "--max-pred", "40", "--bin-size", "64", "--num-shards", "2"); err != nil {
		t.Fatal(err)
	}
	text, err := run(t, "inspect", out)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := run(t, "stats", out)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscanf(stats, "instances\t%d", &n)
	if got := strings.Count(text, "\n"); got != n || n == 0 {
		t.Fatalf("inspect printed %d instances, stats counts %d", got, n)
	}
}
