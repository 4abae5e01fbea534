package bert

import (
	"math/rand/v2"
	"testing"
)

func TestMatmulForward(t *testing.T) {
	// By hand: inp [2, 3], w [2, 3] in [out, in] layout, bias [2].
	inp := []float32{1, 2, 3, 4, 5, 6}
	w := []float32{1, 0, -1, 0.5, 0.5, 0.5}
	out := zeros(4)
	matmulForward(out, inp, w, []float32{10, 20}, 2, 3, 2)
	want := []float32{1 - 3 + 10, 3 + 20, 4 - 6 + 10, 7.5 + 20}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("out = %v, want %v", out, want)
		}
	}
	matmulForward(out, inp, w, nil, 2, 3, 2)
	if out[0] != -2 || out[3] != 7.5 {
		t.Errorf("no bias: out = %v, want [-2 3 -2 7.5]", out)
	}
}

func TestMatmulBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	n, cin, cout := 3, 5, 4
	inp, w, bias := randSlice(rng, n*cin, 1), randSlice(rng, cout*cin, 1), randSlice(rng, cout, 1)
	r := randSlice(rng, n*cout, 1)
	out := zeros(n * cout)
	loss := func() float64 {
		matmulForward(out, inp, w, bias, n, cin, cout)
		return dot64(out, r)
	}
	dinp, dw, db := zeros(n*cin), zeros(cout*cin), zeros(cout)
	matmulBackward(dinp, dw, db, r, inp, w, n, cin, cout)
	checkGrad(t, "dinp", inp, dinp, loss)
	checkGrad(t, "dw", w, dw, loss)
	checkGrad(t, "db", bias, db, loss)

	dw1, db1 := append([]float32(nil), dw...), append([]float32(nil), db...)
	dinp2 := zeros(n * cin)
	for i := range dinp2 {
		dinp2[i] = 3 // stale values must be overwritten
	}
	matmulBackward(dinp2, dw, db, r, inp, w, n, cin, cout)
	checkDoubled(t, "dw", dw1, dw)
	checkDoubled(t, "db", db1, db)
	for i := range dinp {
		if dinp2[i] != dinp[i] {
			t.Fatalf("dinp[%d] = %g after a second call, want %g", i, dinp2[i], dinp[i])
		}
	}
	// Without dinp and db, dw still accumulates.
	matmulBackward(nil, dw, nil, r, inp, w, n, cin, cout)
	for i := range dw {
		if d := dw[i] - 3*dw1[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("dw[%d] = %g after three calls, want 3 × %g", i, dw[i], dw1[i])
		}
	}
}
