package optim

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// torchRef is testdata/torch_ref.json, written by testdata/gen/torch_ref.py.
type torchRef struct {
	Shapes [][3]any    `json:"shapes"`
	Init   []float64   `json:"init"`
	Grads  [][]float64 `json:"grads"`
	LAMB   []struct {
		LR       float64   `json:"lr"`
		GradNorm float64   `json:"grad_norm"`
		Params   []float64 `json:"params"`
	} `json:"lamb"`
	AdamW []struct {
		LR     float64   `json:"lr"`
		Params []float64 `json:"params"`
	} `json:"adamw"`
	Poly   []float64 `json:"poly"`
	Linear []float64 `json:"linear"`
}

func loadRef(t *testing.T) (*torchRef, []Group) {
	t.Helper()
	b, err := os.ReadFile("testdata/torch_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	ref := new(torchRef)
	if err := json.Unmarshal(b, ref); err != nil {
		t.Fatal(err)
	}
	var groups []Group
	off := 0
	for _, s := range ref.Shapes {
		n := 1
		for _, d := range s[1].([]any) {
			n *= int(d.(float64))
		}
		groups = append(groups, Group{Offset: off, Size: n, Decay: s[2].(bool)})
		off += n
	}
	return ref, groups
}

func f32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func closeTo(t *testing.T, what string, got []float32, want []float64, rtol float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > rtol*math.Max(1e-3, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, PyTorch %v", what, i, got[i], want[i])
		}
	}
}

// Six LAMB steps (one with a gradient norm above the clipping threshold) and
// six AdamW steps, with their schedules, agree with the PyTorch reference.
func TestAgainstTorch(t *testing.T) {
	ref, groups := loadRef(t)
	total := int64(len(ref.LAMB))

	params := f32(ref.Init)
	st := NewState(len(params))
	for step, want := range ref.LAMB {
		lr := PolyWarmup(0.01, int64(step), total, 0.34, 0.5)
		if math.Abs(lr-want.LR) > 1e-12 {
			t.Fatalf("LAMB step %d: lr %v, reference %v", step+1, lr, want.LR)
		}
		gnorm, err := DefaultLAMB.Step(params, f32(ref.Grads[step]), st, groups, lr)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(gnorm-want.GradNorm) > 1e-5*want.GradNorm {
			t.Fatalf("LAMB step %d: grad norm %v, reference %v", step+1, gnorm, want.GradNorm)
		}
		closeTo(t, "LAMB step params", params, want.Params, 1e-5)
	}

	params = f32(ref.Init)
	st = NewState(len(params))
	for step, want := range ref.AdamW {
		lr := LinearWarmup(1e-3, int64(step), 2, total)
		if math.Abs(lr-want.LR) > 1e-15 {
			t.Fatalf("AdamW step %d: lr %v, reference %v", step+1, lr, want.LR)
		}
		if err := DefaultAdamW.Step(params, f32(ref.Grads[step]), st, groups, lr); err != nil {
			t.Fatal(err)
		}
		closeTo(t, "AdamW params", params, want.Params, 1e-5)
	}
	for i, want := range ref.Poly {
		if got := PolyWarmup(1, int64(5*i), 100, 0.1, 0.5); math.Abs(got-want) > 1e-12 {
			t.Errorf("PolyWarmup(step %d) = %v, want %v", 5*i, got, want)
		}
	}
	for i, want := range ref.Linear {
		if got := LinearWarmup(1, int64(5*i), 10, 100); math.Abs(got-want) > 1e-12 {
			t.Errorf("LinearWarmup(step %d) = %v, want %v", 5*i, got, want)
		}
	}
}

// A non-finite gradient leaves parameters and state untouched.
func TestNonFiniteGradient(t *testing.T) {
	params := []float32{1, 2}
	grads := []float32{float32(math.NaN()), 1}
	st := NewState(2)
	gnorm, err := DefaultLAMB.Step(params, grads, st, []Group{{0, 2, true}}, 0.1)
	if err != nil || !math.IsNaN(gnorm) || params[0] != 1 || params[1] != 2 || st.Step != 0 {
		t.Fatalf("norm %v err %v params %v step %d", gnorm, err, params, st.Step)
	}
	if _, err := DefaultLAMB.Step(params, grads[:1], st, nil, 0.1); err == nil {
		t.Error("mismatched lengths accepted")
	}
}
