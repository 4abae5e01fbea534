package bert

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/safetensors"
)

// The golden files come from testdata/gen/tiny_ref.py, an independent
// PyTorch implementation of BertForPreTraining run in float64: the
// weights, the logits and the gradient of every parameter for one batch.

const refWeights = "testdata/tiny_ref.safetensors"

type tinyRef struct {
	Config   Config `json:"config"`
	RawBatch struct {
		B          int     `json:"B"`
		T          int     `json:"T"`
		InputIDs   []int32 `json:"input_ids"`
		TokenTypes []int32 `json:"token_types"`
		Mask       []int32 `json:"mask"`
		MaskedPos  []int32 `json:"masked_pos"`
		MaskedIDs  []int32 `json:"masked_ids"`
		NSPLabels  []int32 `json:"nsp_labels"`
	} `json:"batch"`
	Losses struct{ MLM, NSP, Total float64 } `json:"losses"`
}

// loadTiny returns the reference model, a Model on it and the batch.
func loadTiny(t *testing.T) (*tinyRef, *Model, *Batch) {
	t.Helper()
	data, err := os.ReadFile("testdata/tiny_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref tinyRef
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	p, err := NewParams(ref.Config, 1)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := LoadWeights(refWeights, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Missing) > 0 {
		t.Fatalf("reference weights lack %v", rep.Missing)
	}
	rb := ref.RawBatch
	b := &Batch{B: rb.B, T: rb.T, InputIDs: rb.InputIDs, TokenTypes: rb.TokenTypes, Mask: rb.Mask,
		MaskedPos: rb.MaskedPos, MaskedIDs: rb.MaskedIDs, NSPLabels: rb.NSPLabels}
	return &ref, NewModel(p, 4, 12), b
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func TestForwardMatchesPyTorch(t *testing.T) {
	ref, m, b := loadTiny(t)
	l, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"MLM", float64(l.MLM), ref.Losses.MLM}, {"NSP", float64(l.NSP), ref.Losses.NSP},
		{"Total", float64(l.Total), ref.Losses.Total}} {
		if e := relErr(c.got, c.want); e > 1e-5 {
			t.Errorf("%s loss %.8g, PyTorch %.8g (relative error %.2g)", c.name, c.got, c.want, e)
		}
	}
	if l.MLMCount != 5 {
		t.Errorf("MLMCount %d, want 5", l.MLMCount)
	}
	f, err := safetensors.Open(refWeights)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, vp := m.cfg.VocabSize, m.cfg.PaddedVocab()
	mlm := readRef(t, f, "expect.mlm_logits", 5*v)
	nsp := readRef(t, f, "expect.nsp_logits", 3*2)
	var maxErr float64
	for i := range 5 {
		for j := range v {
			maxErr = max(maxErr, math.Abs(float64(m.acts.mlmLogits[i*vp+j]-mlm[i*v+j])))
		}
	}
	for i := range nsp {
		maxErr = max(maxErr, math.Abs(float64(m.acts.nspLogits[i]-nsp[i])))
	}
	t.Logf("losses %+v; max |logit - PyTorch| %.2g", l, maxErr)
	if maxErr > 1e-5 {
		t.Errorf("logits differ from PyTorch by up to %g", maxErr)
	}
	// Accuracy counts against the reference logits' arg-max.
	wantMLM, _ := countCorrect(mlm, b.MaskedIDs, 5, v, v)
	wantNSP, _ := countCorrect(nsp, b.NSPLabels, 3, 2, 2)
	if l.MLMCorrect != wantMLM || l.NSPCorrect != wantNSP {
		t.Errorf("correct MLM %d NSP %d, want %d and %d", l.MLMCorrect, l.NSPCorrect, wantMLM, wantNSP)
	}
}

// countCorrect counts, as a reference for Forward, the rows of logits
// [n,vp] whose arg-max over the first v columns is the target, and the
// rows not ignored.
func countCorrect(logits []float32, targets []int32, n, v, vp int) (correct, count int) {
	for i, tg := range targets[:n] {
		if tg == ignoreIndex {
			continue
		}
		count++
		row, best := logits[i*vp:][:v], 0
		for j, x := range row {
			if x > row[best] {
				best = j
			}
		}
		if best == int(tg) {
			correct++
		}
	}
	return correct, count
}

func readRef(t *testing.T, f *safetensors.File, name string, n int) []float32 {
	t.Helper()
	dst := make([]float32, n)
	if err := f.ReadFloat32(name, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestBackwardMatchesPyTorch(t *testing.T) {
	_, m, b := loadTiny(t)
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	m.Backward(b)
	f, err := safetensors.Open(refWeights)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var worst float64
	var worstName string
	for _, tn := range m.Params.Tensors {
		inner := tn.Size / tn.Shape[0]
		want := readRef(t, f, "grad."+tn.Name, tn.Rows*inner)
		got := m.Grads[tn.Offset:][:tn.Size]
		var diff, norm float64
		for i, w := range want {
			diff += math.Pow(float64(got[i]-w), 2)
			norm += float64(w) * float64(w)
		}
		diff, norm = math.Sqrt(diff), math.Sqrt(norm)
		// The key biases' true gradient is zero: softmax ignores a shift
		// shared by all keys. Compare those absolutely.
		e := diff / max(norm, 1e-2)
		if e > worst {
			worst, worstName = e, tn.Name
		}
		if e > 1e-4 {
			t.Errorf("%s: gradient differs from PyTorch by %.2g of its norm %.3g", tn.Name, e, norm)
		}
		for i, g := range got[len(want):] {
			if g != 0 {
				t.Fatalf("%s: padded vocabulary entry %d has gradient %g", tn.Name, i, g)
			}
		}
	}
	t.Logf("max gradient error %.2g of the norm (%s)", worst, worstName)
}

// TestGradientFiniteDifference checks the whole model against central
// differences of the float32 Total loss on random parameter entries. With
// h = 1e-2 on a loss near 4.5 the float32 rounding of the loss (5e-7)
// adds about 3e-5 to each difference quotient.
func TestGradientFiniteDifference(t *testing.T) {
	_, m, b := loadTiny(t)
	checkModelGradient(t, m, b)
}

// checkModelGradient compares Backward's gradient on b with central
// differences of Forward's Total loss, two random entries per tensor. The
// masks of m.Dropout are a function of its seed and step, so every
// Forward of the check sees the same ones.
func checkModelGradient(t *testing.T, m *Model, b *Batch) {
	t.Helper()
	m.ZeroGrad()
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	m.Backward(b)
	loss := func() float64 {
		l, err := m.Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		return float64(l.Total)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	data := m.Params.Data
	checked := 0
	for _, tn := range m.Params.Tensors {
		if strings.HasSuffix(tn.Name, "key.bias") {
			continue
		}
		inner := tn.Size / tn.Shape[0]
		for range 2 {
			i := tn.Offset + rng.IntN(tn.Rows*inner)
			orig := data[i]
			data[i] = orig + fdStep
			up := loss()
			data[i] = orig - fdStep
			down := loss()
			data[i] = orig
			numeric := (up - down) / (float64(orig+fdStep) - float64(orig-fdStep))
			if d := math.Abs(float64(m.Grads[i]) - numeric); d > 2e-3+2e-2*math.Abs(numeric) {
				t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", tn.Name, i-tn.Offset, m.Grads[i], numeric)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("checked only %d entries", checked)
	}
}

// TestPaddingInvariance changes the ids and segments of padding tokens:
// no loss and no gradient may change, with dropout or without. (Dropout
// masks are per element index, which padding ids leave alone; padding that
// changes T moves the indexes, and so the masks, of every token.)
func TestPaddingInvariance(t *testing.T) {
	for _, d := range []Dropout{{}, {Hidden: 0.2, Attention: 0.3, Seed: 8, Step: 2}} {
		_, m, b := loadTiny(t)
		m.Dropout = d
		l1, err := m.Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		m.Backward(b)
		g1 := slices.Clone(m.Grads)
		b2 := *b
		b2.InputIDs, b2.TokenTypes = slices.Clone(b.InputIDs), slices.Clone(b.TokenTypes)
		changed := 0
		for i, mk := range b.Mask {
			if mk == 0 {
				b2.InputIDs[i], b2.TokenTypes[i] = int32(5+i%30), 1
				changed++
			}
		}
		if changed == 0 {
			t.Fatal("the reference batch has no padding")
		}
		m.ZeroGrad()
		l2, err := m.Forward(&b2)
		if err != nil {
			t.Fatal(err)
		}
		m.Backward(&b2)
		if l1 != l2 {
			t.Errorf("dropout %+v: losses changed with the padding ids: %+v, then %+v", d, l1, l2)
		}
		for i := range g1 {
			if g1[i] != m.Grads[i] {
				t.Fatalf("dropout %+v: gradient entry %d changed with the padding ids: %g, then %g", d, i, g1[i], m.Grads[i])
			}
		}
	}
}

func TestGradientAccumulation(t *testing.T) {
	_, m, b := loadTiny(t)
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	m.Backward(b)
	once := slices.Clone(m.Grads)
	m.Backward(b)
	checkDoubled(t, "grads", once, m.Grads)
	m.ZeroGrad()
	if slices.ContainsFunc(m.Grads, func(g float32) bool { return g != 0 }) {
		t.Fatal("ZeroGrad left a non-zero gradient")
	}
}

// TestSmallerBatch runs a batch smaller than the allocation, with no masked
// positions: the MLM loss is 0 and the NSP loss that of the first rows.
func TestSmallerBatch(t *testing.T) {
	_, m, b := loadTiny(t)
	one := &Batch{B: 1, T: b.T, InputIDs: b.InputIDs[:b.T], TokenTypes: b.TokenTypes[:b.T], Mask: b.Mask[:b.T],
		NSPLabels: b.NSPLabels[:1]}
	l, err := m.Forward(one)
	if err != nil {
		t.Fatal(err)
	}
	if l.MLM != 0 || l.MLMCount != 0 || l.Total != l.NSP || l.NSP <= 0 {
		t.Errorf("one sequence without masks: %+v", l)
	}
	m.ZeroGrad()
	m.Backward(one)
	if g := m.Params.Tensors[0]; slices.ContainsFunc(m.Grads[g.Offset:][:g.Size], func(g float32) bool { return g != g }) {
		t.Error("NaN gradient")
	}
}

func TestForwardRejectsBadBatches(t *testing.T) {
	_, m, b := loadTiny(t)
	for name, edit := range map[string]func(*Batch){
		"too long":       func(x *Batch) { x.T = 13 },
		"too many":       func(x *Batch) { x.B = 5 },
		"short ids":      func(x *Batch) { x.InputIDs = x.InputIDs[1:] },
		"id range":       func(x *Batch) { x.InputIDs = slices.Clone(x.InputIDs); x.InputIDs[4] = 37 },
		"type range":     func(x *Batch) { x.TokenTypes = slices.Clone(x.TokenTypes); x.TokenTypes[0] = 2 },
		"position range": func(x *Batch) { x.MaskedPos = slices.Clone(x.MaskedPos); x.MaskedPos[0] = 33 },
		"target range":   func(x *Batch) { x.MaskedIDs = slices.Clone(x.MaskedIDs); x.MaskedIDs[0] = -2 },
		"targets count":  func(x *Batch) { x.MaskedIDs = x.MaskedIDs[1:] },
		"labels":         func(x *Batch) { x.NSPLabels = []int32{0, 1, 2} },
	} {
		bad := *b
		edit(&bad)
		if _, err := m.Forward(&bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// BenchmarkStep times Forward and Backward of the tiny preset (L=2, C=128)
// on 8 sequences of 128 tokens with 20 masked positions each.
func BenchmarkStep(bm *testing.B) {
	cfg, _ := Preset("tiny", 30522)
	p, err := NewParams(cfg, 1)
	if err != nil {
		bm.Fatal(err)
	}
	const B, T = 8, 128
	m := NewModel(p, B, T)
	rng := rand.New(rand.NewPCG(1, 1))
	b := &Batch{B: B, T: T, InputIDs: make([]int32, B*T), NSPLabels: make([]int32, B)}
	for i := range b.InputIDs {
		b.InputIDs[i] = int32(rng.IntN(cfg.VocabSize))
	}
	for i := range B * 20 {
		b.MaskedPos = append(b.MaskedPos, int32(i*B*T/(B*20)))
		b.MaskedIDs = append(b.MaskedIDs, int32(rng.IntN(cfg.VocabSize)))
	}
	for bm.Loop() {
		if _, err := m.Forward(b); err != nil {
			bm.Fatal(err)
		}
		m.Backward(b)
	}
	bm.ReportMetric(float64(B*T)*float64(bm.N)/bm.Elapsed().Seconds(), "tokens/s")
}
