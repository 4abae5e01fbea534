package bert

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/bertline/bertline/pkg/gemm"
)

// parallelBatch is a model and batch large enough that every parallel
// kernel (rows, attention pairs, GELU chunks) splits its work.
func parallelBatch(t *testing.T, maxP int) (*Model, *Batch) {
	t.Helper()
	cfg := Config{VocabSize: 50, HiddenSize: 32, NumHiddenLayers: 1, NumAttentionHeads: 4, IntermediateSize: 128,
		HiddenAct: "gelu", MaxPositionEmbeddings: 64, TypeVocabSize: 2, InitializerRange: 0.2, LayerNormEps: 1e-12}
	p, err := NewParams(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	const B, T = 4, 64
	rng := rand.New(rand.NewPCG(3, 3))
	b := &Batch{B: B, T: T, InputIDs: make([]int32, B*T), Mask: make([]int32, B*T), NSPLabels: []int32{0, 1, 1, 0}}
	for i := range b.InputIDs {
		b.InputIDs[i] = int32(rng.IntN(cfg.VocabSize))
		if i%T < T-i/T*7 {
			b.Mask[i] = 1
		}
	}
	for i := range 40 {
		b.MaskedPos = append(b.MaskedPos, int32(i*6))
		b.MaskedIDs = append(b.MaskedIDs, int32(rng.IntN(cfg.VocabSize)))
	}
	return NewModelP(p, B, T, maxP), b
}

// TestThreadIndependence checks that losses and gradients are the same bits
// on one goroutine and on several, with dropout and without.
func TestThreadIndependence(t *testing.T) {
	run := func(procs int, d Dropout) (Losses, []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		gemm.SetThreads(procs)
		defer gemm.SetThreads(0)
		m, b := parallelBatch(t, 40)
		m.Dropout = d
		l, err := m.Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		m.Backward(b)
		return l, m.Grads
	}
	var plain []float32
	for _, d := range []Dropout{{}, {Hidden: 0.1, Attention: 0.1, Seed: 1234, Step: 99}} {
		l1, g1 := run(1, d)
		l4, g4 := run(4, d)
		if l1 != l4 {
			t.Errorf("dropout %+v: losses %+v on 1 goroutine, %+v on 4", d, l1, l4)
		}
		if !slices.ContainsFunc(g1, func(g float32) bool { return g != 0 }) {
			t.Fatal("every gradient is zero")
		}
		for i := range g1 {
			if g1[i] != g4[i] {
				t.Fatalf("dropout %+v: gradient %d: %g on 1 goroutine, %g on 4", d, i, g1[i], g4[i])
			}
		}
		if plain == nil {
			plain = g1
		} else if slices.Equal(plain, g1) {
			t.Errorf("dropout %+v gives the gradient of no dropout", d)
		}
	}
}

// TestMaxMasked checks that NewModelP gives NewModel's results and rejects
// a batch with more masked positions than it holds.
func TestMaxMasked(t *testing.T) {
	m, b := parallelBatch(t, 40)
	full := NewModel(m.Params, b.B, b.T)
	l, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := full.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	if l != lf {
		t.Errorf("maxP 40: %+v, unbounded: %+v", l, lf)
	}
	more := *b
	more.MaskedPos = append(slices.Clone(b.MaskedPos), 1)
	more.MaskedIDs = append(slices.Clone(b.MaskedIDs), 1)
	if _, err := m.Forward(&more); err == nil {
		t.Error("41 masked positions in a model for 40: no error")
	}
	if _, err := full.Forward(&more); err != nil {
		t.Errorf("41 masked positions, unbounded model: %v", err)
	}
}
