package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCrossEntropyForward(t *testing.T) {
	// Uniform logits: every class has probability 1/v, the loss is ln v,
	// whatever the padding columns hold.
	p, v, vp := 3, 5, 8
	logits := zeros(p * vp)
	for i := range p {
		for j := v; j < vp; j++ {
			logits[i*vp+j] = 50 // padding must not enter the softmax
		}
	}
	targets := []int32{0, 4, 2}
	got, correct, count := crossEntropy(nil, logits, targets, p, v, vp)
	if math.Abs(float64(got)-math.Log(5)) > 1e-6 {
		t.Errorf("uniform logits: loss %g, want ln 5 = %g", got, math.Log(5))
	}
	// The arg-max of a tie is the first class, not a padding column.
	if correct != 1 || count != 3 {
		t.Errorf("uniform logits: %d of %d correct, want 1 of 3", correct, count)
	}

	// By hand: logits (0, ln 3) → p = (1/4, 3/4). Target 1 costs ln(4/3),
	// target 0 costs ln 4; the ignored row counts for nothing.
	two := []float32{0, float32(math.Log(3)), 0, float32(math.Log(3)), 9, -9}
	d := []float32{5, 5, 5, 5, 5, 5}
	got, correct, count = crossEntropy(d, two, []int32{1, 0, ignoreIndex}, 3, 2, 2)
	want := (math.Log(4.0/3) + math.Log(4)) / 2
	if math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("hand case: loss %g, want %g", got, want)
	}
	if correct != 1 || count != 2 {
		t.Errorf("hand case: %d of %d correct, want 1 of 2", correct, count)
	}
	wantD := []float64{0.25 / 2, (0.75 - 1) / 2, (0.25 - 1) / 2, 0.75 / 2, 0, 0}
	for j := range wantD {
		if math.Abs(float64(d[j])-wantD[j]) > 1e-6 {
			t.Errorf("hand case: dlogits[%d] = %g, want %g", j, d[j], wantD[j])
		}
	}

	if got, _, _ := crossEntropy(d, two, []int32{ignoreIndex, ignoreIndex, ignoreIndex}, 3, 2, 2); got != 0 || d[0] != 0 {
		t.Errorf("all rows ignored: loss %g, dlogits[0] %g, want 0 and 0", got, d[0])
	}
}

func TestCrossEntropyBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	p, v, vp := 4, 6, 8
	logits := randSlice(rng, p*vp, 3)
	targets := []int32{5, ignoreIndex, 0, 3}
	loss := func() float64 { l, _, _ := crossEntropy(nil, logits, targets, p, v, vp); return float64(l) }
	d := zeros(p * vp)
	crossEntropy(d, logits, targets, p, v, vp)
	checkGrad(t, "dlogits", logits, d, loss)
	// Each counted row of the gradient sums to zero (softmax minus one-hot).
	for i := range p {
		var s float64
		for _, g := range d[i*vp : (i+1)*vp] {
			s += float64(g)
		}
		if math.Abs(s) > 1e-6 {
			t.Errorf("row %d of dlogits sums to %g, want 0", i, s)
		}
	}
}
