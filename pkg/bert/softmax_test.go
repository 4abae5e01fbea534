package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmaxForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n, c := 4, 9
	x := randSlice(rng, n*c, 5)
	x[c] = 1000 // a huge logit must not overflow
	p := zeros(n * c)
	softmaxForward(p, x, n, c)
	for i := range n {
		var sum float64
		for _, v := range p[i*c : (i+1)*c] {
			if v < 0 || v > 1 || math.IsNaN(float64(v)) {
				t.Fatalf("row %d: probability %g", i, v)
			}
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("row %d sums to %g, want 1", i, sum)
		}
	}
	if p[c] != 1 {
		t.Errorf("dominant logit: probability %g, want 1", p[c])
	}

	// By hand: softmax(0, ln 2, ln 3) = (1, 2, 3)/6, computed in place.
	y := []float32{0, float32(math.Ln2), float32(math.Log(3))}
	softmaxForward(y, y, 1, 3)
	for j, want := range []float64{1.0 / 6, 2.0 / 6, 3.0 / 6} {
		if math.Abs(float64(y[j])-want) > 1e-7 {
			t.Errorf("p[%d] = %g, want %g", j, y[j], want)
		}
	}
}

func TestSoftmaxBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n, c := 3, 7
	x, r := randSlice(rng, n*c, 2), randSlice(rng, n*c, 1)
	p := zeros(n * c)
	loss := func() float64 {
		softmaxForward(p, x, n, c)
		return dot64(p, r)
	}
	loss()
	dx := zeros(n * c)
	softmaxBackward(dx, r, p, n, c)
	checkGrad(t, "dx", x, dx, loss)

	// Softmax is invariant to adding a constant to a row, so each row of
	// dx sums to zero.
	for i := range n {
		var s float64
		for _, v := range dx[i*c : (i+1)*c] {
			s += float64(v)
		}
		if math.Abs(s) > 1e-6 {
			t.Errorf("row %d of dx sums to %g, want 0", i, s)
		}
	}
}
