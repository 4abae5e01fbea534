package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Gradient checks. Every kernel runs in float32, as the model does; a check
// sums the forward output against fixed random weights r into a float64
// scalar, L = Σ r·out, so that dout = r, and compares each analytic
// gradient entry with the central difference
//
//	(L(x + h) - L(x - h)) / 2h,  h = 1e-2.
//
// With h = 1e-2 the truncation error is O(h²) ≈ 1e-4 of the third
// derivative, and float32 rounding of out (relative 6e-8 on values of
// order 1, summed over at most a few hundred outputs) adds about 1e-6/2h ≈
// 5e-5, so entries must agree within 1e-3 + 1e-2·|numeric|: a wrong term of
// a backward pass misses that by orders of magnitude.

const fdStep = 1e-2

// randSlice returns n values uniform in [-scale, scale).
func randSlice(rng *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32((2*rng.Float64() - 1) * scale)
	}
	return s
}

// dot64 is Σ a·b in float64, the scalar loss of the gradient checks.
func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// checkGrad compares analytic, the gradient of loss with respect to x,
// with central differences, perturbing x in place and restoring it.
func checkGrad(t *testing.T, name string, x, analytic []float32, loss func() float64) {
	t.Helper()
	bad := 0
	for i := range x {
		orig := x[i]
		x[i] = orig + fdStep
		up := loss()
		x[i] = orig - fdStep
		down := loss()
		x[i] = orig
		// The step actually taken in float32, not the nominal one.
		h := float64(orig+fdStep) - float64(orig-fdStep)
		numeric := (up - down) / h
		if diff := math.Abs(float64(analytic[i]) - numeric); diff > 1e-3+1e-2*math.Abs(numeric) {
			t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", name, i, analytic[i], numeric)
			if bad++; bad == 10 {
				t.Fatalf("%s: too many mismatches", name)
			}
		}
	}
}

// checkDoubled verifies that a second backward call added the same
// gradient again: after2 = 2·after1 for accumulating outputs.
func checkDoubled(t *testing.T, name string, once, twice []float32) {
	t.Helper()
	for i := range once {
		if d := math.Abs(float64(twice[i] - 2*once[i])); d > 1e-6*(1+math.Abs(float64(once[i]))) {
			t.Fatalf("%s[%d]: after two backward calls %g, want 2 × %g", name, i, twice[i], once[i])
		}
	}
}

func zeros(n int) []float32 { return make([]float32, n) }
