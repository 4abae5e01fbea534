package squad

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// PredictConfig holds run_squad.py's decoding flags.
type PredictConfig struct {
	NBest        int // candidates kept per question (--n_best_size, 20)
	MaxAnswerLen int // longest answer in tokens (--max_answer_length, 30)
	// Version2 allows the null answer ("" at [CLS]):
	// --version_2_with_negative.
	Version2 bool
	// NullThreshold is --null_score_diff_threshold: with Version2, a
	// question gets "" when its null score minus its best answer's score
	// exceeds it (0).
	NullThreshold float64
}

// DefaultPredictConfig returns NBest 20, MaxAnswerLen 30, SQuAD 1.1.
func DefaultPredictConfig() PredictConfig {
	return PredictConfig{NBest: 20, MaxAnswerLen: 30}
}

// Prediction is the answer to one question.
type Prediction struct {
	ID   string
	Text string // the answer, as predictions.json gives it; "" for no answer
	// NBest are the best distinct answers, best first, as
	// nbest_predictions.json gives them.
	NBest []Candidate
	// NullOdds is the null score (start + end logit at [CLS], lowest over
	// the windows) minus the best non-null answer's score: null_odds.json.
	// Set with Version2 only.
	NullOdds float64
}

// Candidate is an entry of the n-best list: the answer text, its softmax
// probability over the list's scores, and its logits.
type Candidate struct {
	Text        string  `json:"text"`
	Probability float64 `json:"probability"`
	StartLogit  float64 `json:"start_logit"`
	EndLogit    float64 `json:"end_logit"`
}

// prelim is a candidate span before its text is known.
type prelim struct {
	feature    int // index into the example's features
	start, end int // positions in the feature
	startLogit float64
	endLogit   float64
}

// Predict decodes the model's start and end logits into answers as
// run_squad.py's write_predictions does. startLogits[i] and endLogits[i]
// belong to features[i]; each holds at least len(InputIDs) values, and the
// reference's results are reproduced exactly when it holds the model's
// whole padded row (the padding's logits compete for the n-best
// positions, as in the reference). The examples and features are those
// given to and returned by Features (training false).
//
// For each question, the NBest highest start logits and the NBest highest
// end logits of each window give candidate spans; a span is kept if both
// ends lie in the window's context, it starts at a max-context token, it
// does not end before it starts and it is at most MaxAnswerLen tokens long.
// Candidates are ranked by start + end logit; each one's text is its
// tokens with "##" joins undone, projected back onto the context's words
// (see finalText), and the first NBest distinct texts make the n-best
// list. With Version2 the null answer, at the window where the [CLS] score
// is lowest, competes too, the n-best list always holds "", and the
// question's answer is "" when NullOdds > NullThreshold, else the best
// non-empty text. A question without any valid span gets the text
// "empty", as in the reference; with Version2 that is also what the
// reference's successors (HuggingFace's squad_metrics) do when only the
// null answer remains, where run_squad.py itself fails.
//
// The tokenizer must be the one that made the features: its vocabulary
// turns ids back into tokens, and its options (lower-casing) are the
// basic tokenization that finalText applies to the context.
func Predict(examples []Example, features []Feature, startLogits, endLogits [][]float32, tok *wordpiece.Tokenizer, cfg PredictConfig) ([]Prediction, error) {
	if len(startLogits) != len(features) || len(endLogits) != len(features) {
		return nil, fmt.Errorf("squad: %d features but %d start and %d end logit rows",
			len(features), len(startLogits), len(endLogits))
	}
	if cfg.NBest <= 0 || cfg.MaxAnswerLen <= 0 {
		return nil, fmt.Errorf("squad: n-best size %d and max answer length %d must be positive", cfg.NBest, cfg.MaxAnswerLen)
	}
	byExample := make([][]int, len(examples))
	for i := range features {
		f := &features[i]
		if f.ExampleIndex < 0 || f.ExampleIndex >= len(examples) {
			return nil, fmt.Errorf("squad: feature %d belongs to example %d of %d", i, f.ExampleIndex, len(examples))
		}
		for _, row := range [][]float32{startLogits[i], endLogits[i]} {
			if len(row) < len(f.InputIDs) {
				return nil, fmt.Errorf("squad: feature %d has %d tokens but %d logits", i, len(f.InputIDs), len(row))
			}
			for _, x := range row {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return nil, fmt.Errorf("squad: feature %d has a logit %v", i, x)
				}
			}
		}
		byExample[f.ExampleIndex] = append(byExample[f.ExampleIndex], i)
	}

	preds := make([]Prediction, len(examples))
	var prelims []prelim
	var starts, ends []int
	for ei := range examples {
		ex := &examples[ei]
		fis := byExample[ei]
		prelims = prelims[:0]
		scoreNull := 1000000.0 // the lowest null score over the windows
		nullFeature := 0
		var nullStart, nullEnd float64
		for k, fi := range fis {
			f := &features[fi]
			sl, el := startLogits[fi], endLogits[fi]
			if cfg.Version2 {
				if s := float64(sl[0]) + float64(el[0]); s < scoreNull {
					scoreNull, nullFeature = s, k
					nullStart, nullEnd = float64(sl[0]), float64(el[0])
				}
			}
			starts = bestIndexes(starts[:0], sl, cfg.NBest)
			ends = bestIndexes(ends[:0], el, cfg.NBest)
			for _, s := range starts {
				for _, e := range ends {
					if s >= len(f.InputIDs) || e >= len(f.InputIDs) {
						continue
					}
					if _, ok := f.Word(s); !ok {
						continue
					}
					if _, ok := f.Word(e); !ok {
						continue
					}
					if !f.MaxContext[s-f.DocOffset] || e < s || e-s+1 > cfg.MaxAnswerLen {
						continue
					}
					prelims = append(prelims, prelim{k, s, e, float64(sl[s]), float64(el[e])})
				}
			}
		}
		if cfg.Version2 {
			prelims = append(prelims, prelim{nullFeature, 0, 0, nullStart, nullEnd})
		}
		sort.SliceStable(prelims, func(a, b int) bool {
			return prelims[a].startLogit+prelims[a].endLogit > prelims[b].startLogit+prelims[b].endLogit
		})

		seen := map[string]bool{}
		var nbest []Candidate
		for _, p := range prelims {
			if len(nbest) >= cfg.NBest {
				break
			}
			text := ""
			if p.start > 0 {
				text = spanText(ex, &features[fis[p.feature]], p.start, p.end, tok)
				if seen[text] {
					continue
				}
			}
			seen[text] = true
			nbest = append(nbest, Candidate{Text: text, StartLogit: p.startLogit, EndLogit: p.endLogit})
		}
		if cfg.Version2 {
			if !seen[""] {
				nbest = append(nbest, Candidate{Text: "", StartLogit: nullStart, EndLogit: nullEnd})
			}
			if len(nbest) == 1 {
				nbest = append([]Candidate{{Text: "empty"}}, nbest...)
			}
		}
		if len(nbest) == 0 {
			nbest = append(nbest, Candidate{Text: "empty"})
		}

		scores := make([]float64, len(nbest))
		var best *Candidate
		for i := range nbest {
			scores[i] = nbest[i].StartLogit + nbest[i].EndLogit
			if best == nil && nbest[i].Text != "" {
				best = &nbest[i]
			}
		}
		for i, p := range softmax(scores) {
			nbest[i].Probability = p
		}

		pred := Prediction{ID: ex.ID, Text: nbest[0].Text, NBest: nbest}
		if cfg.Version2 {
			pred.NullOdds = scoreNull - best.StartLogit - best.EndLogit
			pred.Text = best.Text
			if pred.NullOdds > cfg.NullThreshold {
				pred.Text = ""
			}
		}
		preds[ei] = pred
	}
	return preds, nil
}

// bestIndexes appends to dst the indexes of the n largest logits, largest
// first, lower index first among equals (a stable sort's order), by
// insertion into the kept list.
func bestIndexes(dst []int, logits []float32, n int) []int {
	base := len(dst)
	for i, x := range logits {
		kept := dst[base:]
		if len(kept) == n && x <= logits[kept[n-1]] {
			continue
		}
		p := len(kept) // after every kept value >= x
		for p > 0 && logits[kept[p-1]] < x {
			p--
		}
		if len(kept) < n {
			dst = append(dst, 0)
			kept = dst[base:]
		}
		copy(kept[p+1:], kept[p:len(kept)-1])
		kept[p] = i
	}
	return dst
}

// spanText returns the context text of the tokens at positions
// [start, end] of f: the tokens joined, "##" continuations glued to the
// token before, projected onto the words they come from by finalText.
func spanText(ex *Example, f *Feature, start, end int, tok *wordpiece.Tokenizer) string {
	v := tok.Vocab()
	toks := make([]string, 0, end-start+1)
	for _, id := range f.InputIDs[start : end+1] {
		toks = append(toks, v.Token(id))
	}
	text := strings.Join(toks, " ")
	text = strings.ReplaceAll(text, " ##", "")
	text = strings.ReplaceAll(text, "##", "")
	text = strings.Join(pyFields(text), " ")
	first, _ := f.Word(start)
	last, _ := f.Word(end)
	orig := strings.Join(ex.DocTokens[first:last+1], " ")
	return finalText(text, orig, tok)
}

// finalText is run_squad.py's get_final_text: it returns the part of orig
// (context words joined by spaces) that the normalized prediction pred
// came from. pred lacks what tokenization changed (case, accents) and
// what the span left out ("Steve Smith's" → "steve smith"). orig is
// basic-tokenized (the tokenizer's cleaning, lower-casing and punctuation
// splitting, without WordPiece), and pred is looked up in it; if orig and
// its tokenized form have the same number of characters once spaces are
// removed, they are assumed to match character for character and pred's
// first and last characters are carried over to orig. Whenever a step
// fails, orig is returned whole. Positions count characters, as Python
// strings do.
func finalText(pred, orig string, tok *wordpiece.Tokenizer) string {
	var words []string
	tok.Words([]byte(orig), func(w []byte) { words = append(words, string(w)) })
	tokText := strings.Join(words, " ")

	at := strings.Index(tokText, pred)
	if at < 0 {
		return orig
	}
	start := utf8.RuneCountInString(tokText[:at])
	end := start + utf8.RuneCountInString(pred) - 1

	origRunes, tokRunes := []rune(orig), []rune(tokText)
	origNS := noSpaceIndex(origRunes) // orig position of each non-space character
	tokNS := noSpaceIndex(tokRunes)
	if len(origNS) != len(tokNS) {
		return orig
	}
	// Positions in tokText → positions among its non-space characters.
	tokToNS := make(map[int]int, len(tokNS))
	for ns, s := range tokNS {
		tokToNS[s] = ns
	}
	nsStart, ok1 := tokToNS[start]
	nsEnd, ok2 := tokToNS[end]
	if !ok1 || !ok2 {
		return orig
	}
	return string(origRunes[origNS[nsStart] : origNS[nsEnd]+1])
}

// noSpaceIndex returns the positions of the characters of s other than
// ' ' (run_squad.py's _strip_spaces skips only the ASCII space).
func noSpaceIndex(s []rune) []int {
	out := make([]int, 0, len(s))
	for i, r := range s {
		if r != ' ' {
			out = append(out, i)
		}
	}
	return out
}

// softmax returns exp(x − max) normalized to sum to 1, as run_squad.py's
// _compute_softmax does.
func softmax(scores []float64) []float64 {
	if len(scores) == 0 {
		return nil
	}
	m := scores[0]
	for _, s := range scores[1:] {
		m = max(m, s)
	}
	out := make([]float64, len(scores))
	sum := 0.0
	for i, s := range scores {
		out[i] = math.Exp(s - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
