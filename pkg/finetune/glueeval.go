package finetune

import (
	"context"
	"fmt"
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

// GLUEResult is the evaluation of one dev file.
type GLUEResult struct {
	File     string             `json:"file"`
	Examples int                `json:"examples"`
	Metrics  map[string]float64 `json:"metrics"`
	Order    []string           `json:"-"` // the metric names in the task's order
}

// EvaluateGLUEFile runs p over the GLUE file at path and returns the
// task's official metrics on it; the file must have labels.
func EvaluateGLUEFile(ctx context.Context, p *bert.Params, tok *wordpiece.Tokenizer, task *glue.Task, path string,
	seqLen, batchSize int) (*GLUEResult, error) {
	f, err := glue.ReadFile(task, path, glue.Options{})
	if err != nil {
		return nil, err
	}
	if !f.Labeled {
		return nil, fmt.Errorf("glue: %s has no labels to evaluate against", path)
	}
	pred, err := PredictGLUE(ctx, p, tok, task, f.Examples, seqLen, batchSize)
	if err != nil {
		return nil, err
	}
	ms, err := EvaluateGLUE(task, f.Examples, pred)
	if err != nil {
		return nil, fmt.Errorf("glue: %s: %w", path, err)
	}
	r := &GLUEResult{File: path, Examples: len(f.Examples), Metrics: map[string]float64{}}
	for _, m := range ms {
		r.Metrics[m.Name] = m.Value
		r.Order = append(r.Order, m.Name)
	}
	return r, nil
}
