package finetune

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const squadTiny = "../squad/testdata/tiny"

// TestSQuADLearns fine-tunes a small model from scratch on the tiny SQuAD
// 1.1 and 2.0 sets and checks that the loss falls and the official dev F1
// ends well above what guessing gets.
func TestSQuADLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models")
	}
	vocabPath := filepath.Join(squadTiny, "vocab.txt")
	v, err := wordpiece.LoadVocab(vocabPath)
	if err != nil {
		t.Fatal(err)
	}
	tok := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	fc := squad.FeatureConfig{SeqLen: 64, DocStride: 32, MaxQueryLen: 16}
	for _, tc := range []struct {
		version string
		epochs  float64
		minF1   float64
	}{
		{"1.1", 40, 70},
		{"2.0", 80, 70},
	} {
		t.Run(tc.version, func(t *testing.T) {
			train, err := squad.Load(filepath.Join(squadTiny, "train-v"+tc.version+".json"), true)
			if err != nil {
				t.Fatal(err)
			}
			feats, err := squad.Features(train.Examples, tok, fc, true)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			cfg := trainer.Config{RunParams: trainer.RunParams{Phase: "squad", BatchSize: 32, GradAccum: 1, LR: 1e-3,
				Warmup: 0.2, MaxSteps: trainer.StepsFor(len(feats), 32, tc.epochs), Optimizer: "adamw", Schedule: "linear",
				Seed: 1, Dropout: 0.1, AttnDropout: 0.1, ClipNorm: 1, Data: "train.json"},
				Model: smallModel(v.Len(), bert.QuestionAnswering, 0), VocabPath: vocabPath, Out: out}
			quietConfig(&cfg)
			if _, err := trainer.FineTune(context.Background(), cfg, SQuAD(feats, fc.SeqLen)); err != nil {
				t.Fatal(err)
			}
			first, last, steps := checkLossHalved(t, out)
			p, _, err := trainer.LoadModel(out)
			if err != nil {
				t.Fatal(err)
			}
			dev, err := squad.Load(filepath.Join(squadTiny, "dev-v"+tc.version+".json"), false)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := EvaluateSQuAD(context.Background(), p, tok, dev, fc, squad.DefaultPredictConfig(), 64, t.TempDir(),
				squad.DefaultNAProbThresh)
			if err != nil {
				t.Fatal(err)
			}
			var em, f1 float64
			if rep.V1 != nil {
				em, f1 = rep.V1.ExactMatch, rep.V1.F1
			} else {
				em, f1 = rep.V2.Exact, rep.V2.F1
			}
			t.Logf("SQuAD %s dev: exact %.1f, F1 %.1f (train loss %.3f → %.3f, %d steps, %d features)", tc.version, em, f1,
				first, last, steps, len(feats))
			if !(f1 >= tc.minF1) {
				t.Errorf("dev F1 %.1f, want at least %.0f", f1, tc.minF1)
			}
		})
	}
}
