package squad

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Normalize is the official evaluation scripts' normalize_answer: lower
// case (Python's str.lower), ASCII punctuation removed (Python's
// string.punctuation only: “, ” and – stay), the words "a", "an" and "the"
// replaced by a space, and white space collapsed to single spaces.
func Normalize(s string) string {
	s = pyLower(s)
	s = strings.Map(func(r rune) rune {
		if isASCIIPunct(r) {
			return -1
		}
		return r
	}, s)
	s = removeArticles(s)
	return strings.Join(pyFields(s), " ")
}

// isASCIIPunct reports whether r is in Python's string.punctuation:
// !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
func isASCIIPunct(r rune) bool {
	return r >= '!' && r <= '/' || r >= ':' && r <= '@' || r >= '[' && r <= '`' || r >= '{' && r <= '~'
}

// removeArticles replaces each whole word (a maximal run of Python's \w
// characters) "a", "an" or "the" with a space: re.sub(r"\b(a|an|the)\b",
// " ", s).
func removeArticles(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isPyWord(r) {
				break
			}
			j += n
		}
		if j == i { // a character outside words
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch s[i:j] {
		case "a", "an", "the":
			b.WriteByte(' ')
		default:
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// tokens returns the words of the normalized answer.
func tokens(s string) []string { return strings.Fields(Normalize(s)) }

// Exact reports whether gold and pred are equal once normalized: the
// official exact-match score of one answer (both versions).
func Exact(gold, pred string) bool { return Normalize(gold) == Normalize(pred) }

// F1 is SQuAD 1.1's token F1 of pred against gold: over the normalized
// words, with repeated words matched at most as often as they occur in
// both, 2·P·R/(P+R); 0 when no word is shared, even if both are empty.
func F1(gold, pred string) float64 {
	g, p := tokens(gold), tokens(pred)
	return tokenF1(g, p, common(g, p))
}

// F1V2 is SQuAD 2.0's token F1: as F1, except that when either side has
// no words (the no-answer ""), it is 1 if both have none and 0 otherwise.
func F1V2(gold, pred string) float64 {
	g, p := tokens(gold), tokens(pred)
	if len(g) == 0 || len(p) == 0 {
		if len(g) == len(p) {
			return 1
		}
		return 0
	}
	return tokenF1(g, p, common(g, p))
}

// common counts the words of a and b matched one to one: the size of
// their multiset intersection.
func common(a, b []string) int {
	count := make(map[string]int, len(a))
	for _, w := range a {
		count[w]++
	}
	n := 0
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			n++
		}
	}
	return n
}

func tokenF1(gold, pred []string, same int) float64 {
	if same == 0 {
		return 0
	}
	precision := float64(same) / float64(len(pred))
	recall := float64(same) / float64(len(gold))
	return (2 * precision * recall) / (precision + recall)
}

// Score is one question's scores before any no-answer threshold: the best
// over its gold answers.
type Score struct {
	ID     string
	HasAns bool // the question has gold answers
	Exact  float64
	F1     float64
}

// V1Result is the output of evaluate-v1.1.py: percentages over all
// questions, a question without a prediction scoring 0.
type V1Result struct {
	ExactMatch float64
	F1         float64
	Total      int      // questions
	Missing    []string // ids of the questions without a prediction
	Scores     []Score  // the questions with a prediction, in file order
}

// MarshalJSON writes {"exact_match": ..., "f1": ...}, the script's output.
func (r V1Result) MarshalJSON() ([]byte, error) {
	return []byte(`{"exact_match": ` + pyFloat(r.ExactMatch) + `, "f1": ` + pyFloat(r.F1) + `}`), nil
}

// EvaluateV1 scores predictions (question id → answer) against the
// examples (all questions of the dataset, in order) as evaluate-v1.1.py
// does: each question's exact match and F1 are the best over its gold
// answers, and the totals are percentages over all questions. A question
// without gold answers, which the script cannot score, is an error.
func EvaluateV1(examples []Example, preds map[string]string) (*V1Result, error) {
	if len(examples) == 0 {
		return nil, fmt.Errorf("squad: no questions to evaluate")
	}
	r := &V1Result{Total: len(examples)}
	exact, f1 := 0.0, 0.0
	for i := range examples {
		ex := &examples[i]
		if len(ex.Answers) == 0 {
			return nil, fmt.Errorf("squad: question %q (line %d) has no gold answers; SQuAD 1.1 needs one", ex.ID, ex.Line)
		}
		pred, ok := preds[ex.ID]
		if !ok {
			r.Missing = append(r.Missing, ex.ID)
			continue
		}
		s := Score{ID: ex.ID, HasAns: true}
		for _, a := range ex.Answers {
			if Exact(a.Text, pred) {
				s.Exact = 1
			}
			s.F1 = max(s.F1, F1(a.Text, pred))
		}
		r.Scores = append(r.Scores, s)
		exact += s.Exact
		f1 += s.F1
	}
	r.ExactMatch = 100 * exact / float64(r.Total)
	r.F1 = 100 * f1 / float64(r.Total)
	return r, nil
}

// Breakdown is exact and F1 over a subset of the questions.
type Breakdown struct {
	Exact, F1 float64
	Total     int
}

// BestThresholds are the best scores any no-answer threshold achieves,
// and the thresholds that achieve them.
type BestThresholds struct {
	Exact, ExactThresh float64
	F1, F1Thresh       float64
}

// V2Result is the output of evaluate-v2.0.py.
type V2Result struct {
	Breakdown                 // all questions, after the threshold
	HasAns    *Breakdown      // questions with gold answers; nil if none
	NoAns     *Breakdown      // questions without; nil if none
	Best      *BestThresholds // nil without null odds
	Scores    []Score         // every question, before the threshold
}

// MarshalJSON writes the script's keys in its order: exact, f1, total,
// HasAns_exact, HasAns_f1, HasAns_total, NoAns_exact, NoAns_f1,
// NoAns_total, best_exact, best_exact_thresh, best_f1, best_f1_thresh.
func (r V2Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	sep := "{"
	put := func(k, v string) {
		b.WriteString(sep + strconv.Quote(k) + ": " + v)
		sep = ", "
	}
	part := func(prefix string, x *Breakdown) {
		if x != nil {
			put(prefix+"exact", pyFloat(x.Exact))
			put(prefix+"f1", pyFloat(x.F1))
			put(prefix+"total", strconv.Itoa(x.Total))
		}
	}
	part("", &r.Breakdown)
	part("HasAns_", r.HasAns)
	part("NoAns_", r.NoAns)
	if r.Best != nil {
		put("best_exact", pyFloat(r.Best.Exact))
		put("best_exact_thresh", pyFloat(r.Best.ExactThresh))
		put("best_f1", pyFloat(r.Best.F1))
		put("best_f1_thresh", pyFloat(r.Best.F1Thresh))
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// EvaluateV2 scores predictions as evaluate-v2.0.py does. A question
// without gold answers, or whose gold answers all normalize to nothing,
// has the single gold answer "". naProbs is the --na-prob-file
// (null_odds.json), or nil for none: then every question's value is 0. A
// question whose value exceeds naProbThresh counts as answered "" (score
// 1 if it has no gold answer, else 0). With naProbs, Best holds the best
// exact and F1 over all thresholds, found by sweeping the questions in
// increasing order of their value (file order among equals, as the script
// does). Every question needs a prediction, and with naProbs a value: the
// script stops otherwise, and so does EvaluateV2, with an error.
func EvaluateV2(examples []Example, preds map[string]string, naProbs []Odds, naProbThresh float64) (*V2Result, error) {
	if len(examples) == 0 {
		return nil, fmt.Errorf("squad: no questions to evaluate")
	}
	var missing []string
	for i := range examples {
		if _, ok := preds[examples[i].ID]; !ok {
			missing = append(missing, examples[i].ID)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("squad: %d questions have no prediction (first %q)", len(missing), missing[0])
	}
	na := make(map[string]float64, len(examples))
	if naProbs != nil {
		for _, o := range naProbs {
			na[o.ID] = o.Value
		}
		for i := range examples {
			if _, ok := na[examples[i].ID]; !ok {
				return nil, fmt.Errorf("squad: question %q has no null odds", examples[i].ID)
			}
		}
	}

	r := &V2Result{Scores: make([]Score, len(examples))}
	hasAns := make(map[string]bool, len(examples))
	var has, no, all breakdownSum
	for i := range examples {
		ex := &examples[i]
		pred := preds[ex.ID]
		s := Score{ID: ex.ID, HasAns: len(ex.Answers) > 0}
		hasAns[ex.ID] = s.HasAns
		var golds []string
		for _, a := range ex.Answers {
			if Normalize(a.Text) != "" {
				golds = append(golds, a.Text)
			}
		}
		if len(golds) == 0 {
			golds = []string{""}
		}
		for _, g := range golds {
			if Exact(g, pred) {
				s.Exact = 1
			}
			s.F1 = max(s.F1, F1V2(g, pred))
		}
		r.Scores[i] = s

		exact, f1 := s.Exact, s.F1
		if na[ex.ID] > naProbThresh {
			exact, f1 = 0, 0
			if !s.HasAns {
				exact, f1 = 1, 1
			}
		}
		all.add(exact, f1)
		if s.HasAns {
			has.add(exact, f1)
		} else {
			no.add(exact, f1)
		}
	}
	r.Breakdown = all.result()
	if has.n > 0 {
		b := has.result()
		r.HasAns = &b
	}
	if no.n > 0 {
		b := no.result()
		r.NoAns = &b
	}
	if naProbs != nil {
		order := append([]Odds(nil), naProbs...)
		sort.SliceStable(order, func(a, b int) bool { return order[a].Value < order[b].Value })
		idx := make(map[string]int, len(r.Scores))
		for i, s := range r.Scores {
			idx[s.ID] = i
		}
		best := &BestThresholds{}
		best.Exact, best.ExactThresh = bestThreshold(order, r.Scores, idx, preds, no.n, func(s Score) float64 { return s.Exact })
		best.F1, best.F1Thresh = bestThreshold(order, r.Scores, idx, preds, no.n, func(s Score) float64 { return s.F1 })
		r.Best = best
	}
	return r, nil
}

// breakdownSum adds up scores in question order, as the script's sum does.
type breakdownSum struct {
	exact, f1 float64
	n         int
}

func (s *breakdownSum) add(exact, f1 float64) { s.exact += exact; s.f1 += f1; s.n++ }

func (s *breakdownSum) result() Breakdown {
	return Breakdown{Exact: 100 * s.exact / float64(s.n), F1: 100 * s.f1 / float64(s.n), Total: s.n}
}

// bestThreshold is the script's find_best_thresh: starting from the score
// of answering "" everywhere (the unanswerable questions), it lowers the
// threshold past one question at a time, in increasing order of null
// odds; answering that question gains its score if it has an answer, and
// loses 1 if it has none and the prediction is not "". It returns the best
// total as a percentage and the odds value where it was first reached.
func bestThreshold(order []Odds, scores []Score, idx map[string]int, preds map[string]string, noAns int, score func(Score) float64) (float64, float64) {
	cur := float64(noAns)
	best, thresh := cur, 0.0
	for _, o := range order {
		i, ok := idx[o.ID]
		if !ok {
			continue
		}
		s := scores[i]
		switch {
		case s.HasAns:
			cur += score(s)
		case preds[o.ID] != "":
			cur--
		}
		if cur > best {
			best, thresh = cur, o.Value
		}
	}
	return 100 * best / float64(len(scores)), thresh
}
