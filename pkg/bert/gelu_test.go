package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGeluForward(t *testing.T) {
	// Known points: GELU(0) = 0, GELU(1) = Φ(1) = 0.841344746...,
	// GELU(-1) = -(1 - Φ(1)), and GELU(x) → x, 0 far from the origin.
	x := []float32{0, 1, -1, 2, -3, 10, -10}
	want := []float64{0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416, -0.0040496940948903, 10, 0}
	out := zeros(len(x))
	geluForward(out, x, len(x))
	for i := range x {
		if math.Abs(float64(out[i])-want[i]) > 1e-6 {
			t.Errorf("gelu(%g) = %.9g, want %.9g", x[i], out[i], want[i])
		}
	}
}

func TestGeluBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	n := 40
	x, r := randSlice(rng, n, 4), randSlice(rng, n, 1)
	out := zeros(n)
	loss := func() float64 {
		geluForward(out, x, n)
		return dot64(out, r)
	}
	dx := zeros(n)
	geluBackward(dx, r, x, n)
	checkGrad(t, "dx", x, dx, loss)

	// Closed form at 0: the slope is Φ(0) = 1/2.
	d := zeros(1)
	geluBackward(d, []float32{1}, []float32{0}, 1)
	if d[0] != 0.5 {
		t.Errorf("gelu'(0) = %g, want 0.5", d[0])
	}
}

// TestGeluBackwardClosedForm compares the slope, which comes from a table,
// with Φ(x) + x·φ(x) computed from erf, across the range where float32
// activations live.
func TestGeluBackwardClosedForm(t *testing.T) {
	var x []float32
	for v := -14.0; v <= 14; v += 0.0137 {
		x = append(x, float32(v))
	}
	x = append(x, 1e-30, -1e-30, 1e-6, -1e-6)
	n := len(x)
	dx, ones := zeros(n), zeros(n)
	for i := range ones {
		ones[i] = 1
	}
	geluBackward(dx, ones, x, n)
	for i, v := range x {
		xv := float64(v)
		want := 0.5*(1+math.Erf(xv/math.Sqrt2)) + xv*math.Exp(-xv*xv/2)/math.Sqrt(2*math.Pi)
		if math.Abs(float64(dx[i])-want) > 1e-6*max(1, math.Abs(want)) {
			t.Errorf("gelu'(%g) = %.9g, want %.9g", v, dx[i], want)
		}
	}
}
