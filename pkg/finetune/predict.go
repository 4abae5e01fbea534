package finetune

import (
	"context"
	"fmt"
	"slices"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// PredictSQuAD answers the questions of examples with the question-answering
// model p: features as cfg says, the model's start and end logits over each
// whole padded window, and run_squad.py's decoding as pred says. It also
// returns the features, whose count is the number of sequences run.
func PredictSQuAD(ctx context.Context, p *bert.Params, tok *wordpiece.Tokenizer, examples []squad.Example,
	cfg squad.FeatureConfig, pred squad.PredictConfig, batchSize int) ([]squad.Prediction, []squad.Feature, error) {
	if p.Config.Head != bert.QuestionAnswering {
		return nil, nil, fmt.Errorf("squad: the model is a %s, not a %s", p.Config.Head, bert.QuestionAnswering)
	}
	feats, err := squad.Features(examples, tok, cfg, false)
	if err != nil {
		return nil, nil, err
	}
	starts, ends := make([][]float32, len(feats)), make([][]float32, len(feats))
	err = trainer.Predict(ctx, p, SQuAD(feats, cfg.SeqLen), batchSize, func(idx []int, m *bert.Model) error {
		s, e := m.SpanLogits()
		t := cfg.SeqLen
		for i, k := range idx {
			starts[k], ends[k] = slices.Clone(s[i*t:][:t]), slices.Clone(e[i*t:][:t])
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	preds, err := squad.Predict(examples, feats, starts, ends, tok, pred)
	return preds, feats, err
}

// GLUEPrediction is a model's output for the examples of a GLUE file: the
// arg-max class of each, or for STS-B its score.
type GLUEPrediction struct {
	Classes []int
	Scores  []float64
}

// PredictGLUE runs the classification model p over examples of task,
// turned into features of at most seqLen tokens.
func PredictGLUE(ctx context.Context, p *bert.Params, tok *wordpiece.Tokenizer, task *glue.Task, examples []glue.Example,
	seqLen, batchSize int) (*GLUEPrediction, error) {
	if p.Config.Head != bert.SequenceClassification || p.Config.NumLabels != task.NumLabels() {
		return nil, fmt.Errorf("glue: %s needs a %s with %d labels, the model is a %s with %d", task.Name,
			bert.SequenceClassification, task.NumLabels(), p.Config.Head, p.Config.NumLabels)
	}
	feats, err := glue.Features(examples, tok, seqLen)
	if err != nil {
		return nil, err
	}
	nl := task.NumLabels()
	out := &GLUEPrediction{}
	if task.Regression() {
		out.Scores = make([]float64, len(feats))
	} else {
		out.Classes = make([]int, len(feats))
	}
	err = trainer.Predict(ctx, p, GLUE(feats, seqLen, task.Regression()), batchSize, func(idx []int, m *bert.Model) error {
		logits := m.ClassLogits()
		for i, k := range idx {
			row := logits[i*nl:][:nl]
			if out.Scores != nil {
				out.Scores[k] = float64(row[0])
			} else {
				out.Classes[k] = argmax(row)
			}
		}
		return nil
	})
	return out, err
}

// EvaluateGLUE returns task's official metrics of pred against the gold
// labels or scores of examples.
func EvaluateGLUE(task *glue.Task, examples []glue.Example, pred *GLUEPrediction) ([]glue.Metric, error) {
	if task.Regression() {
		gold := make([]float64, len(examples))
		for i, e := range examples {
			gold[i] = e.Score
		}
		return task.EvaluateScores(gold, pred.Scores)
	}
	gold := make([]int, len(examples))
	for i, e := range examples {
		gold[i] = e.Label
	}
	return task.EvaluateClasses(gold, pred.Classes)
}

// argmax returns the index of the first largest value of xs, as
// numpy.argmax does.
func argmax(xs []float32) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}
