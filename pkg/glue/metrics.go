package glue

import (
	"fmt"
	"math"
	"sort"
)

// Metric is one value of a task's official metrics.
type Metric struct {
	Name  string // a key of glue_compute_metrics: "acc", "f1", "mcc", ...
	Value float64
}

// EvaluateClasses returns the official metrics of a classification task for
// predicted classes pred against gold, both indexes into t.Labels, in the
// order of t.Metrics:
//
//	CoLA                   mcc
//	SST-2, MNLI, QNLI,     acc
//	RTE, WNLI
//	MRPC, QQP              acc, f1 (of class 1), acc_and_f1 (their mean)
//
// MNLI's matched and mismatched dev sets are evaluated one at a time. It is
// an error for the lengths to differ, for a class to be out of range (an
// unlabeled example's -1 included), or for t to be a regression task.
func (t *Task) EvaluateClasses(gold, pred []int) ([]Metric, error) {
	if t.Regression() {
		return nil, fmt.Errorf("glue: %s is a regression task: evaluate scores, not classes", t.Name)
	}
	if len(gold) != len(pred) {
		return nil, fmt.Errorf("glue: %s: %d gold labels but %d predictions", t.Name, len(gold), len(pred))
	}
	for i := range gold {
		for _, c := range [2]struct {
			what string
			v    int
		}{{"gold label", gold[i]}, {"prediction", pred[i]}} {
			if c.v < 0 || c.v >= len(t.Labels) {
				return nil, fmt.Errorf("glue: %s: %s %d of example %d is not a class (0 to %d)", t.Name, c.what, c.v, i, len(t.Labels)-1)
			}
		}
	}
	var out []Metric
	for _, name := range t.Metrics {
		var v float64
		switch name {
		case "mcc":
			v = MatthewsCorr(gold, pred)
		case "acc":
			v = Accuracy(gold, pred)
		case "f1":
			v = F1(gold, pred, 1)
		case "acc_and_f1":
			v = (Accuracy(gold, pred) + F1(gold, pred, 1)) / 2
		default:
			panic("glue: metric " + name + " of " + t.Name)
		}
		out = append(out, Metric{name, v})
	}
	return out, nil
}

// EvaluateScores returns the official metrics of STS-B for predicted scores
// pred against gold: pearson, spearmanr and corr, their mean. It is an error
// for the lengths to differ, for a gold score to be NaN (an unlabeled
// example's), or for t to be a classification task. A NaN prediction makes
// the correlations NaN; Pearson and Spearman say what infinities do.
func (t *Task) EvaluateScores(gold, pred []float64) ([]Metric, error) {
	if !t.Regression() {
		return nil, fmt.Errorf("glue: %s is a classification task: evaluate classes, not scores", t.Name)
	}
	if len(gold) != len(pred) {
		return nil, fmt.Errorf("glue: %s: %d gold scores but %d predictions", t.Name, len(gold), len(pred))
	}
	for i, g := range gold {
		if math.IsNaN(g) {
			return nil, fmt.Errorf("glue: %s: example %d has no gold score", t.Name, i)
		}
	}
	p, s := Pearson(pred, gold), Spearman(pred, gold)
	return []Metric{{"pearson", p}, {"spearmanr", s}, {"corr", (p + s) / 2}}, nil
}

// Accuracy returns the fraction of pred equal to gold: NaN when there are
// none, as HuggingFace's simple_accuracy ((preds == labels).mean()) and
// scikit-learn's accuracy_score give. It panics if the lengths differ.
func Accuracy(gold, pred []int) float64 {
	sameLen(len(gold), len(pred))
	right := 0
	for i := range gold {
		if gold[i] == pred[i] {
			right++
		}
	}
	return float64(right) / float64(len(gold))
}

// F1 returns the F1 score of class positive, as scikit-learn's f1_score
// with average="binary": 2·TP / (2·TP + FP + FN), and 0 when that is 0/0 (no
// example is or is predicted positive, the empty input included), which is
// what f1_score returns under its default zero_division="warn". It panics
// if the lengths differ.
func F1(gold, pred []int, positive int) float64 {
	sameLen(len(gold), len(pred))
	var tp, fp, fn int
	for i := range gold {
		g, p := gold[i] == positive, pred[i] == positive
		switch {
		case g && p:
			tp++
		case p:
			fp++
		case g:
			fn++
		}
	}
	if tp+fp+fn == 0 {
		return 0
	}
	return float64(2*tp) / float64(2*tp+fp+fn)
}

// MatthewsCorr returns the Matthews correlation coefficient of any number of
// classes, as scikit-learn's matthews_corrcoef computes it from the
// confusion matrix C (t = row sums, p = column sums, n = Σ C):
//
//	(tr C · n − t·p) / √((n² − p·p)(n² − t·t))
//
// and 0 when the denominator is 0: when gold or pred holds one class only
// (constant predictions), and for an empty input. It panics if the lengths
// differ.
func MatthewsCorr(gold, pred []int) float64 {
	sameLen(len(gold), len(pred))
	tsum, psum := map[int]float64{}, map[int]float64{}
	correct := 0.0
	for i := range gold {
		tsum[gold[i]]++
		psum[pred[i]]++
		if gold[i] == pred[i] {
			correct++
		}
	}
	n := float64(len(gold))
	var tp, pp, tt float64
	for c, v := range tsum {
		tp += v * psum[c]
		tt += v * v
	}
	for _, v := range psum {
		pp += v * v
	}
	covTP := correct*n - tp
	covPP := n*n - pp
	covTT := n*n - tt
	if covPP*covTT == 0 {
		return 0
	}
	return covTP / math.Sqrt(covTT*covPP)
}

// Pearson returns Pearson's correlation coefficient of x and y as SciPy's
// stats.pearsonr computes it: the dot product of the centred vectors, each
// divided by its norm, clipped to [−1, 1]; for two points, the product of
// the signs of their differences. It is NaN where the coefficient is not
// defined: when x or y is constant (pearsonr also gives NaN), when there are
// fewer than two points or a value is NaN or infinite (pearsonr raises
// ValueError). It panics if the lengths differ.
func Pearson(x, y []float64) float64 {
	sameLen(len(x), len(y))
	n := len(x)
	if n < 2 || !finite(x) || !finite(y) || constant(x) || constant(y) {
		return math.NaN()
	}
	if n == 2 {
		return sign(x[1]-x[0]) * sign(y[1]-y[0])
	}
	mx, my := mean(x), mean(y)
	xm, ym := make([]float64, n), make([]float64, n)
	for i := range x {
		xm[i], ym[i] = x[i]-mx, y[i]-my
	}
	nx, ny := norm(xm), norm(ym)
	r := 0.0
	for i := range xm {
		r += (xm[i] / nx) * (ym[i] / ny)
	}
	return max(min(r, 1), -1)
}

// Spearman returns Spearman's rank correlation coefficient of x and y as
// SciPy's stats.spearmanr computes it: Pearson's coefficient (numpy's
// corrcoef, clipped to [−1, 1]) of their ranks, tied values sharing the
// average of their ranks (rankdata's "average" method). It is NaN, as in
// spearmanr, when there are fewer than two points, when x or y is
// constant, or when a value is NaN. Infinities rank as the largest or
// smallest values, but +Inf and −Inf together (in x, y or one in each) make
// it NaN too: spearmanr looks for NaN by summing all the values. It panics
// if the lengths differ.
func Spearman(x, y []float64) float64 {
	sameLen(len(x), len(y))
	if len(x) < 2 || constant(x) || constant(y) || sumIsNaN(x, y) {
		return math.NaN()
	}
	rx, ry := ranks(x), ranks(y)
	mx, my := mean(rx), mean(ry)
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	// corrcoef: cov / (σx σy), each a sum over n−1.
	d := float64(len(x) - 1)
	r := sxy / d / math.Sqrt(sxx/d) / math.Sqrt(syy/d)
	return max(min(r, 1), -1)
}

// ranks returns the 1-based ranks of v, ties sharing their average rank.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		// Positions i..j-1 hold equal values: ranks i+1..j, average (i+1+j)/2.
		avg := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// norm returns the Euclidean norm of v, scaled by its largest magnitude so
// that the squares do not overflow (as scipy.linalg.norm's BLAS nrm2).
func norm(v []float64) float64 {
	scale := 0.0
	for _, x := range v {
		scale = max(scale, math.Abs(x))
	}
	if scale == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += (x / scale) * (x / scale)
	}
	return scale * math.Sqrt(s)
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func constant(v []float64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// sumIsNaN reports whether the sum of the values of x and y is NaN, as
// SciPy's _contains_nan decides: some value is NaN, or both infinities
// occur. (Finite values whose sum overflows to both infinities are left
// out.)
func sumIsNaN(x, y []float64) bool {
	var pos, neg bool
	for _, v := range [2][]float64{x, y} {
		for _, f := range v {
			switch {
			case math.IsNaN(f):
				return true
			case math.IsInf(f, 1):
				pos = true
			case math.IsInf(f, -1):
				neg = true
			}
		}
	}
	return pos && neg
}

func sameLen(a, b int) {
	if a != b {
		panic(fmt.Sprintf("glue: %d gold values but %d predictions", a, b))
	}
}
