package trainer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// MetricsName is the file of one JSON object per update (and per
// evaluation) in a training output directory.
const MetricsName = "metrics.jsonl"

// StepMetrics is one line of metrics.jsonl: the update's losses averaged
// over its micro-batches, and throughput over the update's wall time.
type StepMetrics struct {
	Phase       string  `json:"phase,omitempty"`
	Step        int64   `json:"step"`
	Loss        float64 `json:"loss"`
	MLMLoss     float64 `json:"mlm_loss"`
	NSPLoss     float64 `json:"nsp_loss"`
	MLMAccuracy float64 `json:"mlm_accuracy"`
	NSPAccuracy float64 `json:"nsp_accuracy"`
	LR          float64 `json:"lr"`
	GradNorm    float64 `json:"grad_norm"`
	SeqPerS     float64 `json:"seq_per_s"`
	TokensPerS  float64 `json:"tokens_per_s"`
	Elapsed     float64 `json:"elapsed_s"`
	Skipped     bool    `json:"skipped,omitempty"` // non-finite loss or gradient: no update
	Accuracy    float64 `json:"-"`                 // fine-tuning: see FineTuneMetrics
}

// FineTuneMetrics is one line of a fine-tuning run's metrics.jsonl: the
// head's loss, the fraction of sequences whose arg-max prediction is right
// (classification: the class; question answering: start and end), and
// throughput.
type FineTuneMetrics struct {
	Phase      string  `json:"phase,omitempty"`
	Step       int64   `json:"step"`
	Loss       float64 `json:"loss"`
	Accuracy   float64 `json:"accuracy"`
	LR         float64 `json:"lr"`
	GradNorm   float64 `json:"grad_norm"`
	SeqPerS    float64 `json:"seq_per_s"`
	TokensPerS float64 `json:"tokens_per_s"`
	Elapsed    float64 `json:"elapsed_s"`
	Skipped    bool    `json:"skipped,omitempty"`
}

// EvalMetrics is the line that an evaluation during training adds.
type EvalMetrics struct {
	Phase          string  `json:"phase,omitempty"`
	Step           int64   `json:"step"`
	EvalMLMLoss    float64 `json:"eval_mlm_loss"`
	EvalMLMAcc     float64 `json:"eval_mlm_accuracy"`
	EvalNSPLoss    float64 `json:"eval_nsp_loss"`
	EvalNSPAcc     float64 `json:"eval_nsp_accuracy"`
	EvalPerplexity float64 `json:"eval_mlm_perplexity"`
}

// metricsLog appends lines to metrics.jsonl.
type metricsLog struct {
	f    *os.File
	path string
}

// openMetrics opens path for appending after dropping every line whose
// step is above step: the updates a killed run logged after its last
// checkpoint are redone by the resumed run and logged again, once. A
// partial last line (a kill mid-write) is dropped too, and with dropEval
// the evaluation lines at step, which the caller is about to write again.
func openMetrics(path string, step int64, dropEval bool) (*metricsLog, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var rec struct {
			Step *int64   `json:"step"`
			Eval *float64 `json:"eval_mlm_loss"`
		}
		if json.Unmarshal(line, &rec) != nil || rec.Step == nil || *rec.Step > step ||
			dropEval && rec.Eval != nil && *rec.Step == step {
			continue
		}
		keep.Write(line)
		keep.WriteByte('\n')
	}
	if keep.Len() != len(data) {
		if err := os.WriteFile(path, keep.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return &metricsLog{f: f, path: path}, nil
}

// write appends v, a flat struct, as one JSON line; non-finite numbers
// are written as null (JSON has no NaN), so that the file stays readable
// after a bad step.
func (l *metricsLog) write(v any) error {
	b, err := finiteJSON(v)
	if err != nil {
		return fmt.Errorf("metrics %s: %w", l.path, err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("metrics %s: %w", l.path, err)
	}
	return nil
}

func (l *metricsLog) sync() error  { return l.f.Sync() }
func (l *metricsLog) close() error { return l.f.Close() }

// finiteJSON encodes the flat struct v as encoding/json does (field
// order, json tags, omitempty), except that NaN and ±Inf become null where
// encoding/json would refuse them.
func finiteJSON(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	buf := []byte{'{'}
	for i := range rt.NumField() {
		name, opts, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		f := rv.Field(i)
		if name == "-" || opts == "omitempty" && f.IsZero() {
			continue
		}
		x := f.Interface()
		if f.Kind() == reflect.Float64 && (math.IsNaN(f.Float()) || math.IsInf(f.Float(), 0)) {
			x = nil
		}
		val, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendQuote(buf, name)
		buf = append(append(buf, ':'), val...)
	}
	return append(buf, '}'), nil
}
