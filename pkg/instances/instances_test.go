package instances

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// draw is one expected call on a scriptRNG: a Random() returning f, or (when
// int) a RandInt(a, b) returning v.
type draw struct {
	int     bool
	f       float64
	a, b, v int
}

func rf(f float64) draw   { return draw{f: f} }
func ri(a, b, v int) draw { return draw{int: true, a: a, b: b, v: v} }
func (d draw) String() string {
	return fmt.Sprintf("%+v", struct{ Int, F, A, B, V any }{d.int, d.f, d.a, d.b, d.v})
}

// scriptRNG replays a script of draws and fails the test on any call the
// script does not expect, so tests pin the order and the bounds of every
// draw. Its Shuffle leaves the order unchanged and draws nothing.
type scriptRNG struct {
	t      *testing.T
	script []draw
}

func (r *scriptRNG) next(kind string) draw {
	r.t.Helper()
	if len(r.script) == 0 {
		r.t.Fatalf("unexpected %s: script exhausted", kind)
	}
	d := r.script[0]
	r.script = r.script[1:]
	return d
}

func (r *scriptRNG) Random() float64 {
	r.t.Helper()
	d := r.next("Random()")
	if d.int {
		r.t.Fatalf("Random() called, script expects %v", d)
	}
	return d.f
}

func (r *scriptRNG) RandInt(a, b int) int {
	r.t.Helper()
	d := r.next(fmt.Sprintf("RandInt(%d, %d)", a, b))
	if !d.int || d.a != a || d.b != b {
		r.t.Fatalf("RandInt(%d, %d) called, script expects %v", a, b, d)
	}
	return d.v
}

func (r *scriptRNG) Shuffle(n int, swap func(i, j int)) {}

func (r *scriptRNG) done() {
	r.t.Helper()
	if len(r.script) > 0 {
		r.t.Errorf("%d scripted draws left: %v", len(r.script), r.script)
	}
}

// tinyVocab: ids 0-4 are [PAD] [UNK] [CLS] [SEP] [MASK], then words.
var tinyWords = []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "the", "cat", "##s", "sat"}

const (
	cls, sep, msk = 2, 3, 4
	un, aff, able = 5, 6, 7
	the, cat, s_  = 8, 9, 10
)

func tinyVocab(t *testing.T) Vocab {
	t.Helper()
	v, err := NewVocab(tinyWords)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewVocab(t *testing.T) {
	v := tinyVocab(t)
	if v.CLS != cls || v.SEP != sep || v.Mask != msk || v.Len() != len(tinyWords) {
		t.Errorf("got CLS %d SEP %d MASK %d Len %d", v.CLS, v.SEP, v.Mask, v.Len())
	}
	for id, want := range map[int32]bool{un: false, aff: true, able: true, s_: true, -1: false, 99: false} {
		if got := v.IsContinuation(id); got != want {
			t.Errorf("IsContinuation(%d) = %v, want %v", id, got, want)
		}
	}
	if _, err := NewVocab([]string{"[CLS]", "a"}); err == nil || !strings.Contains(err.Error(), "[SEP], [MASK]") {
		t.Errorf("missing specials: err = %v", err)
	}
	if _, err := NewVocab([]string{"[CLS]", "[SEP]", "[MASK]", "a", "a"}); err == nil || !strings.Contains(err.Error(), `"a" at ids 3 and 4`) {
		t.Errorf("repeated word: err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	v := tinyVocab(t)
	good := Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, Vocab: v}
	if err := good.Validate(); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for name, mod := range map[string]func(*Options){
		"MaxSeqLen":      func(o *Options) { o.MaxSeqLen = 4 },
		"MaxPredictions": func(o *Options) { o.MaxPredictions = -1 },
		"MaskedLMProb":   func(o *Options) { o.MaskedLMProb = 1.5 },
		"ShortSeqProb":   func(o *Options) { o.ShortSeqProb = -0.1 },
		"DupeFactor":     func(o *Options) { o.DupeFactor = 0 },
		"vocabulary":     func(o *Options) { o.Vocab = Vocab{} },
	} {
		o := good
		mod(&o)
		err := o.Validate()
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
		docs := []Document{{{the, cat}, {sat}}, {{the}}}
		rng := pyrandom.New(1)
		if got := CreateTrainingInstances(docs, o, rng); got != nil {
			t.Errorf("%s: CreateTrainingInstances made %d instances", name, len(got))
		}
		if got := FromDocument(docs, 0, o, rng); got != nil {
			t.Errorf("%s: FromDocument made %d instances", name, len(got))
		}
		if got := CreatePairs(docs, o, rng); got != nil {
			t.Errorf("%s: CreatePairs made %d instances", name, len(got))
		}
	}
	if got := FromDocument([]Document{{{the}}}, 1, good, pyrandom.New(1)); got != nil {
		t.Errorf("docIndex out of range: %d instances", len(got))
	}
}

const sat = 11

func TestNumToPredict(t *testing.T) {
	for _, c := range []struct {
		n, maxPred int
		prob       float64
		want       int
	}{
		{10, 20, 0.15, 2},   // 1.5 rounds to 2
		{30, 20, 0.15, 4},   // 4.5 rounds to 4, half to even
		{50, 20, 0.15, 8},   // 7.5 rounds to 8
		{128, 20, 0.15, 19}, // 19.2
		{512, 80, 0.15, 77}, // 76.8
		{512, 20, 0.15, 20}, // capped by max_predictions_per_seq
		{3, 20, 0.15, 1},    // 0.45 rounds to 0, raised to 1
		{5, 0, 0.15, 0},     // no predictions allowed
		{8, 20, 0.0, 1},
	} {
		opt := Options{MaxPredictions: c.maxPred, MaskedLMProb: c.prob}
		if got := numToPredict(c.n, opt); got != c.want {
			t.Errorf("numToPredict(%d, max %d, %v) = %d, want %d", c.n, c.maxPred, c.prob, got, c.want)
		}
	}
}

func TestTruncatePair(t *testing.T) {
	for _, c := range []struct {
		name         string
		a, b         []int32
		max          int
		script       []draw
		wantA, wantB []int32
	}{
		{"fits", []int32{1, 2}, []int32{3}, 3, nil, []int32{1, 2}, []int32{3}},
		{"longer A from the front", []int32{1, 2, 3}, []int32{4}, 3, []draw{rf(0.4)}, []int32{2, 3}, []int32{4}},
		{"longer A from the back", []int32{1, 2, 3}, []int32{4}, 3, []draw{rf(0.5)}, []int32{1, 2}, []int32{4}},
		{"tie cuts B", []int32{1, 2}, []int32{3, 4}, 3, []draw{rf(0.9)}, []int32{1, 2}, []int32{3}},
		{"alternating", []int32{1, 2, 3}, []int32{4, 5, 6}, 3,
			[]draw{rf(0.1), rf(0.1), rf(0.9)}, // B front (tie), A front, B back (tie)
			[]int32{2, 3}, []int32{5}},
		{"negative limit", []int32{1}, nil, -2, []draw{rf(0.9)}, []int32{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := &scriptRNG{t: t, script: c.script}
			a, b := TruncatePair(c.a, c.b, c.max, rng)
			rng.done()
			if !slices.Equal(a, c.wantA) || !slices.Equal(b, c.wantB) {
				t.Errorf("got %v %v, want %v %v", a, b, c.wantA, c.wantB)
			}
		})
	}
}

func TestMaskTokens(t *testing.T) {
	v := tinyVocab(t)
	V := len(tinyWords)
	// The ##x piece after the first [SEP] joins the word before the [SEP],
	// as Google's cand_indexes does.
	tokens := []int32{cls, un, aff, able, sep, s_, cat, sep}
	for _, c := range []struct {
		name       string
		prob       float64 // 8 tokens: 0.5 -> 4 targets, 0.375 -> 3
		wwm        bool
		script     []draw
		wantMasked []int32
		wantPos    []int32
	}{
		{"pieces, mask keep random", 0.375, false,
			[]draw{rf(0.1), rf(0.8), rf(0.49), rf(0.95), rf(0.5), ri(0, V-1, the)},
			[]int32{cls, msk, aff, the, sep, s_, cat, sep}, []int32{1, 2, 3}},
		{"whole word fills the budget", 0.5, true,
			[]draw{rf(0.1), rf(0.1), rf(0.1), rf(0.1)},
			[]int32{cls, msk, msk, msk, sep, msk, cat, sep}, []int32{1, 2, 3, 5}},
		{"whole word overshoots and is skipped", 0.375, true,
			[]draw{rf(0.1)},
			[]int32{cls, un, aff, able, sep, s_, msk, sep}, []int32{6}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opt := Options{MaxPredictions: 20, MaskedLMProb: c.prob, WholeWordMask: c.wwm, Vocab: v}
			rng := &scriptRNG{t: t, script: c.script}
			in := slices.Clone(tokens)
			masked, pos, labels := MaskTokens(in, opt, rng)
			rng.done()
			if !slices.Equal(in, tokens) {
				t.Errorf("input modified: %v", in)
			}
			if !slices.Equal(masked, c.wantMasked) {
				t.Errorf("masked %v, want %v", masked, c.wantMasked)
			}
			if !slices.Equal(pos, c.wantPos) {
				t.Errorf("positions %v, want %v", pos, c.wantPos)
			}
			for i, p := range pos {
				if labels[i] != tokens[p] {
					t.Errorf("label %d = %d, want %d", i, labels[i], tokens[p])
				}
			}
		})
	}
}

// reverseRNG shuffles by reversing and always masks.
type reverseRNG struct{}

func (reverseRNG) Random() float64 { return 0 }
func (reverseRNG) RandInt(a, b int) int {
	return a
}
func (reverseRNG) Shuffle(n int, swap func(i, j int)) {
	for i := range n / 2 {
		swap(i, n-1-i)
	}
}

func TestMaskTokensSorted(t *testing.T) {
	v := tinyVocab(t)
	tokens := []int32{cls, the, cat, sat, the, cat, sat, sep, the, cat, sep}
	opt := Options{MaxPredictions: 5, MaskedLMProb: 0.4, Vocab: v} // round(4.4) = 4
	_, pos, labels := MaskTokens(tokens, opt, reverseRNG{})
	// Reversed candidates are taken from the end: 9 8 6 5, reported ascending.
	if want := []int32{5, 6, 8, 9}; !slices.Equal(pos, want) {
		t.Errorf("positions %v, want %v", pos, want)
	}
	if want := []int32{cat, sat, the, cat}; !slices.Equal(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
}

// TestFromDocumentScript walks create_instances_from_document by hand: an
// actual-next pair with truncation, then a random-next pair whose unused
// sentences are put back and paired again.
func TestFromDocumentScript(t *testing.T) {
	v := tinyVocab(t)
	docs := []Document{
		{{20, 21}, {22, 23}, {24, 25}},
		{{30}, {31, 32}, {33}},
	}
	opt := Options{MaxSeqLen: 8, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, Vocab: v}
	for _, c := range []struct {
		name   string
		script []draw
		want   []Instance
	}{
		{"actual next", []draw{
			rf(0.3),     // not short: target 5
			ri(1, 2, 1), // a_end: A = 20 21
			rf(0.7),     // actual next: B = 22 23 24 25
			rf(0.2),     // truncate B (longer) from the front
		}, []Instance{
			{Tokens: []int32{cls, 20, 21, sep, 23, 24, 25, sep}, SegmentALen: 4},
		}},
		{"random next puts back", []draw{
			rf(0.3),     // not short: target 5
			ri(1, 2, 1), // a_end: A = 20 21
			rf(0.3),     // random next, B wants 3 tokens
			ri(0, 1, 0), // same document: draw again
			ri(0, 1, 1), // document 1
			ri(0, 2, 1), // from its sentence 1: 31 32 33
			// two sentences put back: the chunk restarts at 22 23
			ri(1, 1, 1), // a_end of a two-sentence chunk
			rf(0.9),     // actual next
		}, []Instance{
			{Tokens: []int32{cls, 20, 21, sep, 31, 32, 33, sep}, SegmentALen: 4, IsRandomNext: true},
			{Tokens: []int32{cls, 22, 23, sep, 24, 25, sep}, SegmentALen: 4},
		}},
		{"short target", []draw{
			rf(0.05),    // short: target drawn
			ri(2, 5, 2), // target 2: every sentence closes a chunk
			// A single-sentence chunk is always random next, without a draw.
			ri(0, 1, 1), ri(0, 2, 2), // B = 33
			ri(0, 1, 1), ri(0, 2, 0), // B = 30
			ri(0, 1, 1), ri(0, 2, 1), // B = 31 32
		}, []Instance{
			{Tokens: []int32{cls, 20, 21, sep, 33, sep}, SegmentALen: 4, IsRandomNext: true},
			{Tokens: []int32{cls, 22, 23, sep, 30, sep}, SegmentALen: 4, IsRandomNext: true},
			{Tokens: []int32{cls, 24, 25, sep, 31, 32, sep}, SegmentALen: 4, IsRandomNext: true},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := &scriptRNG{t: t, script: c.script}
			got := PairsFromDocument(docs, 0, opt, rng)
			rng.done()
			if len(got) != len(c.want) {
				t.Fatalf("%d instances, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				g, w := got[i], c.want[i]
				if !slices.Equal(g.Tokens, w.Tokens) || g.SegmentALen != w.SegmentALen || g.IsRandomNext != w.IsRandomNext || len(g.MaskedPositions) != 0 {
					t.Errorf("instance %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestBadDocuments feeds FromDocument what Google's reader never produces
// (empty documents and sentences) and requires no panic and only well-formed
// instances.
func TestBadDocuments(t *testing.T) {
	v := tinyVocab(t)
	opt := Options{MaxSeqLen: 8, MaxPredictions: 3, MaskedLMProb: 0.15, ShortSeqProb: 0.5, DupeFactor: 2, Vocab: v}
	docs := []Document{{}, {{}, {the}, {}}, {{}}, {{cat, sat}}}
	for seed := range int64(50) {
		rng := pyrandom.New(seed)
		for d := range docs {
			for _, in := range FromDocument(docs, d, opt, rng) {
				checkLayout(t, &in, opt)
			}
		}
	}
}

func ExampleMaskTokens() {
	vocab, _ := NewVocab(tinyWords)
	opt := Options{MaxPredictions: 20, MaskedLMProb: 0.15, WholeWordMask: true, Vocab: vocab}
	tokens := []int32{cls, the, cat, s_, sat, sep, un, aff, able, sep}
	masked, positions, labels := MaskTokens(tokens, opt, pyrandom.New(2))
	words := func(ids []int32) string {
		var w []string
		for _, id := range ids {
			w = append(w, tinyWords[id])
		}
		return strings.Join(w, " ")
	}
	fmt.Println(words(masked))
	fmt.Println(positions, words(labels))
	// Output:
	// [CLS] the [MASK] [MASK] sat [SEP] un ##aff ##able [SEP]
	// [2 3] cat ##s
}
