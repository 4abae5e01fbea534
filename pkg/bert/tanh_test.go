package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestTanhValues(t *testing.T) {
	x := []float32{0, 1, -2, 20}
	want := []float32{0, 0.7615942, -0.9640276, 1}
	out := zeros(4)
	tanhForward(out, x, 4)
	for i := range want {
		if math.Abs(float64(out[i]-want[i])) > 1e-7 {
			t.Errorf("tanh(%g) = %g, want %g", x[i], out[i], want[i])
		}
	}
}

func TestTanhGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 50
	x, r := randSlice(rng, n, 3), randSlice(rng, n, 1)
	out, dx := zeros(n), zeros(n)
	tanhForward(out, x, n)
	tanhBackward(dx, r, out, n)
	checkGrad(t, "dx", x, dx, func() float64 {
		tanhForward(out, x, n)
		return dot64(out, r)
	})
}
