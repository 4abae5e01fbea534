package finetune

import (
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const glueTiny = "../glue/testdata/tiny"

// smallModel is a two-layer encoder of width 64 with head h.
func smallModel(vocab int, h bert.Head, labels int) bert.Config {
	return bert.Config{VocabSize: vocab, HiddenSize: 64, NumHiddenLayers: 2, NumAttentionHeads: 2, IntermediateSize: 256,
		HiddenAct: "gelu", HiddenDropoutProb: 0.1, AttentionProbsDropoutProb: 0.1, MaxPositionEmbeddings: 128,
		TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12}.WithHead(h, labels)
}

// quietConfig is a fine-tuning run that logs nothing.
func quietConfig(c *trainer.Config) {
	f := false
	c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	c.Progress = progress.Config{Out: io.Discard, Terminal: &f, Logger: c.Log}
	c.EvalBatches = -1
}

func readGLUE(t *testing.T, task *glue.Task, file string) []glue.Example {
	t.Helper()
	ex, err := glue.Read(task, filepath.Join(glueTiny, task.Name, file))
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestGLUELearns fine-tunes a small model from scratch on three of the
// tiny GLUE tasks (single sentence, sentence pair, regression) and checks
// that the training loss falls and the dev metric ends well above chance.
func TestGLUELearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models")
	}
	v, err := wordpiece.LoadVocab(filepath.Join(glueTiny, "vocab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tok := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	for _, tc := range []struct {
		task   string
		epochs float64
		metric string
		min    float64
	}{
		{"SST-2", 20, "acc", 0.9},
		{"MRPC", 40, "acc", 0.8},
		{"STS-B", 20, "pearson", 0.8},
	} {
		t.Run(tc.task, func(t *testing.T) {
			task, err := glue.Lookup(tc.task)
			if err != nil {
				t.Fatal(err)
			}
			train := readGLUE(t, task, task.Train)
			feats, err := glue.Features(train, tok, 64)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			cfg := trainer.Config{RunParams: trainer.RunParams{Phase: task.Name, BatchSize: 16, GradAccum: 1, LR: 1e-3,
				Warmup: 0.1, MaxSteps: trainer.StepsFor(len(feats), 16, tc.epochs), Optimizer: "adamw", Schedule: "linear",
				Seed: 1, Dropout: 0.1, AttnDropout: 0.1, ClipNorm: 1, Data: "train.tsv"},
				Model: smallModel(v.Len(), bert.SequenceClassification, task.NumLabels()), VocabPath: filepath.Join(glueTiny, "vocab.txt"),
				Out: out}
			quietConfig(&cfg)
			res, err := trainer.FineTune(context.Background(), cfg, GLUE(feats, 64, task.Regression()))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Finished {
				t.Fatalf("result %+v", res)
			}
			first, last, steps := checkLossHalved(t, out)
			p, _, err := trainer.LoadModel(out)
			if err != nil {
				t.Fatal(err)
			}
			dev := readGLUE(t, task, task.Dev[0])
			pred, err := PredictGLUE(context.Background(), p, tok, task, dev, 64, 32)
			if err != nil {
				t.Fatal(err)
			}
			metrics, err := EvaluateGLUE(task, dev, pred)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range metrics {
				if m.Name == tc.metric && !(m.Value >= tc.min) {
					t.Errorf("dev %s %.3f, want at least %.2f", m.Name, m.Value, tc.min)
				}
				t.Logf("%s dev %s %.3f (train loss %.3f → %.3f, %d steps)", task.Name, m.Name, m.Value, first, last, steps)
			}
		})
	}
}

// checkLossHalved fails t unless the fine-tuning run in out ended with a
// mean loss over its last 10 steps below half that of its first 10; it
// returns the two means and the number of steps.
func checkLossHalved(t *testing.T, out string) (first, last float64, steps int) {
	t.Helper()
	losses := readLosses(t, filepath.Join(out, trainer.MetricsName))
	first, last = mean(losses[:10]), mean(losses[len(losses)-10:])
	if !(last < first/2) {
		t.Errorf("training loss %.3f over the first 10 steps, %.3f over the last 10", first, last)
	}
	return first, last, len(losses)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// readLosses returns the loss of each line of a metrics.jsonl.
func readLosses(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []float64
	dec := jsonLines(f)
	for {
		var line struct {
			Loss *float64 `json:"loss"`
		}
		if err := dec.Decode(&line); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if line.Loss != nil && !math.IsNaN(*line.Loss) {
			out = append(out, *line.Loss)
		}
	}
	return out
}

// TestFineTuneResumeIsExact stops a fine-tuning run twice (after 7 and 19
// updates, mid-epoch) and resumes it; the final weights and metrics must be
// those of the run done in one go, bit for bit, and a finished run reruns
// as a no-op.
func TestFineTuneResumeIsExact(t *testing.T) {
	v, err := wordpiece.LoadVocab(filepath.Join(glueTiny, "vocab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	task, _ := glue.Lookup("SST-2")
	feats, err := glue.Features(readGLUE(t, task, task.Train), wordpiece.New(v, wordpiece.Options{Lowercase: true}), 64)
	if err != nil {
		t.Fatal(err)
	}
	run := func(out string, stops ...int64) *trainer.Result {
		var res *trainer.Result
		for _, n := range append(stops, 0) {
			cfg := trainer.Config{RunParams: trainer.RunParams{Phase: "SST-2", BatchSize: 16, GradAccum: 2, LR: 1e-3,
				Warmup: 0.1, MaxSteps: 30, Optimizer: "adamw", Schedule: "linear", Seed: 3, Dropout: 0.1,
				AttnDropout: 0.1, ClipNorm: 1, Data: "train.tsv"},
				Model: smallModel(v.Len(), bert.SequenceClassification, 2), VocabPath: filepath.Join(glueTiny, "vocab.txt"),
				Out: out, Resume: true, StepsThisRun: n, CheckpointEvery: 5}
			quietConfig(&cfg)
			if res, err = trainer.FineTune(context.Background(), cfg, GLUE(feats, 64, false)); err != nil {
				t.Fatal(err)
			}
		}
		return res
	}
	whole, parts := t.TempDir(), t.TempDir()
	run(whole)
	res := run(parts, 7, 12)
	if !res.Finished {
		t.Fatalf("resumed run did not finish: %+v", res)
	}
	for _, name := range []string{bert.WeightsName, trainer.OptimizerName} {
		a, err := os.ReadFile(filepath.Join(whole, trainer.CheckpointsDir, "step-00000030", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(parts, trainer.CheckpointsDir, "step-00000030", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("%s differs between the whole run and the resumed one", name)
		}
	}
	lw, lp := readLosses(t, filepath.Join(whole, trainer.MetricsName)), readLosses(t, filepath.Join(parts, trainer.MetricsName))
	if len(lw) != 30 || len(lp) != 30 {
		t.Fatalf("%d and %d metrics lines, want 30", len(lw), len(lp))
	}
	for i := range lw {
		if lw[i] != lp[i] {
			t.Fatalf("step %d: loss %v in the whole run, %v resumed", i+1, lw[i], lp[i])
		}
	}
	if again := run(parts); !again.Skipped {
		t.Errorf("rerun of a finished run: %+v", again)
	}
}
