package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/internal/shardtest"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/trainer"
)

func run(args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := program.Run(context.Background(), args, &out, &errb)
	return out.String(), err
}

// trained returns shard data, and a training output directory after a few updates on it.
func trained(t *testing.T) (data, runDir string) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data = shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 30, 32)
	f := false
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := trainer.Config{RunParams: trainer.RunParams{BatchSize: 8, GradAccum: 1, World: 1, LR: 1e-3, Warmup: 0.1, MaxSteps: 3,
		Optimizer: "lamb", Schedule: "poly", Seed: 1, Data: data},
		Model: bert.Config{VocabSize: 96, HiddenSize: 32, NumHiddenLayers: 1, NumAttentionHeads: 2, IntermediateSize: 64,
			HiddenAct: "gelu", MaxPositionEmbeddings: 64, TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12},
		VocabPath: vocab, Out: filepath.Join(dir, "run"), EvalBatches: -1, Log: log,
		Progress: progress.Config{Out: io.Discard, Terminal: &f, Logger: log}}
	if _, err := trainer.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return data, c.Out
}

// eval pretrain prints one JSON object with the held-out metrics; the
// same numbers for any batch size, from the run directory or its checkpoint.
func TestPretrain(t *testing.T) {
	data, runDir := trained(t)
	var results []map[string]any
	for _, args := range [][]string{
		{"pretrain", "--checkpoint", runDir, "--data", data},
		{"pretrain", "--checkpoint", filepath.Join(runDir, "checkpoints", "step-00000003"), "--data", data, "--batch-size", "3", "--threads", "1"},
	} {
		out, err := run(args...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(out, "\n") != 1 {
			t.Fatalf("want one JSON line, got %q", out)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"mlm_accuracy", "mlm_loss", "mlm_perplexity", "nsp_accuracy", "nsp_loss", "mlm_accuracy_most_frequent_baseline"} {
			if _, ok := r[k].(float64); !ok {
				t.Errorf("no %s in %s", k, out)
			}
		}
		results = append(results, r)
	}
	if results[0]["instances"] != 30.0 || results[0]["mlm_accuracy"] != results[1]["mlm_accuracy"] {
		t.Errorf("results differ: %v vs %v", results[0], results[1])
	}
	if a, b := results[0]["mlm_loss"].(float64), results[1]["mlm_loss"].(float64); a-b > 1e-5*a || b-a > 1e-5*a {
		t.Errorf("mlm_loss %v with batch 8, %v with batch 3", a, b)
	}
}

// Bad input gives one-line errors and the right exit codes.
func TestErrors(t *testing.T) {
	data, runDir := trained(t)
	otherVocab := filepath.Join(t.TempDir(), "vocab.txt")
	b, _ := os.ReadFile(filepath.Join(runDir, "checkpoints", "step-00000003", "vocab.txt"))
	os.WriteFile(otherVocab, append(b[:len(b)-3], "zz\n"...), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pretrain", "--data", data}, 2, "required"},
		{[]string{"pretrain", "--checkpoint", runDir, "--data", data, "--split", "dev"}, 2, "--split"},
		{[]string{"pretrain", "--checkpoint", t.TempDir(), "--data", data}, 1, "model.safetensors"},
		{[]string{"pretrain", "--checkpoint", runDir, "--data", t.TempDir()}, 1, "holdout"},
		{[]string{"pretrain", "--checkpoint", runDir, "--data", data, "--vocab", otherVocab}, 1, "vocab"},
	} {
		_, err := run(tc.args...)
		if err == nil || cli.ExitCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want exit %d mentioning %q", tc.args, cli.ExitCode(err), err, tc.code, tc.want)
		}
	}
}
