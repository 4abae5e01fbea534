package trainer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/internal/shardtest"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/loader"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// tinyModel is a model small enough to train in tests.
func tinyModel(vocab int) bert.Config {
	return bert.Config{VocabSize: vocab, HiddenSize: 32, NumHiddenLayers: 2, NumAttentionHeads: 2, IntermediateSize: 64,
		HiddenAct: "gelu", HiddenDropoutProb: 0.1, AttentionProbsDropoutProb: 0.1, MaxPositionEmbeddings: 64,
		TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12}
}

// quiet sends progress and logs nowhere.
func quiet(c *Config) {
	f := false
	c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	c.Progress = progress.Config{Out: io.Discard, Terminal: &f, Logger: c.Log}
}

func testConfig(t *testing.T, data, vocab, out string) Config {
	c := Config{RunParams: RunParams{BatchSize: 8, GradAccum: 2, World: 1, LR: 1e-3, Warmup: 0.2, MaxSteps: 6,
		Optimizer: "lamb", Schedule: "poly", Seed: 7, Dropout: 0.1, AttnDropout: 0.1, Data: data},
		Model: tinyModel(96), VocabPath: vocab, Out: out, Progress: progress.Config{}}
	quiet(&c)
	return c
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Training N steps, stopping, and resuming for M more gives the same
// bytes as N+M steps straight: weights, optimizer moments and the losses
// logged, with static and with dynamic masking.
func TestResumeIsExact(t *testing.T) {
	for _, masking := range []string{shards.MaskingStatic, shards.MaskingDynamic} {
		t.Run(masking, func(t *testing.T) {
			dir := t.TempDir()
			vocab := shardtest.Vocab(t, dir)
			data := shardtest.Data(t, dir, vocab, masking, 2, 20, 32)
			straight := testConfig(t, data, vocab, filepath.Join(dir, "straight"))
			res, err := Run(context.Background(), straight)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Finished || res.Step != 6 {
				t.Fatalf("straight run: %+v", res)
			}
			split := testConfig(t, data, vocab, filepath.Join(dir, "split"))
			split.Resume = true
			for _, steps := range []int64{2, 3, 1} {
				split.StepsThisRun = steps
				if _, err := Run(context.Background(), split); err != nil {
					t.Fatal(err)
				}
			}
			a, b := filepath.Join(res.Checkpoint), filepath.Join(dir, "split", CheckpointsDir, checkpointName(6))
			for _, name := range []string{bert.WeightsName, OptimizerName} {
				if !bytes.Equal(readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(b, name))) {
					t.Errorf("%s differs between the straight and the resumed run", name)
				}
			}
			if x, y := losses(t, straight.Out), losses(t, split.Out); fmt.Sprint(x) != fmt.Sprint(y) || len(x) != 6 {
				t.Errorf("losses straight %v, resumed %v", x, y)
			}
			if m, err := manifest.Read(split.Out); err != nil || m.Stage != Stage || manifest.Verify(split.Out, m) != nil {
				t.Errorf("the resumed run's manifest: %v", err)
			}
			// A finished run is not redone.
			again, err := Run(context.Background(), split)
			if err != nil || !again.Skipped {
				t.Errorf("rerun of a finished run: %+v, %v", again, err)
			}
		})
	}
}

// losses reads the loss of every update from a run's metrics.
func losses(t *testing.T, out string) []float64 {
	t.Helper()
	var xs []float64
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(out, MetricsName)))), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if l, ok := m["loss"].(float64); ok {
			xs = append(xs, l)
		}
	}
	return xs
}

// The model learns: after a few dozen updates the training loss is well
// below its start, and held-out masked-LM accuracy beats the most
// frequent token.
func TestLearns(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 2, 200, 32)
	c := testConfig(t, data, vocab, filepath.Join(dir, "run"))
	c.MaxSteps, c.GradAccum, c.BatchSize, c.LR, c.Warmup, c.Dropout, c.AttnDropout = 400, 1, 16, 5e-3, 0.05, 0, 0
	c.Model.HiddenDropoutProb, c.Model.AttentionProbsDropoutProb = 0, 0
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	l := losses(t, c.Out)
	first, last := mean(l[:10]), mean(l[len(l)-10:])
	if !(last < first-1) {
		t.Errorf("loss went from %.3f to %.3f in %d updates", first, last, len(l))
	}
	if res.Eval == nil {
		t.Fatal("no held-out evaluation")
	}
	if res.Eval.MLMAccuracy < res.Eval.MostFrequentBaseline+0.05 {
		t.Errorf("held-out MLM accuracy %.3f, most frequent token %.3f", res.Eval.MLMAccuracy, res.Eval.MostFrequentBaseline)
	}
	t.Logf("loss %.3f → %.3f; held-out MLM accuracy %.3f (baseline %.3f), NSP %.3f", first, last,
		res.Eval.MLMAccuracy, res.Eval.MostFrequentBaseline, res.Eval.NSPAccuracy)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Evaluation does not depend on the batch size, and runs without dropout.
func TestEvalBatchIndependent(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 30, 32)
	p, err := bert.NewParams(tinyModel(96), 3)
	if err != nil {
		t.Fatal(err)
	}
	var rs []EvalResult
	for _, bs := range []int{1, 4, 7, 30} {
		r, err := EvaluateDir(context.Background(), p, filepath.Join(data, "holdout"), vocab, bs, 0)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	for _, r := range rs[1:] {
		if r.Instances != rs[0].Instances || r.MaskedTokens != rs[0].MaskedTokens ||
			math.Abs(r.MLMLoss-rs[0].MLMLoss) > 1e-5*rs[0].MLMLoss || math.Abs(r.NSPLoss-rs[0].NSPLoss) > 1e-5*rs[0].NSPLoss ||
			r.MLMAccuracy != rs[0].MLMAccuracy || r.NSPAccuracy != rs[0].NSPAccuracy {
			t.Errorf("batch-size dependence: %+v vs %+v", r, rs[0])
		}
	}
	if rs[0].Instances != 30 || math.Abs(rs[0].MLMLoss-math.Log(96)) > 0.5 {
		t.Errorf("untrained model: %+v (want 30 instances, loss near ln 96 = %.2f)", rs[0], math.Log(96))
	}
}

// Bad setups fail before any compute, with errors that say what is wrong.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 20, 32)
	other := filepath.Join(dir, "other-vocab.txt")
	os.WriteFile(other, append(readFile(t, vocab)[:len(readFile(t, vocab))-3], []byte("zz\n")...), 0o644)

	c := testConfig(t, data, other, filepath.Join(dir, "a"))
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "vocab") {
		t.Errorf("shards made with another vocabulary: %v", err)
	}
	c = testConfig(t, data, vocab, filepath.Join(dir, "b"))
	c.StepsThisRun = 1
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("existing checkpoints without resume: %v", err)
	}
	c.Resume, c.LR = true, 2e-3
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("resume with another learning rate: %v", err)
	}
	c = testConfig(t, data, vocab, filepath.Join(dir, "c"))
	c.BatchSize = 7
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "multiple") {
		t.Errorf("batch size not divisible by grad-accum: %v", err)
	}
	c = testConfig(t, data, vocab, filepath.Join(dir, "d"))
	c.Model.MaxPositionEmbeddings = 16
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "positions") {
		t.Errorf("sequences longer than the model's positions: %v", err)
	}
}

// Non-finite losses skip updates and, repeated, stop the run with an error
// instead of training on garbage.
func TestNonFiniteStops(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 40, 32)
	p, err := bert.NewParams(tinyModel(96), 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Tensor("bert.embeddings.LayerNorm.weight") {
		p.Tensor("bert.embeddings.LayerNorm.weight")[i] = float32(math.Inf(1))
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	if err := bert.Save(bad, p, vocab); err != nil {
		t.Fatal(err)
	}
	c := testConfig(t, data, vocab, filepath.Join(dir, "run"))
	c.InitFrom, c.MaxSkipped, c.MaxSteps = bad, 3, 20
	_, err = Run(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("training from infinite weights: %v", err)
	}
	var skipped int
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(c.Out, MetricsName)))), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if m["skipped"] == true {
			skipped++
		}
	}
	if skipped != 3 {
		t.Errorf("%d skipped updates logged, want 3", skipped)
	}
}

// Checkpoints beyond --keep-checkpoints are deleted, oldest first, and
// a stray temporary directory from a killed save is removed.
func TestKeepCheckpoints(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 20, 32)
	c := testConfig(t, data, vocab, filepath.Join(dir, "run"))
	c.CheckpointEvery, c.KeepCheckpoints = 1, 2
	stray := filepath.Join(c.Out, CheckpointsDir, ".tmp-"+checkpointName(3))
	os.MkdirAll(stray, 0o755)
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	steps, err := listCheckpoints(filepath.Join(c.Out, CheckpointsDir))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(steps) != "[5 6]" {
		t.Errorf("checkpoints kept: %v, want [5 6]", steps)
	}
	if _, err := os.Stat(stray); err == nil {
		t.Error("temporary checkpoint directory left behind")
	}
	m, err := manifest.Read(filepath.Join(c.Out, CheckpointsDir, checkpointName(6)))
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.Verify(filepath.Join(c.Out, CheckpointsDir, checkpointName(6)), m); err != nil {
		t.Error(err)
	}
}

// An update with gradient accumulation averages the gradients of its
// micro-batches: the gradient norm it reports is that of the mean of the
// micro-batches' gradients, each computed on its own.
func TestGradientAccumulation(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 40, 32)
	c := testConfig(t, data, vocab, filepath.Join(dir, "run"))
	c.GradAccum, c.BatchSize, c.MaxSteps = 3, 12, 1
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var logged StepMetrics
	if err := json.Unmarshal([]byte(strings.SplitN(string(readFile(t, filepath.Join(c.Out, MetricsName))), "\n", 2)[0]), &logged); err != nil {
		t.Fatal(err)
	}

	// The same three micro-batches, one model each, with the dropout steps the run used.
	p, err := bert.NewParams(c.Model, c.Seed)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := wordpiece.LoadVocab(vocab)
	l, err := loader.Open(loader.Config{Dir: filepath.Join(data, "train"), BatchSize: 4, Seed: c.Seed, Shuffle: true, Mask: maskConfig(v)}, loader.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sum := make([]float64, len(p.Data))
	var loss float64
	for k := range 3 {
		b, _, err := l.Next()
		if err != nil {
			t.Fatal(err)
		}
		m := bert.NewModel(p, b.B, b.T)
		m.Dropout = bert.Dropout{Hidden: 0.1, Attention: 0.1, Seed: c.Seed, Step: uint64(k)}
		ls, err := m.Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		m.Backward(b)
		loss += float64(ls.Total) / 3
		for i, g := range m.Grads {
			sum[i] += float64(g) / 3
		}
	}
	var sq float64
	for _, g := range sum {
		sq += g * g
	}
	if want := math.Sqrt(sq); math.Abs(logged.GradNorm-want) > 1e-5*want {
		t.Errorf("gradient norm %.7g, mean of the micro-batches' gradients has %.7g", logged.GradNorm, want)
	}
	if math.Abs(logged.Loss-loss) > 1e-6*loss {
		t.Errorf("loss %.7g, mean of the micro-batches' %.7g", logged.Loss, loss)
	}
}

// A run that stopped after its last checkpoint and evaluation but before
// its manifest finishes on the next start, and every step, the final
// evaluation included, appears once in the metrics.
func TestFinishAfterKill(t *testing.T) {
	dir := t.TempDir()
	vocab := shardtest.Vocab(t, dir)
	data := shardtest.Data(t, dir, vocab, shards.MaskingStatic, 1, 20, 32)
	c := testConfig(t, data, vocab, filepath.Join(dir, "run"))
	c.MaxSteps, c.Resume = 3, true
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(c.Out, manifest.Name)); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), c)
	if err != nil || !res.Finished || res.Skipped {
		t.Fatalf("rerun: %+v, %v", res, err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(c.Out, MetricsName)))), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		kind := "update"
		if _, ok := m["eval_mlm_loss"]; ok {
			kind = "eval"
		}
		counts[fmt.Sprintf("%s@%v", kind, m["step"])]++
	}
	want := map[string]int{"update@1": 1, "update@2": 1, "update@3": 1, "eval@3": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("metrics lines %v, want %v", counts, want)
	}
}

// Metrics lines are what encoding/json writes, with null for the
// non-finite numbers it refuses.
func TestFiniteJSON(t *testing.T) {
	ok := StepMetrics{Step: 3, Loss: 1.5, LR: 1e-4, GradNorm: 0.25}
	want, _ := json.Marshal(ok)
	if got, err := finiteJSON(ok); err != nil || string(got) != string(want) {
		t.Errorf("finiteJSON = %s, %v; encoding/json gives %s", got, err, want)
	}
	bad := StepMetrics{Phase: "phase1", Step: 4, Loss: math.NaN(), GradNorm: math.Inf(1), Skipped: true}
	got, err := finiteJSON(bad)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if v, present := m["loss"]; !present || v != nil || m["grad_norm"] != nil || m["skipped"] != true || m["phase"] != "phase1" || m["step"] != 4.0 {
		t.Errorf("finiteJSON = %s", got)
	}
}
