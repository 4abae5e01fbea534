package glue

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// refValue is a value of testdata/metrics.json: a float written with
// Python's float.hex, or the name of the exception the reference raised,
// for which this package returns NaN.
type refValue string

func (v refValue) float(t *testing.T) float64 {
	t.Helper()
	if v == "ValueError" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	return f
}

type refFile struct {
	Classes []struct {
		Name         string
		Gold, Pred   []int
		Acc, F1, MCC refValue
		AccAndF1     refValue `json:"acc_and_f1"`
	} `json:"classes"`
	Scores []struct {
		Name                     string
		Gold, Pred               []refValue
		Pearson, Spearmanr, Corr refValue
	} `json:"scores"`
}

func loadRef(t *testing.T) *refFile {
	t.Helper()
	data, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref refFile
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Classes) < 10 || len(ref.Scores) < 10 {
		t.Fatalf("metrics.json has %d class and %d score cases", len(ref.Classes), len(ref.Scores))
	}
	return &ref
}

// close reports whether got matches want to 1e-12, NaN matching NaN.
func close(got, want float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= 1e-12
}

func checkMetric(t *testing.T, what string, got float64, want refValue) {
	t.Helper()
	if w := want.float(t); !close(got, w) {
		t.Errorf("%s = %v, want %v (reference %s)", what, got, w, want)
	}
}

// TestMetricsMatchReference compares every metric with scikit-learn's and
// SciPy's values in testdata/metrics.json.
func TestMetricsMatchReference(t *testing.T) {
	ref := loadRef(t)
	cola, mrpc, mnli := mustTask(t, "CoLA"), mustTask(t, "MRPC"), mustTask(t, "MNLI")
	for _, c := range ref.Classes {
		checkMetric(t, c.Name+": Accuracy", Accuracy(c.Gold, c.Pred), c.Acc)
		checkMetric(t, c.Name+": MatthewsCorr", MatthewsCorr(c.Gold, c.Pred), c.MCC)
		task, want := mnli, []refValue{c.Acc}
		if c.F1 != "" {
			checkMetric(t, c.Name+": F1", F1(c.Gold, c.Pred, 1), c.F1)
			task, want = mrpc, []refValue{c.Acc, c.F1, c.AccAndF1}
			m, err := cola.EvaluateClasses(c.Gold, c.Pred)
			if err != nil || len(m) != 1 || m[0].Name != "mcc" {
				t.Fatalf("%s: CoLA: %v, %v", c.Name, m, err)
			}
			checkMetric(t, c.Name+": CoLA mcc", m[0].Value, c.MCC)
		}
		m, err := task.EvaluateClasses(c.Gold, c.Pred)
		if err != nil || len(m) != len(want) {
			t.Fatalf("%s: %s: %v, %v", c.Name, task, m, err)
		}
		for i, w := range want {
			if m[i].Name != task.Metrics[i] {
				t.Errorf("%s: metric %d is %q, want %q", task, i, m[i].Name, task.Metrics[i])
			}
			checkMetric(t, c.Name+": "+task.Name+" "+m[i].Name, m[i].Value, w)
		}
	}
	stsb := mustTask(t, "STS-B")
	for _, c := range ref.Scores {
		var gold, pred []float64
		for i := range c.Gold {
			gold = append(gold, c.Gold[i].float(t))
			pred = append(pred, c.Pred[i].float(t))
		}
		checkMetric(t, c.Name+": Pearson", Pearson(pred, gold), c.Pearson)
		checkMetric(t, c.Name+": Spearman", Spearman(pred, gold), c.Spearmanr)
		// Both are symmetric.
		checkMetric(t, c.Name+": Pearson(gold, pred)", Pearson(gold, pred), c.Pearson)
		checkMetric(t, c.Name+": Spearman(gold, pred)", Spearman(gold, pred), c.Spearmanr)
		m, err := stsb.EvaluateScores(gold, pred)
		if err != nil || len(m) != 3 {
			t.Fatalf("%s: STS-B: %v, %v", c.Name, m, err)
		}
		corr := c.Corr
		if corr == "" { // the reference raised: the mean of a NaN is NaN
			corr = "nan"
		}
		for i, w := range []refValue{c.Pearson, c.Spearmanr, corr} {
			if m[i].Name != stsb.Metrics[i] {
				t.Errorf("STS-B: metric %d is %q, want %q", i, m[i].Name, stsb.Metrics[i])
			}
			checkMetric(t, c.Name+": STS-B "+m[i].Name, m[i].Value, w)
		}
	}
}

// TestMatthewsBinaryFormula checks MatthewsCorr on two classes against the
// textbook formula (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
func TestMatthewsBinaryFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(50)
		gold, pred := make([]int, n), make([]int, n)
		var tp, tn, fp, fn float64
		for i := range gold {
			gold[i], pred[i] = rng.IntN(2), rng.IntN(2)
			switch {
			case gold[i] == 1 && pred[i] == 1:
				tp++
			case gold[i] == 0 && pred[i] == 0:
				tn++
			case pred[i] == 1:
				fp++
			default:
				fn++
			}
		}
		want := 0.0
		if d := (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn); d != 0 {
			want = (tp*tn - fp*fn) / math.Sqrt(d)
		}
		if got := MatthewsCorr(gold, pred); !close(got, want) {
			t.Fatalf("gold %v pred %v: MatthewsCorr = %v, want %v", gold, pred, got, want)
		}
		// F1 against its definition from precision and recall.
		wantF1 := 0.0
		if tp > 0 {
			p, r := tp/(tp+fp), tp/(tp+fn)
			wantF1 = 2 * p * r / (p + r)
		}
		if got := F1(gold, pred, 1); !close(got, wantF1) {
			t.Fatalf("gold %v pred %v: F1 = %v, want %v", gold, pred, got, wantF1)
		}
	}
}

// TestCorrelationInvariants checks that Pearson is unchanged by affine maps
// and Spearman by increasing maps, and that Spearman without ties is
// 1 − 6 Σd² / (n(n²−1)).
func TestCorrelationInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 100; trial++ {
		n := 3 + rng.IntN(40)
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
			y[i] = x[i] + rng.NormFloat64()
		}
		p, s := Pearson(x, y), Spearman(x, y)
		ax, cube := make([]float64, n), make([]float64, n)
		for i := range x {
			ax[i] = 3*x[i] - 7
			cube[i] = math.Exp(x[i])
		}
		if got := Pearson(ax, y); math.Abs(got-p) > 1e-12 {
			t.Errorf("Pearson(3x−7, y) = %v, Pearson(x, y) = %v", got, p)
		}
		if got := Spearman(cube, y); math.Abs(got-s) > 1e-12 {
			t.Errorf("Spearman(exp x, y) = %v, Spearman(x, y) = %v", got, s)
		}
		rx, ry := ranks(x), ranks(y)
		d2 := 0.0
		for i := range rx {
			d2 += (rx[i] - ry[i]) * (rx[i] - ry[i])
		}
		fn := float64(n)
		if want := 1 - 6*d2/(fn*(fn*fn-1)); math.Abs(s-want) > 1e-12 {
			t.Errorf("Spearman = %v, want %v", s, want)
		}
	}
}

func TestRanks(t *testing.T) {
	got := ranks([]float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5})
	want := []float64{4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranks = %v, want %v", got, want)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	mrpc, stsb, mnli := mustTask(t, "MRPC"), mustTask(t, "STS-B"), mustTask(t, "MNLI")
	for name, err := range map[string]error{
		"classes of a regression task": func() error { _, err := stsb.EvaluateClasses([]int{0}, []int{0}); return err }(),
		"scores of a classifier":       func() error { _, err := mrpc.EvaluateScores([]float64{0}, []float64{0}); return err }(),
		"lengths":                      func() error { _, err := mrpc.EvaluateClasses([]int{0, 1}, []int{0}); return err }(),
		"score lengths":                func() error { _, err := stsb.EvaluateScores([]float64{0, 1}, []float64{0}); return err }(),
		"unlabeled gold":               func() error { _, err := mrpc.EvaluateClasses([]int{0, -1}, []int{0, 1}); return err }(),
		"class out of range":           func() error { _, err := mrpc.EvaluateClasses([]int{0, 1}, []int{0, 2}); return err }(),
		"MNLI class 3":                 func() error { _, err := mnli.EvaluateClasses([]int{3}, []int{0}); return err }(),
		"unlabeled gold score":         func() error { _, err := stsb.EvaluateScores([]float64{1, math.NaN()}, []float64{0, 1}); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if m, err := mnli.EvaluateClasses([]int{0, 1, 2, 2}, []int{0, 1, 2, 1}); err != nil || len(m) != 1 || m[0] != (Metric{"acc", 0.75}) {
		t.Errorf("MNLI: %v, %v", m, err)
	}
}

func TestMetricsPanicOnLengths(t *testing.T) {
	for name, f := range map[string]func(){
		"Accuracy":     func() { Accuracy([]int{1}, nil) },
		"F1":           func() { F1([]int{1}, nil, 1) },
		"MatthewsCorr": func() { MatthewsCorr(nil, []int{1}) },
		"Pearson":      func() { Pearson([]float64{1, 2, 3}, []float64{1, 2}) },
		"Spearman":     func() { Spearman([]float64{1, 2, 3}, []float64{1, 2}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
