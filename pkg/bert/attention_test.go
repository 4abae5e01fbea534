package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAttentionForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	b, tt, c, nh := 2, 4, 6, 2
	q, k, v := randSlice(rng, b*tt*c, 1), randSlice(rng, b*tt*c, 1), randSlice(rng, b*tt*c, 1)
	mask := []int32{1, 1, 1, 0, 1, 0, 0, 0} // sequence 0 has 3 tokens, sequence 1 has 1
	out, probs := zeros(b*tt*c), zeros(b*nh*tt*tt)
	attentionForward(out, probs, q, k, v, mask, nil, 0, b, tt, c, nh)
	for row := range b * nh * tt {
		bi := row / (nh * tt)
		var sum float64
		for j, p := range probs[row*tt : (row+1)*tt] {
			sum += float64(p)
			if mask[bi*tt+j] == 0 && p != 0 {
				t.Errorf("row %d: padding key %d has probability %g, want 0", row, j, p)
			}
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("row %d: probabilities sum to %g", row, sum)
		}
	}
	// Sequence 1 has a single real key, so every query copies its value.
	for i := range tt {
		for d := range c {
			if got, want := out[(tt+i)*c+d], v[tt*c+d]; math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("sequence 1, query %d, column %d: %g, want %g", i, d, got, want)
			}
		}
	}

	// Zero queries give uniform weights: out is the mean of the values of
	// the real keys, per head.
	attentionForward(out, probs, zeros(b*tt*c), k, v, mask, nil, 0, b, tt, c, nh)
	for i := range tt {
		for d := range c {
			want := (v[0*c+d] + v[1*c+d] + v[2*c+d]) / 3
			if got := out[i*c+d]; math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("uniform: query %d, column %d: %g, want %g", i, d, got, want)
			}
		}
	}

	// By hand, one head of size 1, two tokens: q = k = (1, 2), v = (10, 20).
	// Query 0 scores (1, 2): probs (1, e)/(1+e); query 1 scores (2, 4).
	o2, p2 := zeros(2), zeros(4)
	attentionForward(o2, p2, []float32{1, 2}, []float32{1, 2}, []float32{10, 20}, nil, nil, 0, 1, 2, 1, 1)
	e, e2 := math.E, math.Exp(2)
	want := []float64{(10 + 20*e) / (1 + e), (10 + 20*e2) / (1 + e2)}
	for i := range want {
		if math.Abs(float64(o2[i])-want[i]) > 1e-5 {
			t.Errorf("hand case: out[%d] = %g, want %g", i, o2[i], want[i])
		}
	}
}

func TestAttentionBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	b, tt, c, nh := 2, 3, 4, 2
	n := b * tt * c
	q, k, v, r := randSlice(rng, n, 1), randSlice(rng, n, 1), randSlice(rng, n, 1), randSlice(rng, n, 1)
	mask := []int32{1, 1, 0, 1, 1, 1}
	out, probs := zeros(n), zeros(b*nh*tt*tt)
	loss := func() float64 {
		attentionForward(out, probs, q, k, v, mask, nil, 0, b, tt, c, nh)
		return dot64(out, r)
	}
	loss()
	dq, dk, dv := zeros(n), zeros(n), zeros(n)
	for i := range dq { // stale values must be overwritten
		dq[i], dk[i], dv[i] = 7, 7, 7
	}
	attentionBackward(dq, dk, dv, r, q, k, v, probs, nil, 0, b, tt, c, nh)
	checkGrad(t, "dq", q, dq, loss)
	checkGrad(t, "dk", k, dk, loss)
	checkGrad(t, "dv", v, dv, loss)
	// A padding key receives no attention, so neither it nor its value
	// has a gradient.
	for d := range c {
		if dk[2*c+d] != 0 || dv[2*c+d] != 0 {
			t.Errorf("padding key column %d: dk %g, dv %g, want 0", d, dk[2*c+d], dv[2*c+d])
		}
	}
}

// TestAttentionDropout checks the dropout on the probabilities: probs are
// cached before it, out is the dropped probabilities times v, and the
// backward matches central differences with the mask held fixed. T² = 25
// is not a multiple of 32, so the blocks of (sequence, head) pairs share
// mask words.
func TestAttentionDropout(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	b, tt, c, nh := 2, 5, 4, 2
	hs, n, np := c/nh, b*tt*c, b*nh*tt*tt
	const pdrop = 0.3
	q, k, v, r := randSlice(rng, n, 1), randSlice(rng, n, 1), randSlice(rng, n, 1), randSlice(rng, n, 1)
	mask := []int32{1, 1, 1, 1, 1, 1, 1, 1, 0, 0}
	keep := make([]uint32, dropoutMaskWords(np))
	dropoutDraw(keep, np, pdrop, 1, 2, dropoutAttnProbs(0))
	out, probs := zeros(n), zeros(np)
	loss := func() float64 {
		attentionForward(out, probs, q, k, v, mask, keep, pdrop, b, tt, c, nh)
		return dot64(out, r)
	}
	loss()
	dropped, scale := 0, float64(float32(1)/(1-pdrop))
	for u := range b * nh {
		bi, h := u/nh, u%nh
		for i := range tt {
			var sum float64
			for j := range tt {
				sum += float64(probs[(u*tt+i)*tt+j])
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("pair %d row %d: cached probabilities sum to %g, want 1 (before dropout)", u, i, sum)
			}
			for d := range hs {
				var want float64
				for j := range tt {
					if dropoutKept(keep, (u*tt+i)*tt+j) {
						want += float64(probs[(u*tt+i)*tt+j]) * scale * float64(v[(bi*tt+j)*c+h*hs+d])
					}
				}
				if got := out[(bi*tt+i)*c+h*hs+d]; math.Abs(float64(got)-want) > 1e-5 {
					t.Errorf("pair %d query %d column %d: %g, want %g", u, i, d, got, want)
				}
			}
		}
	}
	for i := range np {
		if !dropoutKept(keep, i) {
			dropped++
		}
	}
	if dropped == 0 || dropped == np {
		t.Fatalf("%d of %d probabilities dropped", dropped, np)
	}
	dq, dk, dv := zeros(n), zeros(n), zeros(n)
	attentionBackward(dq, dk, dv, r, q, k, v, probs, keep, pdrop, b, tt, c, nh)
	checkGrad(t, "dq", q, dq, loss)
	checkGrad(t, "dk", k, dk, loss)
	checkGrad(t, "dv", v, dv, loss)
}
