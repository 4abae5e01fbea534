package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/safetensors"
	"github.com/bertline/bertline/pkg/trainer"
)

const (
	glueTiny  = "../../pkg/glue/testdata/tiny"
	squadTiny = "../../pkg/squad/testdata/tiny"
)

// A checkpoint of train pretrain fine-tunes for GLUE and SQuAD as it is:
// the encoder comes from it, the head is new and named as transformers
// names it, the dev files are evaluated at the end, and a rerun is a no-op.
func TestFineTuneFromPretraining(t *testing.T) {
	pre := filepath.Join(t.TempDir(), "pre")
	if _, err := run(t, append(setup(t, "3"), "--out", pre)...); err != nil {
		t.Fatal(err)
	}
	common := []string{"--init-checkpoint", pre, "--epochs", "1", "--batch-size", "8", "--lr", "1e-3", "--threads", "2"}
	glueOut := filepath.Join(t.TempDir(), "sst2")
	glueArgs := append([]string{"glue", "--task", "sst2", "--data", glueTiny, "--out", glueOut, "--seq-len", "32"}, common...)
	if _, err := run(t, glueArgs...); err != nil {
		t.Fatal(err)
	}
	squadOut := filepath.Join(t.TempDir(), "squad")
	if _, err := run(t, append([]string{"squad", "--train", filepath.Join(squadTiny, "train-v2.0.json"),
		"--dev", filepath.Join(squadTiny, "dev-v2.0.json"), "--out", squadOut, "--seq-len", "64", "--doc-stride", "32",
		"--max-query-len", "16"}, common...)...); err != nil {
		t.Fatal(err)
	}
	preDir, err := trainer.ResolveCheckpoint(pre)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		out  string
		head bert.Head
		has  []string
		not  []string
	}{
		{glueOut, bert.SequenceClassification, []string{"bert.pooler.dense.weight", "classifier.weight"}, []string{"cls.seq_relationship.weight", "qa_outputs.weight"}},
		{squadOut, bert.QuestionAnswering, []string{"qa_outputs.weight"}, []string{"bert.pooler.dense.weight", "classifier.weight", "cls.predictions.bias"}},
	} {
		dir, err := trainer.ResolveCheckpoint(tc.out)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := bert.LoadConfig(filepath.Join(dir, bert.ConfigName))
		if err != nil || cfg.Head != tc.head {
			t.Fatalf("%s: config %+v, %v", dir, cfg, err)
		}
		f, err := safetensors.Open(filepath.Join(dir, bert.WeightsName))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range tc.has {
			if _, ok := f.Info(name); !ok {
				t.Errorf("%s lacks %s", dir, name)
			}
		}
		for _, name := range tc.not {
			if _, ok := f.Info(name); ok {
				t.Errorf("%s has %s", dir, name)
			}
		}
		f.Close()
		if _, err := os.Stat(filepath.Join(tc.out, "eval_results.json")); err != nil {
			t.Errorf("no evaluation: %v", err)
		}
		// The vocabulary is the pretraining one, carried along.
		if a, b := must(os.ReadFile(filepath.Join(dir, bert.VocabName))), must(os.ReadFile(filepath.Join(preDir, bert.VocabName))); string(a) != string(b) {
			t.Error("vocab.txt differs from the pretraining checkpoint's")
		}
	}
	var sq map[string]any
	if err := json.Unmarshal(must(os.ReadFile(filepath.Join(squadOut, "eval_results.json"))), &sq); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"exact", "f1", "total", "HasAns_exact", "NoAns_exact", "best_f1", "best_f1_thresh"} {
		if _, ok := sq[k]; !ok {
			t.Errorf("SQuAD 2.0 results lack %s: %v", k, sq)
		}
	}
	for _, name := range []string{"predictions.json", "nbest_predictions.json", "null_odds.json"} {
		if _, err := os.Stat(filepath.Join(squadOut, name)); err != nil {
			t.Error(err)
		}
	}
	before := must(os.ReadFile(filepath.Join(glueOut, "metrics.jsonl")))
	if _, err := run(t, glueArgs...); err != nil {
		t.Fatal(err)
	}
	if after := must(os.ReadFile(filepath.Join(glueOut, "metrics.jsonl"))); string(after) != string(before) {
		t.Error("rerunning a finished fine-tuning changed its metrics")
	}
}

// Fine-tuning refuses bad input with one line and the right exit code.
func TestFineTuneErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version": "1.1", "data": [{"title": "x", "paragraphs": [{"context": "a b", "qas": [{"id": 3}]}]}]}`), 0o644)
	vocab := filepath.Join(squadTiny, "vocab.txt")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"squad", "--train", bad, "--out", dir}, 2, "--init-checkpoint"},
		{[]string{"squad", "--model", "tiny", "--out", dir}, 2, "--train"},
		{[]string{"squad", "--model", "tiny", "--vocab", vocab, "--train", bad, "--out", dir}, 1, "bad.json:1"},
		{[]string{"squad", "--init-checkpoint", filepath.Join(dir, "none"), "--train", bad, "--out", dir}, 1, "none"},
		{[]string{"glue", "--task", "XNLI", "--data", glueTiny, "--model", "tiny", "--vocab", vocab, "--out", dir}, 2, "XNLI"},
		{[]string{"glue", "--task", "RTE", "--data", glueTiny, "--model", "tiny", "--vocab", vocab, "--out", dir}, 1, "RTE"},
		{[]string{"glue", "--task", "CoLA", "--data", glueTiny, "--model", "tiny", "--vocab", vocab, "--out", dir, "--device", "cuda"}, 1, "CUDA"},
		{[]string{"glue", "--task", "CoLA", "--data", glueTiny, "--model", "tiny", "--vocab", vocab, "--out", dir, "--epochs", "0"}, 2, "--epochs"},
	} {
		_, err := run(t, tc.args...)
		if err == nil || cli.ExitCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want exit %d mentioning %q", tc.args, cli.ExitCode(err), err, tc.code, tc.want)
		}
	}
}
