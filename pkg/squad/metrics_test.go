package squad

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// golden is testdata/metrics/golden.json, written by
// testdata/gen/squad_metrics_ref.py from the official definitions.
type golden struct {
	Pairs []struct {
		Gold     string  `json:"gold"`
		Pred     string  `json:"pred"`
		NormGold string  `json:"norm_gold"`
		NormPred string  `json:"norm_pred"`
		Exact    int     `json:"exact"`
		F1V1     float64 `json:"f1_v1"`
		F1V2     float64 `json:"f1_v2"`
	} `json:"pairs"`
	V1 struct {
		Result map[string]float64                     `json:"result"`
		Scores map[string]struct{ Exact, F1 float64 } `json:"scores"`
	} `json:"v1"`
	V2 []struct {
		Odds   bool                                   `json:"odds"`
		Thresh float64                                `json:"thresh"`
		Result map[string]float64                     `json:"result"`
		Scores map[string]struct{ Exact, F1 float64 } `json:"scores"`
	} `json:"v2"`
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	data, err := os.ReadFile("testdata/metrics/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

func TestMetricPairsMatchReference(t *testing.T) {
	g := loadGolden(t)
	if len(g.Pairs) < 40 {
		t.Fatalf("golden has %d pairs", len(g.Pairs))
	}
	for _, c := range g.Pairs {
		if got := Normalize(c.Gold); got != c.NormGold {
			t.Errorf("Normalize(%q) = %q, want %q", c.Gold, got, c.NormGold)
		}
		if got := Normalize(c.Pred); got != c.NormPred {
			t.Errorf("Normalize(%q) = %q, want %q", c.Pred, got, c.NormPred)
		}
		if got := Exact(c.Gold, c.Pred); got != (c.Exact == 1) {
			t.Errorf("Exact(%q, %q) = %v, want %d", c.Gold, c.Pred, got, c.Exact)
		}
		if got := F1(c.Gold, c.Pred); got != c.F1V1 {
			t.Errorf("F1(%q, %q) = %v, want %v", c.Gold, c.Pred, got, c.F1V1)
		}
		if got := F1V2(c.Gold, c.Pred); got != c.F1V2 {
			t.Errorf("F1V2(%q, %q) = %v, want %v", c.Gold, c.Pred, got, c.F1V2)
		}
	}
}

func mustLoad(t *testing.T, path string, training bool) *Dataset {
	t.Helper()
	ds, err := Load(path, training)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// resultMap turns a result into the map its JSON gives, as the golden holds
// the script's output.
func resultMap(t *testing.T, r any) map[string]float64 {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func TestEvaluateV1MatchesReference(t *testing.T) {
	g := loadGolden(t)
	ds := mustLoad(t, "testdata/metrics/v1_data.json", false)
	preds, err := LoadPredictions("testdata/metrics/v1_pred.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := EvaluateV1(ds.Examples, preds)
	if err != nil {
		t.Fatal(err)
	}
	if got := resultMap(t, r); !reflect.DeepEqual(got, g.V1.Result) {
		t.Errorf("result %v, want %v", got, g.V1.Result)
	}
	if r.Total != 9 || !reflect.DeepEqual(r.Missing, []string{"q4"}) {
		t.Errorf("total %d, missing %v; want 9, [q4]", r.Total, r.Missing)
	}
	if len(r.Scores) != len(g.V1.Scores) {
		t.Errorf("%d scores, want %d", len(r.Scores), len(g.V1.Scores))
	}
	for _, s := range r.Scores {
		if w := g.V1.Scores[s.ID]; s.Exact != w.Exact || s.F1 != w.F1 {
			t.Errorf("%s: exact %v f1 %v, want %v %v", s.ID, s.Exact, s.F1, w.Exact, w.F1)
		}
	}
}

func TestEvaluateV2MatchesReference(t *testing.T) {
	g := loadGolden(t)
	ds := mustLoad(t, "testdata/metrics/v2_data.json", false)
	preds, err := LoadPredictions("testdata/metrics/v2_pred.json")
	if err != nil {
		t.Fatal(err)
	}
	odds, err := LoadNullOdds("testdata/metrics/v2_odds.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.V2) != 5 {
		t.Fatalf("golden has %d v2 runs", len(g.V2))
	}
	for _, run := range g.V2 {
		var na []Odds
		if run.Odds {
			na = odds
		}
		r, err := EvaluateV2(ds.Examples, preds, na, run.Thresh)
		if err != nil {
			t.Fatal(err)
		}
		if got := resultMap(t, r); !reflect.DeepEqual(got, run.Result) {
			t.Errorf("odds %v thresh %v: result\n%v\nwant\n%v", run.Odds, run.Thresh, got, run.Result)
		}
		for _, s := range r.Scores {
			if w := run.Scores[s.ID]; s.Exact != w.Exact || s.F1 != w.F1 {
				t.Errorf("%s: exact %v f1 %v, want %v %v", s.ID, s.Exact, s.F1, w.Exact, w.F1)
			}
		}
	}
}

// The sweep breaks ties in null odds by the order of the odds file, not of
// the dataset: n4 and a5 share 0.25, and only a5 first reaches 6 of 11.
func TestBestThresholdTieOrder(t *testing.T) {
	ds := mustLoad(t, "testdata/metrics/v2_data.json", false)
	preds, _ := LoadPredictions("testdata/metrics/v2_pred.json")
	odds, _ := LoadNullOdds("testdata/metrics/v2_odds.json")
	r, err := EvaluateV2(ds.Examples, preds, odds, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Best.Exact != 100*6.0/11 || r.Best.ExactThresh != 0.25 {
		t.Errorf("best exact %v at %v, want %v at 0.25", r.Best.Exact, r.Best.ExactThresh, 100*6.0/11)
	}
	var swapped []Odds
	for _, o := range odds {
		switch o.ID {
		case "a5":
			swapped = append(swapped, Odds{"n4", o.Value})
		case "n4":
			swapped = append(swapped, Odds{"a5", o.Value})
		default:
			swapped = append(swapped, o)
		}
	}
	r, err = EvaluateV2(ds.Examples, preds, swapped, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Best.Exact != 100*5.0/11 || r.Best.ExactThresh != -3.25 {
		t.Errorf("odds order n4, a5: best exact %v at %v, want %v at -3.25", r.Best.Exact, r.Best.ExactThresh, 100*5.0/11)
	}
}

func TestEvaluateErrors(t *testing.T) {
	v2 := mustLoad(t, "testdata/metrics/v2_data.json", false)
	preds, _ := LoadPredictions("testdata/metrics/v2_pred.json")
	if _, err := EvaluateV1(v2.Examples, preds); err == nil {
		t.Error("EvaluateV1 scored unanswerable questions")
	}
	delete(preds, "a3")
	if _, err := EvaluateV2(v2.Examples, preds, nil, 1); err == nil {
		t.Error("EvaluateV2 accepted a missing prediction")
	}
	preds["a3"] = ""
	if _, err := EvaluateV2(v2.Examples, preds, []Odds{{"a1", 0}}, 1); err == nil {
		t.Error("EvaluateV2 accepted null odds without every question")
	}
	if _, err := EvaluateV1(nil, preds); err == nil {
		t.Error("EvaluateV1 accepted no questions")
	}
}

func TestResultJSON(t *testing.T) {
	b, _ := json.Marshal(V1Result{ExactMatch: 80, F1: 88.12345})
	if string(b) != `{"exact_match":80.0,"f1":88.12345}` {
		t.Errorf("v1: %s", b)
	}
	r := V2Result{Breakdown: Breakdown{50, 62.5, 4}, NoAns: &Breakdown{100, 100, 2},
		Best: &BestThresholds{75, -1.5, 80, 0.25}}
	b, _ = json.Marshal(r)
	want := `{"exact":50.0,"f1":62.5,"total":4,"NoAns_exact":100.0,"NoAns_f1":100.0,"NoAns_total":2,` +
		`"best_exact":75.0,"best_exact_thresh":-1.5,"best_f1":80.0,"best_f1_thresh":0.25}`
	if string(b) != want {
		t.Errorf("v2:\n%s\nwant\n%s", b, want)
	}
}

func TestPyLower(t *testing.T) {
	for in, want := range map[string]string{
		"ΟΔΟΣ":      "οδος",
		"ΟΔΟΣ ΟΔΟΣ": "οδος οδος",
		"Σ":         "σ",
		"ΑΣ.Β":      "ασ.β",
		"ΑΣ. Β":     "ας. β",
		"ΑΣ\u0301":  "ας\u0301",
		"ΑΣ'Β":      "ασ'β",
		"İx":        "i\u0307x",
		"ÀÉÎ":       "àéî",
		"ABC":       "abc",
	} {
		if got := pyLower(in); got != want {
			t.Errorf("pyLower(%q) = %q, want %q", in, got, want)
		}
	}
}
