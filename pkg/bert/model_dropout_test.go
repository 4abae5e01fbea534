package bert

import (
	"math"
	"slices"
	"testing"
)

// Dropout in the whole model. The masks themselves are checked against
// their definition in dropout_test.go; here, that Forward applies them
// where HuggingFace's BertForPreTraining does, that Backward is its
// derivative, and that a Dropout that drops nothing is no dropout at all.

// modelMask is one dropout site of a model after Forward: its mask as the
// model holds it and the number of elements it covers.
type modelMask struct {
	name string
	site dropoutSite
	bits []uint32
	n    int
	p    float32
}

// modelMasks lists the sites of m for a batch of B×T tokens.
func modelMasks(m *Model, B, T int) []modelMask {
	c, nh, d := m.cfg.HiddenSize, m.cfg.NumAttentionHeads, m.drop
	out := []modelMask{{"embeddings", dropoutEmbeddings, m.masks.emb, B * T * c, d.Hidden}}
	for l, lm := range m.masks.layers {
		out = append(out,
			modelMask{"attention probs", dropoutAttnProbs(l), lm.probs, B * nh * T * T, d.Attention},
			modelMask{"attention output", dropoutAttnOut(l), lm.attnOut, B * T * c, d.Hidden},
			modelMask{"FFN output", dropoutFFNOut(l), lm.ffnOut, B * T * c, d.Hidden})
	}
	return out
}

// forwardBackward runs Forward and Backward on fresh gradients and returns
// the losses and a copy of the gradients.
func forwardBackward(t *testing.T, m *Model, b *Batch) (Losses, []float32) {
	t.Helper()
	m.ZeroGrad()
	l, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	m.Backward(b)
	return l, slices.Clone(m.Grads)
}

// TestDropoutNoneIsBitIdentical checks that a Dropout of zero
// probabilities, whatever its seed and step, allocates no mask and gives
// the bits of the zero value; and that a dropout too small to drop any
// element of these batches (p = 1e-9: an element is dropped with
// probability 2⁻²⁴, and 1/(1−p) rounds to 1) runs every dropout kernel yet
// gives the same bits too.
func TestDropoutNoneIsBitIdentical(t *testing.T) {
	const tiny = float32(1e-9)
	if 1/(1-tiny) != 1 {
		t.Fatalf("1/(1−%g) = %g in float32, want 1", tiny, 1/(1-tiny))
	}
	_, mt, bt := loadTiny(t)
	mp, bp := parallelBatch(t, 40)
	for _, c := range []struct {
		name string
		m    *Model
		b    *Batch
	}{{"tiny", mt, bt}, {"parallel", mp, bp}} {
		l0, g0 := forwardBackward(t, c.m, c.b)
		c.m.Dropout = Dropout{Seed: 5, Step: 6}
		l1, g1 := forwardBackward(t, c.m, c.b)
		if c.m.masks.emb != nil || c.m.masks.layers[0].probs != nil {
			t.Errorf("%s: zero probabilities allocated dropout masks", c.name)
		}
		c.m.Dropout = Dropout{Hidden: tiny, Attention: tiny, Seed: 5, Step: 6}
		l2, g2 := forwardBackward(t, c.m, c.b)
		for _, mm := range modelMasks(c.m, c.b.B, c.b.T) {
			for i := range mm.n {
				if !dropoutKept(mm.bits, i) {
					t.Fatalf("%s: %s element %d dropped at p = %g; choose another seed", c.name, mm.name, i, tiny)
				}
			}
		}
		if l1 != l0 || l2 != l0 {
			t.Errorf("%s: losses %+v without dropout, %+v with p = 0, %+v with p = %g", c.name, l0, l1, l2, tiny)
		}
		for i := range g0 {
			if g1[i] != g0[i] || g2[i] != g0[i] {
				t.Fatalf("%s: gradient %d: %g without dropout, %g with p = 0, %g with p = %g",
					c.name, i, g0[i], g1[i], g2[i], tiny)
			}
		}
	}
}

// TestDropoutGradientFiniteDifference is TestGradientFiniteDifference with
// dropout on every site.
func TestDropoutGradientFiniteDifference(t *testing.T) {
	_, m, b := loadTiny(t)
	plain, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	m.Dropout = Dropout{Hidden: 0.2, Attention: 0.25, Seed: 21, Step: 6}
	dropped, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	if dropped.Total == plain.Total {
		t.Fatalf("dropout left the loss at %g", plain.Total)
	}
	checkModelGradient(t, m, b)
}

// TestDropoutPlacement recomputes each dropout site of the two-layer
// reference model from the activations around it, as HuggingFace's
// BertForPreTraining places them:
//
//	layer 0 input = dropout(LayerNorm(embeddings))
//	ctx           = dropout(softmax(scores))·v     (probs cached before dropout)
//	res1          = dropout(attention.output.dense(ctx)) + x
//	res2          = dropout(output.dense(gelu(...))) + ln1
//
// with masks recomputed from (seed, step, site) and compared with the
// model's.
func TestDropoutPlacement(t *testing.T) {
	_, m, b := loadTiny(t)
	_, plain, _ := loadTiny(t)
	if _, err := plain.Forward(b); err != nil {
		t.Fatal(err)
	}
	d := Dropout{Hidden: 0.25, Attention: 0.3, Seed: 0x5eed, Step: 17}
	m.Dropout = d
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	B, T, c, nh := b.B, b.T, m.cfg.HiddenSize, m.cfg.NumAttentionHeads
	hs, n := c/nh, B*T*c
	masks := map[dropoutSite][]uint32{}
	for _, mm := range modelMasks(m, B, T) {
		want := runDropout(mm.n, mm.p, d.Seed, d.Step, mm.site)
		if !equalMasks(mm.bits[:len(want)], want) {
			t.Fatalf("%s (site %d): the model's mask is not the one of its seed, step and site", mm.name, mm.site)
		}
		masks[mm.site] = want
	}
	hidden, attn := 1/(1-d.Hidden), 1/(1-d.Attention)
	factor := func(s float32, mask []uint32, i int) float32 {
		if dropoutKept(mask, i) {
			return s
		}
		return 0
	}

	for i := range n {
		if want := plain.acts.ln0[i] * factor(hidden, masks[dropoutEmbeddings], i); m.acts.ln0[i] != want {
			t.Fatalf("layer 0 input %d: %g, want dropout(LayerNorm) = %g", i, m.acts.ln0[i], want)
		}
	}
	tmp := make([]float32, n)
	for l := range m.layers {
		a, p := &m.acts.layers[l], &m.layers[l]
		x := m.acts.ln0
		if l > 0 {
			x = m.acts.layers[l-1].ln2
		}
		keep := masks[dropoutAttnProbs(l)]
		for u := range B * nh {
			bi, h := u/nh, u%nh
			for i := range T {
				for e := range hs {
					var want float64
					for j := range T {
						g := (u*T+i)*T + j
						want += float64(a.probs[g]*factor(attn, keep, g)) * float64(a.v[(bi*T+j)*c+h*hs+e])
					}
					if got := a.ctx[(bi*T+i)*c+h*hs+e]; math.Abs(float64(got)-want) > 1e-5 {
						t.Fatalf("layer %d pair %d query %d column %d: ctx %g, want dropout(probs)·v = %g", l, u, i, e, got, want)
					}
				}
			}
		}
		p.attnOut.forward(tmp, a.ctx, B*T)
		for i := range n {
			// The conversion rounds the product, so that no fused
			// multiply-add departs from the model's two roundings.
			if want := float32(tmp[i]*factor(hidden, masks[dropoutAttnOut(l)], i)) + x[i]; a.res1[i] != want {
				t.Fatalf("layer %d res1[%d] = %g, want dropout(dense(ctx)) + x = %g", l, i, a.res1[i], want)
			}
		}
		p.ffnOut.forward(tmp, a.fcGelu, B*T)
		for i := range n {
			if want := float32(tmp[i]*factor(hidden, masks[dropoutFFNOut(l)], i)) + a.ln1[i]; a.res2[i] != want {
				t.Fatalf("layer %d res2[%d] = %g, want dropout(dense(gelu)) + ln1 = %g", l, i, a.res2[i], want)
			}
		}
	}
}

// TestDropoutMasksInModel checks the share of dropped elements at every
// site, and that the masks are a function of the step: the same Step
// gives the same masks and bits, another Step other masks.
func TestDropoutMasksInModel(t *testing.T) {
	m, b := parallelBatch(t, 40)
	d := Dropout{Hidden: 0.1, Attention: 0.2, Seed: 77, Step: 3}
	m.Dropout = d
	l1, g1 := forwardBackward(t, m, b)
	first := map[dropoutSite][]uint32{}
	for _, mm := range modelMasks(m, b.B, b.T) {
		dropped := 0
		for i := range mm.n {
			if !dropoutKept(mm.bits, i) {
				dropped++
			}
		}
		// Binomial(n, p): allow five standard deviations.
		want, sd := float64(mm.n)*float64(mm.p), math.Sqrt(float64(mm.n)*float64(mm.p)*(1-float64(mm.p)))
		if math.Abs(float64(dropped)-want) > 5*sd {
			t.Errorf("%s (site %d): %d of %d dropped, want %.0f ± %.0f", mm.name, mm.site, dropped, mm.n, want, 5*sd)
		}
		first[mm.site] = slices.Clone(mm.bits)
	}
	if equalMasks(first[dropoutAttnOut(0)], first[dropoutFFNOut(0)]) {
		t.Error("two sites drew the same mask")
	}

	l2, g2 := forwardBackward(t, m, b)
	if l2 != l1 || !slices.Equal(g1, g2) {
		t.Errorf("the same step gave other results: %+v, then %+v", l1, l2)
	}
	for _, mm := range modelMasks(m, b.B, b.T) {
		if !equalMasks(mm.bits, first[mm.site]) {
			t.Errorf("%s: the same step drew another mask", mm.name)
		}
	}

	m.Dropout.Step++
	l3, _ := forwardBackward(t, m, b)
	if l3 == l1 {
		t.Errorf("steps %d and %d gave the same losses %+v", d.Step, d.Step+1, l1)
	}
	for _, mm := range modelMasks(m, b.B, b.T) {
		if equalMasks(mm.bits, first[mm.site]) {
			t.Errorf("%s: steps %d and %d drew the same mask", mm.name, d.Step, d.Step+1)
		}
	}
}

// TestDropoutBackwardUsesForwardMasks changes m.Dropout between Forward and
// Backward, and tries a Forward with invalid probabilities, which must
// fail and change nothing: Backward still takes back the first Forward.
func TestDropoutBackwardUsesForwardMasks(t *testing.T) {
	d := Dropout{Hidden: 0.2, Attention: 0.2, Seed: 3, Step: 1}
	_, ref, b := loadTiny(t)
	ref.Dropout = d
	_, want := forwardBackward(t, ref, b)

	_, m, _ := loadTiny(t)
	m.Dropout = d
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Dropout{{Hidden: 1}, {Attention: -0.1}, {Hidden: float32(math.NaN())}, {Attention: 1.5}} {
		m.Dropout = bad
		if _, err := m.Forward(b); err == nil {
			t.Errorf("dropout %+v: no error", bad)
		}
	}
	m.Dropout = Dropout{Hidden: 0.5, Step: 2}
	m.Backward(b)
	if !slices.Equal(m.Grads, want) {
		t.Error("Backward did not take back the masks of the last successful Forward")
	}
}
