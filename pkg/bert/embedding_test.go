package bert

import (
	"math/rand/v2"
	"testing"
)

func TestEmbeddingForward(t *testing.T) {
	// Tables whose entries name their origin: word w column j = 100·w + j,
	// position p = 10·p, type s = 1000·s. Each output is a readable sum.
	v, maxPos, nt, c := 5, 4, 2, 2
	wte, wpe, wtt := zeros(v*c), zeros(maxPos*c), zeros(nt*c)
	for w := range v {
		for j := range c {
			wte[w*c+j] = float32(100*w + j)
		}
	}
	for p := range maxPos {
		for j := range c {
			wpe[p*c+j] = float32(10 * p)
		}
	}
	for s := range nt {
		for j := range c {
			wtt[s*c+j] = float32(1000 * s)
		}
	}
	ids, types := []int32{3, 1, 4, 2, 0, 2}, []int32{0, 1, 1, 0, 0, 0}
	out := zeros(2 * 3 * c)
	embeddingForward(out, ids, types, wte, wpe, wtt, 2, 3, c)
	want := []float32{300, 301, 1110, 1111, 1420, 1421, 200, 201, 10, 11, 220, 221}
	for i := range want {
		if out[i] != want[i] {
			t.Errorf("out = %v, want %v", out, want)
			break
		}
	}
	embeddingForward(out, ids, nil, wte, wpe, wtt, 2, 3, c)
	if out[2] != 110 {
		t.Errorf("nil types: out[2] = %g, want 110 (segment 0)", out[2])
	}
}

func TestEmbeddingBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	b, tt, c, v, maxPos, nt := 2, 3, 4, 6, 5, 2
	ids, types := []int32{1, 4, 1, 5, 1, 0}, []int32{0, 0, 1, 0, 1, 1} // word 1 three times
	wte, wpe, wtt := randSlice(rng, v*c, 1), randSlice(rng, maxPos*c, 1), randSlice(rng, nt*c, 1)
	r := randSlice(rng, b*tt*c, 1)
	out := zeros(b * tt * c)
	loss := func() float64 {
		embeddingForward(out, ids, types, wte, wpe, wtt, b, tt, c)
		return dot64(out, r)
	}
	dwte, dwpe, dwtt := zeros(v*c), zeros(maxPos*c), zeros(nt*c)
	embeddingBackward(dwte, dwpe, dwtt, r, ids, types, b, tt, c)
	checkGrad(t, "dwte", wte, dwte, loss)
	checkGrad(t, "dwpe", wpe, dwpe, loss)
	checkGrad(t, "dwtt", wtt, dwtt, loss)

	once := [][]float32{append([]float32(nil), dwte...), append([]float32(nil), dwpe...), append([]float32(nil), dwtt...)}
	embeddingBackward(dwte, dwpe, dwtt, r, ids, types, b, tt, c)
	checkDoubled(t, "dwte", once[0], dwte)
	checkDoubled(t, "dwpe", once[1], dwpe)
	checkDoubled(t, "dwtt", once[2], dwtt)
}
