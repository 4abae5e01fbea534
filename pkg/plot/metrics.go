package plot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Series is one curve: Y[i] at X[i]. A NaN or ±Inf in either leaves a gap.
type Series struct {
	Name string
	X, Y []float64
}

// ReadMetrics reads a metrics.jsonl stream and returns one series per
// numeric field, named after the field, over the record's "step".
//
// Fields that are not numbers (such as "phase") are ignored, and so is null;
// the strings "NaN", "Inf", "+Inf" and "-Inf" stand for the values JSON
// cannot hold, so a diverged loss shows as a gap. A record without a field
// adds no point to that series. When a series' step does not increase (a run
// resumed from an earlier checkpoint), its points at that step and later are
// replaced by the new ones. Blank lines are skipped. A last line without a
// newline that does not parse is the partial write of a killed run and is
// ignored; any other bad line is an error naming its line number.
func ReadMetrics(r io.Reader) (map[string]Series, error) {
	br := bufio.NewReader(r)
	series := map[string]*Series{}
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("plot: reading metrics line %d: %w", n, err)
		}
		last := err == io.EOF
		if text := bytes.TrimSpace(line); len(text) > 0 {
			if perr := addRecord(series, text); perr != nil {
				if last {
					break // partial final line of a killed run
				}
				return nil, fmt.Errorf("plot: metrics line %d: %w", n, perr)
			}
		}
		if last {
			break
		}
	}
	out := make(map[string]Series, len(series))
	for name, s := range series {
		out[name] = *s
	}
	return out, nil
}

// ReadMetricsFile is ReadMetrics on the named file; errors name the file.
func ReadMetricsFile(name string) (map[string]Series, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	defer f.Close()
	m, err := ReadMetrics(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// addRecord parses one JSON object and appends its numeric fields to series.
// Nothing is added unless the whole line parses.
func addRecord(series map[string]*Series, text []byte) error {
	var rec map[string]any
	if err := json.Unmarshal(text, &rec); err != nil {
		return err
	}
	if rec == nil {
		return errors.New("not a JSON object")
	}
	step, ok := number(rec["step"])
	if !ok || math.IsNaN(step) || math.IsInf(step, 0) {
		return errors.New(`no finite number "step"`)
	}
	for name, v := range rec {
		y, ok := number(v)
		if !ok || name == "step" {
			continue
		}
		s := series[name]
		if s == nil {
			s = &Series{Name: name}
			series[name] = s
		}
		if n := len(s.X); n > 0 && step <= s.X[n-1] {
			keep := sort.SearchFloat64s(s.X, step) // X is increasing
			s.X, s.Y = s.X[:keep], s.Y[:keep]
		}
		s.X = append(s.X, step)
		s.Y = append(s.Y, y)
	}
	return nil
}

// number returns the value of a JSON number, or of the strings that stand
// for NaN and ±Inf.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		switch strings.ToLower(v) {
		case "nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity":
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TrainingPanels arranges the standard figure of a pretraining run: losses
// (loss, mlm_loss, nsp_loss and the eval losses), MLM accuracy and NSP
// accuracy (train and eval), learning rate, throughput (seq_per_s) and
// gradient norm. Every panel is present, so the layout does not change as a
// run goes on; a panel whose fields are missing says "no data". A
// fine-tuning run (an "accuracy" field and no "mlm_accuracy") gets one
// accuracy panel in place of the two.
func TrainingPanels(m map[string]Series) []Panel {
	pick := func(names ...string) []Series {
		var out []Series
		for _, n := range names {
			if s, ok := m[n]; ok {
				out = append(out, s)
			}
		}
		return out
	}
	losses := []string{"loss", "mlm_loss", "nsp_loss", "eval_loss", "eval_mlm_loss", "eval_nsp_loss"}
	var extra []string
	for name := range m {
		if strings.HasPrefix(name, "eval_") && strings.HasSuffix(name, "loss") && !slices.Contains(losses, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	accuracy := []Panel{
		{Title: "MLM accuracy", XLabel: "step", YLabel: "accuracy", Series: pick("mlm_accuracy", "eval_mlm_accuracy")},
		{Title: "NSP accuracy", XLabel: "step", YLabel: "accuracy", Series: pick("nsp_accuracy", "eval_nsp_accuracy")},
	}
	_, pretraining := m["mlm_accuracy"]
	if _, fineTuning := m["accuracy"]; fineTuning && !pretraining {
		accuracy = []Panel{{Title: "Accuracy", XLabel: "step", YLabel: "accuracy", Series: pick("accuracy")}}
	}
	return append(append([]Panel{
		{Title: "Loss", XLabel: "step", YLabel: "loss", Series: pick(append(losses, extra...)...)}}, accuracy...),
		Panel{Title: "Learning rate", XLabel: "step", YLabel: "lr", Series: pick("lr")},
		Panel{Title: "Throughput", XLabel: "step", YLabel: "sequences/s", Series: pick("seq_per_s")},
		Panel{Title: "Gradient norm", XLabel: "step", YLabel: "global L2 norm", Series: pick("grad_norm")},
	)
}
