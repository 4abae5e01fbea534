package squad

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// logits returns a start and an end row of n values, all fill.
func logits(n int, fill float32) ([]float32, []float32) {
	s, e := make([]float32, n), make([]float32, n)
	for i := range s {
		s[i], e[i] = fill, fill
	}
	return s, e
}

// setup makes the features of one question and fill-valued logits for
// them, SeqLen wide.
func setup(t *testing.T, context, answer string, cfg FeatureConfig) ([]Example, []Feature, [][]float32, [][]float32) {
	t.Helper()
	tok := testTokenizer(t)
	ex := []Example{example(t, context, "who", answer, false)}
	fs, err := Features(ex, tok, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	var start, end [][]float32
	for range fs {
		s, e := logits(cfg.SeqLen, 0)
		start, end = append(start, s), append(end, e)
	}
	return ex, fs, start, end
}

func predictOne(t *testing.T, ex []Example, fs []Feature, start, end [][]float32, cfg PredictConfig) Prediction {
	t.Helper()
	preds, err := Predict(ex, fs, start, end, testTokenizer(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != 1 || preds[0].ID != "q" {
		t.Fatalf("predictions %+v", preds)
	}
	return preds[0]
}

const smith = "The leader was John Smith (1895-1943)."

var oneWindow = FeatureConfig{SeqLen: 32, DocStride: 8, MaxQueryLen: 8}

// Positions in smith's single feature: 3 the, 4 leader, 5 was, 6 john,
// 7 smith, 8 (, 9 18, 10 ##95, 11 -, 12 19, 13 ##43, 14 ), 15 ., 16 [SEP].
func TestPredictNBest(t *testing.T) {
	ex, fs, start, end := setup(t, smith, "", oneWindow)
	start[0][9], start[0][6] = 5, 4
	end[0][10], end[0][7] = 5, 4
	p := predictOne(t, ex, fs, start, end, DefaultPredictConfig())
	if p.Text != "1895" {
		t.Errorf("answer %q, want 1895", p.Text)
	}
	// Every other logit is 0, so after the three spans of both marked ends
	// comes the first span of score 5 in the reference's order: start 9
	// (the best start), end 9 (the first valid end among the zeros).
	want := []Candidate{{"1895", 0, 5, 5}, {"John Smith (1895", 0, 4, 5}, {"John Smith", 0, 4, 4}, {"18", 0, 5, 0}}
	if len(p.NBest) != 20 {
		t.Fatalf("%d candidates, want 20", len(p.NBest))
	}
	seen := map[string]bool{}
	sum := 0.0
	for i, c := range p.NBest {
		if i < len(want) && (c.Text != want[i].Text || c.StartLogit != want[i].StartLogit || c.EndLogit != want[i].EndLogit) {
			t.Errorf("candidate %d: %+v, want %+v", i, c, want[i])
		}
		if seen[c.Text] {
			t.Errorf("candidate %q repeats", c.Text)
		}
		seen[c.Text] = true
		if i > 0 && c.StartLogit+c.EndLogit > p.NBest[i-1].StartLogit+p.NBest[i-1].EndLogit {
			t.Errorf("candidate %d scores above the one before", i)
		}
		// Softmax over the list's scores, relative to the best.
		var z float64
		for _, d := range p.NBest {
			z += math.Exp(d.StartLogit + d.EndLogit - 10)
		}
		if w := math.Exp(c.StartLogit+c.EndLogit-10) / z; math.Abs(c.Probability-w) > 1e-15 {
			t.Errorf("candidate %d: probability %v, want %v", i, c.Probability, w)
		}
		sum += c.Probability
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("probabilities sum to %v", sum)
	}
}

// Milk's windows with a 5-token window and stride 3: in the second window
// (context words 3..7) "bought" (position 7) is not at its max context;
// in the third (words 6..10) it is position 4 and "gallon" position 6.
func TestPredictMaxContext(t *testing.T) {
	ex, fs, start, end := setup(t, milk, "", FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4})
	for i := range fs {
		start[i], end[i] = logits(9, -10)
	}
	start[1][7], end[1][7] = 10, 10
	start[2][6], end[2][6] = 2, 2
	p := predictOne(t, ex, fs, start, end, DefaultPredictConfig())
	if p.Text != "gallon" || p.NBest[0].StartLogit != 2 {
		t.Errorf("answer %q (%+v), want gallon: a span may not start where its window lacks context", p.Text, p.NBest[0])
	}
}

func TestPredictMaxAnswerLen(t *testing.T) {
	ex, fs, start, end := setup(t, milk, "", oneWindow)
	start[0], end[0] = logits(32, -10)
	start[0][3+5], end[0][3+7] = 5, 5   // store and bought
	start[0][3+11], end[0][3+11] = 1, 1 // milk
	cfg := DefaultPredictConfig()
	cfg.MaxAnswerLen = 2
	if p := predictOne(t, ex, fs, start, end, cfg); p.Text != "milk" {
		t.Errorf("max length 2: %q, want milk", p.Text)
	}
	cfg.MaxAnswerLen = 3
	if p := predictOne(t, ex, fs, start, end, cfg); p.Text != "store and bought" {
		t.Errorf("max length 3: %q, want store and bought", p.Text)
	}
}

func TestPredictNull(t *testing.T) {
	ex, fs, start, end := setup(t, smith, "", oneWindow)
	start[0][0], end[0][0] = 3, 3
	start[0][9], end[0][10] = 2, 2
	cfg := DefaultPredictConfig()
	cfg.Version2 = true
	p := predictOne(t, ex, fs, start, end, cfg)
	if p.Text != "" || p.NullOdds != 2 || p.NBest[0] != (Candidate{"", p.NBest[0].Probability, 3, 3}) || p.NBest[1].Text != "1895" {
		t.Errorf("null 6 vs 4: answer %q, odds %v, n-best %+v", p.Text, p.NullOdds, p.NBest[:2])
	}
	cfg.NullThreshold = 2.5
	if p := predictOne(t, ex, fs, start, end, cfg); p.Text != "1895" || p.NullOdds != 2 {
		t.Errorf("threshold 2.5: answer %q, odds %v; want 1895, 2", p.Text, p.NullOdds)
	}
	// A null answer outside the n-best list is appended to it.
	start[0][0], end[0][0] = -5, -5
	p = predictOne(t, ex, fs, start, end, cfg)
	if p.Text != "1895" || p.NullOdds != -14 || len(p.NBest) != 21 || p.NBest[20] != (Candidate{"", p.NBest[20].Probability, -5, -5}) {
		t.Errorf("low null: answer %q, odds %v, n-best %+v", p.Text, p.NullOdds, p.NBest)
	}
}

// The null score is the lowest [CLS] score over the windows, and the n-best
// list's "" carries that window's logits.
func TestPredictNullOverWindows(t *testing.T) {
	ex, fs, start, end := setup(t, milk, "", FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4})
	for i, cls := range [][2]float32{{3, 3}, {1, 2}, {5, 5}, {4, 4}} {
		start[i][0], end[i][0] = cls[0], cls[1]
	}
	start[2][6], end[2][6] = 2, 2 // gallon
	cfg := DefaultPredictConfig()
	cfg.Version2 = true
	p := predictOne(t, ex, fs, start, end, cfg)
	if p.Text != "gallon" || p.NullOdds != 3-4 {
		t.Errorf("answer %q, odds %v; want gallon, -1", p.Text, p.NullOdds)
	}
	n := 0
	for _, c := range p.NBest {
		if c.Text == "" {
			n++
			if c.StartLogit != 1 || c.EndLogit != 2 {
				t.Errorf("null candidate %+v, want logits 1, 2", c)
			}
		}
	}
	// "" is among the first 20, so the list is not extended.
	if n != 1 || len(p.NBest) != 20 {
		t.Errorf("%d null candidates in %d, want 1 in 20", n, len(p.NBest))
	}
}

func TestPredictNoValidSpan(t *testing.T) {
	ex, fs, start, end := setup(t, smith, "", oneWindow)
	start[0][0], start[0][1], end[0][0], end[0][1] = 5, 4, 5, 4 // [CLS] and the question
	cfg := PredictConfig{NBest: 2, MaxAnswerLen: 30}
	p := predictOne(t, ex, fs, start, end, cfg)
	if p.Text != "empty" || len(p.NBest) != 1 || p.NBest[0] != (Candidate{"empty", 1, 0, 0}) {
		t.Errorf("v1: %+v", p)
	}
	cfg.Version2 = true
	p = predictOne(t, ex, fs, start, end, cfg)
	want := []Candidate{{"empty", 1 / (1 + math.Exp(10)), 0, 0}, {"", math.Exp(10) / (1 + math.Exp(10)), 5, 5}}
	if p.Text != "" || p.NullOdds != 10 || len(p.NBest) != 2 || p.NBest[0].Text != want[0].Text || p.NBest[1].Text != want[1].Text ||
		math.Abs(p.NBest[0].Probability-want[0].Probability) > 1e-15 || p.NBest[1].StartLogit != 5 {
		t.Errorf("v2: %+v, want n-best %+v", p, want)
	}
	// Padding logits compete for the n-best positions, as in the
	// reference: the best two starts and ends are past the real tokens.
	start[0], end[0] = logits(32, 0)
	start[0][30], start[0][31], end[0][30], end[0][31] = 1, 1, 1, 1
	if p := predictOne(t, ex, fs, start, end, PredictConfig{NBest: 2, MaxAnswerLen: 30}); p.Text != "empty" {
		t.Errorf("padding logits: answer %q, want empty", p.Text)
	}
}

// "the" is both context word 0 (first window) and word 4 (second window):
// the n-best list holds the text once, with the better score.
func TestPredictDistinctTexts(t *testing.T) {
	ex, fs, start, end := setup(t, milk, "", FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4})
	for i := range fs {
		start[i], end[i] = logits(9, -10)
	}
	start[0][3], end[0][3] = 3, 3
	start[1][4], end[1][4] = 2, 2
	p := predictOne(t, ex, fs, start, end, DefaultPredictConfig())
	n := 0
	for _, c := range p.NBest {
		if c.Text == "the" {
			n++
		}
	}
	if p.NBest[0] != (Candidate{"the", p.NBest[0].Probability, 3, 3}) || n != 1 {
		t.Errorf("n-best %+v: want \"the\" once, first, with logits 3, 3", p.NBest[:3])
	}
}

func TestPredictErrors(t *testing.T) {
	ex, fs, start, end := setup(t, smith, "", oneWindow)
	tok := testTokenizer(t)
	if _, err := Predict(ex, fs, start, end[:0], tok, DefaultPredictConfig()); err == nil {
		t.Error("missing logit rows accepted")
	}
	short := [][]float32{start[0][:5]}
	if _, err := Predict(ex, fs, short, end, tok, DefaultPredictConfig()); err == nil {
		t.Error("short logit row accepted")
	}
	start[0][3] = float32(math.NaN())
	if _, err := Predict(ex, fs, start, end, tok, DefaultPredictConfig()); err == nil {
		t.Error("NaN logit accepted")
	}
	start[0][3] = 0
	if _, err := Predict(ex, fs, start, end, tok, PredictConfig{}); err == nil {
		t.Error("n-best size 0 accepted")
	}
}

func TestFinalText(t *testing.T) {
	v, err := wordpiece.ReadVocab(strings.NewReader("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"))
	if err != nil {
		t.Fatal(err)
	}
	lower := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	cased := wordpiece.New(v, wordpiece.Options{})
	for _, tt := range []struct {
		tok        *wordpiece.Tokenizer
		pred, orig string
		want       string
	}{
		{lower, "steve smith", "Steve Smith's", "Steve Smith"},
		{cased, "Steve Smith", "Steve Smith's", "Steve Smith"},
		{lower, "1895", "(1895-1943).", "1895"},
		{lower, "1895 - 1943", "(1895-1943).", "1895-1943"},
		// Accents are stripped one for one, so the characters still line up.
		{lower, "cafe", "Café Noir", "Café"},
		{lower, "東", "東京タワー", "東"},
		// Not found: the whole span.
		{lower, "jones", "Steve Smith's", "Steve Smith's"},
		{cased, "steve", "Steve Smith's", "Steve Smith's"},
		// A dropped control character breaks the alignment.
		{lower, "smith", "Smith\x01's", "Smith\x01's"},
		// A decomposed accent is one character more in orig.
		{lower, "cafe", "Cafe\u0301 Noir", "Cafe\u0301 Noir"},
		{lower, "", "Steve", "Steve"},
		// U+00A0 separates words for the tokenizer, but the alignment skips
		// only ' ', so the lengths differ.
		{lower, "b", "a\u00a0b", "a\u00a0b"},
	} {
		if got := finalText(tt.pred, tt.orig, tt.tok); got != tt.want {
			t.Errorf("finalText(%q, %q, lower %v) = %q, want %q", tt.pred, tt.orig, tt.tok.Options().Lowercase, got, tt.want)
		}
	}
}

// bestIndexes agrees with a stable sort of all indexes by logit, largest
// first (run_squad.py's _get_best_indexes), ties included.
func TestBestIndexes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		logits := make([]float32, rng.IntN(40))
		for i := range logits {
			logits[i] = float32(rng.IntN(6)) // many ties
		}
		n := 1 + rng.IntN(25)
		all := make([]int, len(logits))
		for i := range all {
			all[i] = i
		}
		sort.SliceStable(all, func(a, b int) bool { return logits[all[a]] > logits[all[b]] })
		want := all[:min(n, len(all))]
		got := bestIndexes([]int{-1}, logits, n)
		if got[0] != -1 || !slices.Equal(got[1:], want) {
			t.Fatalf("logits %v, n %d: got %v, want %v", logits, n, got[1:], want)
		}
	}
}
