package plot

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadMetrics(t *testing.T) {
	in := `{"step":10,"loss":7.1,"mlm_loss":6.4,"lr":0.0001,"phase":"phase1","ok":true,"grad_norm":null}
{"step":20,"loss":6.5,"mlm_loss":5.9,"lr":0.0002,"phase":"phase1"}

{"step":20,"eval_mlm_accuracy":0.2,"eval_mlm_loss":5.0}
{"step":30,"loss":"NaN","mlm_loss":5.5,"lr":0.0003,"extra":{"a":1}}
{"step":40,"loss":"-Inf","unknown_field":3}
`
	m, err := ReadMetrics(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2][]float64{
		"loss":              {{10, 20, 30, 40}, {7.1, 6.5, math.NaN(), math.Inf(-1)}},
		"mlm_loss":          {{10, 20, 30}, {6.4, 5.9, 5.5}},
		"lr":                {{10, 20, 30}, {0.0001, 0.0002, 0.0003}},
		"eval_mlm_accuracy": {{20}, {0.2}},
		"eval_mlm_loss":     {{20}, {5.0}},
		"unknown_field":     {{40}, {3}},
	}
	checkSeries(t, m, want)
}

// checkSeries compares m with want (name → X, Y); NaN equals NaN.
func checkSeries(t *testing.T, m map[string]Series, want map[string][2][]float64) {
	t.Helper()
	if len(m) != len(want) {
		var names []string
		for n := range m {
			names = append(names, n)
		}
		slices.Sort(names)
		t.Errorf("got series %q, want %d series", names, len(want))
	}
	same := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
	}
	for name, w := range want {
		s, ok := m[name]
		if !ok {
			t.Errorf("no series %q", name)
			continue
		}
		if s.Name != name || !same(s.X, w[0]) || !same(s.Y, w[1]) {
			t.Errorf("series %q = %q %v %v, want %v %v", name, s.Name, s.X, s.Y, w[0], w[1])
		}
	}
}

func TestReadMetricsPartialLastLine(t *testing.T) {
	for _, tail := range []string{`{"step":30,"loss":6.`, `{"st`, `{`, ``} {
		in := "{\"step\":10,\"loss\":7}\n{\"step\":20,\"loss\":6.5}\n" + tail
		m, err := ReadMetrics(strings.NewReader(in))
		if err != nil {
			t.Errorf("tail %q: %v", tail, err)
			continue
		}
		checkSeries(t, m, map[string][2][]float64{"loss": {{10, 20}, {7, 6.5}}})
	}
	// A complete last line without a newline counts.
	m, err := ReadMetrics(strings.NewReader("{\"step\":10,\"loss\":7}\n{\"step\":20,\"loss\":6.5}"))
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, m, map[string][2][]float64{"loss": {{10, 20}, {7, 6.5}}})
}

func TestReadMetricsBadLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{\"step\":10,\"loss\":7}\n{\"step\":20,\"loss\n{\"step\":30,\"loss\":6}\n", "line 2"},
		{"{\"step\":10,\"loss\":7}\n{\"step\":20,\"loss\":6.5\n", "line 2"}, // cut, but the newline was written
		{"{\"step\":10}\n\n{\"loss\":7}\n", `line 3: no finite number "step"`},
		{"{\"step\":\"ten\",\"loss\":7}\n", `line 1: no finite number "step"`},
		{"{\"step\":\"NaN\",\"loss\":7}\n", `line 1: no finite number "step"`},
		{"[1,2]\n", "line 1"},
		{"null\n", "line 1: not a JSON object"},
	} {
		_, err := ReadMetrics(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadMetrics(%q) error = %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}

func TestReadMetricsResume(t *testing.T) {
	// A run killed after step 40 resumes from its step-20 checkpoint: the
	// steps after 20 are written again and replace the first attempt's.
	in := `{"step":10,"loss":9}
{"step":20,"loss":8}
{"step":30,"loss":7}
{"step":30,"eval_loss":7.5}
{"step":40,"loss":6}
{"step":30,"loss":7.2}
{"step":35,"loss":6.9}
{"step":40,"eval_loss":6.5}
`
	m, err := ReadMetrics(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, m, map[string][2][]float64{
		"loss":      {{10, 20, 30, 35}, {9, 8, 7.2, 6.9}},
		"eval_loss": {{30, 40}, {7.5, 6.5}},
	})
}

func TestReadMetricsFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "metrics.jsonl")
	if err := os.WriteFile(name, []byte("{\"step\":1,\"loss\":2}\nnot json\n{\"step\":2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadMetricsFile(name)
	if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ReadMetricsFile error = %v, want one naming %s and line 2", err, name)
	}
	if _, err := ReadMetricsFile(filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("ReadMetricsFile of a missing file: no error")
	}
}

// A fine-tuning run's metrics get one accuracy panel.
func TestTrainingPanelsFineTuning(t *testing.T) {
	m := map[string]Series{}
	for _, n := range []string{"loss", "accuracy", "lr", "grad_norm"} {
		m[n] = Series{Name: n, X: []float64{1}, Y: []float64{1}}
	}
	var titles []string
	for _, p := range TrainingPanels(m) {
		titles = append(titles, p.Title)
		if p.Title == "Accuracy" && (len(p.Series) != 1 || p.Series[0].Name != "accuracy") {
			t.Errorf("accuracy panel %+v", p.Series)
		}
	}
	if want := []string{"Loss", "Accuracy", "Learning rate", "Throughput", "Gradient norm"}; !slices.Equal(titles, want) {
		t.Errorf("panels %q, want %q", titles, want)
	}
}

func TestTrainingPanels(t *testing.T) {
	s := func(name string) Series { return Series{Name: name, X: []float64{1}, Y: []float64{1}} }
	m := map[string]Series{}
	for _, n := range []string{"loss", "mlm_loss", "nsp_loss", "eval_mlm_loss", "eval_zz_loss", "eval_aa_loss",
		"mlm_accuracy", "eval_mlm_accuracy", "eval_nsp_accuracy", "lr", "seq_per_s", "tokens_per_s", "elapsed_s"} {
		m[n] = s(n)
	}
	want := [][]string{
		{"Loss", "loss", "mlm_loss", "nsp_loss", "eval_mlm_loss", "eval_aa_loss", "eval_zz_loss"},
		{"MLM accuracy", "mlm_accuracy", "eval_mlm_accuracy"},
		{"NSP accuracy", "eval_nsp_accuracy"},
		{"Learning rate", "lr"},
		{"Throughput", "seq_per_s"},
		{"Gradient norm"},
	}
	panels := TrainingPanels(m)
	if len(panels) != len(want) {
		t.Fatalf("%d panels, want %d", len(panels), len(want))
	}
	for i, p := range panels {
		got := []string{p.Title}
		for _, s := range p.Series {
			got = append(got, s.Name)
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("panel %d = %q, want %q", i, got, want[i])
		}
		if p.XLabel != "step" || p.YLabel == "" {
			t.Errorf("panel %q: labels %q, %q", p.Title, p.XLabel, p.YLabel)
		}
	}
}
