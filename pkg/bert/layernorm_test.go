package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLayerNormForwardNormalises(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n, c := 3, 16
	x := randSlice(rng, n*c, 3)
	for j := range c { // an offset row: normalisation must remove it
		x[2*c+j] += 100
	}
	ones, zero := make([]float32, c), zeros(c)
	for j := range ones {
		ones[j] = 1
	}
	out, mean, rstd := zeros(n*c), zeros(n), zeros(n)
	layerNormForward(out, mean, rstd, x, ones, zero, n, c, 1e-5)
	for i := range n {
		var m, v float64
		for _, o := range out[i*c : (i+1)*c] {
			m += float64(o)
		}
		m /= float64(c)
		for _, o := range out[i*c : (i+1)*c] {
			v += (float64(o) - m) * (float64(o) - m)
		}
		v /= float64(c)
		if math.Abs(m) > 1e-5 || math.Abs(v-1) > 1e-3 {
			t.Errorf("row %d: mean %g, variance %g, want 0 and 1", i, m, v)
		}
	}

	// Affine part, by hand: x = [1, 2, 3, 4] has mean 2.5, variance 1.25.
	x4, w4, b4 := []float32{1, 2, 3, 4}, []float32{2, 1, 1, -1}, []float32{0, 0, 1, 0.5}
	out4 := zeros(4)
	layerNormForward(out4, mean[:1], rstd[:1], x4, w4, b4, 1, 4, 0)
	s := 1 / math.Sqrt(1.25)
	want := []float64{2 * -1.5 * s, -0.5 * s, 0.5*s + 1, -1.5*s + 0.5}
	for j := range want {
		if math.Abs(float64(out4[j])-want[j]) > 1e-6 {
			t.Errorf("out[%d] = %g, want %g", j, out4[j], want[j])
		}
	}
	if mean[0] != 2.5 || math.Abs(float64(rstd[0])-s) > 1e-6 {
		t.Errorf("cache: mean %g rstd %g, want 2.5 and %g", mean[0], rstd[0], s)
	}
}

func TestLayerNormBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n, c := 3, 8
	x, w, b := randSlice(rng, n*c, 2), randSlice(rng, c, 1.5), randSlice(rng, c, 1)
	r := randSlice(rng, n*c, 1)
	out, mean, rstd := zeros(n*c), zeros(n), zeros(n)
	loss := func() float64 {
		layerNormForward(out, mean, rstd, x, w, b, n, c, 1e-5)
		return dot64(out, r)
	}
	loss()
	dx, dw, db := zeros(n*c), zeros(c), zeros(c)
	layerNormBackward(dx, dw, db, r, x, w, mean, rstd, n, c)
	checkGrad(t, "dx", x, dx, loss)
	checkGrad(t, "dw", w, dw, loss)
	checkGrad(t, "db", b, db, loss)

	dw1, db1 := append([]float32(nil), dw...), append([]float32(nil), db...)
	dx2 := zeros(n * c)
	for i := range dx2 {
		dx2[i] = 99 // stale values must be overwritten, not added to
	}
	layerNormBackward(dx2, dw, db, r, x, w, mean, rstd, n, c)
	checkDoubled(t, "dw", dw1, dw)
	checkDoubled(t, "db", db1, db)
	for i := range dx {
		if dx2[i] != dx[i] {
			t.Fatalf("dx[%d] = %g after a second call, want %g (overwritten)", i, dx2[i], dx[i])
		}
	}
}

// TestAddLayerNormForward checks that the fused residual add gives the
// bits of add followed by layerNormForward, in x as in the output and the
// cache.
func TestAddLayerNormForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	n, c := 40, 24
	x, r := randSlice(rng, n*c, 2), randSlice(rng, n*c, 2)
	w, b := randSlice(rng, c, 1), randSlice(rng, c, 1)
	want, wantMean, wantRstd, wantX := zeros(n*c), zeros(n), zeros(n), zeros(n*c)
	add(wantX, x, r, n*c)
	layerNormForward(want, wantMean, wantRstd, wantX, w, b, n, c, 1e-12)
	out, mean, rstd := zeros(n*c), zeros(n), zeros(n)
	addLayerNormForward(out, mean, rstd, x, r, w, b, n, c, 1e-12)
	for _, p := range []struct {
		name      string
		got, want []float32
	}{{"x", x, wantX}, {"out", out, want}, {"mean", mean, wantMean}, {"rstd", rstd, wantRstd}} {
		for i := range p.want {
			if p.got[i] != p.want[i] {
				t.Fatalf("%s[%d] = %g, want %g", p.name, i, p.got[i], p.want[i])
			}
		}
	}
}
