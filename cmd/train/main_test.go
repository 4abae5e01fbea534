package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bertline/bertline/internal/killtest"
	"github.com/bertline/bertline/internal/shardtest"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/trainer"
)

func TestMain(m *testing.M) {
	killtest.RunIfChild(func(args []string) { os.Args = append([]string{"train"}, args...); cli.Main(program) })
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := program.Run(context.Background(), args, &out, &errb)
	return out.String(), err
}

// setup writes a vocabulary, shards and a tiny model config; it returns
// the arguments of a run writing to out (without --out).
func setup(t *testing.T, steps string) []string {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingDynamic, 2, 40, 32)
	cfg := filepath.Join(dir, "config.json")
	os.WriteFile(cfg, []byte(`{"vocab_size":96,"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":2,
		"intermediate_size":64,"hidden_act":"gelu","hidden_dropout_prob":0.1,"attention_probs_dropout_prob":0.1,
		"max_position_embeddings":64,"type_vocab_size":2,"initializer_range":0.02,"layer_norm_eps":1e-12}`), 0o644)
	return []string{"pretrain", "--data", data, "--vocab", vocab, "--model", cfg, "--batch-size", "8", "--grad-accum", "2",
		"--max-steps", steps, "--warmup", "0.1", "--threads", "2", "--seed", "5"}
}

func weights(t *testing.T, out string) []byte {
	t.Helper()
	dir, err := trainer.ResolveCheckpoint(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A run ends with a checkpoint, metrics with every field the issue names,
// and a picture of them; phase 2 starts from phase 1.
func TestPretrainAndPhase2(t *testing.T) {
	args := setup(t, "5")
	out := filepath.Join(t.TempDir(), "run")
	if _, err := run(t, append(args, "--out", out)...); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(must(os.ReadFile(filepath.Join(out, "metrics.jsonl"))))), "\n")
	if len(lines) < 5 {
		t.Fatalf("%d metrics lines", len(lines))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"step", "loss", "mlm_loss", "nsp_loss", "mlm_accuracy", "lr", "grad_norm", "seq_per_s", "tokens_per_s", "elapsed_s"} {
		if _, ok := m[k]; !ok {
			t.Errorf("metrics lack %q: %s", k, lines[0])
		}
	}
	img, err := png.Decode(bytes.NewReader(must(os.ReadFile(filepath.Join(out, PlotName)))))
	if err != nil || img.Bounds().Dx() < 400 {
		t.Errorf("metrics.png: %v", err)
	}
	p2 := filepath.Join(t.TempDir(), "phase2")
	args2 := setup(t, "3")
	args2 = append(args2[:len(args2):len(args2)], "--phase2", "--init-checkpoint", out, "--out", p2)
	if _, err := run(t, args2...); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(weights(t, out), weights(t, p2)) {
		t.Error("phase 2 did not change the weights")
	}
	if _, err := run(t, "plot", out, p2, "--out", filepath.Join(t.TempDir(), "both.png")); err != nil {
		t.Error(err)
	}
}

// Usage errors exit 2, data errors 1, each with a one-line message.
func TestErrors(t *testing.T) {
	args := setup(t, "2")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pretrain", "--data", "x"}, 2, "required"},
		{append(args, "--out", t.TempDir(), "--device", "tpu"), 2, "--device"},
		{append(args, "--out", t.TempDir(), "--device", "cuda"), 1, "CUDA"},
		{append(args, "--out", t.TempDir(), "--model", "enormous"), 2, "enormous"},
		{append(args, "--out", t.TempDir(), "--phase2"), 2, "--init-checkpoint"},
		{[]string{"pretrain", "--data", t.TempDir(), "--vocab", "/nonexistent/vocab.txt", "--out", t.TempDir(), "--model", "tiny", "--max-steps", "1"}, 1, "vocab.txt"},
	} {
		_, err := run(t, tc.args...)
		if err == nil || cli.ExitCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want exit %d mentioning %q", tc.args, cli.ExitCode(err), err, tc.code, tc.want)
		}
	}
}

// SIGTERM (Slurm pre-emption) makes train checkpoint and exit 0; resumed,
// the run ends with the weights of an uninterrupted one. So does SIGKILL at
// random moments, with --resume.
func TestSignalsAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs train in subprocesses")
	}
	args := setup(t, "40")
	args = append(args, "--checkpoint-every", "4")
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := run(t, append(args, "--out", ref)...); err != nil {
		t.Fatal(err)
	}
	want := weights(t, ref)

	out := filepath.Join(t.TempDir(), "term")
	if code := killtest.SignalAfter(t, append(args, "--out", out), syscall.SIGTERM, 300*time.Millisecond); code != 0 {
		t.Errorf("SIGTERM: exit code %d, want 0", code)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Log("the run finished before SIGTERM arrived; the signal path was not exercised")
	} else if _, err := trainer.ResolveCheckpoint(out); err != nil {
		t.Errorf("no checkpoint after SIGTERM: %v", err)
	}
	if _, err := run(t, append(args, "--out", out, "--resume")...); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(weights(t, out), want) {
		t.Error("weights after SIGTERM and resume differ from an uninterrupted run")
	}

	rng := rand.New(rand.NewPCG(1, 2))
	killed := 0
	for trial := range 4 {
		out := filepath.Join(t.TempDir(), "kill")
		for range 3 {
			if killtest.KillAfter(t, append(args, "--out", out, "--resume"), time.Duration(100+rng.IntN(800))*time.Millisecond) {
				killed++
			}
		}
		if _, err := run(t, append(args, "--out", out, "--resume")...); err != nil {
			t.Fatalf("trial %d: resume: %v", trial, err)
		}
		if !bytes.Equal(weights(t, out), want) {
			t.Errorf("trial %d: weights after kills and resume differ from an uninterrupted run", trial)
		}
	}
	t.Logf("%d of 12 runs were killed before finishing", killed)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
