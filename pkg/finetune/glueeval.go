package finetune

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// GLUETaskDir returns the directory holding task's files under data: the
// task's own directory, as 'fetch glue' lays them out (data/MRPC/train.tsv),
// or data itself when it holds the task's training file.
func GLUETaskDir(data string, task *glue.Task) (string, error) {
	for _, dir := range []string{filepath.Join(data, task.Name), data} {
		if _, err := os.Stat(filepath.Join(dir, task.Train)); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("glue: neither %s nor %s holds %s's %s", filepath.Join(data, task.Name), data, task.Name, task.Train)
}

// GLUEResult is a model's output on one GLUE file and, when the file has
// labels, the task's official metrics.
type GLUEResult struct {
	File       string             `json:"file"`
	Examples   int                `json:"examples"`
	Metrics    map[string]float64 `json:"metrics,omitempty"`
	Order      []string           `json:"-"` // the metric names in the task's order
	Prediction *GLUEPrediction    `json:"-"`
}

// EvaluateGLUEFile runs p over the GLUE file at path and returns its
// predictions and, for a file with labels (train and dev files), the
// task's official metrics on it.
func EvaluateGLUEFile(ctx context.Context, p *bert.Params, tok *wordpiece.Tokenizer, task *glue.Task, path string,
	seqLen, batchSize int) (*GLUEResult, error) {
	f, err := glue.ReadFile(task, path, glue.Options{})
	if err != nil {
		return nil, err
	}
	pred, err := PredictGLUE(ctx, p, tok, task, f.Examples, seqLen, batchSize)
	if err != nil {
		return nil, err
	}
	r := &GLUEResult{File: path, Examples: len(f.Examples), Prediction: pred}
	if !f.Labeled {
		return r, nil
	}
	ms, err := EvaluateGLUE(task, f.Examples, pred)
	if err != nil {
		return nil, fmt.Errorf("glue: %s: %w", path, err)
	}
	r.Metrics = map[string]float64{}
	for _, m := range ms {
		r.Metrics[m.Name] = m.Value
		r.Order = append(r.Order, m.Name)
	}
	return r, nil
}

// WriteGLUEPredictions writes pred as the GLUE benchmark's submission files
// are written: a header "index\tprediction", then one row per example in
// file order, its index from 0 and its label as the task's files write it
// ("entailment", "1"), or for STS-B its score with three decimals.
func WriteGLUEPredictions(w io.Writer, task *glue.Task, pred *GLUEPrediction) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "index\tprediction\n")
	if pred.Scores != nil {
		for i, s := range pred.Scores {
			fmt.Fprintf(bw, "%d\t%.3f\n", i, s)
		}
	} else {
		for i, c := range pred.Classes {
			fmt.Fprintf(bw, "%d\t%s\n", i, task.Labels[c])
		}
	}
	return bw.Flush()
}
