package trainer_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bertline/bertline/pkg/trainer"
)

// evalRefDir holds a checkpoint trained briefly on the sample corpus, its
// held-out shard, and the metrics an independent PyTorch implementation
// (testdata/gen/eval_ref.py) computes on that shard; testdata/gen/make_fixture.sh
// makes it.
const evalRefDir = "testdata/evalref"

// evalRefTol is the relative tolerance on losses and perplexity: the Go
// model runs in float32 and the reference in float64.
const evalRefTol = 1e-5

// TestEvaluateMatchesReference checks EvaluateDir against eval_ref.py on
// the fixture at two batch sizes (both leave a partial last batch of the 180
// instances): counts and accuracies exactly, losses and perplexity
// to evalRefTol. An accuracy that differs means an arg-max came out
// differently, which float32 rounding can only cause on a near-tie
// (make_fixture.sh prints the smallest top-2 gap of the reference).
func TestEvaluateMatchesReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(evalRefDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]float64
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("%s/expected.json: %v", evalRefDir, err)
	}
	p, _, err := trainer.LoadModel(evalRefDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, bs := range []int{7, 32} {
		res, err := trainer.EvaluateDir(context.Background(), p, filepath.Join(evalRefDir, "holdout"),
			filepath.Join(evalRefDir, "vocab.txt"), bs, 0)
		if err != nil {
			t.Fatalf("batch size %d: %v", bs, err)
		}
		got := asFields(t, res)
		for _, k := range sortedKeys(got) {
			if _, ok := want[k]; !ok {
				t.Errorf("batch size %d: field %s = %v has no reference in expected.json (extend eval_ref.py and rerun make_fixture.sh)", bs, k, got[k])
			}
		}
		for _, k := range sortedKeys(want) {
			g, ok := got[k]
			w := want[k]
			switch {
			case !ok:
				t.Errorf("batch size %d: expected.json has %s, EvalResult does not", bs, k)
			case k == "mlm_loss" || k == "mlm_perplexity" || k == "nsp_loss":
				if math.Abs(g-w) > evalRefTol*math.Abs(w) || math.IsNaN(g) {
					t.Errorf("batch size %d: %s = %.9g, reference %.9g (relative error %.2g > %g)", bs, k, g, w, math.Abs(g-w)/math.Abs(w), evalRefTol)
				}
			case k == "mlm_accuracy" || k == "mlm_accuracy_most_frequent_baseline":
				if g != w {
					t.Errorf("batch size %d: %s = %v, reference %v (%+.0f of %d masked tokens)", bs, k, g, w, (g-w)*float64(res.MaskedTokens), res.MaskedTokens)
				}
			case k == "nsp_accuracy":
				if g != w {
					t.Errorf("batch size %d: %s = %v, reference %v (%+.0f of %d instances)", bs, k, g, w, (g-w)*float64(res.Instances), res.Instances)
				}
			default: // counts and token ids
				if g != w {
					t.Errorf("batch size %d: %s = %v, reference %v", bs, k, g, w)
				}
			}
		}
	}
}

// asFields returns the JSON fields of r as numbers, as expected.json holds them.
func asFields(t *testing.T, r trainer.EvalResult) map[string]float64 {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("EvalResult as JSON: %v", err)
	}
	return m
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
